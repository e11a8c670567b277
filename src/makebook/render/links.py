"""What the writers that split the book into files share: links pointed at the file that
holds their target, and the PDF's page breaks marked where each printed page begins."""
from __future__ import annotations

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


def mark_pages(docs: dict[str, list[etree._Element]], marks: list[PageMark], ext: str) -> tuple[list[dict], str | None]:
    """Insert a page-break marker at the first element of each PDF page. Returns the page
    list, and the label of the PDF's contents page (its marker goes in the navigation document)."""
    by_id = {el.get("id"): (name, el) for name, roots in docs.items() for root in roots for el in root.iter() if el.get("id")}
    out, contents = [], None
    for mark in marks:
        if mark.element_id == "contents":
            contents = mark.label
            out.append({"href": f"nav{ext}#page-{mark.label}", "label": mark.label})
            continue
        if mark.element_id not in by_id:
            continue
        name, host = by_id[mark.element_id]
        while host.tag in _CONTAINERS and len(host):
            host = host[-1 if mark.at_end else 0]  # a marker may not stand directly in a list or a sectioning element
        marker = etree.Element("span", {"id": f"page-{mark.label}", "role": "doc-pagebreak",
                                        f"{{{EPUB_NS}}}type": "pagebreak", "aria-label": mark.label})
        if mark.at_end:
            if host.tag in _INLINE:
                host.addnext(marker)
            else:
                host.append(marker)
        elif host.tag in _INLINE:
            host.addprevious(marker)
        else:
            marker.tail, host.text = host.text, None
            host.insert(0, marker)
        out.append({"href": f"{name}{ext}#page-{mark.label}", "label": mark.label})
    return out, contents
