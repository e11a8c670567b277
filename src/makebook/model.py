"""The document model every stage shares: the edition's inputs as loaded and validated."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree


@dataclass
class Text:
    """One edited text: its TEI tree and where it came from."""

    id: str
    path: Path
    tree: etree._Element
    witness: Path

    def header(self, xpath: str) -> str:
        from .sources.xmlio import TEI_NS
        found = self.tree.xpath(f"string(tei:teiHeader/{xpath})", namespaces={"tei": TEI_NS})
        return " ".join(found.split())

    @property
    def title(self) -> str:
        return self.header("tei:fileDesc/tei:titleStmt/tei:title")

    @property
    def author(self) -> str:
        return self.header("tei:fileDesc/tei:titleStmt/tei:author")

    @property
    def date(self) -> str:
        return self.header("tei:fileDesc/tei:publicationStmt/tei:date/@when")


@dataclass
class Note:
    """A standoff editorial note and how to find its place in the text."""

    id: str
    text_id: str
    type: str
    anchor: str | None
    prefix: str
    suffix: str
    occurrence: int | None
    target: str | None
    body: etree._Element
    path: Path
    line: int


@dataclass
class Form:
    text: str
    case_sensitive: bool
    line: int


@dataclass
class Entry:
    """A glossary entry or a person of the index: what to match and what to print."""

    id: str
    kind: str  # "glossary" or "person"
    label: str
    sort: str
    forms: list[Form]
    element: etree._Element
    path: Path
    line: int
    see: list[str] = field(default_factory=list)


@dataclass
class Edition:
    root: Path
    meta: etree._Element
    texts: list[Text]
    notes: list[Note]
    glossary: list[Entry]
    persons: list[Entry]

    @property
    def entries(self) -> list[Entry]:
        return self.glossary + self.persons
