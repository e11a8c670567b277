"""Find phrases in the text as read, and put elements at the places found.

A block (paragraph, heading, caption…) is flattened into one folded string with a map
from each folded character back to the text node it came from, so a phrase can be found
across inline markup (an emphasis, a quotation, a glossary term) and a note call or a
term wrapper can be inserted at the exact place in the tree.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from lxml import etree

from ..textview import WITNESS_ONLY, T, fold, marked

# Blocks that hold running text and contain no other block.
LEAF_BLOCKS = (f"{T}p", f"{T}head", f"{T}byline", f"{T}dateline", f"{T}bibl")
_SKIP = WITNESS_ONLY | {f"{T}gap", f"{T}note", f"{T}desc"}


@dataclass(frozen=True)
class Spot:
    """A character position inside the tree: the text or tail of `node`, at `offset`."""

    node: etree._Element
    where: str  # "text" or "tail"
    offset: int


class Reading:
    """The folded reading text of one block, mapped back to the tree."""

    def __init__(self, block: etree._Element):
        self.block = block
        self._segments: list[tuple[etree._Element, str]] = []
        self._seg: list[int] = []  # per folded character: its segment
        self._off: list[int] = []  # per folded character: its offset in the segment's raw text
        chars: list[str] = []
        self._walk(block, chars)
        self.text = "".join(chars)

    def _add(self, node, where: str, raw: str, chars: list[str]) -> None:
        seg = len(self._segments)
        self._segments.append((node, where))
        for k, c in enumerate(raw):
            f = _fold_char(c)
            if f == " " and (not chars or chars[-1] == " "):
                continue
            chars.extend(f)
            self._seg.extend([seg] * len(f))
            self._off.extend([k] * len(f))

    def _walk(self, el, chars) -> None:
        if el.text:
            self._add(el, "text", el.text, chars)
        for child in el:
            if isinstance(child.tag, str) and (child.tag not in _SKIP or marked(child)):
                self._walk(child, chars)
            if child.tail:
                self._add(child, "tail", child.tail, chars)

    def spot(self, i: int, after: bool = False) -> Spot:
        node, where = self._segments[self._seg[i]]
        return Spot(node, where, self._off[i] + (1 if after else 0))

    def end_spot(self, end: int) -> Spot:
        """The place just after folded character end-1."""
        return self.spot(end - 1, after=True)

    def span(self, start: int, end: int) -> tuple[Spot, Spot]:
        return self.spot(start), self.end_spot(end)


@functools.cache
def _fold_char(c: str) -> str:
    return " " if c.isspace() else fold(c)


def blocks(root: etree._Element):
    """Leaf blocks of the author's text (not those inside inserted notes)."""
    return [b for b in root.iter(*LEAF_BLOCKS) if next(b.iterancestors(f"{T}note"), None) is None]


def hoist(spot: Spot, stop: etree._Element) -> Spot:
    """Move a spot at the very end of inline elements out of them (a note call goes after
    the closing quotation mark, not inside it)."""
    while True:
        node = spot.node if spot.where == "text" else spot.node.getparent()
        raw = getattr(spot.node, spot.where) or ""
        at_end = spot.offset == len(raw) and (spot.where == "tail" and spot.node.getnext() is None
                                               or spot.where == "text" and len(spot.node) == 0)
        if not at_end or node is stop or node is None:
            return spot
        spot = Spot(node, "tail", 0)


def _slot(spot: Spot) -> tuple[etree._Element, int, int]:
    """A spot as (container, child index or -1 for the container's text, offset)."""
    if spot.where == "text":
        return spot.node, -1, spot.offset
    parent = spot.node.getparent()
    return parent, parent.index(spot.node), spot.offset


def _segment(parent: etree._Element, i: int) -> str:
    return (parent.text if i < 0 else parent[i].tail) or ""


def _set_segment(parent: etree._Element, i: int, value: str) -> None:
    if i < 0:
        parent.text = value or None
    else:
        parent[i].tail = value or None


def insert_at(spot: Spot, new: etree._Element) -> None:
    """Insert `new` (an element without tail) at `spot`."""
    parent, i, k = _slot(spot)
    segment = _segment(parent, i)
    _set_segment(parent, i, segment[:k])
    new.tail = segment[k:] or None
    parent.insert(i + 1, new)


def wrap(start: Spot, end: Spot, new: etree._Element) -> None:
    """Wrap the text between two spots in `new`. Where the spots lie in different
    elements (a name whose spelling was corrected: “Eduard <choice>…</choice>”), the
    wrapper widens to whole inline elements, so it always holds the whole phrase."""
    (c1, i1, k1), (c2, i2, k2) = _slot(start), _slot(end)
    chain1 = [c1, *c1.iterancestors()]
    common = next(a for a in [c2, *c2.iterancestors()] if a in chain1)
    if c1 is not common:
        child = next(a for a in chain1 if a.getparent() is common)
        i1 = common.index(child) - 1
        k1 = len(_segment(common, i1))
    if c2 is not common:
        child = next(a for a in [c2, *c2.iterancestors()] if a.getparent() is common)
        i2, k2 = common.index(child), 0
    first, last = _segment(common, i1), _segment(common, i2)
    if i1 == i2:
        new.text, new.tail = first[k1:k2] or None, first[k2:] or None
        _set_segment(common, i1, first[:k1])
        common.insert(i1 + 1, new)
        return
    moved = list(common)[i1 + 1:i2 + 1]
    new.text = first[k1:] or None
    _set_segment(common, i1, first[:k1])
    new.extend(moved)  # children keep their tails as they move
    moved[-1].tail = last[:k2] or None
    new.tail = last[k2:] or None
    common.insert(i1 + 1, new)


def form_pattern(forms: list[str], case_sensitive: bool) -> re.Pattern | None:
    """One regex matching any of the forms as whole words, longest first."""
    if not forms:
        return None
    alts = sorted({re.escape(fold(f).strip()) for f in forms}, key=len, reverse=True)
    return re.compile(r"(?<![\w'])(?:" + "|".join(alts) + r")(?!\w)", 0 if case_sensitive else re.IGNORECASE)
