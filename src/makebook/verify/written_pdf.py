"""The reading text of each edited text as a written PDF prints it, for `makebook verify`
on books already built (the build reads the laid-out pages instead, writers/pdf_text.py).

The text is read from the PDF's tagged structure: each piece of marked content on the
text's pages belongs to a structure element, and only what stands in the text's own
section is kept; its glyphs are read back to characters through each font's ToUnicode
map, and a change of baseline starts a new line. Running heads and folios (outside the
structure tree), the footnote area (outside every section), the headnote (a section
within the text's section), paragraph numbers and apparatus letters (links to a
paragraph or an intervention of the edition) are left out. What the structure does not
tell apart is left in: the author line, a caption's label, a footnote call's number (a
word of its own, on a baseline of its own). So the comparison with this reading counts
what the PDF lacks, not what it adds.
"""
from __future__ import annotations

import io
import re

import pikepdf

from ..merge.document import Merged
from ..merge.numbering import XML_ID, interventions
from ..render.typography import ADDED_HYPHEN
from ..textview import T
from ..writers.pdf_fonts import to_unicode
from .collate import Token, tokens

_HEADNOTE = "/Sect"  # the only section that is a child of a text's own: the editors' headnote
_BROKEN = re.compile(f"{ADDED_HYPHEN}[ \t]*\n\\s*")  # a word WeasyPrint hyphenated at a line end


def written_reading(merged: Merged, pdf: bytes, pages: dict[str, int]) -> dict[str, list[Token]]:
    """Each text's reading in the PDF (`pages`: the page, 1-based, of each named destination)."""
    doc = pikepdf.open(io.BytesIO(pdf))
    index = {page.obj.objgen: n + 1 for n, page in enumerate(doc.pages)}
    maps: dict = {}
    drawn = {n: _marked_texts(doc.pages[n - 1], maps) for n in range(1, len(doc.pages) + 1)}
    out = {}
    for mt in merged.texts:
        if mt.id not in pages:
            out[mt.id] = []
            continue
        calls = {f"ref-{el.get(XML_ID)}" for el in interventions(mt.body)}
        skipped = calls | {el.get(XML_ID) for el in [*mt.body.iter(f"{T}p"), *interventions(mt.body)] if el.get(XML_ID)}
        span = range(pages[mt.id], pages.get(f"{mt.id}-apparatus", len(doc.pages)) + 1)
        pieces: list[tuple[float | None, str]] = []
        for section in _sections(doc.Root.StructTreeRoot):
            if index.get(section.Pg.objgen) in span and not calls & set(_links(section)):  # not the apparatus
                _read(section, section, drawn, index, skipped, pieces)
                pieces.append((None, "\n"))
        out[mt.id] = tokens(_BROKEN.sub("", _lines(pieces)))
    return out


def _lines(pieces: list[tuple[float | None, str]]) -> str:
    """The pieces' text, a new line wherever the baseline changes."""
    out, baseline = [], None
    for y, text in pieces:
        if y is not None and baseline is not None and abs(y - baseline) > 0.5:
            out.append("\n")
        baseline = y if y is not None else baseline
        out.append(text)
    return "".join(out)


def _kids(element) -> list:
    kids = element.get("/K", [])
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _sections(element):
    """The outermost sections of the structure tree, in order (one per page of a section)."""
    for kid in _kids(element):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            if kid.S == "/Sect":
                yield kid
            else:
                yield from _sections(kid)


def _links(element):
    """The destinations of every link within a structure element."""
    for kid in _kids(element):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            if (dest := _link(kid)) is not None:
                yield dest
            yield from _links(kid)


def _read(element, section, drawn, index, skipped, pieces: list) -> None:
    """(baseline, text) of a structure element, in the structure's order; the headnote,
    paragraph numbers and apparatus letters are a space."""
    inner = element.objgen != section.objgen
    if inner and (element.S == _HEADNOTE and element.P.objgen == section.objgen or _link(element) in skipped):
        pieces.append((None, " "))
        return
    page = index.get(element.Pg.objgen) if "/Pg" in element else None
    for kid in _kids(element):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            _read(kid, section, drawn, index, skipped, pieces)
        elif isinstance(kid, int) or isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            pieces += drawn.get(page, {}).get(int(kid) if isinstance(kid, int) else int(kid.MCID), [])


def _link(element) -> str | None:
    """The named destination a Link element goes to, if it is one."""
    if element.S != "/Link":
        return None
    for kid in element.get("/K", []):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR" and "/Dest" in kid.Obj:
            return str(kid.Obj.Dest)
    return None


def _marked_texts(page, maps: dict) -> dict[int, list[tuple[float, str]]]:
    """For each MCID of the page, the (baseline, text) of each text it shows, in order."""
    stack: list = []
    out: dict[int, list[tuple[float, str]]] = {}
    chars: dict[int, str] = {}
    y = 0.0
    fonts = page.obj.Resources.get("/Font", {})
    for operands, op in pikepdf.parse_content_stream(page, "BDC BMC EMC Tf Tm Td TD TJ Tj"):
        op = str(op)
        if op == "BDC":
            props = operands[1]
            stack.append(int(props.MCID) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else None)
        elif op == "BMC":
            stack.append(None)
        elif op == "EMC" and stack:
            mcid = stack.pop()
            if mcid is not None and mcid not in out:  # a space, which WeasyPrint does not draw
                out[mcid] = [(y, " ")]
        elif op == "Tf":
            font = fonts[str(operands[0])]
            if font.objgen not in maps:
                maps[font.objgen] = to_unicode(font)  # glyph codes: two bytes, Identity-H
            chars = maps[font.objgen]
        elif op == "Tm":
            y = float(operands[5])
        elif op in ("Td", "TD"):
            y += float(operands[1])
        elif stack and stack[-1] is not None:
            strings = [operands[0]] if op == "Tj" else [x for x in operands[0] if isinstance(x, pikepdf.String)]
            data = b"".join(bytes(x) for x in strings)
            out.setdefault(stack[-1], []).append((y, "".join(chars.get(int.from_bytes(data[i:i + 2], "big"), "") for i in range(0, len(data) - 1, 2))))
    return out
