"""A part laid out again after a make-up repair starts from the first page the repair
touches and keeps the pages WeasyPrint need not make again (writers/pdf_relayout.py): each
round must lay out the pages a layout from scratch of the same HTML lays out, and the last
must write the same PDF."""
from __future__ import annotations

import lxml.html

from makebook.render.pagemap import PageMap
from makebook.writers import pdf_relayout
from makebook.writers.makeup import repaired, replay
from makebook.writers.pdf import book_parts
from makebook.writers.pdf_layout import heads_css
from makebook.writers.pdf_part import render
from makebook.writers.pdf_text import page_text


def test_a_part_repaired_page_by_page_is_the_part_a_whole_layout_makes(merged):
    parts = book_parts(merged, PageMap())
    part = max(parts, key=lambda p: p.html.count('class="footnote"'))  # the text with the most notes to place
    styles, css = merged.edition.styles, heads_css(merged)
    last: dict = {"pagination": None, "doc": None}
    layouts = []
    differing = []

    def lay(html: str):
        doc, last["pagination"] = pdf_relayout.lay_out(lambda h: render(styles, h, css), html, last["pagination"])
        last["doc"] = doc
        layouts.append((len(doc.pages), last["pagination"].made))
        if len(layouts) > 1:  # every round, for the next round's repairs are read from it
            whole = render(styles, html, css).pages
            differing.extend((len(layouts), i) for i, (a, b) in enumerate(zip(doc.pages, whole))
                             if page_text(a) != page_text(b) or a.anchors.keys() != b.anchors.keys())
            differing.extend([(len(layouts), "pages")] if len(doc.pages) != len(whole) else [])
        return doc

    html, repairs = repaired(lay(part.html), part.html, lay)
    assert len(layouts) > 2  # repaired more than once
    assert sum(made for _, made in layouts[1:]) < sum(pages for pages, _ in layouts[1:])  # pages were kept
    assert differing == []  # (round, page)
    assert last["doc"].write_pdf() == render(styles, html, css).write_pdf()
    assert replay(part.html, repairs) == html  # the repairs, made again, make the same part


def test_an_unchanged_or_reworded_part_is_found_so():
    old = "<html><body><p id='a'>One</p><p id='b'>Two <span>three</span></p><p id='c'>Four</p></body></html>"
    parse = lxml.html.document_fromstring
    assert pdf_relayout._changed(parse(old), parse(old)) is None
    new = old.replace("three", "3")
    first, last = pdf_relayout._changed(parse(old), parse(new))
    changed = list(parse(old).iter())
    assert changed[first].tag == changed[last].tag == "span"
    # p#a on the first page, p#b begins on the second, p#c on the third; the page before the
    # change's is made again too (what it could not take may now come back)
    pagination = pdf_relayout.Pagination(old, clean=[True, True, True, True],
                                         anchors=[{"a": (0, 0)}, {"b": (0, 0)}, {"c": (0, 0)}])
    assert pdf_relayout._pages_touched(pagination, new) == (0, 2)
    fourth = old.replace("Four", "4")
    assert pdf_relayout._pages_touched(pagination, fourth) == (1, 3)
    pagination.clean[1] = False  # a note carried into the second page: start a page earlier
    assert pdf_relayout._pages_touched(pagination, fourth) == (0, 3)
