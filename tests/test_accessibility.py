"""Ace by DAISY finds no accessibility violation in the built EPUB.

Ace (the pinned CLI in tools/ace, installed by .ci/run with
`npm ci --ignore-scripts --prefix tools/ace`) runs axe-core in a headless Chromium
through puppeteer; Debian's /usr/bin/chromium stands in for the browser that
puppeteer would download. Ace's puppeteer runner already launches it with
--no-sandbox, so it runs as root without further flags.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from helpers import ROOT
from test_pipeline import built  # noqa: F401  (the session build)

ACE_CLI = Path(os.environ.get("ACE_CLI") or ROOT / "tools" / "ace" / "node_modules" / "@daisy" / "ace-cli" / "bin" / "ace.js")
CHROMIUM = Path(os.environ.get("PUPPETEER_EXECUTABLE_PATH") or "/usr/bin/chromium")
ACE_TIMEOUT_S = 300  # Ace takes ~11 s here


def _missing() -> list[str]:
    missing = []
    if shutil.which("node") is None:
        missing.append("node is not on PATH")
    if not ACE_CLI.is_file():
        missing.append(f"Ace CLI not found at {ACE_CLI} (run `npm ci --ignore-scripts --prefix tools/ace` or set ACE_CLI)")
    if not CHROMIUM.is_file():
        missing.append(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set PUPPETEER_EXECUTABLE_PATH)")
    return missing


def _violations(report: dict) -> list[str]:
    """One line per failed assertion: rule id, impact, document, location, snippet."""
    lines = []
    for doc in report.get("assertions", []):
        url = doc.get("earl:testSubject", {}).get("url", "?")
        for a in doc.get("assertions", []):
            result = a.get("earl:result", {})
            if result.get("earl:outcome") != "fail":
                continue
            test = a.get("earl:test", {})
            pointer = result.get("earl:pointer") or {}
            where = "; ".join(pointer.get("css") or pointer.get("cfi") or []) or "-"
            snippet = " ".join((result.get("html") or "").split()).replace(' xmlns="http://www.w3.org/1999/xhtml"', "")
            lines.append(f"- {test.get('dct:title', '?')} [{test.get('earl:impact', '?')}] in {url} at {where}: "
                         f"{test.get('dct:description', '').strip()}"
                         + (f"\n    {snippet[:300]}" if snippet else f" ({result.get('dct:description', '').strip()})"))
    return lines


@pytest.fixture(scope="session")
def ace_report(request, tmp_path_factory) -> dict:
    missing = _missing()  # before the build, so that a skip costs nothing
    if missing:
        reason = "Ace by DAISY cannot run: " + "; ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(reason + " (.ci/run should have installed it)")
        pytest.skip(reason)
    epub = request.getfixturevalue("built") / "implosion-of-the-ussr.epub"
    out = tmp_path_factory.mktemp("ace")
    home = tmp_path_factory.mktemp("ace-home")  # keeps a user's Ace config out of the run
    env = {**os.environ,
           "PUPPETEER_EXECUTABLE_PATH": str(CHROMIUM),
           "ACE_TIMEOUT_INITIAL": "60000",  # Chromium start-up; Ace's 5 s default is tight on a busy machine
           **{f"XDG_{d}_HOME": str(home / d.lower()) for d in ("CONFIG", "DATA", "STATE", "CACHE")}}
    start = time.monotonic()
    try:
        result = subprocess.run(["node", str(ACE_CLI), "--force", "--outdir", str(out / "report"),
                                 str(epub)],
                                capture_output=True, text=True, env=env, timeout=ACE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"Ace did not finish within {ACE_TIMEOUT_S} s")
    print(f"Ace took {time.monotonic() - start:.1f} s")
    report_file = out / "report" / "report.json"
    assert result.returncode in (0, 2) and report_file.is_file(), \
        f"Ace failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}"
    return json.loads(report_file.read_text(encoding="utf-8"))


def test_ace_checked_every_content_document(ace_report, built):  # noqa: F811
    with zipfile.ZipFile(built / "implosion-of-the-ussr.epub") as z:
        xhtml = {Path(n).name for n in z.namelist() if n.endswith(".xhtml")}
    checked = {Path(doc.get("earl:testSubject", {}).get("url", "")).name for doc in ace_report.get("assertions", [])}
    assert xhtml <= checked, f"Ace did not check {sorted(xhtml - checked)}"


def test_ace_reports_no_violation(ace_report):
    violations = _violations(ace_report)
    if violations:
        pytest.fail(f"Ace reports {len(violations)} violation(s):\n" + "\n".join(violations), pytrace=False)
