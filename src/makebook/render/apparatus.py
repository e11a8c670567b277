"""The textual apparatus of a text: one entry per intervention, in text order."""
from __future__ import annotations

from lxml import etree

from ..merge.acronyms import Acronyms
from ..merge.document import MergedText
from ..merge.numbering import locator
from ..textview import T
from .builder import XML_ID, E, epub_type, plain
from .tei import State, render_children
from .typography import refine

# What the apparatus says of each kind of doubtful reading kept as the witness has it
# (the values of `sic/@type` in schema/tei-edition.rng).
DOUBTS = {
    "agreement": "the verb or pronoun does not agree in number",
    "punctuation": "the punctuation may be a slip",
    "construction": "the construction is incomplete or mixed",
    "word": "the word may be a slip",
}

def _app_detail(el: etree._Element) -> str:
    """What an apparatus entry says of one intervention: the reading, and the witness's."""
    tag = el.tag[len(T):]
    if tag == "choice" and el.find(f"{T}sic") is not None:
        return f"{plain(el.find(f'{T}corr'))}] {plain(el.find(f'{T}sic'))} W (error of the source, corrected)"
    if tag == "choice" and el.find(f"{T}orig/{T}lb[@type='capture-break']") is not None:
        return "paragraph joined] W breaks it here in mid-sentence (damage of the capture, repaired)"
    if tag == "choice":
        return f"{plain(el.find(f'{T}reg'))}] {plain(el.find(f'{T}orig'))} W (damage of the capture, repaired)"
    if tag == "sic":
        return f"{plain(el)}] so W ({DOUBTS[el.get('type')]}; kept as printed)"
    if tag == "supplied":
        return f"[{plain(el)}] supplied by the editors; not in W ({el.get('reason')})"
    words = "1 word" if el.get("quantity") == "1" else f"{el.get('quantity')} words"
    return f"omitted: {plain(el.find(f'{T}desc'))} ({words} of W, {el.get('reason')})"

def render_apparatus(mt: MergedText, items: list, st: State, acronyms: Acronyms) -> etree._Element:
    box = E("section", {"class": "apparatus", "id": f"{mt.id}-apparatus", "role": "doc-endnotes",
                        "aria-label": f"Textual apparatus to {mt.text.title}", **epub_type("endnotes")})
    box.append(E("h2", text="Textual apparatus"))
    box.append(E("p", {"class": "app-key"}, text="Each entry: paragraph, the edited reading, a bracket, and what the witness has (W)."))
    ol = E("ol", {"class": "app-list"})
    order = {el: i for i, el in enumerate(mt.body.iter())}
    for el in sorted(items, key=order.__getitem__):  # text order, whatever order they were rendered in
        tag = el.tag[len(T):]
        li = E("li", {"id": el.get(XML_ID), "class": f"app-{tag}"})
        li.append(E("a", {"class": "backlink", "href": f"#ref-{el.get(XML_ID)}", "role": "doc-backlink",
                          "title": "back to the text"}, text=(el.get("n") if tag != "note" else "*")))
        li[-1].tail = refine(f" {locator(el)}: ")
        if tag == "note":  # a textual note of the editors
            for p in el:
                render_children(p, li, st)
        else:
            render_children(acronyms.marked(_app_detail(el)), li, st)
        ol.append(li)
    box.append(ol)
    return box
