"""`makebook build`: load, merge, lay out the PDF, write the EPUB and the PDF.

The books are written whole to temporary files and renamed together (publish.py), so
dist/ only ever holds complete books of one build; a failed or interrupted build leaves
the previous ones in place. A content-hash
cache makes a rebuild of unchanged sources a no-op, and lets the EPUB alone be rebuilt
from the page breaks of the last PDF layout of the same sources.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .cache import PartCache, State, input_key
from .errors import EnvironmentFault, ErrorList, doing
from .merge import merge
from .model import styles_of
from .publish import publish, recover
from .sources.load import book_slug, load

class _Silent:
    """Stands for rich's progress display when nothing is shown (rich is then not imported)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> bool:
        return False

    def add_task(self, description: str) -> int:
        return 0

    def update(self, task: int, description: str) -> None:
        pass


def _progress(quiet: bool):
    """Progress goes to stderr, and only to a terminal: piped output gets no stray blank line."""
    if quiet or not sys.stderr.isatty():
        return _Silent()
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                    console=Console(stderr=True), transient=True)


@dataclass
class Outputs:
    written: dict[str, Path] = field(default_factory=dict)
    up_to_date: bool = False
    page_list: bool | str = True  # False: the EPUB has none; "last": the last PDF's, of other sources
    warning: str | None = None
    verification: str = ""


def _verified(merged, books: dict[str, bytes], pdf_text: list | None) -> str:
    """The books' own check (verify/books.py): its summary, or ErrorList and nothing published."""
    from .verify.books import verify

    checked = verify(merged, books.get("epub"), books.get("pdf"), pdf_text)
    if checked.problems:
        raise ErrorList(checked.problems)
    return checked.summary()


@contextlib.contextmanager
def _one_build_at_a_time(root: Path):
    """Builds of one project wait for each other (a `watch` and a `build`, say), so that
    neither takes the other's temporary files for leftovers. The lock is on the project
    folder itself: no lock file is left anywhere."""
    fd = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def build(root: Path, out: Path, formats: set[str], quiet: bool = False) -> Outputs:
    with _one_build_at_a_time(root):
        return _build(root, out, formats, quiet)


def _build(root: Path, out: Path, formats: set[str], quiet: bool) -> Outputs:
    slug = book_slug(root)
    targets = {fmt: out / ("web" if fmt == "web" else f"{slug}.{fmt}") for fmt in sorted(formats)}
    check_out(out)
    check_environment()
    recover(out, [t.name for t in targets.values()])
    key = input_key(root, styles_of(root))
    state = State(root)
    if state.up_to_date(key, targets):
        return Outputs(targets, up_to_date=True)
    result = Outputs()
    books: dict[str, bytes] = {}
    with _progress(quiet) as progress:
        step = progress.add_task("loading and validating sources")
        merged = merge(load(root))
        fonts_cache = root / ".makebook-cache" / "fonts"
        from .render.pagemap import PageMark
        cached = state.marks(key)
        book = None
        if "pdf" in formats:
            progress.update(step, description="laying out the PDF (WeasyPrint, in parts)")
            from .writers.pdf_layout import lay_out
            with doing("the PDF layout"):
                book = lay_out(merged, PartCache(root))
            books["pdf"] = book.pdf
            marks = book.marks()
        elif cached is not None:
            marks = [PageMark(*m) for m in cached]
        elif (last := state.last_marks()) is not None:  # the last PDF's, until the PDF is built again
            marks, result.page_list = [PageMark(*m) for m in last], "last"
        else:
            marks, result.page_list = [], False
        if "epub" in formats:
            progress.update(step, description="writing the EPUB")
            from .writers.epub import write_epub
            with doing("the EPUB"):
                books["epub"] = write_epub(merged, marks, fonts_cache)
        if books:
            progress.update(step, description="checking the books")
            result.verification = _verified(merged, books, book.texts if book is not None else None)
        sites = {}
        if "web" in formats:
            progress.update(step, description="writing the web edition")
            from .writers.web import write_web

            def site(folder: Path) -> None:
                with doing("the web edition"):
                    write_web(merged, marks, folder)
            sites[targets["web"]] = site
        # The books and the web edition replace the old ones together, or none does.
        publish({targets[fmt]: data for fmt, data in books.items()}, sites)
        result.written.update({fmt: targets[fmt] for fmt in sorted(books)})
        result.written.update({"web": t for t in sites})
    state.save(key, [[m.label, m.element_id, m.at_end] for m in marks] if book is not None else None, result.written)
    result.warning = state.warning
    return result


def check_environment() -> None:
    """Refuse environment variables that would make the books wrong."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and not epoch.isdigit():
        raise EnvironmentFault(None, None, f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds",
                               "unset it, or set it to a Unix time such as $(git log -1 --format=%ct)")


def check_out(out: Path) -> None:
    """Refuse an output folder that cannot be one, before any work is done (and without
    creating it: a failed build leaves no trace)."""
    folder = out
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise EnvironmentFault(folder, None, "is not a folder", "name a folder for the books with --out, or move this file away")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise EnvironmentFault(folder, None, "folder is not writable", "check its permissions, or choose another folder with --out")
