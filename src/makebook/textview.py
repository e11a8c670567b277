"""Two linear views of a TEI body: the witness reading and the edited reading.

The collation compares the witness with the first; anchoring and glossary matching use
the second. Folding rules (quotation marks, apostrophes, dashes, white space) live here
so that every consumer reads the text the same way.
"""
from __future__ import annotations

import re

from .sources.xmlio import TEI_NS

T = f"{{{TEI_NS}}}"
BLOCKS = {f"{T}{n}" for n in ("p", "head", "div", "figure", "cit", "quote", "bibl", "byline",
                               "dateline", "opener", "body", "lb")}
# Elements whose content is the editors', never the witness's.
EDITORIAL = {f"{T}{n}" for n in ("corr", "reg", "supplied", "desc", "note")}
# Elements whose content is the witness's but not the edited reading.
WITNESS_ONLY = {f"{T}{n}" for n in ("sic", "orig")}



# What a marked reading may be doubtful in (`sic/@type`, as in schema/tei-edition.rng).
MARKED_KINDS = ("agreement", "punctuation", "construction", "word")


def marked(el) -> bool:
    """A `sic` standing alone: the witness's doubtful reading, kept in the text and marked."""
    return el.tag == f"{T}sic" and el.getparent().tag != f"{T}choice"


_QUOTES = dict.fromkeys(map(ord, "\"“”„«»"), None)
_FOLD = str.maketrans({"‘": "'", "’": "'", "‛": "'", "–": "-", "—": "-", "‐": "-", "‑": "-",
                       "\u00a0": " ", "\u202f": " ", "\u2009": " "})
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Fold typography so that phrases match however the capture typed them."""
    return _SPACE.sub(" ", text.translate(_QUOTES).translate(_FOLD).replace("…", "..."))


def witness_segments(el, out: list | None = None) -> list:
    """Strings and gap markers (ints: words omitted) in witness order."""
    out = [] if out is None else out
    tag = el.tag
    if tag == f"{T}gap":
        out.append(int(el.get("quantity", "0")))
    elif isinstance(tag, str) and tag not in EDITORIAL:
        block = tag in BLOCKS
        if block:
            out.append(" ")
        if el.text:
            out.append(el.text)
        for child in el:
            witness_segments(child, out)
            if child.tail:
                out.append(child.tail)
        if block:
            out.append(" ")
    return out
