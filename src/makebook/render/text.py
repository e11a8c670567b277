"""One edited text as XHTML: title, author, headnote, body, then its notes and apparatus."""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ..merge.acronyms import Acronyms
from ..merge.document import MergedText
from ..textview import T
from .apparatus import render_apparatus
from .builder import E, Target, epub_type, plain
from .tei import HANDLERS, State, render_children, render_opener
from .typography import calls_after_punctuation

_URL = re.compile(r"https?://[^\s<>“”\"]+[^\s<>“”\".,;:)\]]")

def linkify(root: etree._Element) -> None:
    """Make the web addresses written out in editorial prose into links."""
    for el in list(root.iter()):
        if el.tag == "a":
            continue
        for where in ("text", "tail"):
            if where == "tail" and (el is root or el.getparent() is None or el.getparent().tag == "a"):
                continue
            raw = getattr(el, where) or ""
            matches = list(_URL.finditer(raw))
            for m in reversed(matches):
                link = E("a", {"href": m.group(0), "class": "url"}, text=m.group(0))
                link.tail = raw[m.end():] or None
                raw = raw[:m.start()]
                setattr(el, where, raw or None)
                if where == "text":
                    el.insert(0, link)
                else:
                    el.addnext(link)

@dataclass
class RenderedText:
    """A text as XHTML: its section, then what follows it (EPUB notes, the apparatus)."""

    section: etree._Element
    after: list

def render_text(mt: MergedText, target: Target, acronyms: Acronyms) -> RenderedText:
    st = State(target)
    body = mt.body
    section = E("section", {"class": "text", "id": mt.id, "role": "doc-chapter", **epub_type("chapter")})
    head = body.find(f"{T}head")
    # the running heads of print: the author on versos, the title before any subtitle on rectos
    h1 = E("h1", {"class": "text-title", "data-title": mt.text.title, "data-author": mt.text.author,
                  "data-short-title": mt.text.title.split(": ")[0]})
    render_children(head, h1, st)
    section.append(h1)
    opener = body.find(f"{T}opener")
    bylines = [] if opener is None else [plain(b) for b in opener.iterfind(f"{T}byline")]
    if mt.text.author not in bylines:
        section.append(E("p", {"class": "text-author"}, text=mt.text.author))
    if opener is not None:
        render_opener(opener, section, st)
    headnote = mt.tei.find(f"{T}text/{T}front/{T}div[@type='headnote']")
    if headnote is not None:
        box = E("section", {"class": "headnote", "aria-label": f"Editors’ headnote to {mt.text.title}"},
                E("p", {"class": "headnote-title"}, text="Headnote"))
        render_children(headnote, box, st)
        linkify(box)
        section.append(box)
    wrapper = E("div", {"class": "text-body"})
    for c in body:
        if isinstance(c.tag, str) and c is not head and c is not opener:
            HANDLERS[c.tag[len(T):]](c, wrapper, st)
    section.append(wrapper)
    calls_after_punctuation(section)
    after = []
    if st.footnotes:
        notes = E("section", {"class": "footnotes", "id": f"{mt.id}-notes", "role": "doc-endnotes",
                              "aria-label": f"Notes to {mt.text.title}", **epub_type("endnotes")},
                  E("h2", text="Notes"), E("ol", {"class": "note-list"}))
        notes[-1].extend(st.footnotes)
        after.append(notes)
    if st.apparatus:
        after.append(render_apparatus(mt, st.apparatus, st, acronyms))
    return RenderedText(section, after)
