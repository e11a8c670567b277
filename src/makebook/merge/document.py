"""The merged document, the one intermediate form every writer renders from (as pandoc's
AST): each text's TEI tree with notes, terms, persons and acronyms merged in, and the
index of every occurrence of every entry."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from lxml import etree

from ..model import Edition, Text
from ..textview import T
from .acronyms import Acronyms
from .anchoring import Reading, blocks


@dataclass
class Occurrence:
    text_id: str
    id: str
    locator: str  # where it stands: "¶ 5", "standfirst", "caption after ¶ 9"

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
    acronyms: Acronyms
    occurrences: dict[str, list[Occurrence]] = field(default_factory=lambda: defaultdict(list))
