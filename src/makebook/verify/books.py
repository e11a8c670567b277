"""Checks on the books as written, read back from their bytes: every note and apparatus
entry of the edition is in the EPUB and in the PDF, every footnote begins on the page of
its call, and every witness word and mark is accounted for: by the edited text or a
recorded intervention (the collation), and then by the EPUB's reading text, read from
its XHTML, and by the PDF's reading text, which must each hold every word and mark of the
edited text. The build reads the PDF's text from its laid-out pages, exactly: nothing lost,
nothing added; on a PDF already written it is read from its tagged structure, which cannot
tell a footnote call from the text, so there only what the PDF lacks counts.

`makebook build` runs them before anything reaches dist/; `makebook verify` runs them on
books already built.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from ..errors import EditionError
from ..merge.document import Merged
from ..sources.load import NS
from ..sources.xmlio import XML_NS
from ..textview import T
from .collate import collate
from .reading import edited_reading, epub_reading, losses, pdf_reading
from .written_pdf import written_reading

XML_ID = f"{{{XML_NS}}}id"
_ID = re.compile(rb'\bid="([^"]+)"')


@dataclass
class Verification:
    problems: list[EditionError] = field(default_factory=list)
    footnotes: int = 0
    entries: int = 0
    on_call_page: int = 0
    witness_tokens: int = 0
    accounted: int = 0
    readings: list[str] = field(default_factory=list)  # the books whose reading text was read

    def summary(self) -> str:
        return (f"verified: {self.footnotes} footnotes and {self.entries} apparatus entries in both books, "
                f"{self.on_call_page} of {self.footnotes} footnotes beginning on their call's page; "
                f"{self.accounted} of {self.witness_tokens} witness words and marks accounted for"
                + (f" in the reading text of the {' and the '.join(self.readings)}" if self.readings else ""))


@dataclass
class Item:
    """A note or an apparatus entry, and where an editor finds it."""
    id: str
    path: object
    line: int | None


def edition_notes(merged: Merged) -> tuple[list[Item], list[Item]]:
    """Every footnote and every apparatus entry (interventions, textual notes) of the edition."""
    sources = {n.id: n for n in merged.edition.notes}
    footnotes, entries = [], []
    for mt in merged.texts:
        for el in mt.body.iter(f"{T}note"):
            note = sources[el.get(XML_ID)]
            (footnotes if el.get("type") == "explanatory" else entries).append(Item(note.id, note.path, note.line))
        entries += [Item(el.get(XML_ID), mt.text.path, el.sourceline) for el in mt.body.iter()
                    if (el.get(XML_ID) or "").startswith(f"{mt.id}-app")]
    return footnotes, entries


def _epub_ids(epub: bytes) -> set[str]:
    with zipfile.ZipFile(io.BytesIO(epub)) as z:
        return {m.decode() for n in z.namelist() if n.endswith(".xhtml") for m in _ID.findall(z.read(n))}


def pdf_pages(pdf: bytes) -> dict[str, int]:
    """Each named destination of the PDF (an element id) and the page it is on (1-based)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return {name: reader.get_destination_page_number(dest) + 1 for name, dest in reader.named_destinations.items()}


def verify(merged: Merged, epub: bytes | None, pdf: bytes | None, pdf_text: list | None = None) -> Verification:
    """Check the books (their bytes; None for a book not made) against the merged edition;
    `pdf_text`: the text of the PDF's laid-out pages (writers/pdf_text.py), when just laid out."""
    result = Verification()
    footnotes, entries = edition_notes(merged)
    result.footnotes, result.entries = len(footnotes), len(entries)
    epub_ids = _epub_ids(epub) if epub is not None else None
    pages = pdf_pages(pdf) if pdf is not None else None
    for kind, items in (("footnote", footnotes), ("apparatus entry", entries)):
        for item in items:
            for book, ids in (("EPUB", epub_ids), ("PDF", pages)):
                if ids is not None and item.id not in ids:
                    result.problems.append(EditionError(item.path, item.line, f"{kind} “{item.id}” is missing from the {book}",
                                                        "a defect of the layout, not of the note: report it"))
    if pages is not None:
        for item in footnotes:
            note, call = pages.get(item.id), pages.get(f"ref-{item.id}")
            if note is not None and call is not None:
                if note == call:
                    result.on_call_page += 1
                else:
                    result.problems.append(EditionError(item.path, item.line, f"footnote “{item.id}” begins on PDF page "
                                                        f"{note}, its call on page {call}",
                                                        "shorten the note or anchor it earlier"))
    for mt in merged.texts:
        collation = collate(mt.id, mt.text.tree.find(".//tei:body", NS), mt.text.witness)
        result.witness_tokens += collation.tokens
        result.problems += [EditionError(mt.text.path, None, d) for d in collation.differences]
        if not collation.differences:
            result.accounted += sum(collation.accounted.values())
    text_ids = [mt.id for mt in merged.texts]
    expected = edited_reading(merged)
    paths = {mt.id: mt.text.path for mt in merged.texts}
    printed = {}
    if epub is not None:
        printed["EPUB"] = (epub_reading(epub, text_ids), True)
    if pdf_text is not None:
        printed["PDF"] = (pdf_reading(pdf_text, text_ids), True)
    elif pdf is not None:
        printed["PDF"] = (written_reading(merged, pdf, pages), False)
    for book, (reading, additions) in printed.items():
        result.readings.append(book)
        for text_id in text_ids:
            result.problems += [EditionError(paths[text_id], line, f"the {book}'s reading text {loss}",
                                             "a defect of the books, not of the sources: report it")
                                for line, loss in losses(expected[text_id], reading[text_id], additions)]
    return result
