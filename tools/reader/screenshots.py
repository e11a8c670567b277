"""Screenshots of the EPUB in foliate-js and epub.js, to look at: phone and tablet, light and night.

    uv run python tools/reader/screenshots.py dist/implosion-of-the-ussr.epub OUT_DIR

Writes OUT_DIR/<engine>-<size>-<theme>-<view>.png for the cover, title page, contents, a text
page with note calls, a note call followed (foliate-js: its pop-up; epub.js: the note), the
notes, the apparatus, the glossary, a glossary term followed, and the index of persons."""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
from reading_engine import browser, open_book, serve  # noqa: E402

SIZES = {"phone": (390, 844, 1), "tablet": (820, 1180, 1)}
ENGINES = ("foliate", "epubjs")
TEXT = "EPUB/text-blunden-1993-collapse.xhtml"
VIEWS = [
    ("cover", "EPUB/cover.xhtml", None),
    ("titlepage", "EPUB/titlepage.xhtml", None),
    ("contents", "EPUB/nav.xhtml", None),
    ("text", f"{TEXT}#blunden-1993-collapse-p2", None),
    ("note-call", f"{TEXT}#blunden-1993-collapse-p2", "a.noteref"),
    ("notes", f"{TEXT}#blunden-1993-collapse-notes", None),
    ("apparatus", f"{TEXT}#blunden-1993-collapse-apparatus", None),
    ("glossary", "EPUB/glossary.xhtml", None),
    ("glossary-call", "EPUB/text-doyle-2009.xhtml#doyle-2009-p3", "a[role='doc-glossref']"),
    ("index", "EPUB/persons.xhtml", None),
]


def main(epub: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with serve(epub, Path(tempfile.mkdtemp())) as base, browser() as b:
        for engine in ENGINES:
            for size, (width, height, columns) in SIZES.items():
                for theme in ("light", "night"):
                    page = open_book(b, base, width, height, theme, columns, engine)
                    for name, href, click in VIEWS:
                        page.evaluate("href => reader.goTo(href)", href)
                        if click:
                            page.evaluate("s => reader.click(s)", click)
                            page.wait_for_timeout(500)  # the pop-up's own layout
                        page.screenshot(path=str(out / f"{engine}-{size}-{theme}-{name}.png"))
                        if click and engine == "foliate":
                            page.evaluate("reader.closePopup()")
                    if page.errors:
                        print(f"{engine} {size} {theme}: page errors: {page.errors}", file=sys.stderr)
                    page.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
