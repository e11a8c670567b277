"""`makebook build`: load, merge, lay out the PDF, write the EPUB and the PDF.

The books are written whole to temporary files and renamed together (publish.py), so
dist/ only ever holds complete books of one build; a failed or interrupted build leaves
the previous ones in place. A content-hash
cache makes a rebuild of unchanged sources a no-op, and lets the EPUB alone be rebuilt
from the page breaks of the last PDF layout of the same sources.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from .cache import State, input_key
from .merge import merge
from .errors import EnvironmentFault, doing
from .model import styles_of
from .publish import publish, recover
from .sources.load import book_slug, load
from .sources.xmlio import write_tree

_JOB = None


def _run_job():
    return _JOB()


def _in_child(job):
    """Run `job` (a closure over lxml trees, which cannot be pickled) in a forked process."""
    global _JOB
    _JOB = job
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    future = pool.submit(_run_job)
    pool.shutdown(wait=False)
    return future


@dataclass
class Outputs:
    written: dict[str, Path] = field(default_factory=dict)
    up_to_date: bool = False
    page_list: bool = True
    warning: str | None = None


def build(root: Path, out: Path, formats: set[str], quiet: bool = False) -> Outputs:
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
    # Progress goes to stderr, and only to a terminal: piped output gets no stray blank line.
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=Console(stderr=True), disable=quiet or not sys.stderr.isatty(), transient=True) as progress:
        step = progress.add_task("loading and validating sources")
        merged = merge(load(root))
        fonts_cache = root / ".makebook-cache" / "fonts"
        from .render.pagemap import PageMark
        cached = state.marks(key)
        doc = None
        if "pdf" in formats:
            progress.update(step, description="laying out the PDF (WeasyPrint)")
            from .writers.pdf import layout
            with doing("the PDF layout"):
                doc, marks = layout(merged)
        elif cached is not None:
            marks = [PageMark(*m) for m in cached]
        else:
            marks, result.page_list = [], False
        from .writers.epub import write_epub
        if doc is not None:
            from .writers.pdf import write_pdf
            progress.update(step, description="writing the EPUB and the PDF" if "epub" in formats else "writing the PDF")
            # The EPUB is made in a forked process while this one serialises the PDF.
            epub_job = _in_child(lambda: write_epub(merged, marks, fonts_cache)) if "epub" in formats else None
            with doing("the PDF"):
                books["pdf"] = write_pdf(doc, merged)
            if epub_job is not None:
                with doing("the EPUB"):
                    books["epub"] = epub_job.result()
        elif "epub" in formats:
            progress.update(step, description="writing the EPUB")
            with doing("the EPUB"):
                books["epub"] = write_epub(merged, marks, fonts_cache)
        if "web" in formats:
            progress.update(step, description="writing the web edition")
            from .writers.web import write_web
            with doing("the web edition"):
                write_tree(targets["web"], lambda folder: write_web(merged, marks, folder))
            result.written["web"] = targets["web"]
        # Both books replace the old ones together, or neither does.
        publish({targets[fmt]: data for fmt, data in books.items()})
        result.written.update({fmt: targets[fmt] for fmt in books})
    state.save(key, [[m.label, m.element_id, m.at_end] for m in marks] if doc is not None else None, result.written)
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
