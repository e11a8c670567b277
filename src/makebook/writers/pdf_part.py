"""One part of the PDF laid out and written by WeasyPrint, in a child process.

A part's folios depend on the page counts of the parts before it, which are being laid
out at the same time in other processes. WeasyPrint paginates first and draws the running
heads (the only place a part prints its own folios) once pagination is done; so the child
paginates, sends its page count to the parent, waits for its first folio, and only then
makes the heads. One layout per part, whatever the order the parts finish in.
"""
from __future__ import annotations

import copy
import traceback
from dataclasses import dataclass
from pathlib import Path

import weasyprint.layout
from weasyprint import CSS, HTML

from ..errors import ErrorList
from . import footnote_fix
from .faces import VendoredFonts, check_faces
from .makeup import outer_margin_numbers, repaired
from .pdf_text import page_text


@dataclass
class LaidPart:
    """A part after layout: its PDF and, page by page, where each anchor landed (x, y) and
    the text it prints (pdf_text.py)."""

    pdf: bytes
    start: int  # its first folio
    pages: list[dict[str, tuple[float, float]]]
    texts: list[list[list[str]]]


def render(styles: Path, html: str, extra_css: str = ""):
    """Lay `html` out with the book's stylesheet; return the WeasyPrint document."""
    footnote_fix.apply()
    fonts = VendoredFonts(styles / "print.css")
    sheets = [CSS(filename=str(styles / "print.css"), font_config=fonts)]
    if extra_css:
        sheets.append(CSS(string=extra_css, font_config=fonts))
    doc = HTML(string=html, base_url=str(styles) + "/").render(stylesheets=sheets, font_config=fonts)
    outer_margin_numbers(doc)
    return doc


MAKE_MARGIN_BOXES = weasyprint.layout.make_margin_boxes  # WeasyPrint's own, before any part's


def _heads_from(first_folio):
    """A make_margin_boxes that asks `first_folio(page_count)` for the part's first folio
    when the first head is drawn, and numbers the pages from it."""
    original = MAKE_MARGIN_BOXES
    offset = None

    def make_margin_boxes(context, page, state):
        nonlocal offset
        if offset is None:
            offset = first_folio(len(context.page_maker) - 1) - 1
        state = copy.deepcopy(state)
        state[1]["page"] = [value + offset for value in state[1]["page"]]
        return original(context, page, state)
    return make_margin_boxes


def lay_out_part(styles: Path, html: str, extra_css: str, pad: bool, sources: list[Path], conn) -> None:
    """In a child: lay the part out; send ("pages", n), receive the first folio, send
    ("done", LaidPart), ("invalid", [EditionError…]) for characters no vendored face
    draws (`sources`: where to look for them), or ("error", traceback)."""
    try:
        start = None

        def first_folio(count: int) -> int:
            nonlocal start
            conn.send(("pages", count - 1 if pad else count))
            start = conn.recv()
            return start
        # Laid out, and repaired, with provisional folios first, so that the page count
        # sent is the final one; then laid out once more with the part's real folios.
        weasyprint.layout.make_margin_boxes = _heads_from(lambda _count: 1)
        html = repaired(render(styles, html, extra_css), html, lambda fixed: render(styles, fixed, extra_css))
        weasyprint.layout.make_margin_boxes = _heads_from(first_folio)
        doc = render(styles, html, extra_css)
        if pad:
            doc = doc.copy(doc.pages[:-1])
        check_faces(doc.pages, styles / "print.css", sources)
        pages = [{k: (round(v[0], 2), round(v[1], 2)) for k, v in page.anchors.items()} for page in doc.pages]
        texts = [page_text(page) for page in doc.pages]
        conn.send(("done", LaidPart(doc.write_pdf(pdf_variant="pdf/ua-1", custom_metadata=True), start, pages, texts)))
    except ErrorList as errs:
        conn.send(("invalid", errs.errors))
    except BaseException:  # noqa: BLE001 (reported to the parent, which raises)
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()
