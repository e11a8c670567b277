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
        _readable(book, data[book.suffix[1:]])
    result = run(merge(load(root)), data.get("epub"), data.get("pdf"))
    if result.problems:
        raise ErrorList(result.problems)
    click.echo(result.summary())


def _readable(book: Path, data: bytes) -> None:
    """Refuse a file that is not the kind of book its name says, before any check reads it."""
    import io
    import zipfile

    import pikepdf

    from ..errors import UsageError

    try:
        if book.suffix == ".pdf":
            with pikepdf.open(io.BytesIO(data)) as pdf:
                tagged = "/StructTreeRoot" in pdf.Root
        else:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                tagged = "mimetype" in z.namelist()
    except (pikepdf.PdfError, zipfile.BadZipFile) as exc:
        reason = str(exc).split(": ", 1)[-1]  # pikepdf names its stream first
        raise UsageError(book, None, f"not a readable {book.suffix[1:].upper()} ({reason})",
                         "name a book makebook built, or build it again") from None
    if not tagged:
        raise UsageError(book, None, f"not {'a tagged PDF' if book.suffix == '.pdf' else 'an EPUB'} as makebook writes",
                         "name a book makebook built, or build it again")
