"""The reading text of each edited text two ways: as the merged edition says it reads,
and as the EPUB's XHTML prints it.

Each is cut into the collation's tokens (words and marks, typography folded as the
principles say), so that a word or a mark a book has lost shows as a difference.
"""
from __future__ import annotations

import difflib
import io
import zipfile

from lxml import etree

from ..merge.document import Merged
from ..textview import T, marked
from .collate import Token, tokens

# What the books print around the text that is not the text: numbers, calls, markers,
# the editors' labels, footnotes and the apparatus.
_NOT_TEXT = {"pnum", "noteref", "app-call", "omission", "footnote", "footnotes", "apparatus", "headnote",
             "sidebar-label", "caption-label", "fn-call", "backlink", "text-author"}
# The dash the renderer sets before a quotation's source line.
_SOURCE_DASH = "— "
_SKIPPED = {f"{T}{n}" for n in ("gap", "note", "orig", "desc")}


def _edited(el, out: list[str]) -> None:
    tag = el.tag
    if not isinstance(tag, str) or tag in _SKIPPED or (tag == f"{T}sic" and not marked(el)):
        return
    if tag == f"{T}supplied":
        out.append("[")
    out.append(el.text or "")
    for child in el:
        _edited(child, out)
        out.append(child.tail or "")
    if tag == f"{T}supplied":
        out.append("]")
    out.append(" " if tag in (f"{T}p", f"{T}head", f"{T}byline", f"{T}dateline", f"{T}bibl") else "")


def edited_reading(merged: Merged) -> dict[str, list[Token]]:
    """Each text's reading, as the merged edition gives it (corrections and repairs applied)."""
    out = {}
    for mt in merged.texts:
        parts: list[str] = []
        _edited(mt.body, parts)
        out[mt.id] = tokens("".join(parts))
    return out


def _skipped(el) -> bool:
    classes = set((el.get("class") or "").split())
    return bool(classes & _NOT_TEXT) or el.get("role") == "doc-pagebreak"


def _own(el, text: str) -> str:
    """Text of `el` as the edition has it: without the dash printed before a source line."""
    if "source" in (el.get("class") or "").split() and text.startswith(_SOURCE_DASH):
        return text[len(_SOURCE_DASH):]
    return text


def _xhtml_text(el, out: list[str]) -> None:
    if _skipped(el):
        out.append(" ")
        return
    out.append(_own(el, el.text or ""))
    for child in el:
        if isinstance(child.tag, str):
            _xhtml_text(child, out)
        out.append(child.tail or "")
    if etree.QName(el).localname in ("p", "h1", "h2", "h3", "li", "div", "figcaption"):
        out.append(" ")


def epub_reading(epub: bytes, text_ids: list[str]) -> dict[str, list[Token]]:
    """Each text's reading as the EPUB prints it: its title and its body, nothing around them."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(epub)) as z:
        names = set(z.namelist())
        for text_id in text_ids:
            name = f"EPUB/text-{text_id}.xhtml"
            if name not in names:
                out[text_id] = []
                continue
            root = etree.fromstring(z.read(name))
            parts: list[str] = []
            for section in root.iter("{*}section"):
                if section.get("id") == text_id:
                    _xhtml_text(section, parts)
            out[text_id] = tokens("".join(parts))
    return out


def losses(expected: list[Token], printed: list[Token]) -> list[str]:
    """What the printed reading lacks or adds against the expected one, with context."""
    words = [t.text for t in expected]
    matcher = difflib.SequenceMatcher(None, words, [t.text for t in printed], autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        context = f"…{' '.join(words[max(0, i1 - 6):i1])} [{' '.join(words[i1:i2])}] {' '.join(words[i2:i2 + 6])}…"
        if i2 > i1:
            out.append(f"lost “{' '.join(words[i1:i2])}”: {context}")
        if j2 > j1:
            out.append(f"prints “{' '.join(t.text for t in printed[j1:j2])}”, not in the edition: {context}")
    return out
