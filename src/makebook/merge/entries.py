"""Glossary terms and persons found in the texts from their declared forms: every
occurrence wrapped and indexed, the first in each text marked to be linked."""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ..model import Entry, Form
from ..sources.xmlio import XML_NS
from ..textview import T, fold
from .anchoring import Reading, blocks, form_pattern, wrap
from .document import Merged, MergedText, Occurrence
from .numbering import paragraph_of

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

def mark_entries(mt: MergedText, forms: Forms, merged: Merged, matched_forms: set[int]) -> None:
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
