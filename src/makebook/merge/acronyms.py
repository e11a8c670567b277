"""Acronyms marked with their expansions, from the edition's own list (notes/acronyms.xml)."""
from __future__ import annotations

import re

from lxml import etree

from ..errors import EditionError
from ..model import Acronym, Entry
from ..textview import T, fold
from .anchoring import Reading, form_pattern, wrap


class Acronyms:
    """The edition's acronyms as one pattern, and their expansions."""

    def __init__(self, acronyms: list[Acronym]):
        self.expansions = {a.abbr: a.expan for a in acronyms}
        self.pattern: re.Pattern | None = form_pattern(list(self.expansions), case_sensitive=True)

    def mark(self, elements) -> None:
        """Wrap the acronyms in <abbr> with their expansion, in these leaf blocks."""
        if self.pattern is None:
            return
        for block in list(elements):
            reading = Reading(block)
            for m in list(self.pattern.finditer(reading.text))[::-1]:
                el = etree.Element(f"{T}abbr", {"expan": self.expansions[m.group(0)]})
                wrap(*reading.span(m.start(), m.end()), el)

    def marked(self, text: str) -> etree._Element:
        """Plain text (a title, a label, a headword) as a TEI paragraph, its acronyms marked."""
        p = etree.Element(f"{T}p")
        p.text = text
        self.mark([p])
        return p


def _words(text: str) -> list[str]:
    """Lower-case words, parentheses and plural s left out: what an expansion and a definition share."""
    return [w.rstrip("s") for w in re.findall(r"\w+", re.sub(r"\([^)]*\)", "", fold(text).lower()))]


def disagreements(acronyms: list[Acronym], glossary: list[Entry]) -> list[EditionError]:
    """An acronym that is a glossary headword or form must be expanded as the entry says."""
    errors = []
    for acronym in acronyms:
        for entry in glossary:
            if acronym.abbr not in (entry.label, *(f.text for f in entry.forms)):
                continue
            expansion = " ".join(_words(acronym.expan))
            said = " ".join(_words(entry.label + " " + " ".join(entry.element.find("def").itertext())))
            if f" {expansion} " not in f" {said} ":
                errors.append(EditionError(acronym.path, acronym.line,
                                           f"acronym “{acronym.abbr}” expands to “{acronym.expan}”, which glossary "
                                           f"entry “{entry.id}” ({entry.path.name}:{entry.line}) does not say",
                                           "make the expansion and the entry's definition agree"))
    return errors
