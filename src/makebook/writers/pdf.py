"""The PDF writer: the book as one HTML document, laid out by WeasyPrint.

`layout` returns the laid-out document and where each page begins, so the EPUB writer
can mark the same pages; `write_pdf` then serialises it reproducibly.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pydyf
from lxml import etree
from markupsafe import Markup
from weasyprint import CSS, HTML

from .. import __version__
from ..merge.document import Merged
from ..render.book import (
    Page,
    authors,
    pages,
    source_date,
    subtitle,
    templates,
    title,
)
from ..render.builder import Target
from ..render.matter import edition_field
from ..render.pagemap import PageMark
from . import footnote_fix
from .faces import VendoredFonts, check_faces
from .makeup import outer_margin_numbers


def _html(elements) -> Markup:
    return Markup("\n".join(etree.tostring(e, encoding="unicode", method="html") for e in elements))


PRELIMS = ("halftitle", "titlepage", "copyright")  # before the contents, which come before the rest


def _part(page: Page) -> Markup:
    """A text with its notes and apparatus, or a part of the matter: one page group in print."""
    return Markup('<div class="part">') + _html([page.section, *page.after]) + Markup("</div>")


def print_pages(merged: Merged, page_of: dict[str, str] | None = None) -> list[Page]:
    return pages(merged, Target("pdf", lambda i: f"#{i}", page_of))


def book_html(merged: Merged, page_of: dict[str, str] | None = None, book_pages: list[Page] | None = None,
              parts: tuple[str, ...] = ("front", "body", "back"), toc_pages: dict[str, str] | None = None,
              end_on_verso: bool = False) -> str:
    """The book, or some of its parts, as one HTML document for print.

    `toc_pages` writes the contents page's numbers out (when the headings are laid out in
    another document); `end_on_verso` adds a last page to drop, so that the next document
    begins on a recto."""
    meta = merged.edition.metadata
    book_pages = book_pages or print_pages(merged, page_of)
    chosen = [p for p in book_pages if p.matter in parts]
    toc = [{"id": p.section.get("id"), "label": p.title, "front": p.matter == "front",
            "author": p.author, "children": p.children} for p in book_pages if p.name not in PRELIMS]
    return templates(merged.edition.styles).get_template("book.html.j2").render(
        title=title(merged), subtitle=subtitle(merged), authors=authors(merged), version=__version__,
        date=source_date(merged).strftime("%Y-%m-%dT%H:%M:%SZ"), lang=meta.language,
        description=meta.description, keywords=", ".join(meta.keywords),
        prelims=_html([p.section for p in chosen if p.name in PRELIMS]) if "front" in parts else None,
        front=_html([p.section for p in chosen if p.matter == "front" and p.name not in PRELIMS]) if "front" in parts else None,
        body=Markup("\n").join(_part(p) for p in chosen if p.matter != "front") or None,
        toc=toc, toc_pages=toc_pages or {}, end_on_verso=end_on_verso)


def _render(styles: Path, html: str, extra_css: str = ""):
    footnote_fix.apply()
    fonts = VendoredFonts(styles / "print.css")
    sheets = [CSS(filename=str(styles / "print.css"), font_config=fonts)]
    if extra_css:
        sheets.append(CSS(string=extra_css, font_config=fonts))
    doc = HTML(string=html, base_url=str(styles) + "/").render(stylesheets=sheets, font_config=fonts)
    outer_margin_numbers(doc)
    return doc


def layout(merged: Merged):
    """Lay the book out; return the WeasyPrint document and the PDF's page marks.

    Three layouts, put together: the texts; the back matter, whose glossary and index
    give the pages of every occurrence once each (CSS could print them, but not drop the
    repeats, and thousands of page references make WeasyPrint slow); then the front
    matter, its contents page knowing every page. Each part begins on a recto, and the
    arabic folios begin with the texts, so no part's layout depends on another's length."""
    verso = title(merged).replace('"', "'")
    heads = f'.matter h1 {{ string-set: verso-head "{verso}", recto-head attr(data-title); }}'
    book_pages = print_pages(merged)
    texts = _render(merged.edition.styles, book_html(merged, book_pages=book_pages, parts=("body",), end_on_verso=True), heads)
    text_pages = texts.pages[:-1]
    page_of = _first_pages(text_pages, lambda i: str(i + 1))
    back_folio = len(text_pages) + 1
    back = _render(merged.edition.styles, book_html(merged, page_of, parts=("back",)),
                   heads + f"@page :first {{ counter-set: page {back_folio}; }}")
    page_of.update(_first_pages(back.pages, lambda i: str(back_folio + i)))
    front = _render(merged.edition.styles, book_html(merged, book_pages=book_pages, parts=("front",), toc_pages=page_of, end_on_verso=True), heads)
    doc = texts.copy(front.pages[:-1] + text_pages + back.pages)
    root = merged.edition.root
    check_faces(doc.pages, merged.edition.styles / "print.css", sorted((root / "edition").glob("*.xml")) + sorted((root / "notes").glob("*.xml")))
    return doc, page_marks(doc, merged.texts[0].id)


def _first_pages(pages, folio) -> dict[str, str]:
    """Each anchor's folio where it begins (an element running over pages is anchored on each)."""
    out: dict[str, str] = {}
    for i, page in enumerate(pages):
        for anchor in page.anchors:
            out.setdefault(anchor, folio(i))
    return out


def _folio(index: int, first_body: int) -> str:
    return roman(index + 1) if index < first_body else str(index - first_body + 1)


def page_marks(doc, first_body_id: str) -> list[PageMark]:
    """For each page, its printed folio (roman in the front matter) and the first element id on it."""
    first_body = next(i for i, page in enumerate(doc.pages) if first_body_id in page.anchors)
    marks = []
    begun: dict[str, int] = {}  # anchor -> order in which the elements begin
    for i, page in enumerate(doc.pages):
        # An element running over several pages has an anchor on each: take the topmost new one.
        fresh = sorted((k for k in page.anchors if k not in begun),
                       key=lambda k: (round(page.anchors[k][1], 1), page.anchors[k][0]))
        for k in fresh:
            begun[k] = len(begun)
        if fresh:
            marks.append(PageMark(_folio(i, first_body), fresh[0]))
        elif page.anchors:  # the page only continues what began before: mark the end of the latest begun
            marks.append(PageMark(_folio(i, first_body), max(page.anchors, key=begun.__getitem__), True))
    return marks


def roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += letters
            n -= value
    return out


def write_pdf(doc, merged: Merged) -> bytes:
    identifier = hashlib.sha256(edition_field(merged, "//tei:idno").encode()).hexdigest()[:32].encode()
    first_body = next(i for i, page in enumerate(doc.pages) if merged.texts[0].id in page.anchors)
    return doc.write_pdf(pdf_identifier=identifier, pdf_variant="pdf/ua-1", custom_metadata=True,
                         finisher=lambda _doc, pdf: _catalog(pdf, first_body))


def _catalog(pdf, first_body: int) -> None:
    """Page labels equal to the printed folios (i, ii, … then 1, 2, …), so that a viewer's
    page number is the one a reader cites; the outline shown when the PDF is opened."""
    pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array([
        0, pydyf.Dictionary({"S": "/r"}), first_body, pydyf.Dictionary({"S": "/D"})])})
    pdf.catalog["PageMode"] = "/UseOutlines"
