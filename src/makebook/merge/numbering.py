"""Numbers and labels given to a text: paragraphs (¶), sections, and the letters of the
editorial interventions that the apparatus lists."""
from __future__ import annotations

from lxml import etree

from ..sources.xmlio import XML_NS
from ..textview import T, marked
from .document import MergedText

XML_ID = f"{{{XML_NS}}}id"
_NS = {"tei": T[1:-1]}

_INTERVENTIONS = (f"{T}choice", f"{T}supplied", f"{T}gap", f"{T}sic")

def number_paragraphs(mt: MergedText) -> None:
    """Number the author's paragraphs (not the publisher's standfirst, nor boxes printed beside the article)."""
    paras = [p for p in mt.body.iter(f"{T}p")
             if not p.xpath("ancestor::tei:div[@type='sidebar'] | ancestor::tei:argument", namespaces=_NS)]
    for n, p in enumerate(paras, 1):
        p.set("n", str(n))
        p.set(XML_ID, f"{mt.id}-p{n}")
    for n, div in enumerate(mt.body.iter(f"{T}div"), 1):
        if div.get("type") != "sidebar" and div.find(f"{T}head") is not None and not div.get(XML_ID):
            div.set(XML_ID, f"{mt.id}-s{n}")

# Parts of a text outside the numbered paragraphs, by what a reader would call them.
_PARTS = (("ancestor-or-self::tei:argument", "standfirst"), ("ancestor-or-self::tei:figure", "caption"),
          ("ancestor-or-self::tei:div[@type='sidebar']", "box"), ("ancestor-or-self::tei:head", "heading"),
          ("ancestor-or-self::tei:opener", "opening"))

def locator(el: etree._Element) -> str:
    """Where `el` stands, as the apparatus, glossary and index name it: "¶ 5" inside a numbered
    paragraph; else the part of the text and the paragraph it follows ("caption after ¶ 9",
    "after ¶ 3" between blocks, "heading before ¶ 1"), or just "standfirst", which comes once."""
    inside = el.xpath("ancestor-or-self::tei:p[@n]/@n", namespaces=_NS)
    if inside:
        return f"¶ {inside[-1]}"
    part = next((name for path, name in _PARTS if el.xpath(path, namespaces=_NS)), None)
    if part == "standfirst":
        return part
    before = el.xpath("preceding::tei:p[@n][1]/@n", namespaces=_NS)
    where = f"after ¶ {before[0]}" if before else "before ¶ 1"
    return f"{part} {where}" if part else where

def interventions(root: etree._Element) -> list[etree._Element]:
    """Every intervention the apparatus lists, in text order: corrections, repairs, supplied
    text, omissions, and doubtful readings kept and marked (a `sic` standing alone)."""
    return [el for el in root.iter(*_INTERVENTIONS) if el.tag != f"{T}sic" or marked(el)]

def label_interventions(mt: MergedText) -> None:
    """Give every editorial intervention an id and a letter, in text order."""
    for n, el in enumerate(interventions(mt.body), 1):
        el.set(XML_ID, f"{mt.id}-app{n}")
        el.set("n", letters(n))

def letters(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa: the letters of apparatus entries and of short titles."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(97 + r) + out
    return out
