"""The PDF writer: the book as one HTML document, laid out by WeasyPrint.

`layout` returns the laid-out document and where each page begins, so the EPUB writer
can mark the same pages; `write_pdf` then serialises it reproducibly.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2
from lxml import etree
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from . import __version__
from .book import Page, pages, source_date
from .epub import PageMark
from .matter import edition_field
from .merge import Merged
from .xhtml import Target

STYLES = Path(__file__).resolve().parents[2] / "styles"


def _html(elements) -> Markup:
    return Markup("\n".join(etree.tostring(e, encoding="unicode", method="html") for e in elements))


def print_pages(merged: Merged, page_of: dict[str, str] | None = None) -> list[Page]:
    return pages(merged, Target("pdf", lambda i: f"#{i}", page_of))


def book_html(merged: Merged, page_of: dict[str, str] | None = None, back_only: bool = False,
              book_pages: list[Page] | None = None) -> str:
    """The book as one HTML document for print (or, with `back_only`, its back matter alone)."""
    book_pages = book_pages or print_pages(merged, page_of)
    front = [p for p in book_pages if p.matter == "front"]
    rest = [p for p in book_pages if p.matter == ("back" if back_only else p.matter) and p.matter != "front"]
    authors_of = {f"text-{mt.id}": mt.text.author for mt in merged.texts}
    toc = [{"id": p.section.get("id"), "label": p.title, "front": p.matter == "front",
            "author": authors_of.get(p.name, ""), "children": p.children} for p in book_pages if p.name != "titlepage"]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(STYLES / "templates"), autoescape=True)
    return env.get_template("book.html.j2").render(
        title=edition_field(merged, "//tei:titleStmt/tei:title[1]"),
        subtitle=edition_field(merged, "//tei:titleStmt/tei:title[@type='sub']"),
        authors=list(dict.fromkeys(authors_of.values())), version=__version__,
        date=source_date(merged).strftime("%Y-%m-%dT%H:%M:%SZ"),
        description="Five Marxist analyses of the collapse of the USSR, 1993–2021: a critical edition.",
        keywords="USSR, Soviet Union, collapse, 1991, Stalinism, Trotskyism, perestroika, glasnost, critical edition",
        front=None if back_only else _html([p.section for p in front]),
        body=_html([el for p in rest for el in (p.section, *p.after)]), toc=toc)


def _render(html: str, extra_css: str = ""):
    fonts = FontConfiguration()
    sheets = [CSS(filename=str(STYLES / "print.css"), font_config=fonts)]
    if extra_css:
        sheets.append(CSS(string=extra_css, font_config=fonts))
    return HTML(string=html, base_url=str(STYLES) + "/").render(stylesheets=sheets, font_config=fonts)


def layout(merged: Merged):
    """Lay the book out; return the WeasyPrint document and the PDF's page marks.

    The glossary and index list the pages of every occurrence. CSS can print those
    pages but not drop repeats, so the back matter is laid out a second time, alone,
    with the page numbers of the first layout written out once each, and put after
    the pages of the texts (which the back matter cannot move)."""
    title = edition_field(merged, "//tei:titleStmt/tei:title[1]").replace('"', "'")
    running_heads = (f'@page :left {{ @top-center {{ content: "{title}"; }} }}'
                     "@page :blank { @top-center { content: none; } }")
    book_pages = print_pages(merged)
    back_ids = [p.section.get("id") for p in book_pages if p.matter == "back"]
    doc = _render(book_html(merged, book_pages=book_pages), running_heads)
    first_body = _first_body_page(doc, merged)
    labels = [_folio(i, first_body) for i in range(len(doc.pages))]
    page_of = {a: labels[i] for i, page in enumerate(doc.pages) for a in page.anchors}
    back_start = min(i for i, page in enumerate(doc.pages) if back_ids[0] in page.anchors)
    back = _render(book_html(merged, page_of, back_only=True),
                   running_heads + f"@page :nth(1 of main) {{ counter-set: page {back_start - first_body + 1}; }}")
    if _starts(back, back_ids, back_start) == _starts(doc, back_ids, 0):
        doc = doc.copy(doc.pages[:back_start] + back.pages)
    else:  # the contents page would be wrong: lay the whole book out again, with the pages known
        doc = _render(book_html(merged, page_of), running_heads)
    return doc, page_marks(doc, merged.texts[0].id)


def _starts(doc, ids: list[str], offset: int) -> dict[str, int]:
    """The page index where each of these sections begins, counted from `offset`."""
    return {a: i + offset for i, page in enumerate(doc.pages) for a in page.anchors if a in ids}


def _first_body_page(doc, merged: Merged) -> int:
    return next(i for i, page in enumerate(doc.pages) if merged.texts[0].id in page.anchors)


def _folio(index: int, first_body: int) -> str:
    return roman(index + 1) if index < first_body else str(index - first_body + 1)


def page_marks(doc, first_body_id: str) -> list[PageMark]:
    """For each page, its printed folio (roman in the front matter) and the first element id on it."""
    first_body = next(i for i, page in enumerate(doc.pages) if first_body_id in page.anchors)
    marks = []
    seen: set[str] = set()
    for i, page in enumerate(doc.pages):
        # An element running over several pages has an anchor on each: take the topmost new one.
        fresh = {k: v for k, v in page.anchors.items() if k not in seen}
        seen.update(page.anchors)
        if not fresh:
            continue
        first = min(fresh.items(), key=lambda kv: (round(kv[1][1], 1), kv[1][0]))[0]
        marks.append(PageMark(_folio(i, first_body), first))
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
    return doc.write_pdf(pdf_identifier=identifier, pdf_variant="pdf/ua-1", custom_metadata=True)
