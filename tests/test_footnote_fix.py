"""The correction to WeasyPrint's footnote placement: pinned, and doing what it says."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import weasyprint
from weasyprint import HTML
from weasyprint.layout import block

from makebook import STYLES
from makebook.writers import footnote_fix

# A 200px page; paragraph A (7 lines, the first raised by its call) calls a one-line note,
# which leaves room for one line of paragraph B: alone, an orphan.
FONT = sorted((STYLES / "fonts").glob("*Regular*"))[0].as_uri()  # the same face on any machine
PAGE = f"""<style>@font-face {{ font-family: Fixture; src: url("{FONT}"); }}
@page {{ size: 200px 200px; margin: 0; @footnote {{ margin: 0; padding: 0; }} }}
body {{ font: 10px Fixture; line-height: 20px; margin: 0; }}
p {{ margin: 0; orphans: 2; widows: 2; }} .fn {{ float: footnote; line-height: 20px; }}</style>
<p id="a">a<span class="fn" id="note">n</span><span id="call"></span>""" + "<br>a" * 6 + """</p>
<p id="b">b""" + "<br>b" * 3 + "</p>"

PAGES = "import sys; from weasyprint import HTML; d = HTML(string=sys.stdin.read()).render(); " \
        "print(*[sorted(k for k in p.anchors if k in ('a', 'b', 'note', 'call')) for p in d.pages], sep='|')"


def _pages_of(doc) -> str:
    return "|".join(str(sorted(k for k in p.anchors if k in ("a", "b", "note", "call"))) for p in doc.pages)


def test_the_patch_is_written_for_the_pinned_weasyprint():
    assert weasyprint.__version__ == footnote_fix.PINNED
    assert Path(block.__file__).read_text().count(footnote_fix.MOVES_NOTES) == 1


def test_unpatched_weasyprint_moves_the_note_off_its_page():
    out = subprocess.run([sys.executable, "-c", PAGES], input=PAGE, capture_output=True, text=True, check=True)
    first, second = out.stdout.strip().split("|")
    assert "'call'" in first and "'note'" in second  # the fault the patch corrects


def test_patched_layout_keeps_the_note_and_the_orphan_rule():
    footnote_fix.apply()
    first, second = _pages_of(HTML(string=PAGE).render()).split("|")
    assert "'call'" in first and "'note'" in first
    assert "'b'" not in first  # paragraph B went over whole rather than leave an orphan
