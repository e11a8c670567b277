"""Placing the standoff notes in their texts: each anchor found once, or a located error
with the nearest candidates."""
from __future__ import annotations

from lxml import etree

from ..errors import EditionError
from ..model import Note
from ..sources.xmlio import XML_NS
from ..textview import T
from .anchoring import Spot, hoist, insert_at
from .document import MergedText
from .phrases import find_phrase

XML_ID = f"{{{XML_NS}}}id"

def place_notes(mt: MergedText, notes: list[Note], errors: list[EditionError]) -> None:
    # Keyed by the element itself (not id()), which also keeps its proxy alive.
    placed: dict[tuple[etree._Element, str, int], Note] = {}
    for note in notes:
        spot = find_note_spot(mt, note, errors)
        if spot is None:
            continue
        key = (spot.node, spot.where, spot.offset)
        if key in placed:
            other = placed[key]
            errors.append(EditionError(note.path, note.line, f"note “{note.id}” is on the same phrase as “{other.id}” (line {other.line})",
                                       "merge the two notes into one"))
            continue
        placed[key] = note
        insert_at(spot, _tei_note(note))
        mt.changed(spot.node)
    numbers = {"explanatory": 0, "textual": 0}
    for el in mt.body.iter(f"{T}note"):
        numbers[el.get("type")] += 1
        el.set("n", str(numbers[el.get("type")]))

def find_note_spot(mt: MergedText, note: Note, errors: list[EditionError]) -> Spot | None:
    if note.target:
        found = mt.tei.xpath("//*[@xml:id=$id]", id=note.target[1:])
        if not found:
            errors.append(EditionError(note.path, note.line, f"note “{note.id}”: no element with xml:id “{note.target[1:]}” in {mt.id}",
                                       "anchor to an existing xml:id, or use anchor=\"phrase\""))
            return None
        return Spot(found[0], "tail", 0)
    found = find_phrase(mt, note.anchor, note.prefix, note.suffix, note.occurrence, f"note “{note.id}”",
                        note.path, note.line, errors)
    if found is None:
        return None
    reading, _, end = found
    return hoist(reading.end_spot(end), reading.block)

def _tei_note(note: Note) -> etree._Element:
    """The standoff note as a TEI note element, ready to sit in the text."""
    el = etree.Element(f"{T}note", {XML_ID: note.id, "type": note.type, "place": "foot"})
    for child in note.body:
        if isinstance(child.tag, str):
            el.append(to_tei(child))
    return el

def to_tei(src: etree._Element) -> etree._Element:
    """A notes-format element (no namespace) as the same element in the TEI namespace."""
    el = etree.Element(f"{T}{src.tag}", dict(src.attrib))
    el.text = src.text
    for child in src:
        if isinstance(child.tag, str):
            new = to_tei(child)
            new.tail = child.tail
            el.append(new)
    return el
