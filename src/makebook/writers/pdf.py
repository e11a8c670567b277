"""The PDF writer's HTML: the book, or one part of it, as an HTML document for WeasyPrint.

A part is a run of pages that opens on a recto: the title page, each front-matter
section, the contents, each text, each back-matter section. Every page number a part
prints comes from the page map (render/pagemap.py); links to another part are written
as `CROSS` URIs, which the merge turns back into links (pdf_merge.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import lxml.html
from lxml import etree
from markupsafe import Markup

from .. import __version__
from ..merge.document import Merged
from ..render.book import Page, authors, pages, source_date, subtitle, templates, title
from ..render.builder import Target
from ..render.pagemap import PageMap
from .pdf_merge import CROSS
from .pdf_words import mark


@dataclass
class Part:
    """One part of the book as its own HTML document."""

    name: str
    html: str
    front: bool  # roman folios
    pad: bool  # ends with a page to drop, so that the next part opens on a recto


def _html(elements) -> Markup:
    return Markup("\n".join(etree.tostring(e, encoding="unicode", method="html") for e in elements))


PRELIMS = ("halftitle", "titlepage", "copyright")  # before the contents, which come before the rest
ON_VERSO = ("copyright",)  # printed on the verso of the page before: in the same part


def _part_group(page: Page) -> Markup:
    """A text with its notes and apparatus, or a part of the matter: one page group in print."""
    return Markup('<div class="part">') + _html([page.section, *page.after]) + Markup("</div>")


def print_pages(merged: Merged, page_of: PageMap) -> list[Page]:
    return pages(merged, Target("pdf", lambda i: f"#{i}", page_of))


def _toc(book_pages: list[Page], page_of: PageMap) -> list[dict]:
    return [{"id": p.section.get("id"), "label": p.title, "author": p.author, "page": page_of.folio(p.section.get("id")),
             "children": [{"id": cid, "label": label, "page": page_of.folio(cid)} for cid, label in p.children]}
            for p in book_pages if p.name not in PRELIMS]


def book_html(merged: Merged, page_of: PageMap, book_pages: list[Page], chosen: list[Page] | None = None,
              contents: bool = True, end_on_verso: bool = False) -> str:
    """The book, or the `chosen` pages of it (and the contents page if `contents`), as one
    HTML document for print. `end_on_verso` adds a last page to drop, so that the next
    document begins on a recto."""
    meta = merged.edition.metadata
    chosen = book_pages if chosen is None else chosen
    prelims = [p.section for p in chosen if p.name in PRELIMS]
    front = [p.section for p in chosen if p.matter == "front" and p.name not in PRELIMS]
    body = [p for p in chosen if p.matter != "front"]
    return templates(merged.edition.styles).get_template("book.html.j2").render(
        title=title(merged), subtitle=subtitle(merged), authors=authors(merged), version=__version__,
        date=source_date(merged).strftime("%Y-%m-%dT%H:%M:%SZ"), lang=meta.language,
        description=meta.description, keywords=", ".join(meta.keywords),
        prelims=_html(prelims) if prelims else None, front=_html(front) if front else None, body=Markup("\n").join(_part_group(p) for p in body) or None,
        toc=_toc(book_pages, page_of) if contents else None, end_on_verso=end_on_verso)


def book_parts(merged: Merged, page_of: PageMap) -> list[Part]:
    """The book's parts in reading order, each page number printed from `page_of`."""
    book_pages = print_pages(merged, page_of)
    front = [p for p in book_pages if p.matter == "front"]
    rest = [p for p in book_pages if p.matter != "front"]
    runs: list[tuple[str, list[Page], bool, bool]] = []  # name, pages, with the contents, padded
    for page in [p for p in front if p.name in PRELIMS]:
        if page.name in ON_VERSO and runs:
            runs[-1][1].append(page)
        else:
            runs.append((page.name, [page], False, True))
    runs.append(("contents", [], True, True))
    runs += [(p.name, [p], False, True) for p in front if p.name not in PRELIMS]
    runs += [(p.name, [p], False, p is not rest[-1]) for p in rest]
    return [_part(name, book_html(merged, page_of, book_pages, chosen, contents, pad),
                  name in {p.name for p in front} or contents, pad)
            for name, chosen, contents, pad in runs]


def _part(name: str, html: str, front: bool, pad: bool) -> Part:
    """The part, each link to an id outside it written as a `CROSS` URI (WeasyPrint drops
    links to anchors it cannot find), its compounds and URLs marked where they may break
    (pdf_words.py)."""
    doc = lxml.html.document_fromstring(html)
    mark(doc)
    ids = frozenset(doc.xpath("//@id"))
    for a in doc.iter("a"):
        href = a.get("href", "")
        if href.startswith("#") and href[1:] not in ids:
            a.set("href", CROSS + href[1:])
    return Part(name, lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>"), front, pad)
