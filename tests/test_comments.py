"""Comments and processing instructions are editors' asides: wherever they stand in any
input file, the books' reading text, notes, glossary and index stay exactly the same.
Checked on the rendered XHTML of the real edition, which both books are made from."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from helpers import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from makebook.merge import merge
from makebook.render.book import pages
from makebook.render.builder import Target
from makebook.sources.load import load

INPUTS = sorted(p.relative_to(ROOT) for folder in ("edition", "notes") for p in (ROOT / folder).glob("*.xml"))
ASIDES = ("<!-- editor: check this -->", "<!---->", "<?editor check date?>", "<!-- a <b>tag</b> & more -->")
# Character data between two pieces of markup: where a comment may stand.
_TEXT = re.compile(r"(?<=>)[^<]*(?=<)")


def book_text(root: Path) -> list[tuple[str, str]]:
    """Every page of the book as (page name, its text, footnotes and entries included)."""
    out = []
    for page in pages(merge(load(root)), Target("epub", lambda i: f"#{i}")):
        out.append((page.name, "".join(t for el in (page.section, *page.after) for t in el.itertext())))
    return out


BASELINE = book_text(ROOT)


def _slots(source: str) -> list[int]:
    return [m.start() + k for m in _TEXT.finditer(source) for k in range(len(m.group()) + 1)]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_comments_anywhere_change_nothing(data, tmp_path_factory):
    project = tmp_path_factory.mktemp("commented")
    for folder in ("edition", "notes"):
        shutil.copytree(ROOT / folder, project / folder)
    for rel in INPUTS:
        path = project / rel
        source = path.read_text(encoding="utf-8")
        slots = _slots(source)
        chosen = sorted(set(data.draw(st.lists(st.sampled_from(slots), min_size=1, max_size=12), label=str(rel))), reverse=True)
        for at in chosen:
            source = source[:at] + data.draw(st.sampled_from(ASIDES)) + source[at:]
        path.write_text(source, encoding="utf-8")
    assert book_text(project) == BASELINE


def test_a_comment_inside_a_note_keeps_the_words_after_it(tmp_path):
    project = tmp_path / "p"
    for folder in ("edition", "notes"):
        shutil.copytree(ROOT / folder, project / folder)
    notes = project / "notes" / "doyle-2009.xml"
    source = notes.read_text(encoding="utf-8")
    first_p = source.index("<p>") + len("<p>")
    words = source[first_p:first_p + 40].split()
    assert len(words) > 3
    cut = source.index(words[2], first_p)
    notes.write_text(source[:cut] + "<!-- editor: check date -->" + source[cut:], encoding="utf-8")
    assert book_text(project) == BASELINE
