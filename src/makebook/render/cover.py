"""The cover, drawn by the build from the title: an SVG whose lettering is EB Garamond
outlines (paths), so it looks the same in every reader, fonts or no fonts; and the same
design rasterised (CairoSVG) to the JPEG that Kindle and library views need."""
from __future__ import annotations

import hashlib
import io
import json
from importlib import metadata
from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont

from ..sources.xmlio import write_atomic

WIDTH, HEIGHT = 1600, 2560  # the 1:1.6 of Kindle's recommended 1600 × 2560
ROMAN, ITALIC = "EBGaramond12-Regular.otf", "EBGaramond12-Italic.otf"


class Lettering:
    """Set lines of text as SVG paths from one font file (advance widths and kerning-free)."""

    def __init__(self, font_path: Path):
        self.font = TTFont(str(font_path))
        self.cmap = self.font.getBestCmap()
        self.glyphs = self.font.getGlyphSet()
        self.upm = self.font["head"].unitsPerEm

    def width(self, text: str, size: float) -> float:
        hmtx = self.font["hmtx"]
        return sum(hmtx[self.cmap.get(ord(c), ".notdef")][0] for c in text) * size / self.upm

    def path(self, text: str, size: float, center_x: float, baseline: float) -> str:
        scale = size / self.upm
        x = center_x - self.width(text, size) / 2
        pen = SVGPathPen(self.glyphs, ntos=lambda v: f"{v:.1f}".rstrip("0").rstrip("."))
        hmtx = self.font["hmtx"]
        for c in text:
            name = self.cmap.get(ord(c), ".notdef")
            self.glyphs[name].draw(TransformPen(pen, (scale, 0, 0, -scale, x, baseline)))
            x += hmtx[name][0] * scale
        return pen.getCommands()


def _lines(text: str, width: int) -> list[str]:
    lines, cur = [], ""
    for word in text.split():
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}".strip()
    return [*lines, cur] if cur else lines


def cover_svg(title: str, subtitle: str, authors: list[str], fonts: Path) -> str:
    roman = Lettering(fonts / ROMAN)
    italic = Lettering(fonts / ITALIC)
    paths = []
    y = 810
    for line in _lines(title, 16):
        paths.append(roman.path(line, 150, WIDTH / 2, y))
        y += 170
    paths.append(italic.path(subtitle, 78, WIDTH / 2, y + 40))
    y = 1690
    for line in _lines(" · ".join(authors), 40):
        paths.append(roman.path(line, 56, WIDTH / 2, y))
        y += 80
    paths.append(roman.path("A CRITICAL EDITION", 46, WIDTH / 2, HEIGHT - 260))
    body = "\n".join(f'<path d="{d}"/>' for d in paths)
    label = f"{title}: {subtitle}"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{label}">
<title>{label}</title>
<rect width="{WIDTH}" height="{HEIGHT}" fill="#7a1f1a"/>
<rect x="90" y="90" width="{WIDTH - 180}" height="{HEIGHT - 180}" fill="none" stroke="#e9dcc3" stroke-width="6"/>
<rect x="120" y="120" width="{WIDTH - 240}" height="{HEIGHT - 240}" fill="none" stroke="#e9dcc3" stroke-width="2"/>
<g fill="#f4ecdc">
{body}
</g>
</svg>
"""


def cover_jpeg(svg: str) -> bytes:
    """The SVG cover as a baseline JPEG of the same size (byte-reproducible)."""
    import cairosvg  # slow to import: only when the cover is drawn
    from PIL import Image

    png = cairosvg.svg2png(bytestring=svg.encode(), output_width=WIDTH, output_height=HEIGHT)
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").save(out, "JPEG", quality=90, optimize=True)
    return out.getvalue()


def cover_images(title: str, subtitle: str, authors: list[str], fonts: Path, cache: Path | None) -> tuple[str, bytes]:
    """The cover as SVG and as JPEG, kept in `cache` under a hash of all they are drawn
    from (drawing and rasterising them takes longer than writing the rest of an EPUB)."""
    h = hashlib.sha256(json.dumps([title, subtitle, authors, metadata.version("cairosvg"),
                                   metadata.version("pillow")]).encode())
    for path in (Path(__file__), fonts / ROMAN, fonts / ITALIC):
        h.update(hashlib.sha256(path.read_bytes()).digest())
    svg_file, jpeg_file = (cache / f"cover-{h.hexdigest()[:32]}{ext}" if cache else None for ext in (".svg", ".jpg"))
    if svg_file and svg_file.exists() and jpeg_file.exists():
        return svg_file.read_text(encoding="utf-8"), jpeg_file.read_bytes()
    svg = cover_svg(title, subtitle, authors, fonts)
    jpeg = cover_jpeg(svg)
    if cache:
        write_atomic(svg_file, svg.encode())
        write_atomic(jpeg_file, jpeg)
    return svg, jpeg
