"""One part of the PDF laid out and written by WeasyPrint, in a child process.

A part's folios depend on the page counts of the parts before it, which are being laid
out at the same time in other processes. WeasyPrint paginates first and makes the running
heads (the only place a part prints its own folios) once pagination is done; so the child
lays the part out (and repairs its make-up) with folios from 1, sends its page count to the
parent, waits for its first folio, and then makes the heads of its last layout again. No
part is laid out again for its folios, whatever the order the parts finish in.
"""
from __future__ import annotations

import copy
import functools
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import weasyprint.layout
from weasyprint import CSS, HTML
from weasyprint.document import Page
from weasyprint.formatting_structure.boxes import MarginBox
from weasyprint.layout.background import layout_backgrounds

from ..errors import ErrorList
from . import hyphenation, pdf_relayout
from .faces import VendoredFonts, check_faces
from .makeup import faults, openings, outer_margin_numbers, repaired, replay, settle
from .pdf_text import page_text


@dataclass
class LaidPart:
    """A part after layout: its PDF and, page by page, where each anchor landed (x, y) and
    the text it prints (pdf_text.py)."""

    pdf: bytes
    start: int  # its first folio
    pages: list[dict[str, tuple[float, float]]]
    texts: list[list[list[str]]]
    laid_out: int = 0  # pages WeasyPrint laid out to make it (its make-up repairs included)
    html: str = ""  # the part's HTML as its make-up repairs left it
    short: int | None = None  # its pages left short (makeup.faults), None if repairs remain
    repairs: list = field(default_factory=list)  # the make-up repairs its HTML has (makeup._apply)


@functools.cache
def _stylesheets(styles: Path, extra_css: str) -> tuple[VendoredFonts, list[CSS]]:
    """The fonts and stylesheets, the same for every layout a process makes (the pages one
    layout keeps from another draw with the fonts they were laid out with)."""
    fonts = VendoredFonts(styles / "print.css")
    sheets = [CSS(filename=str(styles / "print.css"), font_config=fonts)]
    if extra_css:
        sheets.append(CSS(string=extra_css, font_config=fonts))
    return fonts, sheets


def render(styles: Path, html: str, extra_css: str = ""):
    """Lay `html` out with the book's stylesheet; return the WeasyPrint document."""
    hyphenation.apply()  # and footnote_fix, which it needs
    fonts, sheets = _stylesheets(styles, extra_css)
    doc = HTML(string=html, base_url=str(styles) + "/").render(stylesheets=sheets, font_config=fonts)
    outer_margin_numbers(doc)
    return doc


MAKE_MARGIN_BOXES = weasyprint.layout.make_margin_boxes  # WeasyPrint's own, before any part's


_made: list = []  # (context, page box, page state) of each page laid out, as WeasyPrint makes its heads


def _recording_margin_boxes(context, page, state):
    _made.append((context, page, state))
    return MAKE_MARGIN_BOXES(context, page, state)


def _number_from(doc, made: list, first_folio: int) -> None:
    """Make the running heads of a laid-out part again, its pages numbered from
    `first_folio`: WeasyPrint makes them, the only boxes printing a folio, once pagination
    is done, and the pages stay as they were laid out."""
    for number, (context, page, state) in enumerate(made, 1):
        state = copy.deepcopy(state)
        state[1]["page"] = [value + first_folio - 1 for value in state[1]["page"]]
        context.current_page = number
        page.children = (*(c for c in page.children if not isinstance(c, MarginBox)),
                         *MAKE_MARGIN_BOXES(context, page, state))
        layout_backgrounds(page, context.get_image_from_uri)
    doc.pages[:] = [Page(page._page_box) for page in doc.pages]


def lay_out_part(styles: Path, html: str, extra_css: str, pad: bool, sources: list[Path], conn,
                 repaired_html: str | None = None, short: int | None = -1,
                 repairs: tuple = (), zero_html: str | None = None) -> None:
    """In a child: lay the part out; send ("pages", n), receive the first folio, send
    ("done", LaidPart), ("invalid", [EditionError…]) for characters no vendored face
    draws (`sources`: where to look for them), or ("error", traceback).
    `repaired_html`: what the make-up repairs made of this part before, laid out instead of
    repairing it again: as it is when `short` is -1 (the same HTML: a layout does not depend
    on the first folio), else kept if it leaves nothing to repair and no more pages short
    than `short` (None: the repairs had left something), and repaired further if not (the
    same part printing other folios: `repairs` are those `repaired_html` has, not tried
    again). `zero_html`: the part with every folio it prints unknown, which the repairs are
    made on when there is no `repaired_html`; they are then made again on the part
    (`makeup.replay`), which is repaired further as above."""
    try:
        weasyprint.layout.make_margin_boxes = _recording_margin_boxes
        last: dict = {}  # the HTML last laid out: its document and its pages' states
        laid_out = 0
        pagination = None  # the last layout's, for the next to start from (pdf_relayout.py)

        def sample(text: str):  # a layout from scratch
            return render(styles, text, extra_css)

        def lay(text: str):
            nonlocal laid_out, pagination
            _made.clear()
            doc, pagination = pdf_relayout.lay_out(sample, text, pagination)
            laid_out += pagination.made
            last.clear()
            last[text] = doc, list(_made)
            return doc

        def further(doc, short: int | None) -> None:
            """Repair the layout of `html` (made with `ops`) further, unless it leaves nothing
            to repair and no more pages short than `short` (-1: the layout made before)."""
            nonlocal html, ops
            if short != -1:
                now = faults(doc.pages, html)
                if now is None or (short is not None and now > short):
                    html, ops = repaired(doc, html, lay, ops)
        # Laid out, and repaired, with folios from 1, so that the page count sent is the
        # final one; then the heads of its last layout are made with its real folios.
        ops, left = list(repairs), short  # the repairs made, and the pages they left short
        if repaired_html is not None:
            html = repaired_html
            further(lay(html), short)
        elif zero_html is not None:  # repaired with no folio known, then with them
            zero_html, ops = repaired(lay(zero_html), zero_html, lay, sample=sample)
            left = faults(last[zero_html][0].pages, zero_html)
            html = replay(html, ops)
            further(lay(html), left)
        else:
            html, ops = repaired(lay(html), html, lay, sample=sample)
            left = faults(last[html][0].pages, html)
        doc, made = last[html]  # repaired() ends on a layout of the HTML it returns
        settle(doc.pages, openings(html))
        conn.send(("pages", len(doc.pages) - 1 if pad else len(doc.pages)))
        start = conn.recv()
        _number_from(doc, made, start)
        if pad:
            doc = doc.copy(doc.pages[:-1])
        pages = [{k: (round(v[0], 2), round(v[1], 2)) for k, v in page.anchors.items()} for page in doc.pages]
        check_faces(doc.pages, styles / "print.css", sources)
        texts = [page_text(page) for page in doc.pages]
        conn.send(("done", LaidPart(doc.write_pdf(pdf_variant="pdf/ua-1", custom_metadata=True), start, pages, texts, laid_out, html, left,
                                    ops)))
    except ErrorList as errs:
        conn.send(("invalid", errs.errors))
    except BaseException:  # noqa: BLE001 (reported to the parent, which raises)
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()
