"""Acronyms marked with their expansions, from the edition's own list."""
from __future__ import annotations

from lxml import etree

from ..abbreviations import ACRONYMS
from ..textview import T
from .anchoring import Reading, form_pattern, wrap

_ACRONYM_RE = form_pattern(list(ACRONYMS), case_sensitive=True)

def mark_acronyms(elements) -> None:
    """Wrap known acronyms in <abbr> with their expansion, in these leaf blocks."""
    for block in list(elements):
        reading = Reading(block)
        for m in list(_ACRONYM_RE.finditer(reading.text))[::-1]:
            el = etree.Element(f"{T}abbr", {"expan": ACRONYMS[m.group(0)]})
            wrap(*reading.span(m.start(), m.end()), el)
