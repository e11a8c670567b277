"""The same sources give byte-identical books, whatever the process (hash seed, clock)."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys

from helpers import ROOT
from test_pipeline import built  # noqa: F401  (the session build)


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_second_build_is_byte_identical(built, tmp_path):  # noqa: F811
    out = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": "12345", "TZ": "America/Lima"}
    cmd = [sys.executable, "-c", "from makebook.cli import main; main()", "--root", str(ROOT),
           "build", "--out", str(out), "--quiet"]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    for name in ("implosion-of-the-ussr.epub", "implosion-of-the-ussr.pdf"):
        assert _sha(out / name) == _sha(built / name), name
