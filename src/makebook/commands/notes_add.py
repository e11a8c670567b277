"""`makebook notes add`: write a skeleton note into notes/TEXT.xml, in text order, after
checking that its phrase places exactly once and on a phrase no other note explains.

The file is changed by inserting text only: everything else in it (comments, spacing,
line endings, the order of attributes) stays as the editor wrote it. The new content is
parsed and validated before it is written, and must hold every note it held before,
unchanged; otherwise nothing is written.
"""
from __future__ import annotations

import copy
import re
from pathlib import Path
from xml.sax.saxutils import quoteattr

import click
from lxml import etree

from ..errors import EditionError, ErrorList, UsageError
from ..merge.anchoring import Spot
from ..merge.document import MergedText
from ..merge.notes import find_note_spot
from ..merge.numbering import number_paragraphs
from ..model import Note
from ..sources.links import editor_ids, generated
from ..sources.load import load
from ..sources.schema import validate
from ..sources.xmlio import parse_bytes, write_atomic, xml_model

# Markup in which "<notes" or "</note>" is not a tag.
_OPAQUE = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>", re.S)
_NOTES_TAG = re.compile(r"""<notes\b(?:[^>"']|"[^"]*"|'[^']*')*?(/?)>""")
_NOTE_END = re.compile(r"</note\s*>")


def _order_key(spot: Spot, order: dict) -> tuple[float, int]:
    if spot.where == "text":
        return order[spot.node], spot.offset
    return order[list(spot.node.iter())[-1]] + 0.5, spot.offset


def _outside_markup(pattern: re.Pattern, text: str) -> list[re.Match]:
    opaque = [m.span() for m in _OPAQUE.finditer(text)]
    return [m for m in pattern.finditer(text) if not any(a <= m.start() < b for a, b in opaque)]


def _skeleton(attrs: str, newline: str, indent: str) -> str:
    step = "  " if newline else ""
    return f"{newline}{indent}<note {attrs}>{newline}{indent}{step}<p></p>{newline}{indent}</note>"


def _insert(text: str, index: int, attrs: str) -> tuple[str, int]:
    """`text` with the skeleton as note number `index` (0: first), and the line it starts on.
    Newlines and indentation follow the file's own; a file on one line stays on one line."""
    newline = "\r\n" if "\r\n" in text else "\n"
    start = _outside_markup(_NOTES_TAG, text)[0]
    one_line = "\n" not in text.rstrip()
    nl = "" if one_line else newline
    if start.group(1):  # <notes …/>: open it, put the note in, close it
        at = start.end() - 2
        content = text[:at] + ">" + _skeleton(attrs, nl, "" if one_line else "  ") + nl + "</notes>" + text[start.end():]
        return content, text[:at].count("\n") + (1 if one_line else 2)
    ends = [m for m in _outside_markup(_NOTE_END, text) if m.start() > start.end()]
    at = ends[index - 1].end() if index else start.end()
    near = ends[index - 1].start() if index else (ends[0].start() if ends else None)
    indent = "" if one_line else "  "
    if near is not None and not one_line:
        indent = re.match(r"[ \t]*", text[text.rfind("\n", 0, near) + 1:]).group(0)
    return text[:at] + _skeleton(attrs, nl, indent) + text[at:], text[:at].count("\n") + (1 if one_line else 2)


def _notes_of(tree: etree._ElementTree) -> list[bytes]:
    return [etree.tostring(n, method="c14n") for n in tree.getroot().iterfind("note")]


def add_note(root: Path, text_id: str, anchor: str, note_type: str, prefix: str = "", suffix: str = "",
             occurrence: int | None = None) -> tuple[Path, str, int]:
    """Insert the skeleton; return the notes file, the new id and its line."""
    ed = load(root, skeletons_ok=True)
    text = next((t for t in ed.texts if t.id == text_id), None)
    if text is None:
        raise UsageError(root / "edition" / "edition.xml", None, f"no text “{text_id}”",
                         f"use one of: {', '.join(t.id for t in ed.texts)}")
    mt = MergedText(text, copy.deepcopy(text.tree))
    number_paragraphs(mt)
    path = root / "notes" / f"{text_id}.xml"
    existing = sorted((n for n in ed.notes if n.text_id == text_id), key=lambda n: n.line)
    taken = {an_id for an_id, _, _ in editor_ids(ed)}
    text_ids = {t.id for t in ed.texts}
    base = f"{text_id}-" + (re.sub(r"[^a-z0-9]+", "-", anchor.lower()).strip("-")[:30] or "note")
    note_id = next(c for c in (base, *(f"{base}-{i}" for i in range(2, 1000)))
                   if c not in taken and not generated(c, text_ids))
    new = Note(note_id, text_id, note_type, anchor, prefix, suffix, occurrence, None, None, path, 0)
    errors: list[EditionError] = []
    spot = find_note_spot(mt, new, errors)
    if spot is None:
        raise ErrorList([EditionError(text.path, None, e.message, e.hint) for e in errors])
    spots = {n.id: find_note_spot(mt, n, []) for n in existing}
    for n in existing:
        if spots[n.id] == spot:
            raise EditionError(path, n.line, f"the phrase “{anchor}” already has the note “{n.id}”",
                               "add to that note, or anchor the new one on other words")
    order = {el: i for i, el in enumerate(mt.body.iter())}
    key = _order_key(spot, order)
    index = sum(1 for n in existing if spots[n.id] is not None and _order_key(spots[n.id], order) <= key)
    attrs = f'xml:id="{note_id}" type="{note_type}" anchor={quoteattr(anchor)}'
    attrs += f" prefix={quoteattr(prefix)}" if prefix else ""
    attrs += f" suffix={quoteattr(suffix)}" if suffix else ""
    attrs += f' occurrence="{occurrence}"' if occurrence else ""
    if path.exists():
        old = path.read_bytes().decode("utf-8")
        content, line = _insert(old, index, attrs)
        before = _notes_of(parse_bytes(old.encode("utf-8"), path))
    else:
        content = (f'<?xml version="1.0" encoding="UTF-8"?>\n{xml_model(path, "notes")}\n<notes text="{text_id}">'
                   f'{_skeleton(attrs, chr(10), "  ")}\n</notes>\n')
        line, before = 4, []
    _check(path, content.encode("utf-8"), before, index)
    write_atomic(path, content.encode("utf-8"), keep_mode=True)
    return path, note_id, line


def _check(path: Path, data: bytes, before: list[bytes], index: int) -> None:
    """Refuse to write unless the new file is valid and holds every old note, unchanged, around the new one."""
    tree = parse_bytes(data, path)
    problems = validate(tree, "notes", path, data)
    after = _notes_of(tree)
    if problems or after[:index] + after[index + 1:] != before:
        raise EditionError(path, None, "the note could not be inserted without changing the rest of the file; nothing written",
                           "add it by hand (docs/FORMATS.md), and report this file's layout to makebook's maintainers")


@click.group()
def notes() -> None:
    """Work with the editorial notes."""


@notes.command("add")
@click.argument("text_id")
@click.option("--anchor", required=True, help="The exact phrase the note explains.")
@click.option("--type", "note_type", type=click.Choice(["explanatory", "textual"]), default="explanatory", show_default=True)
@click.option("--prefix", default="", help="Text just before the phrase, if it recurs.")
@click.option("--suffix", default="", help="Text just after the phrase, if it recurs.")
@click.option("--occurrence", type=click.IntRange(min=1), default=None, help="Which match (1, 2, …), if the phrase recurs.")
@click.pass_obj
def notes_add(root: Path, text_id: str, anchor: str, note_type: str, prefix: str, suffix: str, occurrence: int | None) -> None:
    """Write a skeleton note for TEXT_ID, in text order, after checking that it places."""
    path, note_id, line = add_note(root, text_id, anchor, note_type, prefix, suffix, occurrence)
    click.echo(f"{path}:{line}: added note “{note_id}”; write its text between <p> and </p>")
