"""Property tests of note anchoring, through the public API (load, merge, ErrorList).

A note is anchored to a random piece of the fixture's text as read (whole words or an
arbitrary slice), retyped with random typography (straight or curly quotes, extra and
non-breaking spaces, en dash or hyphen, … or ...). The note must then either be placed
exactly after the phrase's last character, or be refused with an ErrorList whose every
message names notes/sample.xml and a line — never any other exception.

The oracle reads the text independently of makebook's own Reading class, following
docs/FORMATS.md: corrections applied (sic/orig, gap descriptions and notes skipped),
white space collapsed, quotation marks dropped, apostrophes and dashes folded.
"""
from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path
from xml.sax.saxutils import quoteattr

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from makebook.errors import ErrorList
from makebook.load import load
from makebook.merge import merge

FIXTURE = Path(__file__).parent / "fixtures" / "mini"
TEI = "{http://www.tei-c.org/ns/1.0}"
LEAF_BLOCKS = {f"{TEI}{n}" for n in ("p", "head", "byline", "dateline", "bibl")}
SKIP = {f"{TEI}{n}" for n in ("sic", "orig", "gap", "desc", "note")}
NOTE_ID = "sample-prop"
NOTE_LINE = 3
MARK = "\ue000"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
SETTINGS = settings(max_examples=40, deadline=None, database=None)

# A paragraph added to the copy so that apostrophes, dashes, an ellipsis, a repair, an
# inline gap and supplied text are there to be anchored across.
EXTRA_P = ('<p>The miners’ strike of 1989–91 – their <q>last stand</q> – spread to '
           '<choice><orig>Kuz-bass</orig><reg type="repair">Kuzbass</reg></choice> … and '
           '<gap reason="duplicate" quantity="2" unit="words"><desc>repeated words</desc></gap>'
           '<supplied reason="omitted">to</supplied> the <hi rend="bold">Donbass</hi>.</p>')

_QUOTES = dict.fromkeys(map(ord, "\"“”„«»"), None)
_FOLD = str.maketrans({"‘": "'", "’": "'", "‛": "'", "–": "-", "—": "-", "‐": "-", "‑": "-"})


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_QUOTES).translate(_FOLD).replace("…", "...")).lstrip()


def _raw(el: etree._Element, out: list[str]) -> None:
    if el.text:
        out.append(el.text)
    for child in el:
        if isinstance(child.tag, str) and child.tag not in SKIP:
            _raw(child, out)
        if child.tail:
            out.append(child.tail)


def as_read(block: etree._Element) -> str:
    out: list[str] = []
    _raw(block, out)
    return fold("".join(out))


def leaf_blocks(body: etree._Element) -> list[etree._Element]:
    return [b for b in body.iter(*LEAF_BLOCKS) if next(b.iterancestors(f"{TEI}note"), None) is None]


def make_project(tmp_path_factory) -> tuple[Path, list[str]]:
    """Copy the fixture once, add EXTRA_P; return the root and each block's text as read."""
    root = tmp_path_factory.mktemp("props") / "project"
    shutil.copytree(FIXTURE, root)
    text = root / "edition" / "sample.xml"
    src = text.read_text(encoding="utf-8")
    assert src.count("    </body>") == 1
    text.write_text(src.replace("    </body>", f"      {EXTRA_P}\n    </body>"), encoding="utf-8")
    (root / "notes" / "sample.xml").write_text('<notes text="sample"/>\n', encoding="utf-8")
    ed = load(root)
    body = ed.texts[0].tree.find(f"{TEI}text/{TEI}body")
    return root, [as_read(b) for b in leaf_blocks(body)]


def write_note(root: Path, anchor: str, occurrence: int | None) -> None:
    occ = f' occurrence="{occurrence}"' if occurrence else ""
    (root / "notes" / "sample.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<notes text="sample">\n'
        f'  <note xml:id="{NOTE_ID}" type="explanatory" anchor={quoteattr(anchor)}{occ}>\n'
        "    <p>A generated note.</p>\n  </note>\n</notes>\n", encoding="utf-8")


def expected_spot(blocks: list[str], phrase: str, occurrence: int | None) -> tuple[int, int] | None:
    """(block index, folded offset after the phrase) where the note belongs, or None."""
    matches = []
    for i, text in enumerate(blocks):
        start = text.find(phrase)
        while start >= 0:
            matches.append((i, start + len(phrase)))
            start = text.find(phrase, start + 1)
    if occurrence:
        return matches[occurrence - 1] if occurrence <= len(matches) else None
    return matches[0] if len(matches) == 1 else None


def actual_spot(merged) -> tuple[int, int] | None:
    """Where the note landed: its block's index and the folded offset of the call."""
    body = merged.texts[0].body
    found = body.xpath("//tei:note[@xml:id=$id]", id=NOTE_ID, namespaces={"tei": TEI[1:-1]})
    if not found:
        return None
    assert len(found) == 1
    note = found[0]
    block = next(b for b in note.iterancestors() if b.tag in LEAF_BLOCKS)
    index = leaf_blocks(body).index(block)
    # Replace the note by a marker character in a copy of the block, and read it.
    block_copy = copy.deepcopy(block)
    note_copy = next(n for n in block_copy.iter(f"{TEI}note") if n.get(XML_ID) == NOTE_ID)
    parent, prev = note_copy.getparent(), note_copy.getprevious()
    tail = MARK + (note_copy.tail or "")
    if prev is not None:
        prev.tail = (prev.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(note_copy)
    text = as_read(block_copy)
    assert text.count(MARK) == 1
    return index, text.index(MARK)


def retype(draw, phrase: str) -> str:
    """The same phrase as an editor might type it: other quotes, spaces, dashes."""
    out = []
    if draw(st.booleans()):
        out.append(draw(st.sampled_from([" ", "  ", "\u00a0"])))
    for k, c in enumerate(phrase):
        boundary = k == 0 or phrase[k - 1] == " " or c == " "
        if boundary and draw(st.integers(0, 5)) == 0:
            out.append(draw(st.sampled_from(['"', "“", "”", "„", "«", "»"])))
        if c == " ":
            out.append(draw(st.sampled_from([" ", "  ", "\u00a0", " \n   ", "\t"])))
        elif c == "-":
            out.append(draw(st.sampled_from(["-", "–", "—", "‐"])))
        elif c == "'":
            out.append(draw(st.sampled_from(["'", "’"])))
        else:
            out.append(c)
    if draw(st.booleans()):
        out.append(draw(st.sampled_from(['"', "”", "»", " ", "  "])))
    typed = "".join(out)
    return typed.replace("...", "…") if draw(st.booleans()) else typed


def check_note(root: Path, blocks: list[str], anchor: str, occurrence: int | None) -> None:
    phrase = fold(anchor).strip()
    # An anchor that folds to nothing is a known defect (placed silently with
    # occurrence="1"); tests/test_hostile.py holds it as an xfail case.
    assume(phrase)
    write_note(root, anchor, occurrence)
    expected = expected_spot(blocks, phrase, occurrence)
    try:
        merged = merge(load(root))
    except ErrorList as errs:
        assert errs.errors
        for err in errs.errors:
            msg = str(err)
            assert Path(err.path).name == "sample.xml" and Path(err.path).parent.name == "notes", msg
            assert isinstance(err.line, int) and err.line == NOTE_LINE, msg
            assert f"sample.xml:{err.line}:" in msg, msg
            assert NOTE_ID in msg, msg
        assert expected is None, f"refused, but {phrase!r} should place at {expected}: {[str(e) for e in errs.errors]}"
        return
    assert expected is not None, f"placed, but {phrase!r} (occurrence={occurrence}) is not unique or absent"
    actual = actual_spot(merged)
    assert actual is not None and actual[0] == expected[0], f"{phrase!r}: note in block {actual}, expected {expected}"
    # A phrase that ends inside an ellipsis ("…" reads as "...") can only be followed by
    # a call after the whole character: allow that, and nothing else.
    skipped = blocks[expected[0]][expected[1]:actual[1]]
    assert actual[1] >= expected[1] and skipped in ("", ".", ".."), \
        f"{phrase!r}: note at {actual}, expected {expected} (after the phrase's last character)"


def test_anchor_on_whole_words(tmp_path_factory) -> None:
    root, blocks = make_project(tmp_path_factory)
    joined = " ".join(blocks)  # a run of words may also straddle two blocks: never found
    words = joined.split(" ")

    @SETTINGS
    @given(data=st.data())
    def prop(data) -> None:
        start = data.draw(st.integers(0, len(words) - 1), label="first word")
        count = data.draw(st.integers(1, 6), label="words")
        phrase = " ".join(words[start:start + count])
        occurrence = data.draw(st.one_of(st.none(), st.integers(1, 3)), label="occurrence")
        anchor = retype(data.draw, phrase)
        check_note(root, blocks, anchor, occurrence)

    prop()


def test_anchor_on_arbitrary_slices(tmp_path_factory) -> None:
    root, blocks = make_project(tmp_path_factory)
    joined = " ".join(blocks)

    @SETTINGS
    @given(data=st.data())
    def prop(data) -> None:
        start = data.draw(st.integers(0, len(joined) - 1), label="start")
        length = data.draw(st.integers(1, 40), label="length")
        occurrence = data.draw(st.one_of(st.none(), st.integers(1, 3)), label="occurrence")
        anchor = retype(data.draw, joined[start:start + length])
        check_note(root, blocks, anchor, occurrence)

    prop()
