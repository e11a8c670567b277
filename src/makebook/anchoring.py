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

from .textview import T, WITNESS_ONLY, fold

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
            if isinstance(child.tag, str) and child.tag not in _SKIP:
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


def insert_at(spot: Spot, new: etree._Element) -> None:
    """Insert `new` (whose tail must be empty) at `spot`."""
    raw = getattr(spot.node, spot.where) or ""
    before, after = raw[: spot.offset], raw[spot.offset:]
    setattr(spot.node, spot.where, before or None)
    new.tail = (new.tail or "") + after or None
    if spot.where == "text":
        spot.node.insert(0, new)
    else:
        spot.node.addnext(new)


def wrap(start: Spot, end: Spot, new: etree._Element) -> bool:
    """Wrap the text between two spots of the same text node in `new`; False if they differ."""
    if start.node is not end.node or start.where != end.where:
        return False
    raw = getattr(start.node, start.where)
    new.text = raw[start.offset:end.offset]
    new.tail = raw[end.offset:] or None
    setattr(start.node, start.where, raw[: start.offset] or None)
    if start.where == "text":
        start.node.insert(0, new)
    else:
        start.node.addnext(new)
    return True


def form_pattern(forms: list[str], case_sensitive: bool) -> re.Pattern | None:
    """One regex matching any of the forms as whole words, longest first."""
    if not forms:
        return None
    alts = sorted({re.escape(fold(f).strip()) for f in forms}, key=len, reverse=True)
    return re.compile(r"(?<![\w'])(?:" + "|".join(alts) + r")(?!\w)", 0 if case_sensitive else re.IGNORECASE)
