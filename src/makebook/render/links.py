"""What the writers that split the book into files share: links pointed at the file that
holds their target, and the PDF's page breaks marked where each printed page begins."""
from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from .builder import EPUB_NS
from .pagemap import PageMark


def point_links(docs: dict[str, list[etree._Element]], ext: str) -> None:
    """Point every same-document link '#id' at the file that holds the id."""
    where = {el.get("id"): name for name, roots in docs.items() for root in roots for el in root.iter() if el.get("id")}
    for name, roots in docs.items():
        for root in roots:
            for a in root.iter("a"):
                href = a.get("href", "")
                if href.startswith("#") and where.get(href[1:], name) != name:
                    a.set("href", f"{where[href[1:]]}{ext}{href}")


_CONTAINERS = {"section", "div", "dl", "ol", "ul", "figure", "blockquote", "aside", "nav"}
_INLINE = {"a", "span", "abbr", "i", "em", "b", "strong", "q", "dfn"}


_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def pagebreak(label: str) -> etree._Element:
    """The page-break marker of an ebook: a landmark for reading systems and assistive technology."""
    return etree.Element("span", {"id": f"page-{label}", "role": "doc-pagebreak",
                                  f"{{{EPUB_NS}}}type": "pagebreak", "aria-label": label})


def mark_pages(docs: dict[str, list[etree._Element]], marks: list[PageMark], ext: str,
               spine: list[str] | None = None,
               marker: Callable[[str], etree._Element] = pagebreak) -> tuple[list[dict], str | None]:
    """Insert a page-break marker (made by `marker` from the page's label, with the id
    'page-LABEL') at the first element of each PDF page: before a heading, never inside it, so
    a screen reader does not read the page number as part of the title. Returns the page list
    in the order of `spine` (file names; else that of `docs`), and the label of the PDF's
    contents page (its marker goes in the navigation document)."""
    by_id = {el.get("id"): (name, el) for name, roots in docs.items() for root in roots for el in root.iter() if el.get("id")}
    placed, contents = [], None
    for mark in marks:
        if mark.element_id == "contents":
            contents = mark.label
            placed.append(("nav", None, mark.label))
            continue
        if mark.element_id not in by_id:
            continue
        name, host = by_id[mark.element_id]
        while host.tag in _CONTAINERS and len(host):
            host = host[-1 if mark.at_end else 0]  # a marker may not stand directly in a list or a sectioning element
        span = marker(mark.label)
        if mark.at_end:
            if host.tag in _INLINE or host.tag in _HEADINGS:
                host.addnext(span)
            else:
                host.append(span)
        elif host.tag in _INLINE or host.tag in _HEADINGS:
            host.addprevious(span)
        else:
            span.tail, host.text = host.text, None
            host.insert(0, span)
        placed.append((name, span, mark.label))
    order = {name: i for i, name in enumerate(spine or docs)}
    position = {el: i for roots in docs.values()
                for i, el in enumerate(el for root in roots for el in root.iter("span"))}
    placed.sort(key=lambda p: (order.get(p[0], -1), position.get(p[1], -1)))
    return [{"href": f"{name}{ext}#page-{label}", "label": label} for name, _, label in placed], contents
