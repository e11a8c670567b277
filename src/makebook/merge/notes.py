"""Placing the standoff notes in their texts: each anchor found once, or a located error
with the nearest candidates."""
from __future__ import annotations

import difflib
import re

from lxml import etree

from ..errors import EditionError
from ..model import Note
from ..sources.xmlio import XML_NS
from ..textview import T, fold
from .anchoring import Spot, hoist, insert_at
from .document import MergedText
from .numbering import paragraph_of

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
    phrase = fold(note.anchor).strip()
    if not phrase:
        errors.append(EditionError(note.path, note.line, f"note “{note.id}”: anchor “{note.anchor}” has no words",
                                   "anchor on the words the note explains (quotation marks are ignored)"))
        return None
    prefix, suffix = fold(note.prefix), fold(note.suffix)
    # A phrase that begins or ends with a letter matches whole words only ("Pablo" is not "Pabloite").
    pattern = re.compile((r"(?<!\w)" if phrase[:1].isalnum() else "") + re.escape(phrase)
                         + (r"(?!\w)" if phrase[-1:].isalnum() else ""))
    matches = []
    for reading in mt.readings():
        for m in pattern.finditer(reading.text):
            before, after = reading.text[:m.start()], reading.text[m.end():]
            if (not prefix or before.endswith(prefix) or before.rstrip().endswith(prefix.strip())) and \
               (not suffix or after.startswith(suffix) or after.lstrip().startswith(suffix.strip())):
                matches.append((reading, m.start(), m.end()))
    if note.occurrence:
        if note.occurrence > len(matches):
            errors.append(EditionError(note.path, note.line, f"note “{note.id}”: occurrence {note.occurrence} asked, "
                                       f"but “{note.anchor}” is found {len(matches)} time(s) in {mt.id}", "lower occurrence"))
            return None
        matches = [matches[note.occurrence - 1]]
    if len(matches) == 1:
        reading, _, end = matches[0]
        return hoist(reading.end_spot(end), reading.block)
    if not matches:
        errors.append(EditionError(note.path, note.line, f"note “{note.id}”: phrase “{note.anchor}” not found in {mt.id}",
                                   _nearest(mt, phrase)))
    else:
        where = "; ".join(f"¶ {paragraph_of(r.block)}: “…{r.text[max(0, s - 25):e + 25]}…”" for r, s, e in matches)
        errors.append(EditionError(note.path, note.line, f"note “{note.id}”: phrase “{note.anchor}” found {len(matches)} times in {mt.id} ({where})",
                                   'add prefix="…" or suffix="…" with the words around the right one, or occurrence="N"'))
    return None

def _nearest(mt: MergedText, phrase: str) -> str:
    size = max(1, len(phrase.split()))
    candidates: dict[str, str] = {}
    for reading in mt.readings():
        words = reading.text.split()
        for i in range(max(1, len(words) - size + 1)):
            candidates.setdefault(" ".join(words[i:i + size]), paragraph_of(reading.block))
    close = difflib.get_close_matches(phrase, candidates, n=3, cutoff=0.5)
    if not close:
        return "no similar phrase either: check the text id and the spelling"
    return "nearest: " + "; ".join(f"“{c}” (¶ {candidates[c]})" for c in close)

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
