"""`makebook notes add`: write a skeleton note into notes/TEXT.xml, in text order,
after checking that its phrase places exactly once."""
from __future__ import annotations

import copy
import re
from pathlib import Path
from xml.sax.saxutils import quoteattr

import click

from ..errors import EditionError, ErrorList
from ..merge.anchoring import Spot
from ..merge.document import MergedText
from ..merge.notes import find_note_spot
from ..merge.numbering import number_paragraphs
from ..model import Note
from ..sources.load import load


def _order_key(spot: Spot, order: dict) -> tuple[float, int]:
    if spot.where == "text":
        return order[spot.node], spot.offset
    return order[list(spot.node.iter())[-1]] + 0.5, spot.offset


def add_note(root: Path, text_id: str, anchor: str, note_type: str, prefix: str = "", suffix: str = "",
             occurrence: int | None = None) -> tuple[Path, str, int]:
    """Insert the skeleton; return the notes file, the new id and its line."""
    ed = load(root, skeletons_ok=True)
    text = next((t for t in ed.texts if t.id == text_id), None)
    if text is None:
        raise EditionError(root / "edition" / "edition.xml", None, f"no text “{text_id}”",
                           f"use one of: {', '.join(t.id for t in ed.texts)}")
    mt = MergedText(text, copy.deepcopy(text.tree))
    number_paragraphs(mt)
    path = root / "notes" / f"{text_id}.xml"
    existing = [n for n in ed.notes if n.text_id == text_id]
    taken = {n.id for n in ed.notes} | {e.id for e in ed.entries}
    base = f"{text_id}-" + (re.sub(r"[^a-z0-9]+", "-", anchor.lower()).strip("-")[:30] or "note")
    note_id = next(c for c in (base, *(f"{base}-{i}" for i in range(2, 100))) if c not in taken)
    new = Note(note_id, text_id, note_type, anchor, prefix, suffix, occurrence, None, None, path, 0)
    errors: list[EditionError] = []
    spot = find_note_spot(mt, new, errors)
    if spot is None:
        raise ErrorList([EditionError(None, None, e.message, e.hint) for e in errors])
    order = {el: i for i, el in enumerate(mt.body.iter())}
    key = _order_key(spot, order)
    before = [n for n in existing if (s := find_note_spot(mt, n, [])) is not None and _order_key(s, order) <= key]
    attrs = f'xml:id="{note_id}" type="{note_type}" anchor={quoteattr(anchor)}'
    attrs += f" prefix={quoteattr(prefix)}" if prefix else ""
    attrs += f" suffix={quoteattr(suffix)}" if suffix else ""
    attrs += f' occurrence="{occurrence}"' if occurrence else ""
    skeleton = f"  <note {attrs}>\n    <p></p>\n  </note>\n"
    if not path.exists():
        path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<notes text="{text_id}">\n{skeleton}</notes>\n', encoding="utf-8")
        return path, note_id, 3
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if before:
        last = max(before, key=lambda n: n.line)
        at = next(i for i in range(last.line - 1, len(lines)) if "</note>" in lines[i]) + 1
    else:
        at = next(i for i, line in enumerate(lines) if "<notes" in line) + 1
    lines.insert(at, skeleton)
    path.write_text("".join(lines), encoding="utf-8")
    return path, note_id, at + 1


@click.group()
def notes() -> None:
    """Work with the editorial notes."""


@notes.command("add")
@click.argument("text_id")
@click.option("--anchor", required=True, help="The exact phrase the note explains.")
@click.option("--type", "note_type", type=click.Choice(["explanatory", "textual"]), default="explanatory", show_default=True)
@click.option("--prefix", default="", help="Text just before the phrase, if it recurs.")
@click.option("--suffix", default="", help="Text just after the phrase, if it recurs.")
@click.option("--occurrence", type=int, default=None, help="Which match, if the phrase recurs.")
@click.pass_obj
def notes_add(root: Path, text_id: str, anchor: str, note_type: str, prefix: str, suffix: str, occurrence: int | None) -> None:
    """Write a skeleton note for TEXT_ID, in text order, after checking that it places."""
    path, note_id, line = add_note(root, text_id, anchor, note_type, prefix, suffix, occurrence)
    click.echo(f"{path}:{line}: added note “{note_id}”; write its text between <p> and </p>")
