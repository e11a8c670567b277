"""Where the PDF may break a word at a line's end, marked in each part's HTML before layout.

Hyphenation (print.css) is automatic, from a dictionary that breaks no word with a capital
(hyphenation.py): so names are whole. Every word already hyphenated ("state-capitalist",
which may still break after its own hyphen) is wrapped in a span that print.css keeps
from being hyphenated. A URL is broken only after a /, or a . of its path (never inside
its host's name), and with no hyphen: a zero-width space is put there, and a word joiner
after each of its own hyphens, which are no text to a reader, to the verification or to a
search.
"""
from __future__ import annotations

import re

from lxml import etree

from ..render.typography import WORD_JOINER

WHOLE = "whole-word"  # print.css: not hyphenated
ZWSP = "\u200b"
_SKIP = {"head", "style", "script", "title"}
_URL_BREAK = re.compile(r"(?<=[/.])(?=[^/.\s])")
_URL_AFTER_SLASH = re.compile(r"(?<=/)(?=[^/\s])")
_URL_HOST = re.compile(r"(?:[a-z]+://)?[^/\s]*")
_URL_HYPHEN = re.compile(r"-(?=\S)")
_COMPOUND = re.compile(r"\b\w+(?:-\w+)+")


def mark(root: etree._Element) -> None:
    """Wrap each hyphenated compound under `root` in a span kept whole; give every URL (an
    element of class `url`) its break opportunities."""
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
            wrap(el, "text", _COMPOUND)
        if el.tail and el.getparent() is not None and not _inside(el.getparent(), "url"):
            wrap(el, "tail", _COMPOUND)


def _url(text: str) -> str:
    host = _URL_HOST.match(text).end()  # its scheme and host's name: broken after "//" only
    broken = _URL_AFTER_SLASH.sub(ZWSP, text[:host]) + _URL_BREAK.sub(ZWSP, text[host:])
    return _URL_HYPHEN.sub("-" + WORD_JOINER, broken)


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

