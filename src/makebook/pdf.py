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
from .book import pages, source_date
from .epub import PageMark
from .matter import edition_field
from .merge import Merged
from .xhtml import Target

STYLES = Path(__file__).resolve().parents[2] / "styles"


def book_html(merged: Merged) -> str:
    """The whole book as one HTML document for print."""
    book_pages = pages(merged, Target("pdf", lambda i: f"#{i}"))
    html = lambda els: Markup("\n".join(etree.tostring(e, encoding="unicode", method="html") for e in els))
    front = [p for p in book_pages if p.matter == "front"]
    rest = [p for p in book_pages if p.matter != "front"]
    toc = [{"id": p.section.get("id"), "label": p.title, "front": p.matter == "front",
            "author": merged.texts[[m.id for m in merged.texts].index(p.name[5:])].text.author if p.name.startswith("text-") else "",
            "children": p.children} for p in book_pages if p.name != "titlepage"]
    authors = list(dict.fromkeys(mt.text.author for mt in merged.texts))
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(STYLES / "templates"), autoescape=True)
    return env.get_template("book.html.j2").render(
        title=edition_field(merged, "//tei:titleStmt/tei:title[1]"),
        subtitle=edition_field(merged, "//tei:titleStmt/tei:title[@type='sub']"),
        authors=authors, version=__version__, date=source_date(merged).strftime("%Y-%m-%dT%H:%M:%SZ"),
        description="Five Marxist analyses of the collapse of the USSR, 1993–2021: a critical edition.",
        keywords="USSR, Soviet Union, collapse, 1991, Stalinism, Trotskyism, perestroika, glasnost, critical edition",
        front=html([p.section for p in front]), body=html([el for p in rest for el in (p.section, *p.after)]), toc=toc)


def layout(merged: Merged):
    """Lay the book out; return the WeasyPrint document and the PDF's page marks."""
    fonts = FontConfiguration()
    css = CSS(filename=str(STYLES / "print.css"), font_config=fonts)
    doc = HTML(string=book_html(merged), base_url=str(STYLES) + "/").render(stylesheets=[css], font_config=fonts)
    return doc, page_marks(doc, merged.texts[0].id)


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
        marks.append(PageMark(roman(i + 1) if i < first_body else str(i - first_body + 1), first))
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
    return doc.write_pdf(pdf_identifier=identifier, pdf_tags=True, custom_metadata=True)
