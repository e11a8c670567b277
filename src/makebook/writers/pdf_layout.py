"""The PDF laid out part by part, on every core, until every printed page number is right.

Each round renders every part's HTML with the page map known so far (the last build's,
from the cache, then this build's) and lays out, in parallel, the parts whose HTML or
first folio differ from their last layout. A part whose layout is in the part cache is
not laid out again. After a round, a part is right when rendering it again with the new
page map gives the same HTML: every folio it prints is where its anchor landed. No part
waits for the folios it prints: its make-up repairs are made on its version with them
unknown, so the first round repairs every part at once, and later rounds make the same
repairs again on the part with its folios known (pdf_part.py). Rounds are bounded; page
numbers that never settle are an error.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path

import lxml.html
import weasyprint

from ..cache import PartCache
from ..errors import EditionError, ErrorList
from ..merge.document import Merged
from ..render.book import title
from ..render.pagemap import PageMap, PageMark, wrong_folios
from .faces import vendored_faces
from .pdf import Part, book_parts
from .pdf_fonts import subsetter
from .pdf_merge import merge
from .makeup import replay
from .pdf_part import LaidPart, lay_out_part

WAITING = 1  # parts laid out and waiting for their first folio, per core (memory: each holds its pages)
MAX_ROUNDS = 10  # a first build takes two (every part repaired with no folio known; those printing folios again), then a check
CODE = [Path(__file__).parent / name for name in ("pdf_part.py", "pdf_relayout.py", "pdf_text.py", "footnote_fix.py",
                                                 "hyphenation.py", "makeup.py", "faces.py")]


@dataclass
class Layout:
    """The laid-out book: its PDF, each page's folio, anchors and text, and what it cost."""

    pdf: bytes
    folios: list[str]
    pages: list[dict[str, tuple[float, float]]]
    texts: list[list[list[str]]]  # each page's runs of text (pdf_text.py)
    laid_out: int  # pages WeasyPrint laid out in this build, repairs included (parts from the cache not counted)

    def marks(self) -> list[PageMark]:
        """For each page, its folio and the first new element id on it (topmost, then leftmost),
        or, on a page that only continues what began before, the latest begun element."""
        marks, begun = [], {}  # anchor -> order in which the elements begin
        for folio, anchors in zip(self.folios, self.pages):
            fresh = sorted((k for k in anchors if k not in begun), key=lambda k: (round(anchors[k][1], 1), anchors[k][0]))
            for k in fresh:
                begun[k] = len(begun)
            if fresh:
                marks.append(PageMark(folio, fresh[0]))
            elif anchors:  # the page only continues what began before: mark the end of the latest begun
                marks.append(PageMark(folio, max(anchors, key=begun.__getitem__), True))
        return marks


def roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += letters
            n -= value
    return out


def heads_css(merged: Merged) -> str:
    """The verso running head (the edition's title)."""
    verso = title(merged).replace('"', "'")
    return f'.matter h1 {{ string-set: verso-head "{verso}", recto-head attr(data-title); }}'


def _starts(parts: list[Part], counts: dict[str, int]) -> dict[str, int]:
    """Each part's first folio from the page counts of the parts before it in its series
    (roman front matter, arabic from the first text)."""
    out, next_folio = {}, {True: 1, False: 1}
    for part in parts:
        out[part.name] = next_folio[part.front]
        next_folio[part.front] += counts.get(part.name, 0)
    return out


def _folios(order: list[tuple[str, bool]], laid: dict[str, LaidPart]) -> PageMap:
    """Each anchor's folio where it begins, from the parts laid out (`order`: name and
    roman folios? of each part, in reading order)."""
    folios = PageMap()
    for name, front in order:
        if name in laid:
            for i, page in enumerate(laid[name].pages):
                folio = laid[name].start + i
                for anchor in page:
                    folios.setdefault(anchor, roman(folio) if front else str(folio))
    return folios


def _setting(styles: Path, css: str) -> str:
    """A hash of all besides its HTML that can change a part's layout: the styles and fonts,
    the layout code, WeasyPrint, and the machine's font configuration (which the vendored
    fonts should make irrelevant: a cached part must not hide it if not)."""
    h = hashlib.sha256(f"{weasyprint.__version__}\n{css}\n".encode())
    fontconfig = [Path(os.environ["FONTCONFIG_FILE"])] if os.environ.get("FONTCONFIG_FILE") else []
    for path in sorted(p for p in styles.rglob("*") if p.is_file() and p.suffix != ".j2") + CODE + fontconfig:
        h.update(path.name.encode() + hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _layout_key(part: Part, setting: str) -> str:
    """A hash of all that can change the part's layout, which is made with folios from 1."""
    return hashlib.sha256(f"{setting}\n{part.pad}\n{part.html}".encode()).hexdigest()


def _key(part: Part, start: int, setting: str) -> str:
    """A hash of all that can change the part's PDF: its layout and its first folio."""
    return hashlib.sha256(f"{_layout_key(part, setting)}\n{start}".encode()).hexdigest()


def _cached(cache: PartCache, key: str) -> LaidPart | None:
    hit = cache.get(key)
    if hit is None:
        return None
    pdf, meta = hit
    if "texts" not in meta:  # laid out before the parts kept their text
        return None
    return LaidPart(pdf, meta["start"], [{k: tuple(v) for k, v in page.items()} for page in meta["pages"]], meta["texts"],
                    html=meta.get("html", ""))


def lay_out(merged: Merged, cache: PartCache, workers: int | None = None) -> Layout:
    """Lay the book out in parts; return the merged PDF and its pages."""
    subsetter()  # missing, it would fail the build only after the whole layout
    styles, css = merged.edition.styles, heads_css(merged)
    setting = _setting(styles, css)
    root = merged.edition.root
    sources = sorted((root / "edition").glob("*.xml")) + sorted((root / "notes").glob("*.xml"))
    last = cache.last_layout()
    order = [(name, front) for name, front, _ in last]
    laid = {name: part for name, _, key in last if (part := _cached(cache, key)) is not None}  # estimates
    keys: dict[str, str] = {}  # name -> key of the part as laid out by this build
    laid_out: dict[str, int] = {}  # name -> pages WeasyPrint laid out for the part in this build
    # name -> its last layout's key, what the make-up repairs made of it, and those repairs
    previous = {name: meta for name, _, key in last if (hit := cache.get(key)) is not None
                and {"layout", "zero", "html", "short", "repairs"} <= (meta := hit[1]).keys()}
    # Each part with every folio it prints unknown (0): its make-up repairs are made on that,
    # whatever the folios, so that a book is the same whatever its cache held.
    zero = {p.name: p for p in book_parts(merged, PageMap())}
    for round_ in range(MAX_ROUNDS + 1):
        folios = _folios(order, laid)
        parts = book_parts(merged, folios)
        order = [(p.name, p.front) for p in parts]
        laid = {name: part for name, part in laid.items() if name in dict(order)}
        starts = _starts(parts, {name: len(p.pages) for name, p in laid.items()})
        wanted = {p.name: _key(p, starts[p.name], setting) for p in parts}
        stale = [p for p in parts if keys.get(p.name) != wanted[p.name]]
        if not stale:
            break
        if round_ == MAX_ROUNDS:
            wrong = [f"{p.name}: {a} printed {was}, is {actual}" for p in stale
                     for a, was, actual in wrong_folios(lxml.html.document_fromstring(p.html), folios)][:5]
            raise EditionError(None, None, f"page numbers did not settle after {MAX_ROUNDS} layouts",
                               "; ".join(wrong) or "part lengths kept changing")
        for part in stale:
            if (hit := _cached(cache, wanted[part.name])) is not None:
                laid[part.name], keys[part.name] = hit, wanted[part.name]
        stale = [p for p in stale if keys.get(p.name) != wanted[p.name]]
        layout_keys = {p.name: _layout_key(p, setting) for p in stale}
        zero_keys = {p.name: _layout_key(zero[p.name], setting) for p in stale}
        known = {p.name: carried for p in stale if p.name in previous
                 and (carried := _carried(previous[p.name], p, layout_keys[p.name], zero_keys[p.name])) is not None}
        zeros = {p.name: zero[p.name].html for p in stale if zero[p.name].html != p.html}
        for name, result in _run(parts, stale, laid, styles, css, sources, workers, known, zeros).items():
            laid[name] = result
            laid_out[name] = laid_out.get(name, 0) + result.laid_out
        for part in stale:
            done = laid[part.name]
            short = previous[part.name]["short"] if part.name in known else done.short  # the zero version's
            previous[part.name] = {"layout": layout_keys[part.name], "zero": zero_keys[part.name], "html": done.html,
                                   "short": short, "repairs": done.repairs}
            keys[part.name] = _key(part, done.start, setting)
            cache.put(keys[part.name], done.pdf, {"start": done.start, "pages": done.pages, "texts": done.texts,
                                                  **previous[part.name]})
    faces = [f.path for f in vendored_faces(styles / "print.css").values()]
    pdf = merge([laid[p.name].pdf for p in parts], _labels(parts, laid), faces)
    folio_list = [roman(laid[p.name].start + i) if p.front else str(laid[p.name].start + i)
                  for p in parts for i in range(len(laid[p.name].pages))]
    cache.save_layout([(p.name, p.front, keys[p.name]) for p in parts], laid_out, len(folio_list))
    return Layout(pdf, folio_list, [page for p in parts for page in laid[p.name].pages],
                  [text for p in parts for text in laid[p.name].texts], sum(laid_out.values()))


def _carried(before: dict, part: Part, layout_key: str, zero_key: str) -> tuple[str, int | None, list] | None:
    """Where to start `part`'s make-up from its last layout (`before`), and with which
    repairs made: its repaired HTML as it is (short -1) when the part is the same; when only
    the folios it prints changed (its version with them unknown is the same), the part with
    the same repairs made again (`makeup.replay`), to be kept if it leaves no more pages
    short than the repairs did; else None."""
    if before["layout"] == layout_key:
        return before["html"], -1, before["repairs"]
    if before["zero"] == zero_key:
        return replay(part.html, before["repairs"]), before["short"], before["repairs"]
    return None


def _run(parts: list[Part], ready: list[Part], laid: dict[str, LaidPart], styles: Path, css: str,
         sources: list[Path], workers: int | None,
         repairs: dict[str, tuple[str, int | None, list]], zeros: dict[str, str]) -> dict[str, LaidPart]:
    """Lay the `ready` parts out (those in `repairs` from their HTML as repaired before,
    with its pages short: `_carried`; the others with their repairs made on their version
    in `zeros`, with no folio known), one forked process each, at most `workers` at work
    at a time (one per core; one laid out and waiting for its first folio does not count,
    up to WAITING a core), the longest first; tell each its first folio as soon as the page
    counts of the parts before it are known."""
    ctx = multiprocessing.get_context("fork")
    workers = workers or os.cpu_count() or 1
    todo = sorted(ready, key=lambda p: -len(p.html))  # the longest first: it ends the round
    running: dict = {}  # connection -> (part, process)
    counts = {name: len(p.pages) for name, p in laid.items()}
    pending = {p.name for p in ready}  # page count not reported yet
    asking: list = []  # (connection, part) waiting for their first folio
    done: dict[str, LaidPart] = {}
    try:
        while todo or running:
            while todo and len(running) - len(asking) < workers:  # a child waiting for its folio is idle
                # The longest first; with as many laid out and waiting as memory allows (each
                # holds its pages), only a part that will not wait: all before it have reported.
                part = todo[0] if len(asking) < WAITING * workers else next(
                    (p for p in todo if not pending.intersection(_before(parts, p))), None)
                if part is None:
                    break
                todo.remove(part)
                parent, child = ctx.Pipe()
                proc = ctx.Process(target=lay_out_part, args=(styles, part.html, css, part.pad, sources, child,
                                                              *repairs.get(part.name, (None, -1, ())), zeros.get(part.name)),
                                   daemon=True)
                proc.start()
                child.close()
                running[parent] = (part, proc)
            for conn in wait(list(running)):
                part, proc = running[conn]
                try:
                    kind, value = conn.recv()
                except EOFError:
                    kind, value = "error", f"the process laying out {part.name} ended (exit code {proc.exitcode})"
                if kind == "pages":
                    counts[part.name] = value
                    pending.discard(part.name)
                    asking.append((conn, part))
                elif kind == "done":
                    done[part.name] = value
                    del running[conn]
                    proc.join()
                else:
                    if kind == "invalid":
                        raise ErrorList(value)
                    raise RuntimeError(f"laying out {part.name} failed:\n{value}")
            for conn, part in list(asking):
                if not pending.intersection(_before(parts, part)):
                    conn.send(_starts(parts, counts)[part.name])
                    asking.remove((conn, part))
    finally:  # after an error, or when interrupted, no layout process is left running
        for _, proc in running.values():
            proc.kill()
            proc.join()
    return done


def _before(parts: list[Part], part: Part) -> list[str]:
    """The parts whose page counts make `part`'s first folio: those before it in its series."""
    return [p.name for p in parts[:parts.index(part)] if p.front == part.front]


def _labels(parts: list[Part], laid: dict[str, LaidPart]) -> list[tuple[int, str]]:
    """Page labels: lower roman from the first page, arabic from the first text."""
    first_body = sum(len(laid[p.name].pages) for p in parts if p.front)
    return [(0, "r"), (first_body, "D")]
