"""Property tests of note anchoring, through the public API (load, merge, ErrorList).

Each example writes notes/sample.xml with one or two notes anchored to random pieces of
the fixture's text as read (runs of whole words, or arbitrary slices), retyped with
random typography (straight or curly quotes, extra and non-breaking spaces, en dash or
hyphen, … or ...), sometimes with occurrence="N". Each note must then either be placed
exactly after its phrase's last character, or be refused with an ErrorList whose every
message names notes/sample.xml and the line of a note that had to be refused — never any
other exception.

The oracle reads the text independently of makebook's Reading class, following
docs/FORMATS.md: corrections applied (sic/orig, gap descriptions, notes skipped), white
space collapsed, quotation marks dropped, apostrophes and dashes folded; plus the rule in
merge.find_note_spot (not yet in FORMATS.md) that a phrase beginning or ending with a
letter matches whole words only, matches being counted left to right without overlap.
"""
from __future__ import annotations

import copy
import shutil
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from makebook.errors import ErrorList
from makebook.sources.load import load
from makebook.merge import merge

FIXTURE = Path(__file__).parent / "fixtures" / "mini"
TEI = "{http://www.tei-c.org/ns/1.0}"
LEAF_BLOCKS = {f"{TEI}{n}" for n in ("p", "head", "byline", "dateline", "bibl")}
SKIP = {f"{TEI}{n}" for n in ("sic", "orig", "gap", "desc", "note")}
MARK = "\ue000"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
SETTINGS = settings(max_examples=40, deadline=None, database=None)

# A paragraph added to the copy so that apostrophes, dashes, an ellipsis, a repair, an
# inline gap and supplied text are there to be anchored across.
EXTRA_P = ('<p>The miners’ strike of 1989–91 – their <q>last stand</q> – spread to '
           '<choice><orig>Kuz-bass</orig><reg type="repair">Kuzbass</reg></choice> … and '
           '<gap reason="duplicate" quantity="2" unit="words"><desc>repeated words</desc></gap>'
           '<supplied reason="omitted">to</supplied> the <hi rend="bold">Donbass</hi>.</p>')

QUOTES = set("\"“”„«»")
FOLD = {"‘": "'", "’": "'", "‛": "'", "–": "-", "—": "-", "‐": "-", "‑": "-", "…": "..."}


def fold(text: str) -> str:
    return read_chars(text)[0]


def read_chars(raw: str) -> tuple[str, list[int]]:
    """Fold `raw` as docs/FORMATS.md says, and for each folded character the folded
    offset just after the source character it came from ("…" gives three)."""
    out: list[str] = []
    snap: list[int] = []
    for c in raw:
        if c.isspace():
            if not out or out[-1] == " ":
                continue
            piece = " "
        elif c in QUOTES:
            continue
        else:
            piece = FOLD.get(c, c)
        out.extend(piece)
        snap.extend([len(out)] * len(piece))
    return "".join(out), snap


def _raw(el: etree._Element, out: list[str]) -> None:
    if el.text:
        out.append(el.text)
    for child in el:
        if isinstance(child.tag, str) and child.tag not in SKIP:
            _raw(child, out)
        if child.tail:
            out.append(child.tail)


def as_read(block: etree._Element) -> tuple[str, list[int]]:
    out: list[str] = []
    _raw(block, out)
    return read_chars("".join(out))


def leaf_blocks(body: etree._Element) -> list[etree._Element]:
    return [b for b in body.iter(*LEAF_BLOCKS) if next(b.iterancestors(f"{TEI}note"), None) is None]


Block = tuple[str, list[int]]  # a block's text as read, and its snap offsets


def make_project(tmp_path_factory) -> tuple[Path, list[Block]]:
    """Copy the fixture once, add EXTRA_P; return the root and each block's text as read."""
    root = tmp_path_factory.mktemp("props") / "project"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns(".makebook-cache", "dist"))
    text = root / "edition" / "sample.xml"
    src = text.read_text(encoding="utf-8")
    assert src.count("    </body>") == 1
    text.write_text(src.replace("    </body>", f"      {EXTRA_P}\n    </body>"), encoding="utf-8")
    (root / "notes" / "sample.xml").write_text('<notes text="sample"/>\n', encoding="utf-8")
    ed = load(root)
    body = ed.texts[0].tree.find(f"{TEI}text/{TEI}body")
    return root, [as_read(b) for b in leaf_blocks(body)]


@dataclass
class Gen:
    """One generated note: its id, the anchor as typed, its occurrence attribute."""
    id: str
    anchor: str
    occurrence: int | None

    @property
    def phrase(self) -> str:
        return fold(self.anchor).strip()


def write_notes(root: Path, notes: list[Gen]) -> dict[str, int]:
    """Write notes/sample.xml with these notes; return each note's line."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<notes text="sample">']
    where = {}
    for n in notes:
        occ = f' occurrence="{n.occurrence}"' if n.occurrence else ""
        where[n.id] = len(lines) + 1
        lines += [f'  <note xml:id="{n.id}" type="explanatory" anchor={quoteattr(n.anchor)}{occ}>',
                  "    <p>A generated note.</p>", "  </note>"]
    lines.append("</notes>\n")
    (root / "notes" / "sample.xml").write_text("\n".join(lines), encoding="utf-8")
    return where


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def expected_spot(blocks: list[Block], phrase: str, occurrence: int | None) -> tuple[int, int] | None:
    """(block index, folded offset of the call) where the note belongs, or None if it
    cannot be placed. Matches are found left to right without overlap; a phrase that
    begins (ends) with a letter or digit matches at a word start (end) only."""
    matches = []
    for i, (text, snap) in enumerate(blocks):
        pos = 0
        while (start := text.find(phrase, pos)) >= 0:
            end = start + len(phrase)
            whole = not (_word(phrase[0]) and start > 0 and _word(text[start - 1])) and \
                not (_word(phrase[-1]) and end < len(text) and _word(text[end]))
            if whole:
                matches.append((i, snap[end - 1]))
                pos = end
            else:
                pos = start + 1
    if occurrence:
        return matches[occurrence - 1] if occurrence <= len(matches) else None
    return matches[0] if len(matches) == 1 else None


def actual_spot(merged, note_id: str) -> tuple[int, int] | None:
    """Where a note landed: its block's index and the folded offset of its call."""
    body = merged.texts[0].body
    found = [n for n in body.iter(f"{TEI}note") if n.get(XML_ID) == note_id]
    if not found:
        return None
    assert len(found) == 1
    block = next(b for b in found[0].iterancestors() if b.tag in LEAF_BLOCKS)
    index = leaf_blocks(body).index(block)
    # Replace the note by a marker character in a copy of the block, and read it.
    block_copy = copy.deepcopy(block)
    note_copy = next(n for n in block_copy.iter(f"{TEI}note") if n.get(XML_ID) == note_id)
    parent, prev = note_copy.getparent(), note_copy.getprevious()
    tail = MARK + (note_copy.tail or "")
    if prev is not None:
        prev.tail = (prev.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(note_copy)
    text, _ = as_read(block_copy)
    assert text.count(MARK) == 1
    return index, text.index(MARK)


def retype(draw, phrase: str) -> str:
    """The same phrase as an editor might type it: other quotes, spaces, dashes."""
    out = []
    if draw(st.booleans()):
        out.append(draw(st.sampled_from([" ", "  ", "\u00a0", "“"])))
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


def check_notes(root: Path, blocks: list[Block], notes: list[Gen]) -> None:
    lines = write_notes(root, notes)
    # An anchor that folds to nothing (only quotation marks and spaces) must be refused.
    expected = {n.id: expected_spot(blocks, n.phrase, n.occurrence) if n.phrase else None for n in notes}
    # Notes that must be refused: unplaceable ones, and a later one on an earlier one's spot.
    refused, taken = set(), {}
    for n in notes:
        spot = expected[n.id]
        if spot is None or spot in taken:
            refused.add(n.id)
        else:
            taken[spot] = n.id
    try:
        merged = merge(load(root))
    except ErrorList as errs:
        assert errs.errors
        blamed = set()
        for err in errs.errors:
            msg = str(err)
            assert Path(err.path).name == "sample.xml" and Path(err.path).parent.name == "notes", msg
            assert isinstance(err.line, int) and err.line in lines.values(), msg
            assert f"sample.xml:{err.line}:" in msg, msg
            blamed |= {i for i, line in lines.items() if line == err.line}
        assert blamed == refused, (f"refused {sorted(blamed)}, expected {sorted(refused)}; phrases "
                                   f"{[(n.phrase, n.occurrence, expected[n.id]) for n in notes]}: "
                                   f"{[str(e) for e in errs.errors]}")
        return
    assert not refused, f"placed, but {sorted(refused)} should be refused: {[(n.phrase, n.occurrence) for n in notes]}"
    for n in notes:
        assert actual_spot(merged, n.id) == expected[n.id], \
            f"{n.phrase!r}: note at {actual_spot(merged, n.id)}, expected {expected[n.id]} (after its last character)"


def draw_notes(data, anchor_source) -> list[Gen]:
    count = data.draw(st.integers(1, 2), label="notes")
    return [Gen(f"sample-prop{k}", retype(data.draw, anchor_source()),
                data.draw(st.one_of(st.none(), st.integers(1, 3)), label="occurrence"))
            for k in range(1, count + 1)]


def test_anchor_on_whole_words(tmp_path_factory) -> None:
    root, blocks = make_project(tmp_path_factory)
    words = " ".join(text for text, _ in blocks).split(" ")  # runs may straddle two blocks

    @SETTINGS
    @given(data=st.data())
    def prop(data) -> None:
        def source() -> str:
            start = data.draw(st.integers(0, len(words) - 1), label="first word")
            return " ".join(words[start:start + data.draw(st.integers(1, 6), label="words")])
        check_notes(root, blocks, draw_notes(data, source))

    prop()


def test_anchor_on_arbitrary_slices(tmp_path_factory) -> None:
    root, blocks = make_project(tmp_path_factory)
    joined = " ".join(text for text, _ in blocks)

    @SETTINGS
    @given(data=st.data())
    def prop(data) -> None:
        def source() -> str:
            start = data.draw(st.integers(0, len(joined) - 1), label="start")
            return joined[start:start + data.draw(st.integers(1, 40), label="length")]
        check_notes(root, blocks, draw_notes(data, source))

    prop()
