"""A part laid out again after a make-up repair, from the first page the repair touches.

WeasyPrint keeps, for each page, where in the box tree it begins and the state it begins
with (its page maker), and when it lays a document out again for page-based counters it
makes again only the pages whose beginning changed. A make-up repair changes a few blocks
of a part and never adds or removes one. So the new layout starts from the last one's
page maker: the pages before the block of the first change are kept, all but the one just
before it (where that page ends depends on what could not come onto it: a block made
shorter may come back). The pages up to the block after the last change are made again,
and after it a page is made again only while it does not begin where, and as, it began
before; from the first that does, the old pages are kept.

The hooks wrap three functions of WeasyPrint's layout (pinned in footnote_fix.py) and do
nothing unless a relayout is under way.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import lxml.html
from weasyprint import layout as weasy_layout
from weasyprint.layout import page as weasy_page

from . import footnote_fix

# Blocks: a page kept before a change begins no later than the block the change is in.
BLOCKS = {"p", "dd", "dt", "li", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "blockquote",
          "figure", "figcaption", "dl", "ul", "ol", "table", "tr", "td", "th", "aside", "header", "nav"}


@dataclass
class Pagination:
    """What a layout leaves for the next one to start from."""

    html: str
    page_maker: list = field(default_factory=list)
    raw: list = field(default_factory=list)  # each page's box, its children and its root's, as paginated
    notes: list = field(default_factory=list)  # each page's notes (`_key`)
    clean: list = field(default_factory=list)  # for each page: nothing carried into it (no note, no broken float)
    anchors: list = field(default_factory=list)  # each page's anchors, as the document has them
    made: int = 0  # pages WeasyPrint made for this layout


@dataclass
class _Resume:
    last: Pagination
    first: int  # the first page made again
    through: int  # pages made again whatever, up to this one
    now: Pagination


_under_way: list[_Resume] = []
INITIALIZE = weasy_layout.initialize_page_maker
MAKE_ALL = weasy_layout.make_all_pages
REMAKE = weasy_page.remake_page


def _key(note) -> tuple:
    el = note.element
    if el is None:
        return ()
    return el.get("id") or "", el.get("data-n") or "", el.get("class") or ""


def _initialize(context, root_box):
    INITIALIZE(context, root_box)
    if not _under_way:
        return
    resume = _under_way[-1]
    first, last = resume.first, resume.last
    if first:
        context.page_maker = [(*entry[:4], {"content_changed": first <= i <= resume.through,
                                            "pages_wanted": False, "anchors": [], "content_lookups": []})
                              for i, entry in enumerate(last.page_maker)]
        kept = {k for notes in last.notes[:first] for k in notes}
        context.footnotes[:] = [n for n in context.footnotes if _key(n) not in kept]
    resume.now.page_maker = context.page_maker


def _make_all(context, root_box, html, pages):
    resume = _under_way[-1] if _under_way else None
    if resume is not None and not pages and resume.first:
        pages = []
        for box, children, root_children in resume.last.raw:
            box.children = children
            children[0].children = root_children
            pages.append(box)
        for page_type in {box.page_type for box in pages}:  # the styles of the kept pages' heads
            weasy_page.set_page_type_computed_styles(page_type, html, context.style_for)
    for i, page in enumerate(MAKE_ALL(context, root_box, html, pages)):
        if resume is not None:
            now = resume.now
            del now.raw[i:]
            now.raw.append((page, page.children, page.children[0].children))
            if len(now.notes) <= i:  # a page kept: as it was
                now.notes.append(resume.last.notes[i])
                now.clean.append(resume.last.clean[i + 1] if i + 1 < len(resume.last.clean) else True)
        yield page


def _remake(index, context, root_box, html):
    page, resume_at = REMAKE(index, context, root_box, html)
    if _under_way:
        now, before = _under_way[-1].now, _under_way[-1].last.clean
        now.made += 1
        del now.notes[index:], now.clean[index + 1:]
        now.notes.append({_key(n) for n in page.children[1].children})
        now.clean.append(not context.reported_footnotes and not context.broken_out_of_flow)
        carried = not now.clean[-1] or (index + 1 < len(before) and not before[index + 1])
        if carried and index + 1 < len(context.page_maker):
            # WeasyPrint compares where the next page begins, not the notes carried into it
            context.page_maker[index + 1][-1]["content_changed"] = True
    return page, resume_at


def install() -> None:
    """Wrap WeasyPrint's page maker, its pagination and its page making (once)."""
    footnote_fix.apply()  # the same pinned WeasyPrint
    if weasy_layout.make_all_pages is not _make_all:
        weasy_layout.initialize_page_maker = _initialize
        weasy_layout.make_all_pages = _make_all
        weasy_page.remake_page = _remake


def _signature(el) -> tuple:
    return el.tag, sorted(el.attrib.items()), el.text, el.tail


def _changed(old, new) -> tuple[int, int] | None:
    """The first and the last element of `old` (by position in document order) that `new`
    differs in, or None if none."""
    a, b = list(old.iter()), list(new.iter())
    start = next((i for i, (x, y) in enumerate(zip(a, b)) if _signature(x) != _signature(y)), None)
    if start is None and len(a) == len(b):
        return None
    start = min(len(a), len(b)) if start is None else start
    back = next((i for i, (x, y) in enumerate(zip(reversed(a), reversed(b))) if _signature(x) != _signature(y)),
                min(len(a), len(b)))
    return start, max(start, len(a) - 1 - back)


def _pages_touched(last: Pagination, html: str) -> tuple[int, int] | None:
    """The first page to make again (the one before the page the first changed block begins
    on, with nothing carried into it) and the page up to which all must be (the one the block after
    the last change begins on); None if `html` is `last`'s."""
    old, new = (lxml.html.document_fromstring(h) for h in (last.html, html))
    span = _changed(old, new)
    if span is None:
        return None
    page_of = {}
    for i, page in enumerate(last.anchors):
        for ident in page:
            page_of.setdefault(ident, i)
    elements = list(old.iter())
    before = [el for el in elements[:span[0] + 1] if el.tag in BLOCKS and el.get("id") in page_of]
    # the page before counts too: where it ends depends on what could not come onto it
    first = max(0, page_of[before[-1].get("id")] - 1) if before else 0
    while first and not last.clean[first]:
        first -= 1
    inside = set(elements[span[1]].iter())
    after = [el for el in elements[span[1] + 1:] if el not in inside and el.tag in BLOCKS and el.get("id") in page_of]
    return first, page_of[after[0].get("id")] if after else len(last.anchors)


def lay_out(render, html: str, last: Pagination | None):
    """Lay `html` out with `render(html)` (a WeasyPrint document), from the first page its
    difference from the `last` layout touches; return the document and its pagination."""
    install()
    now = Pagination(html, clean=[True])
    touched = _pages_touched(last, html) if last is not None else None
    first, through = touched if touched is not None else (0, 0)
    _under_way.append(_Resume(last or now, first, through, now))
    try:
        doc = render(html)
    finally:
        _under_way.pop()
    now.anchors = [page.anchors for page in doc.pages]
    return doc, now
