"""The XHTML element builder shared by every renderer: elements, text with the book's
typography, and the `Target` that says what differs between the outputs."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from lxml import etree

from ..sources.xmlio import XML_NS
from .pagemap import PRINTED, PageMap
from .typography import WORD_JOINER, refine

EPUB_NS = "http://www.idpf.org/2007/ops"

XML_ID = f"{{{XML_NS}}}id"

@dataclass
class Target:
    """What a writer needs that differs between EPUB and print."""

    name: str  # "epub" or "pdf"
    link: Callable[[str], str]  # id -> href
    page_of: PageMap | None = None  # PDF: element id -> printed page, from the last layout

def E(tag: str, attrib: dict | None = None, *children, text: str | None = None) -> etree._Element:
    el = etree.Element(tag, {k: v for k, v in (attrib or {}).items() if v is not None})
    el.text = text
    for c in children:
        el.append(c)
    return el

def epub_type(value: str) -> dict:
    return {f"{{{EPUB_NS}}}type": value}

def append_text(parent: etree._Element, text: str | None) -> None:
    if not text:
        return
    text = refine(text)
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text

def plain(el: etree._Element | None) -> str:
    """The text of an element, white space collapsed."""
    return " ".join("".join(el.itertext()).split()) if el is not None else ""

def page_ref(link: etree._Element, anchor: str, target: Target) -> None:
    """Print " (p. N)" at the end of `link`, N from the page map (print only)."""
    if target.page_of is None:
        return
    # a word space that no line breaks at: the small type's no-break space is narrower
    append_text(link, f" {WORD_JOINER}(p.\u00a0")
    link.append(E("span", {PRINTED: anchor}, text=target.page_of.folio(anchor)))
    append_text(link, ")")
