"""The built PDF's pages measured from `pdftotext -bbox-layout`: each page's lines of text and
of notes, how far its text stops short of its notes or its foot, its loose lines.

The geometry is print.css's: a 156 × 234 mm page, the text block 22 mm from the head and
24 mm from the foot, 10.5 on 13.9 pt; notes in 8.6 on 10.8 pt stand above the foot, under a
rule with 5.5 mm of margin and padding. Run as a script to print the figures of a PDF."""
from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from pypdf import PdfReader

PT_PER_MM = 72 / 25.4
HEAD, FOOT = 22 * PT_PER_MM, 24 * PT_PER_MM
LINE = 13.9  # the text's leading, pt
NOTE_LINE = 10.8
NOTE_SIZE = 8.6
RULE_GAP = 5.5 * PT_PER_MM  # above the notes: the rule's margin and padding
X = "{http://www.w3.org/1999/xhtml}"


@dataclass
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    words: list[tuple[float, float, str]]  # x0, x1, text

    @property
    def size(self) -> float:
        return self.y1 - self.y0

    @property
    def text(self) -> str:
        return " ".join(w for _, _, w in self.words)


@dataclass
class PdfPage:
    index: int
    height: float
    lines: list[Line]  # in the text block, top to bottom (heads, folios and margin numbers left out)
    notes: list[Line] = field(default_factory=list)  # the footnote area's lines
    head: list[Line] = field(default_factory=list)  # running head and folio above the block
    foot: list[Line] = field(default_factory=list)  # a folio below it (an opening page's)
    apparatus: bool = False  # a text's apparatus begins on it (a page of its own, print.css)

    @property
    def bottom(self) -> float:
        return self.height - FOOT

    @property
    def recto(self) -> bool:
        return self.index % 2 == 0  # the book begins with a recto and every part opens on one

    @property
    def opening(self) -> bool:
        """An opening page has its folio at the foot and no running head."""
        return bool(self.foot) and not self.head

    def empty_lines(self) -> float:
        """How many of the text's lines are left empty between its last line and the notes (or the foot)."""
        if not self.lines:
            return 0.0
        limit = (self.notes[0].y0 - (NOTE_LINE - NOTE_SIZE) / 2 - RULE_GAP) if self.notes else self.bottom
        last = self.lines[-1]
        # a line's box is its leading: the glyph box's size plus the half-leading on either side
        return max(0.0, (limit - (last.y1 + (LINE - last.size) / 2)) / LINE)


def _lines(page) -> list[Line]:
    out = []
    for line in page.iter(X + "line"):
        words = [(float(w.get("xMin")), float(w.get("xMax")), w.text or "") for w in line.iter(X + "word")]
        if words:
            out.append(Line(float(line.get("xMin")), float(line.get("yMin")), float(line.get("xMax")),
                            float(line.get("yMax")), words))
    return sorted(out, key=lambda line: (line.y0, line.x0))


def _notes(lines: list[Line], bottom: float) -> int:
    """Where the notes begin: the run of small lines standing on the foot, with the rule's gap above."""
    i = len(lines)
    while i > 0 and lines[i - 1].size < NOTE_SIZE + 0.3 and lines[i - 1].y1 > bottom - NOTE_LINE * (len(lines) - i + 1) - 2:
        i -= 1
    if i == len(lines) or i == 0:
        return len(lines) if i == len(lines) else 0
    gap = lines[i].y0 - lines[i - 1].y1
    return i if gap > RULE_GAP else len(lines)


def read(path: Path) -> list[PdfPage]:
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(xml, etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=True))
    out = []
    for index, page in enumerate(root.iter(X + "page")):
        width, height = float(page.get("width")), float(page.get("height"))
        left = 34 * PT_PER_MM if index % 2 else 20 * PT_PER_MM  # the text block's left edge
        right = left + 102 * PT_PER_MM
        p = PdfPage(index, height, [])
        for line in _lines(page):
            if line.y1 < HEAD:
                p.head.append(line)
            elif line.y0 > height - FOOT:
                p.foot.append(line)
            elif line.x1 < left + 1 or line.x0 > right - 1:
                continue  # a paragraph number in the margin
            else:
                p.lines.append(line)
        cut = _notes(p.lines, p.bottom)
        p.lines, p.notes = p.lines[:cut], p.lines[cut:]
        out.append(p)
    for index in _apparatus_pages(path):
        out[index].apparatus = True
    return out


APPARATUS = "Textual apparatus"  # the heading, and bookmark, of each text's apparatus


def _apparatus_pages(path: Path) -> set[int]:
    pdf = PdfReader(path)
    found = set()

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            elif item.title == APPARATUS:
                found.add(pdf.get_destination_page_number(item))
    walk(pdf.outline)
    return found


def part_ends(pages: list[PdfPage]) -> set[int]:
    """Pages that end a part, or a text before its apparatus: the last, and each followed by
    a blank page, an opening or an apparatus's first page."""
    return {p.index for p in pages if p.index == len(pages) - 1
            or not pages[p.index + 1].lines or pages[p.index + 1].opening or pages[p.index + 1].apparatus}


def short_pages(pages: list[PdfPage], lines: float = 3) -> list[PdfPage]:
    """Pages of running text (with a running head: not an opening or a display page of the
    prelims), other than a part's last, whose text stops `lines` or more lines short."""
    ends = part_ends(pages)
    return [p for p in pages if p.lines and p.head and p.index not in ends and p.empty_lines() >= lines - 0.05]


def spreads(pages: list[PdfPage]) -> list[tuple[PdfPage, PdfPage]]:
    """Facing pages (verso, recto) both of running text, neither the last of a part nor an opening."""
    ends = part_ends(pages)
    return [(pages[i], pages[i + 1]) for i in range(1, len(pages) - 1, 2)
            if all(p.lines and p.head and p.index not in ends for p in (pages[i], pages[i + 1]))]


def folio(page: PdfPage) -> str:
    """The printed folio: the outer word of the running head (left on a verso), or the foot's."""
    words = sorted((w for line in page.head for w in line.words), key=lambda w: w[0])
    words = ([words[-1] if page.recto else words[0]] if words else []) + [w for line in page.foot for w in line.words]
    return next((w for _, _, w in words if w.isdigit() or set(w) <= set("ivxlc")), f"[{page.index + 1}]")


def recto_foot_hyphens(pages: list[PdfPage]) -> list[PdfPage]:
    """Rectos whose text ends with a hyphen the typesetter added (U+2010), a page turn inside a word."""
    return [p for p in pages if p.recto and p.lines and p.lines[-1].text.endswith("\u2010")]


def hyphenation(pages: list[PdfPage]) -> tuple[int, int, list[str]]:
    """The lines of text and notes ending with a hyphen the typesetter added (U+2010), all
    the lines, and each run of three such lines ("end / end / end")."""
    lines = [line for p in pages for line in p.lines + p.notes]
    ends = [line.text.endswith("\u2010") for line in lines]
    ladders = [" / ".join(line.words[-1][2] for line in lines[i:i + 3]) for i in range(len(lines) - 2) if all(ends[i:i + 3])]
    return sum(ends), len(lines), ladders


def word_spaces(line: Line) -> list[float]:
    """The spaces between a line's words, in ems of its type."""
    return [(b[0] - a[1]) / line.size for a, b in zip(line.words, line.words[1:])]


def loose_lines(pages: list[PdfPage], bound: float = 0.5) -> list[tuple[PdfPage, Line, float]]:
    """Justified lines (not the last of a paragraph) with a word space wider than `bound` em."""
    out = []
    for page in pages:
        for block in (page.lines, page.notes):
            for line, after in zip(block, block[1:]):
                if abs(after.size - line.size) > 0.3 or after.y0 - line.y1 > line.size or ". . ." in line.text:
                    continue  # the last line of a paragraph or of a block before a change of type; a leader
                widest = max(word_spaces(line), default=0)
                if widest > bound:
                    out.append((page, line, widest))
    return out


def main(path: str) -> None:
    pages = read(Path(path))
    short = short_pages(pages)
    print("short by 3+ lines:", len(short), ", ".join(f"{folio(p)} ({p.empty_lines():.1f})" for p in short))
    uneven = [(v, r) for v, r in spreads(pages) if abs(v.empty_lines() - r.empty_lines()) > 1]
    print("spreads not level within a line:", len(uneven), "of", len(spreads(pages)), ", ".join(
        f"{folio(v)}–{folio(r)} ({v.empty_lines():.1f}/{r.empty_lines():.1f})" for v, r in uneven))
    print("rectos ending on a hyphen:", ", ".join(folio(p) for p in recto_foot_hyphens(pages)) or "none")
    hyphenated, lines, ladders = hyphenation(pages)
    print(f"hyphenated: {hyphenated} of {lines} lines ({100 * hyphenated / lines:.1f} %), ladders of three: {len(ladders)}")
    loose = loose_lines(pages)
    print("loose lines (word space over 0.5 em):", len(loose))
    for page, line, widest in sorted(loose, key=lambda x: -x[2])[:int(sys.argv[2]) if len(sys.argv) > 2 else 10]:
        print(f"  {folio(page)}: {widest:.2f} em  {line.text[:70]}")


if __name__ == "__main__":
    main(sys.argv[1])
