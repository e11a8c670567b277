"""Glossary terms and persons found in the texts from their declared forms: every
occurrence wrapped and indexed, the first in each text marked to be linked."""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ..errors import EditionError
from ..model import Entry, Form
from ..sources.xmlio import XML_NS
from ..textview import T, fold
from .anchoring import Reading, blocks, form_pattern, wrap
from .document import Merged, MergedText, Occurrence
from .numbering import locator
from .phrases import find_phrase

XML_ID = f"{{{XML_NS}}}id"

@dataclass
class Forms:
    """Every declared form of the glossary and the persons, as two regexes (case-sensitive
    forms and the others) and a table from the matched text back to its entry."""

    lookup: dict[tuple[str, bool], tuple[Entry, Form]]
    patterns: list[tuple[re.Pattern, bool]]

    @classmethod
    def of(cls, entries: list[Entry]) -> Forms:
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

_UNINDEXED = (f"{T}head", f"{T}bibl", f"{T}byline", f"{T}dateline")


def _indexed(block: etree._Element) -> bool:
    """Headings, source lines and bylines are not indexed (captions are)."""
    return block.tag not in _UNINDEXED or block.getparent().tag == f"{T}figure"


def mark_entries(mt: MergedText, forms: Forms, merged: Merged, matched_forms: set[int], titled_forms: set[int],
                 errors: list[EditionError]) -> None:
    """Wrap every occurrence of every entry's forms (not inside titles of works, unless the
    entry says so; less the exclusions, plus the inclusions); mark the first per text as linked."""
    rules = _place_rules(mt, merged.edition.entries, errors)
    counter = 0
    for block in list(blocks(mt.body)):
        if not _indexed(block):
            continue
        reading = Reading(block)
        hits = []
        for hit in forms.hits(reading.text):
            if hit[2].in_titles or not _in_title(reading, hit[0], block):
                hits.append(hit)
            else:
                titled_forms.add(id(hit[3]))
        matched_forms.update(id(h[3]) for h in hits)  # an excluded match still shows the form is spelt right
        hits = _apply_rules(mt, hits, rules.get(block, []), errors)
        where = locator(block)
        for k, (start, end, entry, _) in reversed(list(enumerate(hits, counter + 1))):
            occ_id = f"{mt.id}-{'g' if entry.kind == 'glossary' else 'x'}{k}"
            tag = "term" if entry.kind == "glossary" else "persName"
            el = etree.Element(f"{T}{tag}", {"ref": f"#{entry.id}", XML_ID: occ_id})
            wrap(*reading.span(start, end), el)
            merged.occurrences[entry.id].append(Occurrence(mt.id, occ_id, where))
        counter += len(hits)
    seen: set[str] = set()
    for el in mt.body.iter(f"{T}term", f"{T}persName"):
        if el.get("ref") not in seen:
            seen.add(el.get("ref"))
            el.set("rend", "first")


def _in_title(reading: Reading, start: int, block: etree._Element) -> bool:
    spot = reading.spot(start)
    node = spot.node if spot.where == "text" else spot.node.getparent()
    while node is not None and node is not block:
        if node.tag == f"{T}title":
            return True
        node = node.getparent()
    return False


def _place_rules(mt: MergedText, entries: list[Entry], errors: list[EditionError]) -> dict:
    """Each exclusion and inclusion for this text, found once: {block: [(start, end, rule, entry)]}."""
    placed: dict = {}
    for entry in entries:
        for rule in (r for r in entry.rules if r.text_id == mt.id):
            who = f"{rule.kind} in “{entry.id}”"
            found = find_phrase(mt, rule.anchor, rule.prefix, rule.suffix, rule.occurrence, who, rule.path, rule.line, errors)
            if found is None:
                continue
            reading, start, end = found
            if not _indexed(reading.block):
                errors.append(EditionError(rule.path, rule.line, f"{who}: “{rule.anchor}” is in a heading, source line or byline, "
                                           "which the index does not cover", "remove it"))
                continue
            placed.setdefault(reading.block, []).append((start, end, rule, entry))
    return placed


def _apply_rules(mt: MergedText, hits: list, rules: list, errors: list[EditionError]) -> list:
    """The hits of one block less its exclusions and plus its inclusions, in text order."""
    for start, end, rule, entry in rules:
        overlapping = [h for h in hits if h[0] < end and start < h[1]]
        if rule.kind == "exclude":
            mine = [h for h in overlapping if h[2] is entry]
            if not mine:
                errors.append(EditionError(rule.path, rule.line, f"exclude in “{entry.id}”: “{rule.anchor}” holds no occurrence "
                                           f"of it in {mt.id}", "anchor on the words a form of the entry matches, or remove it"))
            hits = [h for h in hits if h not in mine]
        elif overlapping:
            errors.append(EditionError(rule.path, rule.line, f"include in “{entry.id}”: “{rule.anchor}” is already an occurrence "
                                       f"of “{overlapping[0][2].id}” in {mt.id}", "remove the inclusion, or exclude that occurrence first"))
        else:
            hits = sorted([*hits, (start, end, entry, None)], key=lambda h: h[0])
    return hits


def _non_overlapping(hits: list) -> list:
    """Longest match wins where matches overlap; result in text order."""
    chosen: list = []
    for hit in sorted(hits, key=lambda h: (-(h[1] - h[0]), h[0])):
        if all(hit[1] <= c[0] or hit[0] >= c[1] for c in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h[0])
