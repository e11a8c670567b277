"""Typographic refinements applied to the text as it is rendered (rules kept as data): no-break
spaces, word joiners and hair spaces where Standard Ebooks' typogrify puts them. They change
only where a line may break and how marks are spaced, never a letter of the text."""
from __future__ import annotations

import re

from lxml import etree

NBSP = "\u00a0"
WORD_JOINER = "\u2060"
HAIR_SPACE = "\u200a"
# The hyphen WeasyPrint adds where it breaks a word (its default hyphenate-character);
# a word's own hyphen is U+002D.
ADDED_HYPHEN = "\u2010"

RULES: list[tuple[re.Pattern, str]] = [
    # a title and the name it precedes: "Mr Gorbachev", "Dr. Zubok" (the full stop, if any, stays)
    (re.compile(r"\b((?:Mr|Mrs|Ms|Dr|St|Prof)\.?) (?=[A-Z])"), "\\1\x00"),
    # a reference word and its number, arabic or roman: "p. 47", "No. 5", "vol. IV";
    # not "No. When", where "No." ends a sentence
    (re.compile(r"\b((?:No|Nos|p|pp|vol|ch|art)\.?) (?=\d|[IVXLC]+\b)"), "\\1\x00"),
    # a numbered part of a text and its number: "Article 6", "Chapter 4"
    (re.compile(r"\b(Article|Chapter|Section|Part|Volume) (?=\d)"), "\\1\x00"),
    # initials: "Vladislav M. Zubok", "M. Gorbachev"
    (re.compile(r"\b([A-Z]\.) (?=[A-Z])"), "\\1\x00"),
    # a number and its unit or noun of measure: "15 republics" stays breakable, "40 %" does not
    (re.compile(r"(\d) (%|per cent|km|kg|bn|m\b)"), "\\1\x00\\2"),
    # the paragraph sign and its number
    (re.compile(r"¶ (?=\d)"), "¶\x00"),
    # a spaced en dash never begins a line
    (re.compile(r" –(?= )"), "\x00–"),
    # an ellipsis never begins a line
    (re.compile(r" …"), "\x00…"),
    # an ampersand never begins a line
    (re.compile(r" &"), "\x00&"),
    # an unspaced em dash is not broken before; an unspaced en dash (1985–1991) not at all
    (re.compile(r"(?<=[^\s\x00])—"), WORD_JOINER + "—"),
    (re.compile(r"(?<=[^\s\x00])–(?=\S)"), WORD_JOINER + "–" + WORD_JOINER),
    # quotation marks that meet are parted by a hair space: “‘ ’”
    (re.compile(r"([“‘])(?=[‘“])|([’”])(?=[’”](?!\w))"), "\\1\\2" + HAIR_SPACE),
]

_TRIGGERS = (" ", "—", "–", "’", "‘")


def refine(text: str) -> str:
    if not any(c in text for c in _TRIGGERS):
        return text
    for pattern, repl in RULES:
        text = pattern.sub(repl, text)
    return text.replace("\x00", NBSP)


# What a note call goes after (CMOS 14.21, Hart's Rules, Standard Ebooks): closing punctuation
# and quotation marks, but not an apostrophe that goes on with a word, nor a dash.
_BEFORE_CALL = re.compile(r"(?:[.,;:!?…)\]”]|’(?!\w))+")
_CLOSABLE = {"span", "i", "em", "b", "strong", "abbr"}  # quotations, titles: a call at their end goes after them
_CALLS = {"noteref", "fn-call"}  # EPUB: the call; PDF: the mark after the footnote itself


def calls_after_punctuation(root: etree._Element) -> None:
    """Move every note call after the punctuation and closing quotation marks that follow it,
    and join it to what it then follows (a word joiner: no line begins with a call)."""
    for call in [el for el in root.iter() if el.get("class") in _CALLS]:
        group = [call]
        prev = call.getprevious()
        if call.get("class") == "fn-call" and prev is not None and prev.get("class") == "footnote":
            group.insert(0, prev)
        while True:
            tail, parent = group[-1].tail or "", group[-1].getparent()
            if m := _BEFORE_CALL.match(tail):
                _put_before(group[0], m.group(0))
                group[-1].tail = tail[m.end():] or None
            elif not tail and parent.tag in _CLOSABLE and parent[-1] is group[-1] and parent.getparent() is not None:
                after, parent.tail = parent.tail, None
                for el in reversed(group):
                    parent.addnext(el)
                group[-1].tail = after
            else:
                break
        before = group[0].getprevious()
        text = before.tail if before is not None else group[0].getparent().text
        if (before is not None and not text) or (text and not text[-1].isspace() and text[-1] != WORD_JOINER):
            _put_before(group[0], WORD_JOINER)


def _put_before(el: etree._Element, text: str) -> None:
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + text
    else:
        el.getparent().text = (el.getparent().text or "") + text


# Russian soft and hard signs in a transliteration, typed as straight marks: the modifier
# letters prime and double prime (ISO 9, ALA-LC), which no font or reader takes for quotes.
_SIGNS = ((re.compile(r"(?<=[A-Za-z])'"), "\u02b9"), (re.compile(r'(?<=[A-Za-z])"(?=[A-Za-z])'), "\u02ba"))


def soft_hard_signs(el: etree._Element) -> None:
    """Soft and hard signs as ʹ and ʺ throughout a transliteration of the editors' own."""
    for node in el.iter():
        for where in ("text", "tail") if node is not el else ("text",):
            value = getattr(node, where)
            if value:
                for pattern, sign in _SIGNS:
                    value = pattern.sub(sign, value)
                setattr(node, where, value)
