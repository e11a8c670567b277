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
class IndexRule:
    """One occurrence set right by hand: a wrong-sense match of an entry's forms excluded,
    or a place that no form matches (a bare surname) included; anchored like a note."""

    kind: str  # "exclude" or "include"
    text_id: str
    anchor: str
    prefix: str
    suffix: str
    occurrence: int | None
    reason: str
    path: Path
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
    in_titles: bool = False  # occurrences inside titles of works count too
    rules: list[IndexRule] = field(default_factory=list)


@dataclass
class Acronym:
    abbr: str
    expan: str
    path: Path
    line: int


@dataclass
class Metadata:
    """The edition's bibliographic description, as its header (edition/edition.xml) states it."""

    title: str
    subtitle: str
    slug: str  # the books' file names
    language: str
    description: str
    subjects: list[str]
    keywords: list[str]
    editors: list[str]
    publisher: str
    identifier: str
    rights: str


@dataclass
class Edition:
    root: Path
    meta: etree._Element
    metadata: Metadata
    texts: list[Text]
    notes: list[Note]
    glossary: list[Entry]
    persons: list[Entry]
    acronyms: list[Acronym] = field(default_factory=list)

    @property
    def styles(self) -> Path:
        """The edition's own styles/ folder, or the ones makebook comes with."""
        return styles_of(self.root)

    @property
    def entries(self) -> list[Entry]:
        return self.glossary + self.persons


def styles_of(root: Path) -> Path:
    """A project's own styles/ folder, or the ones makebook comes with."""
    from . import STYLES
    own = root / "styles"
    return own if own.is_dir() else STYLES
