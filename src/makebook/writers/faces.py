"""The faces print.css vendors, a font configuration holding them and nothing else, and the
check that they alone draw the PDF.

WeasyPrint's own configuration starts from the machine's fonts (and, in Pango 1.50, may
miss @font-face files added after its font map has started): ours is built from the
stylesheet's @font-face rules before the font map exists, so the machine's fonts never
take part and every declared face is there. Every text run WeasyPrint laid out asks for a family, a style and a weight. Each must be a
face declared by an @font-face of the stylesheet, and that face must hold every character
of the run: anything else would be drawn by whatever font the machine happens to have (or
by nothing), so it is a build error naming the character and where it stands.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import tinycss2
from fontTools.ttLib import TTFont
from weasyprint.formatting_structure.boxes import TextBox
from weasyprint.text.ffi import ffi, fontconfig, gobject, pangoft2
from weasyprint.text.fonts import FontConfiguration

from ..errors import EditionError, ErrorList

# Characters no face draws: Pango handles them itself (breaks, joiners, soft hyphens).
_IGNORED = {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}


ffi.cdef("FcConfig * FcConfigCreate (void); FcBool FcConfigBuildFonts (FcConfig *config);")


@dataclass(frozen=True)
class Face:
    family: str
    italic: bool
    bold: bool


@dataclass
class FaceFile:
    path: Path
    chars: set[int]


def vendored_faces(stylesheet: Path) -> dict[Face, FaceFile]:
    """The @font-face rules of a stylesheet: each face, its file and the code points it maps."""
    faces: dict[Face, FaceFile] = {}
    rules = tinycss2.parse_stylesheet(stylesheet.read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True)
    for rule in rules:
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face":
            continue
        desc = {d.lower_name: d.value for d in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True,
                                                                            skip_comments=True) if d.type == "declaration"}
        family = next(t.value for t in desc["font-family"] if t.type in ("string", "ident"))
        style = tinycss2.serialize(desc.get("font-style", [])).strip() or "normal"
        weight = tinycss2.serialize(desc.get("font-weight", [])).strip() or "normal"
        url = next(t for t in desc["src"] if t.type in ("url", "function") and (t.type == "url" or t.lower_name == "url"))
        href = url.value if url.type == "url" else url.arguments[0].value
        path = (stylesheet.parent / href).resolve()
        faces[Face(family, style in ("italic", "oblique"), _bold(weight))] = FaceFile(path, set(TTFont(path, lazy=True).getBestCmap()))
    return faces


def _scan_rules(faces: dict[Face, FaceFile]) -> bytes:
    """Fontconfig rules giving each vendored file the family, slant and weight its @font-face declares.

    Every face is also said to cover English: fontconfig ranks language coverage above weight,
    and would otherwise pass over a bold cut with fewer glyphs (EB Garamond's) for the roman;
    `check_faces` checks the real coverage, character by character."""
    from xml.sax.saxutils import escape

    rules = "".join(
        f'<match target="scan"><test name="file"><string>{escape(str(f.path))}</string></test>'
        f'<edit name="family" mode="prepend"><string>{escape(face.family)}</string></edit>'
        f'<edit name="slant" mode="assign_replace"><const>{"italic" if face.italic else "roman"}</const></edit>'
        f'<edit name="weight" mode="assign_replace"><const>{"bold" if face.bold else "regular"}</const></edit>'
        '<edit name="lang" mode="assign_replace"><langset><string>en</string></langset></edit></match>'
        for face, f in faces.items())
    return f'<?xml version="1.0"?><fontconfig>{rules}</fontconfig>'.encode()


class VendoredFonts(FontConfiguration):
    """A WeasyPrint font configuration holding the stylesheet's vendored faces and no other font."""

    def __init__(self, stylesheet: Path):  # replaces FontConfiguration's, which loads the machine's fonts
        faces = vendored_faces(stylesheet)
        config = fontconfig.FcConfigCreate()
        fontconfig.FcConfigParseAndLoadFromMemory(config, _scan_rules(faces), True)
        for f in faces.values():
            fontconfig.FcConfigAppFontAddFile(config, str(f.path).encode())
        fontconfig.FcConfigBuildFonts(config)
        self._config = config
        self.font_map = ffi.gc(pangoft2.pango_ft2_font_map_new(), gobject.g_object_unref)
        pangoft2.pango_fc_font_map_set_config(ffi.cast("PangoFcFontMap *", self.font_map), config)
        fontconfig.FcConfigDestroy(config)  # the font map keeps its own reference
        self._folder = None
        self.strut_layouts = {}
        self.font_features = {}

    def add_font_face(self, rule_descriptors, url_fetcher):
        """Every @font-face of the stylesheet is loaded already, from its own file."""


def _bold(weight) -> bool:
    if isinstance(weight, str):
        return weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600)
    return weight >= 600


def _where(ancestors: list[str], page: int) -> str:
    return f"page {page}" + (f", in #{ancestors[-1]}" if ancestors else "")


def check_faces(pages, stylesheet: Path, sources: list[Path]) -> None:
    """Raise one located error per character (or face) the vendored faces cannot draw.

    `pages`: WeasyPrint's laid-out pages, in order; `sources`: the files a character may
    come from, searched to say where an editor finds it."""
    faces = vendored_faces(stylesheet)
    families = {f.family for f in faces}
    problems: dict[tuple, EditionError] = {}
    for number, page in enumerate(pages, 1):
        # WeasyPrint keeps the laid-out boxes only on this private attribute.
        for box, ancestors in _text_boxes(page._page_box, []):
            style = box.style
            family = next((f for f in style["font_family"] if f in families), None)
            where = _where(ancestors, number)
            if family is None:
                problems.setdefault(("family", style["font_family"]), EditionError(
                    stylesheet, None, f"text at {where} is set in {', '.join(style['font_family'])}, which no "
                    "@font-face vendors", "name a family whose faces are in styles/fonts"))
                continue
            face = Face(family, style["font_style"] in ("italic", "oblique"), _bold(style["font_weight"]))
            if face not in faces:
                problems.setdefault(("face", face), EditionError(
                    stylesheet, None, f"text at {where} asks for {_kind(face)} “{family}”, which no @font-face vendors",
                    "vendor the face or stop asking for it"))
                continue
            for char in box.text:
                if ord(char) not in faces[face].chars and not char.isspace() and char not in _IGNORED \
                        and ("char", char, face) not in problems:
                    path, line = _source_of(char, sources)
                    problems[("char", char, face)] = EditionError(
                        path, line, f"character U+{ord(char):04X} “{char}” ({unicodedata.name(char, 'unnamed')}), "
                        f"set {_kind(face)} at {where}: no vendored face of “{family}” draws it",
                        "add a face that has it to styles/fonts and print.css, or write the text without it")
    if problems:
        raise ErrorList(list(problems.values()))


def _kind(face: Face) -> str:
    return " ".join(k for k, on in (("bold", face.bold), ("italic", face.italic)) if on) or "roman"


def _source_of(char: str, sources: list[Path]) -> tuple[Path | None, int | None]:
    """The first source file and line holding `char` (or its character reference)."""
    refs = (char, f"&#{ord(char)};", f"&#x{ord(char):x};", f"&#x{ord(char):X};")
    for path in sources:
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if any(r in line for r in refs):
                return path, number
    return None, None


def _text_boxes(box, ancestors: list[str]):
    """Every text box under `box`, with the ids of the elements it stands in."""
    element = getattr(box, "element", None)
    ident = element.get("id") if element is not None and box.element_tag != "html" else None
    if ident and (not ancestors or ancestors[-1] != ident):
        ancestors = [*ancestors, ident]
    if isinstance(box, TextBox):
        yield box, ancestors
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child, ancestors)
