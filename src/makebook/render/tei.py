"""TEI to XHTML: one small function per TEI element (as the TEI Stylesheets do).

The same mapping serves every writer; `Target` says what differs: where ids live (one
file per text in the EPUB, one document in the PDF) and how notes are shown (EPUB 3
endnotes listed at the end of each text, or CSS `float: footnote` inline for print).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import Callable

from lxml import etree

from ..sources.xmlio import XML_NS
from ..textview import T
from .builder import XML_ID, E, Target, append_text, epub_type, page_ref, plain
from .typography import soft_hard_signs

QUOTES = (("“", "”"), ("‘", "’"))
UNPAGED = ("gl-", "pers-")  # cross-references to entries found by their alphabetical place: no "(p. N)"
_NS = {"tei": T[1:-1]}

@dataclass
class State:
    target: Target
    quote_depth: int = 0
    footnotes: list = field(default_factory=list)
    apparatus: list = field(default_factory=list)

def render_children(src: etree._Element, out: etree._Element, st: State) -> None:
    append_text(out, src.text)
    for child in src:
        if isinstance(child.tag, str):
            handler = HANDLERS.get(child.tag[len(T):] if child.tag.startswith(T) else child.tag)
            if handler is None:
                raise KeyError(f"no XHTML mapping for TEI element {child.tag}")
            handler(child, out, st)
        append_text(out, child.tail)

def _wrap(tag: str, attrib: dict | None = None):
    def handler(src, out, st):
        el = E(tag, attrib)
        render_children(src, el, st)
        out.append(el)
    return handler

def _p(src, out, st):
    n = src.get("n")
    el = E("p", {"id": src.get(XML_ID), "class": "para"})
    if n:
        el.append(E("a", {"class": "pnum", "href": f"#{src.get(XML_ID)}", "title": f"Paragraph {n}"}, text=n))
    render_children(src, el, st)
    out.append(el)

def _head(src, out, st):
    parent = src.getparent().tag
    if parent == f"{T}figure":
        el = E("p", {"class": "caption-text"})
    elif parent == f"{T}quote":
        el = E("p", {"class": "quoted-head"})
    else:
        depth = len([a for a in src.iterancestors(f"{T}div")]) + 1
        el = E(f"h{min(depth, 6)}", {"id": src.getparent().get(XML_ID)})
    render_children(src, el, st)
    out.append(el)

def _div(src, out, st):
    if src.get("type") == "sidebar":
        head = src.find(f"{T}head")
        label = "Box printed with the article" + (f": {plain(head)}" if head is not None else "")
        el = E("aside", {"class": "sidebar", "aria-label": label},
               E("p", {"class": "sidebar-label"}, text="Box printed with the article"))
        render_children(src, el, st)
        out.append(el)
        return
    el = E("section", {"class": "section"})
    render_children(src, el, st)
    out.append(el)

def _q(src, out, st):
    opening, closing = QUOTES[st.quote_depth % 2]
    st.quote_depth += 1
    span = E("span", {"class": "q"}, text=opening)
    render_children(src, span, st)
    append_text(span, closing)
    st.quote_depth -= 1
    out.append(span)

def _quote(src, out, st):
    if any(c.tag in (f"{T}p", f"{T}head") for c in src):
        el = E("blockquote", {"lang": src.get(f"{{{XML_NS}}}lang")})
        render_children(src, el, st)
        out.append(el)
    else:
        _q(src, out, st)

def _cit(src, out, st):
    el = E("figure", {"class": "cit"})
    render_children(src, el, st)
    out.append(el)

def _bibl(src, out, st):
    if src.getparent().tag == f"{T}cit":
        el = E("figcaption", {"class": "source"}, text="— ")
    else:
        el = E("span", {"class": "bibl"})
    render_children(src, el, st)
    out.append(el)

def _title(src, out, st):
    if src.get("level") == "a":
        _q(src, out, st)
    else:
        _wrap("i", {"class": "title"})(src, out, st)

def _foreign(src, out, st):
    lang = src.get(f"{{{XML_NS}}}lang")
    if lang == "ru" and not any("\u0400" <= c <= "\u04ff" for c in "".join(src.itertext())):
        lang = "ru-Latn"
    _wrap("i", {"class": "foreign", "lang": lang, f"{{{XML_NS}}}lang": lang})(src, out, st)
    # The editors' transliterations (not an author's, left as written) get real soft and hard signs.
    if lang == "ru-Latn" and (not src.xpath("ancestor::tei:body", namespaces=_NS) or src.xpath("ancestor::tei:note", namespaces=_NS)):
        soft_hard_signs(out[-1])

def _hi(src, out, st):
    tag, cls = {"italic": ("em", None), "bold": ("strong", None), "smallcaps": ("span", "sc")}[src.get("rend")]
    _wrap(tag, {"class": cls})(src, out, st)

def _ref(src, out, st):
    if src.get("type") == "authorial-note":
        _wrap("span", {"class": "authnote", "title": f"Call to the author’s endnote {src.get('n')}, not in the source"})(src, out, st)
        return
    target = src.get("target")
    if target.startswith("#"):
        _wrap("a", {"href": st.target.link(target[1:]), "class": "xref"})(src, out, st)
        if not target[1:].startswith(UNPAGED):
            page_ref(out[-1], target[1:], st.target)
    else:
        _wrap("a", {"href": target, "class": "url"})(src, out, st)

def _figure(src, out, st):
    el = E("div", {"class": "caption", "role": "note"}, E("span", {"class": "caption-label"}, text="Caption of a photograph not reproduced: "))
    render_children(src, el, st)
    out.append(el)

def _app_call(src, out, st, reading: etree._Element | None) -> None:
    """Put the (corrected) reading and the letter that calls its apparatus entry."""
    app_id = src.get(XML_ID)
    if reading is not None:
        render_children(reading, out, st)
    # a call right after another ("[…]tu") is told from it by a comma (the stylesheets')
    follows = len(out) and "app-call" in (out[-1].get("class") or "").split() and not out[-1].tail
    call = E("a", {"class": "app-call follows" if follows else "app-call", "id": f"ref-{app_id}", "href": f"#{app_id}",
                   "role": "doc-noteref", "title": "textual apparatus", **epub_type("noteref")}, text=src.get("n"))
    out.append(call)
    st.apparatus.append(src)

def _choice(src, out, st):
    _app_call(src, out, st, src.find(f"{T}corr") if src.find(f"{T}corr") is not None else src.find(f"{T}reg"))

def _sic(src, out, st):
    _app_call(src, out, st, src)

def _supplied(src, out, st):
    span = E("span", {"class": "supplied"}, text="[")
    render_children(src, span, st)
    append_text(span, "]")
    out.append(span)
    _app_call(src, out, st, None)

def _gap(src, out, st):
    if out.tag in ("div", "section", "blockquote", "figure", "aside"):
        # An omission between blocks: one discreet mark, shared by adjacent gaps.
        mark = out[-1] if len(out) and out[-1].get("class") == "omission" and not (out[-1].tail or "").strip() else None
        if mark is None:
            mark = E("p", {"class": "omission", "title": "text of the capture omitted here: see the apparatus"}, text="[…]")
            out.append(mark)
        _app_call(src, mark, st, None)
        return
    _app_call(src, out, st, None)

def _note(src, out, st):
    nid, n = src.get(XML_ID), src.get("n")
    if src.get("type") == "textual":
        st.apparatus.append(src)
        out.append(E("a", {"class": "app-call", "id": f"ref-{nid}", "href": f"#{nid}", "role": "doc-noteref",
                           **epub_type("noteref")}, text="*"))
        return
    if st.target.name == "pdf":
        fn = E("span", {"class": "footnote", "id": nid, "data-n": n})
        for p in src:
            render_children(p, fn, st)
            append_text(fn, " ")
        out.append(fn)
        # A target for "see note" links and for checking that the note sits on its call's page.
        out.append(E("span", {"class": "fn-call", "id": f"ref-{nid}"}))
        return
    out.append(E("a", {"class": "noteref", "id": f"ref-{nid}", "href": f"#{nid}", "role": "doc-noteref",
                       **epub_type("noteref")}, text=n))
    # An endnote list item, as Standard Ebooks sets notes: no reading system hides it, and
    # those that show pop-ups still do.
    item = E("li", {"class": "endnote", "id": nid, **epub_type("endnote")})  # role doc-endnote is deprecated
    for i, p in enumerate(src):
        para = E("p")
        if i == 0:
            para.append(E("a", {"class": "backlink", "href": f"#ref-{nid}", "role": "doc-backlink",
                                "title": "back to the text"}, text=f"{n}."))
            para[-1].tail = " "
        render_children(p, para, st)
        item.append(para)
    st.footnotes.append(item)

def _entry_ref(kind: str):
    def handler(src, out, st):
        ref = src.get("ref")[1:]
        if src.get("rend") == "first" and kind == "gloss":
            # To the term and its definition, which reading systems that know glossref show as a pop-up.
            el = E("a", {"class": kind, "id": src.get(XML_ID), "href": st.target.link(f"{ref}-entry"),
                         "role": "doc-glossref", **epub_type("glossref")})
        elif src.get("rend") == "first":
            el = E("a", {"class": kind, "id": src.get(XML_ID), "href": st.target.link(ref)})
        else:
            el = E("span", {"class": f"{kind}-occ", "id": src.get(XML_ID)})
        render_children(src, el, st)
        out.append(el)
        if el.tag == "a":
            _unnest_links(el)
    return handler

def _unnest_links(link: etree._Element) -> None:
    """A link may not hold links: move apparatus calls inside a term's link to just after it."""
    for inner in list(link.iter("a"))[1:][::-1]:
        parent = inner.getparent()
        prev = inner.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + (inner.tail or "")
        else:
            parent.text = (parent.text or "") + (inner.tail or "")
        parent.remove(inner)
        inner.tail = link.tail
        link.tail = None
        link.addnext(inner)

def _abbr(src, out, st):
    """An acronym in small caps; one with lower-case letters (a plural s) has only its capitals
    in small caps, so that its lower-case letters stay lower-case."""
    text = src.text or ""
    if len(src) or text == text.upper():
        _wrap("abbr", {"title": src.get("expan"), "class": "sc"})(src, out, st)
        return
    el = E("abbr", {"title": src.get("expan")})
    for lower, run in groupby(text, str.islower):
        if lower:
            append_text(el, "".join(run))
        else:
            el.append(E("span", {"class": "sc"}, text="".join(run)))
    out.append(el)

def render_opener(src, out, st):
    for child in src:
        if child.tag == f"{T}gap":
            _gap(child, out, st)
        else:
            el = E("p", {"class": child.tag[len(T):]})
            render_children(child, el, st)
            out.append(el)

def _num(src, out, st):
    append_text(out, src.text)  # a count, filled in by the merge

def _skip(src, out, st):
    pass

HANDLERS: dict[str, Callable] = {
    "p": _p, "head": _head, "div": _div, "q": _q, "quote": _quote, "cit": _cit, "bibl": _bibl,
    "title": _title, "foreign": _foreign, "hi": _hi, "ref": _ref, "figure": _figure,
    "choice": _choice, "sic": _sic, "supplied": _supplied, "gap": _gap, "note": _note,
    "term": _entry_ref("gloss"), "persName": _entry_ref("person"), "abbr": _abbr, "opener": render_opener,
    "argument": _wrap("div", {"class": "standfirst"}),
    "num": _num, "lb": _skip, "anchor": _wrap("span"), "list": _wrap("ul"), "item": _wrap("li"), "label": _wrap("b"),
}
