"""The reading text of each edited text as the merged edition says it reads, as the
EPUB's XHTML prints it, and as the PDF's laid-out pages print it (writers/pdf_text.py).

Each is cut into the collation's tokens (words and marks, typography folded as the
principles say), so that a word or a mark a book has lost shows as a difference, told
with the paragraph and the witness line it belongs to.
"""
from __future__ import annotations

import difflib
import functools
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..merge.document import Merged
from ..merge.numbering import locator
from ..textview import T, marked
from .collate import Token, phrase, tokens, witness_tokens

# What the books print around the text that is not the text: numbers, calls, markers,
# the editors' labels, footnotes and the apparatus.
_NOT_TEXT = {"pnum", "noteref", "app-call", "omission", "footnote", "footnotes", "apparatus", "headnote",
             "sidebar-label", "caption-label", "fn-call", "backlink", "text-author"}
# The dash the renderer sets before a quotation's source line.
_SOURCE_DASH = "— "
_SKIPPED = {f"{T}{n}" for n in ("gap", "note", "orig", "desc")}
_BLOCKS = {f"{T}{n}" for n in ("p", "head", "byline", "dateline", "bibl")}


def _edited(el, out: list[tuple[str, object]], block=None) -> None:
    """(text, the block it stands in) pieces of the edited reading, in order."""
    tag = el.tag
    if not isinstance(tag, str) or tag in _SKIPPED or (tag == f"{T}sic" and not marked(el)):
        return
    block = el if tag in _BLOCKS else block
    if tag == f"{T}supplied":
        out.append(("[", block))
    out.append((el.text or "", block))
    for child in el:
        _edited(child, out, block)
        out.append((child.tail or "", block))
    if tag == f"{T}supplied":
        out.append(("]", block))
    if tag in _BLOCKS:
        out.append((" ", block))


@dataclass
class Expected:
    """A text's edited reading: its tokens, each with its TEI source line (Token.line) and
    its block; where a token stands ("¶ 5") and the witness line it aligns with are found
    only for a message (a build that loses nothing needs neither)."""
    tokens: list[Token]
    blocks: list  # each token's block (None outside any)
    witness: Path

    def place(self, i: int) -> str:
        return locator(self.blocks[i]) if self.blocks[i] is not None else ""

    @functools.cached_property
    def witness_lines(self) -> list[int]:
        return _witness_lines(self.tokens, self.witness)


def edited_reading(merged: Merged) -> dict[str, Expected]:
    """Each text's reading, as the merged edition gives it (corrections and repairs applied)."""
    out = {}
    for mt in merged.texts:
        found, blocks = [], []
        for text, block in _pieces(mt.body):
            here = tokens(text, line=(block.sourceline or 0) if block is not None else 0)
            found += here
            blocks += [block] * len(here)
        out[mt.id] = Expected(found, blocks, mt.text.witness)
    return out


def _pieces(body) -> list[tuple[str, object]]:
    """The edited reading's text, joined within each block, with the block."""
    pieces: list[tuple[str, object]] = []
    _edited(body, pieces)
    joined: list[tuple[str, object]] = []
    for text, block in pieces:
        if joined and joined[-1][1] is block:
            joined[-1] = (joined[-1][0] + text, block)
        else:
            joined.append((text, block))
    return joined


def _witness_lines(found: list[Token], witness) -> list[int]:
    """For each edited token, the witness line of the token it aligns with (or of the
    nearest aligned one before it: a correction, a supplied word)."""
    wit = [t for t, _ in witness_tokens(witness.read_text(encoding="utf-8"))[0]]
    matcher = difflib.SequenceMatcher(None, [t.text for t in found], [t.text for t in wit], autojunk=False)
    lines, last = [0] * len(found), 1
    for i, j, n in matcher.get_matching_blocks():
        for k in range(n):
            lines[i + k] = wit[j + k].line
    for i, line in enumerate(lines):
        lines[i] = last = line or last
    return lines


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


def pdf_reading(pages: list[list[list[str]]], text_ids: list[str]) -> dict[str, list[Token]]:
    """Each text's reading as the PDF's laid-out pages print it (`pages`: each page's runs,
    writers/pdf_text.py): the runs of the text's section, less what `_NOT_TEXT` marks and
    what the styles generate (footnote calls, markers); the footnote area, running heads
    and folios are outside every text's section."""
    parts: dict[str, list[str]] = {text_id: [] for text_id in text_ids}
    source = False  # inside a source line already
    for page in pages:
        for section, classes, text in page:
            if section not in parts:
                continue
            names = set(classes.split())
            if names & _NOT_TEXT or any(n.startswith("::") for n in names):
                parts[section].append(" ")
                continue
            if "source" in names and not source and text.startswith(_SOURCE_DASH):
                text = text[len(_SOURCE_DASH):]
            source = "source" in names
            parts[section].append(text)
    return {text_id: tokens("".join(texts)) for text_id, texts in parts.items()}


def losses(expected: Expected, printed: list[Token], additions: bool = True) -> list[tuple[int, str]]:
    """What the printed reading lacks or (if `additions`) adds against the expected one:
    (TEI source line, what, where it stands, the witness line, and context)."""
    words = [t.text for t in expected.tokens]
    shown = [t.text for t in printed]
    matcher = difflib.SequenceMatcher(None, words, shown, autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or not additions and (op == "insert" or _within(words[i1:i2], shown[j1:j2])):
            continue
        at = min(i1, len(words) - 1)
        where = f"{expected.place(at) or 'text'}, witness line {expected.witness_lines[at]}" if words else "text"
        context = f"…{' '.join(words[max(0, i1 - 6):i1])} [{phrase(words[i1:i2])}] {' '.join(words[i2:i2 + 6])}…"
        line = expected.tokens[at].line if words else 0
        if i2 > i1:
            out.append((line, f"lost “{phrase(words[i1:i2])}” ({where}): {context}"))
        if j2 > j1 and additions:
            out.append((line, f"prints “{phrase(shown[j1:j2])}”, not in the edition ({where}): {context}"))
    return out


def _within(words: list[str], shown: list[str]) -> bool:
    """Whether `words` are all in `shown`, in order (with what else it prints between them)."""
    rest = iter(shown)
    return all(word in rest for word in words)
