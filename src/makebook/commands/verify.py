"""`makebook verify [BOOK…]`: the checks `build` makes before publishing, on books already built."""
from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("books", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def verify(root: Path, books: tuple[Path, ...]) -> None:
    """Check built books: every note and entry present, footnotes on their call's page, witness words accounted for."""
    from ..errors import ErrorList, UsageError
    from ..merge import merge
    from ..sources.load import book_slug, load
    from ..verify.books import verify as run

    books = books or tuple(root / "dist" / f"{book_slug(root)}.{fmt}" for fmt in ("epub", "pdf"))
    data: dict[str, bytes] = {}
    for book in books:
        if book.suffix not in (".epub", ".pdf"):
            raise UsageError(book, None, "not an EPUB or a PDF", "name a .epub or .pdf file")
        if not book.is_file():
            raise UsageError(book, None, "file not found", "build the books first: makebook build")
        data[book.suffix[1:]] = book.read_bytes()
    result = run(merge(load(root)), data.get("epub"), data.get("pdf"))
    if result.problems:
        raise ErrorList(result.problems)
    click.echo(result.summary())
