"""Merge notes, glossary terms, persons and acronyms into each text's TEI tree.

This is the single intermediate form (as pandoc's AST): after `merge`, writers read only
the merged trees and the entry index, never the source files.
"""
from __future__ import annotations

import copy
import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from lxml import etree

from .abbreviations import ACRONYMS
from .anchoring import Reading, Spot, blocks, form_pattern, hoist, insert_at, wrap
from .errors import EditionError, ErrorList
from .model import Edition, Entry, Form, Note, Text
from .textview import T, fold
from .xmlio import XML_NS

XML_ID = f"{{{XML_NS}}}id"
INTERVENTIONS = (f"{T}choice", f"{T}supplied", f"{T}gap")
_NS = {"tei": T[1:-1]}


@dataclass
class Occurrence:
    text_id: str
    id: str
    paragraph: str


@dataclass
class MergedText:
    text: Text
    tei: etree._Element
    _readings: dict = field(default_factory=dict, repr=False)

    def readings(self) -> list[Reading]:
        """The reading text of every block, built once and rebuilt only where changed."""
        return [self._readings.get(b) or self._readings.setdefault(b, Reading(b)) for b in blocks(self.body)]

    def changed(self, node: etree._Element) -> None:
        """Forget the reading of the block holding `node`, after an insertion there."""
        for el in (node, *node.iterancestors()):
            self._readings.pop(el, None)

    @property
    def id(self) -> str:
        return self.text.id

    @property
    def body(self) -> etree._Element:
        return self.tei.find(f"{T}text/{T}body")


@dataclass
class Merged:
    edition: Edition
    texts: list[MergedText]
    meta: etree._Element  # the edition's own header and matter, with acronyms marked
    occurrences: dict[str, list[Occurrence]] = field(default_factory=lambda: defaultdict(list))


def merge(ed: Edition) -> Merged:
    """Return the merged document, or raise ErrorList with every placement problem."""
    errors: list[EditionError] = []
    merged = Merged(ed, [MergedText(t, copy.deepcopy(t.tree)) for t in ed.texts], copy.deepcopy(ed.meta))
    mark_acronyms(merged.meta.xpath("tei:text//tei:p | tei:text//tei:item", namespaces=_NS))
    notes_by_text: dict[str, list[Note]] = defaultdict(list)
    for note in ed.notes:
        notes_by_text[note.text_id].append(note)
    matched_forms: set[int] = set()
    forms = _Forms.of(ed.entries)
    for mt in merged.texts:
        number_paragraphs(mt)
        _place_notes(mt, notes_by_text[mt.id], errors)
        _mark_entries(mt, forms, merged, matched_forms)
        mark_acronyms([*blocks(mt.body), *mt.tei.iterfind(f".//{T}note/{T}p"),
                       *mt.tei.iterfind(f"{T}text/{T}front//{T}p")])
        _label_interventions(mt)
    order = {mt.id: i for i, mt in enumerate(merged.texts)}
    for occs in merged.occurrences.values():
        occs.sort(key=lambda o: (order[o.text_id], int(o.id.rsplit("-", 1)[1][1:])))
    for entry in ed.entries:
        if not merged.occurrences.get(entry.id):
            errors.append(EditionError(entry.path, entry.line, f"entry “{entry.id}” occurs in no text",
                                       "add the form the texts use, or remove the entry"))
        for form in entry.forms:
            if id(form) not in matched_forms:
                errors.append(EditionError(entry.path, form.line, f"form “{form.text}” of “{entry.id}” matches nothing in the texts",
                                           "correct the form to the spelling the text uses, or remove it"))
    if errors:
        raise ErrorList(errors)
    return merged


def number_paragraphs(mt: MergedText) -> None:
    """Number the author's paragraphs (not the publisher's standfirst, nor boxes printed beside the article)."""
    paras = [p for p in mt.body.iter(f"{T}p")
             if not p.xpath("ancestor::tei:div[@type='sidebar'] | ancestor::tei:argument", namespaces=_NS)]
    for n, p in enumerate(paras, 1):
        p.set("n", str(n))
        p.set(XML_ID, f"{mt.id}-p{n}")
    for n, div in enumerate(mt.body.iter(f"{T}div"), 1):
        if div.get("type") != "sidebar" and div.find(f"{T}head") is not None and not div.get(XML_ID):
            div.set(XML_ID, f"{mt.id}-s{n}")


def paragraph_of(el: etree._Element) -> str:
    """The number of the paragraph holding `el`, or of the nearest numbered one before it ("0": none)."""
    found = el.xpath("(ancestor-or-self::tei:p[@n] | preceding::tei:p[@n])[last()]/@n", namespaces=_NS)
    return found[0] if found else "0"


# Notes ---------------------------------------------------------------------

def _place_notes(mt: MergedText, notes: list[Note], errors: list[EditionError]) -> None:
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


# Glossary, persons, acronyms ------------------------------------------------

@dataclass
class _Forms:
    """Every declared form of the glossary and the persons, as two regexes (case-sensitive
    forms and the others) and a table from the matched text back to its entry."""

    lookup: dict[tuple[str, bool], tuple[Entry, Form]]
    patterns: list[tuple[re.Pattern, bool]]

    @classmethod
    def of(cls, entries: list[Entry]) -> _Forms:
        lookup = {}
        for entry in entries:
            for form in entry.forms:
                key = fold(form.text).strip()
                lookup[(key if form.case_sensitive else key.lower(), form.case_sensitive)] = (entry, form)
        patterns = [(p, cs) for cs in (True, False) if (p := form_pattern([k for k, s in lookup if s is cs], cs))]
        return cls(lookup, patterns)

    def hits(self, text: str) -> list[tuple[int, int, Entry, Form]]:
        found = [(m.start(), m.end(), *self.lookup[(m.group(0) if cs else m.group(0).lower(), cs)])
                 for pattern, cs in self.patterns for m in pattern.finditer(text)]
        return _non_overlapping(found)


def _mark_entries(mt: MergedText, forms: _Forms, merged: Merged, matched_forms: set[int]) -> None:
    """Wrap every occurrence of every entry's forms; mark the first per text as linked."""
    counter = 0
    for block in list(blocks(mt.body)):
        if block.tag in (f"{T}head", f"{T}bibl", f"{T}byline", f"{T}dateline") and block.getparent().tag != f"{T}figure":
            continue
        reading = Reading(block)
        hits = forms.hits(reading.text)
        paragraph = paragraph_of(block)
        for k, (start, end, entry, form) in reversed(list(enumerate(hits, counter + 1))):
            matched_forms.add(id(form))
            occ_id = f"{mt.id}-{'g' if entry.kind == 'glossary' else 'x'}{k}"
            tag = "term" if entry.kind == "glossary" else "persName"
            el = etree.Element(f"{T}{tag}", {"ref": f"#{entry.id}", XML_ID: occ_id})
            wrap(*reading.span(start, end), el)
            merged.occurrences[entry.id].append(Occurrence(mt.id, occ_id, paragraph))
        counter += len(hits)
    seen: set[str] = set()
    for el in mt.body.iter(f"{T}term", f"{T}persName"):
        if el.get("ref") not in seen:
            seen.add(el.get("ref"))
            el.set("rend", "first")


def _non_overlapping(hits: list) -> list:
    """Longest match wins where matches overlap; result in text order."""
    chosen: list = []
    for hit in sorted(hits, key=lambda h: (-(h[1] - h[0]), h[0])):
        if all(hit[1] <= c[0] or hit[0] >= c[1] for c in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h[0])


_ACRONYM_RE = form_pattern(list(ACRONYMS), case_sensitive=True)


def mark_acronyms(elements) -> None:
    """Wrap known acronyms in <abbr> with their expansion, in these leaf blocks."""
    for block in list(elements):
        reading = Reading(block)
        for m in list(_ACRONYM_RE.finditer(reading.text))[::-1]:
            el = etree.Element(f"{T}abbr", {"expan": ACRONYMS[m.group(0)]})
            wrap(*reading.span(m.start(), m.end()), el)


def _label_interventions(mt: MergedText) -> None:
    """Give every editorial intervention an id and a letter, in text order."""
    for n, el in enumerate(mt.body.iter(*INTERVENTIONS), 1):
        el.set(XML_ID, f"{mt.id}-app{n}")
        el.set("n", letters(n))


def letters(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa: the letters of apparatus entries and of short titles."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(97 + r) + out
    return out
