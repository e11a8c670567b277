"""Where the PDF may break a word at a line's end, marked in each part's HTML before layout.

Hyphenation (print.css) is automatic, from a dictionary that knows no names: so the names
of the edition's persons and of its texts' authors (from its data, with a possessive 's)
and every word already hyphenated ("state-capitalist", which may still break after its
own hyphen) are wrapped in a span that print.css keeps from being hyphenated. A URL is
broken only after a / or a . and with no hyphen: a zero-width space is put there, and a
word joiner after each of its own hyphens, which are no text to a reader, to the
verification or to a search.
"""
from __future__ import annotations

import re

from lxml import etree

from ..merge.document import Merged
from ..render.typography import WORD_JOINER

WHOLE = "whole-word"  # print.css: not hyphenated
ZWSP = "\u200b"
_SKIP = {"head", "style", "script", "title"}
_URL_BREAK = re.compile(r"(?<=[/.])(?=[^/.\s])")
_URL_HYPHEN = re.compile(r"-(?=\S)")


def names(merged: Merged) -> set[str]:
    """The words of the persons' names and forms and of the texts' authors that could be hyphenated."""
    people = [e.label for e in merged.edition.persons] + [f.text for e in merged.edition.persons for f in e.forms]
    people += [mt.text.author for mt in merged.texts]
    return {w for name in people for w in re.findall(r"\w+", name) if w[:1].isupper() and len(w) >= 5}


def _pattern(words: set[str]) -> re.Pattern:
    alternatives = "|".join(sorted(map(re.escape, words), key=lambda w: (-len(w), w)))
    named = rf"(?:{alternatives})(?:[’']s)?\b" if words else r"(?!)"
    return re.compile(rf"\b(?:{named}|\w+(?:-\w+)+)")


def mark(root: etree._Element, words: set[str]) -> None:
    """Wrap each name and hyphenated compound under `root` in a span kept whole; give every URL
    (an element of class `url`) its break opportunities."""
    pattern = _pattern(words)
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.tag in _SKIP:
            continue
        if "url" in (el.get("class") or "").split():
            for node in el.iter():
                node.text = _url(node.text) if node.text else node.text
                if node is not el and node.tail:
                    node.tail = _url(node.tail)
            continue
        if el.text and not _inside(el, "url"):
            wrap(el, "text", pattern)
        if el.tail and el.getparent() is not None and not _inside(el.getparent(), "url"):
            wrap(el, "tail", pattern)


def _url(text: str) -> str:
    return _URL_HYPHEN.sub("-" + WORD_JOINER, _URL_BREAK.sub(ZWSP, text))


def _inside(el, cls: str) -> bool:
    return any(cls in (a.get("class") or "").split() for a in el.iterancestors()) or cls in (el.get("class") or "").split()


def wrap(el: etree._Element, slot: str, pattern: re.Pattern) -> None:
    """Put each match in `el`'s text or tail into a span of its own."""
    text = getattr(el, slot)
    matches = list(pattern.finditer(text))
    if not matches:
        return
    setattr(el, slot, text[:matches[0].start()])
    spans = []
    for m, after in zip(matches, matches[1:] + [None]):
        span = etree.Element("span", {"class": WHOLE})
        span.text = m.group(0)
        span.tail = text[m.end():after.start() if after is not None else len(text)] or None
        spans.append(span)
    if slot == "text":
        for i, span in enumerate(spans):
            el.insert(i, span)
    else:
        anchor = el
        for span in spans:
            anchor.addnext(span)
            anchor = span

