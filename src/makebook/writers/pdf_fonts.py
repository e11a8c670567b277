"""One subset of each vendored face for the whole merged PDF.

Each part's PDF embeds its own subset of every face it uses, and its own font dictionaries
(WeasyPrint makes one per face and variant, named by a hash of the variant, so the same
name in every part). WeasyPrint keeps each glyph's id when it subsets and maps character
ids to glyph ids one to one, so every part's text stream already means the glyph of the
original face: the fonts of one name can become one, with the widths and the ToUnicode
maps of all the parts, over one subset of the vendored file made with the union of the
glyphs they use. Where two parts map one glyph to different text, the first in reading
order wins, as in a PDF WeasyPrint writes in one piece.
"""
from __future__ import annotations

import functools
import io
import re
from pathlib import Path

import pikepdf
from pikepdf import Array, Name

from ..errors import EnvironmentFault

_BFCHARS = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_PAIR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")
_CMAP_HEAD = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo
<< /Registry (Adobe)
/Ordering (UCS)
/Supplement 0
>> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <ffff>
endcodespacerange
"""
_CMAP_TAIL = b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"


def share_subsets(pdf: pikepdf.Pdf, faces: list[Path]) -> None:
    """Give every font of `pdf` of one name one dictionary, and every face one subset of
    its file (`faces`: the vendored font files)."""
    by_name: dict[str, list[pikepdf.Dictionary]] = {}
    for font in _fonts_in_order(pdf):
        by_name.setdefault(str(font.BaseFont), []).append(font)
    files = {_postscript_name(path.read_bytes()): path for path in faces}
    by_file: dict[str, list[pikepdf.Dictionary]] = {}
    for name, fonts in by_name.items():
        first = fonts[0]
        widths = _merged(_widths(f) for f in fonts)
        text = _merged(to_unicode(f) for f in fonts)
        cid_font = first.DescendantFonts[0]
        cid_font.W = _width_array(widths)
        cid_font.FontDescriptor.FontBBox[2] = max(widths.values(), default=0)
        first.ToUnicode = pdf.make_stream(_cmap(text))
        program = _program(cid_font.FontDescriptor)
        by_file.setdefault(_postscript_name(cid_font.FontDescriptor[program].read_bytes()), []).append(first)
    for postscript, fonts in by_file.items():
        glyphs = {0} | {g for f in fonts for g in _widths(f)}
        for font in fonts:
            descriptor = font.DescendantFonts[0].FontDescriptor
            program = _program(descriptor)
            if font is fonts[0]:
                data = _subset(files[postscript], glyphs)
                shared = pdf.make_stream(data)
                if "/Subtype" in descriptor[program]:  # /OpenType, of a FontFile3
                    shared.Subtype = descriptor[program].Subtype
                if "/Length1" in descriptor[program]:  # of a FontFile2
                    shared.Length1 = len(data)
            descriptor[program] = shared
    canonical = {name: fonts[0] for name, fonts in by_name.items()}
    for resources in _resources(pdf):
        table = resources.get("/Font")
        for key in list(table.keys()) if table is not None else ():
            font = table[key]
            if font.get("/Subtype") == Name.Type0:
                table[key] = canonical[str(font.BaseFont)]


def _resources(pdf: pikepdf.Pdf):
    """Every resource dictionary the pages draw with, in page order (those of form
    XObjects and patterns after the page's own)."""
    seen: set = set()
    todo = [page.obj.get("/Resources") for page in pdf.pages]
    while todo:
        resources = todo.pop(0)
        if resources is None or (resources.is_indirect and resources.objgen in seen):
            continue
        if resources.is_indirect:
            seen.add(resources.objgen)
        yield resources
        for kind in ("/XObject", "/Pattern"):
            for _, item in (resources.get(kind) or {}).items():
                if "/Resources" in item:
                    todo.append(item.Resources)


def _fonts_in_order(pdf: pikepdf.Pdf):
    seen: set = set()
    for resources in _resources(pdf):
        table = resources.get("/Font") or {}
        for key in sorted(table.keys()):
            font = table[key]
            if font.get("/Subtype") == Name.Type0 and font.objgen not in seen:
                seen.add(font.objgen)
                yield font


def _merged(maps) -> dict[int, object]:
    out: dict[int, object] = {}
    for m in maps:
        for key, value in m.items():
            out.setdefault(key, value)
    return out


def _widths(font) -> dict[int, float]:
    """A CID font's /W as glyph id -> width (both of its forms: `c [w…]` and `c1 c2 w`)."""
    w, out, i = list(font.DescendantFonts[0].get("/W", [])), {}, 0
    while i < len(w):
        if isinstance(w[i + 1], pikepdf.Array):
            out.update({int(w[i]) + k: _number(x) for k, x in enumerate(w[i + 1])})
            i += 2
        else:
            out.update({g: _number(w[i + 2]) for g in range(int(w[i]), int(w[i + 1]) + 1)})
            i += 3
    return out


def _number(value) -> float:
    number = float(value)
    return int(number) if number.is_integer() else number


def _width_array(widths: dict[int, float]) -> Array:
    out: list = []
    for glyph in sorted(widths):
        if glyph - 1 not in widths:
            out += [glyph, []]
        out[-1].append(widths[glyph])
    return Array([Array(x) if isinstance(x, list) else x for x in out])


def to_unicode(font) -> dict[int, str]:
    """The glyph id -> text pairs of a ToUnicode CMap written with bfchar (as WeasyPrint writes them)."""
    data = font.ToUnicode.read_bytes() if "/ToUnicode" in font else b""
    return {int(g, 16): bytes.fromhex(t.decode()).decode("utf-16-be")
            for block in _BFCHARS.findall(data) for g, t in _PAIR.findall(block)}


def _cmap(text: dict[int, str]) -> bytes:
    items = sorted(text.items())
    body = b""
    for i in range(0, len(items), 100):  # at most 100 entries to a block
        batch = items[i:i + 100]
        body += f"{len(batch)} beginbfchar\n".encode()
        body += b"".join(f"<{g:04x}> <{t.encode('utf-16-be').hex()}>\n".encode() for g, t in batch)
        body += b"endbfchar\n"
    return _CMAP_HEAD + body + _CMAP_TAIL


def _program(descriptor) -> str:
    return next(k for k in ("/FontFile3", "/FontFile2", "/FontFile") if k in descriptor)


def _postscript_name(data: bytes) -> str:
    from fontTools.ttLib import TTFont

    return TTFont(io.BytesIO(data), lazy=True)["name"].getDebugName(6)


# Tables a PDF does not read: layout, bitmaps, signatures.
_DROPPED = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GDEF", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")


def subsetter():
    """HarfBuzz's subsetter, which cuts the book's fonts, or an environment error before
    any layout if the system library is missing."""
    from weasyprint.text.ffi import harfbuzz_subset

    if harfbuzz_subset is None:
        raise EnvironmentFault(None, None, "HarfBuzz's subsetter (libharfbuzz-subset) is not installed",
                               "install it (Debian: libharfbuzz-subset0), as WeasyPrint needs it too")
    return harfbuzz_subset


def _subset(path: Path, glyphs: set[int]) -> bytes:
    """The face's file cut down to `glyphs`, each keeping its id, by HarfBuzz's subsetter
    (WeasyPrint's, which cut the parts' subsets): no layout tables, no hinting, CFF
    subroutines inlined."""
    from weasyprint.text.ffi import ffi, harfbuzz
    from weasyprint.text.fonts import get_hb_object_data

    harfbuzz_subset = subsetter()
    _declare(ffi)
    blob = harfbuzz.hb_blob_create_from_file(str(path).encode())
    face = ffi.gc(harfbuzz.hb_face_create(blob, 0), harfbuzz.hb_face_destroy)
    harfbuzz.hb_blob_destroy(blob)
    plan = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy)
    for target, values in ((harfbuzz_subset.hb_subset_input_glyph_set(plan), sorted(glyphs)),
                           (harfbuzz_subset.hb_subset_input_set(plan, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG),
                            sorted(harfbuzz.hb_tag_from_string(tag, 4) for tag in _DROPPED))):
        harfbuzz.hb_set_add_sorted_array(target, ffi.new("hb_codepoint_t[]", values), len(values))
    harfbuzz_subset.hb_subset_input_set_flags(
        plan, harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS | harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
        | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE | harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED)
    result = ffi.gc(harfbuzz_subset.hb_subset_or_fail(face, plan), harfbuzz.hb_face_destroy)
    return get_hb_object_data(result)


@functools.cache
def _declare(ffi) -> None:
    """Declare the two HarfBuzz functions WeasyPrint's bindings lack, once."""
    ffi.cdef("hb_blob_t * hb_blob_create_from_file (const char *file_name);"
             "hb_face_t * hb_face_create (hb_blob_t *blob, unsigned int index);")
