"""`makebook build`: load, merge, lay out the PDF, write the EPUB and the PDF.

Outputs are written to a temporary file and renamed, so dist/ only ever holds complete
books; a failed or interrupted build leaves the previous ones in place.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from .load import load
from .merge import merge
from .xmlio import write_atomic

SLUG = "implosion-of-the-ussr"


@dataclass
class Outputs:
    epub: Path | None
    pdf: Path | None


def build(root: Path, out: Path, formats: set[str], quiet: bool = False) -> Outputs:
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  disable=quiet, transient=True) as progress:
        step = progress.add_task("loading and validating sources")
        merged = merge(load(root))
        result = Outputs(None, None)
        progress.update(step, description="laying out the PDF (WeasyPrint)")
        from .pdf import layout, write_pdf
        doc, marks = layout(merged)
        if "epub" in formats:
            progress.update(step, description="writing the EPUB")
            from .epub import write_epub
            result.epub = out / f"{SLUG}.epub"
            write_atomic(result.epub, write_epub(merged, marks))
        if "pdf" in formats:
            progress.update(step, description="writing the PDF")
            result.pdf = out / f"{SLUG}.pdf"
            write_atomic(result.pdf, write_pdf(doc, merged))
    return result
