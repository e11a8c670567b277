"""Typographic refinements applied to the text as it is rendered (rules kept as data): no-break
spaces, word joiners and hair spaces where Standard Ebooks' typogrify puts them. They change
only where a line may break and how marks are spaced, never a letter of the text."""
from __future__ import annotations

import re

NBSP = "\u00a0"
WORD_JOINER = "\u2060"
HAIR_SPACE = "\u200a"

RULES: list[tuple[re.Pattern, str]] = [
    # a title and the name it precedes: "Mr Gorbachev", "Dr. Zubok" (the full stop, if any, stays)
    (re.compile(r"\b((?:Mr|Mrs|Ms|Dr|St|Prof)\.?) (?=[A-Z])"), "\\1\x00"),
    # a reference word and its number, arabic or roman: "p. 47", "No. 5", "vol. IV";
    # not "No. When", where "No." ends a sentence
    (re.compile(r"\b((?:No|Nos|p|pp|vol|ch|art)\.?) (?=\d|[IVXLC]+\b)"), "\\1\x00"),
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
