"""Real reading engines for tests and screenshots: foliate-js and epub.js (tools/reader,
installed by .ci/run with `npm ci --ignore-scripts --prefix tools/reader`) served over HTTP
with the book and driven in Debian's Chromium through Playwright (its own browser download is
not used)."""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

from helpers import ROOT

READER = ROOT / "tools" / "reader"
CHROMIUM = Path(os.environ.get("PUPPETEER_EXECUTABLE_PATH") or "/usr/bin/chromium")


def missing() -> list[str]:
    out = []
    for engine in ("foliate-js/view.js", "epubjs/dist/epub.min.js", "jszip/dist/jszip.min.js"):
        if not (READER / "node_modules" / engine).is_file():
            out.append(f"{engine.split('/')[0]} is not installed (npm ci --ignore-scripts --prefix tools/reader)")
    if not CHROMIUM.is_file():
        out.append(f"Chromium not found at {CHROMIUM}")
    try:
        import playwright  # noqa: F401
    except ImportError:
        out.append("Playwright for Python is not installed (uv sync)")
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(epub: Path, folder: Path):
    """Serve the reader and `epub` (as book.epub) from `folder` on a free local port."""
    shutil.copy(epub, folder / "book.epub")
    link = folder / "reader"
    if not link.exists():
        link.symlink_to(READER, target_is_directory=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@contextlib.contextmanager
def browser(fontconfig: str | None = os.environ.get("FONTCONFIG_FILE")):
    """Chromium, with the machine's fonts (`fontconfig`: its FONTCONFIG_FILE, None for the
    default): a reading system with no font at all lays nothing out."""
    from playwright.sync_api import sync_playwright

    env = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}
    if fontconfig:
        env["FONTCONFIG_FILE"] = fontconfig
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"], env=env)
        try:
            yield b
        finally:
            b.close()


def open_book(browser, base: str, width: int, height: int, theme: str = "light", columns: int = 1,
              engine: str = "foliate"):
    """A page with the book open in `engine` (foliate or epubjs: tools/reader/ENGINE.html) at
    this viewport; `reader` API ready."""
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/reader/{engine}.html?book=../book.epub&theme={theme}&columns={columns}")
    page.wait_for_function("window.reader !== undefined")
    page.evaluate("window.reader.ready")
    page.errors = errors
    return page
