"""`makebook collate`: compare each edited text with its witness and report every unaccounted
difference; with --books, also the built EPUB's reading text with the edited one."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import ErrorList, UsageError


@click.command()
@click.argument("text_ids", nargs=-1)
@click.option("--books", is_flag=True, help="Also compare the reading text of the EPUB in dist/ with the edited text.")
@click.pass_obj
def collate(root: Path, text_ids: tuple[str, ...], books: bool) -> None:
    """Compare each edited text with its witness, word by word and mark by mark."""
    from ..sources.load import NS
    from ..sources.schema import validate
    from ..sources.xmlio import parse
    from ..verify.collate import collate as run

    available = sorted(p.stem for p in (root / "edition").glob("*.xml") if p.stem != "edition")
    unknown = [t for t in text_ids if t not in available]
    if unknown:
        raise UsageError(None, None, f"no text “{unknown[0]}” in {root / 'edition'}",
                         f"use one of: {', '.join(available) or 'none yet (makebook import makes one)'}")
    unaccounted = 0
    for text_id in text_ids or available:
        path = root / "edition" / f"{text_id}.xml"
        tree = parse(path)
        problems = validate(tree, "tei-edition", path)
        if problems:
            raise ErrorList(problems)
        tree = tree.getroot()
        witness = path.parent / tree.find(".//tei:sourceDesc/tei:witness", NS).get("file")
        result = run(text_id, tree.find(".//tei:body", NS), witness)
        unaccounted += len(result.differences)
        click.echo(f"{text_id}: {result.figures()}; {len(result.differences)} unaccounted difference(s)")
        for diff in result.differences:
            click.echo(f"  {path.name}: {diff}")
    if books:
        unaccounted += _books(root, list(text_ids or available))
    sys.exit(1 if unaccounted else 0)


def _books(root: Path, ids) -> int:
    """Print, per text and book, how much of the edited reading the book prints; return the losses."""
    from ..errors import EditionError
    from ..merge import merge
    from ..sources.load import book_slug, load
    from ..verify.reading import edited_reading, epub_reading, losses

    epub = root / "dist" / f"{book_slug(root)}.epub"
    if not epub.is_file():
        raise EditionError(epub, None, "file not found", "build the books first: makebook build")
    merged = merge(load(root))
    expected = edited_reading(merged)
    printed = {"EPUB": epub_reading(epub.read_bytes(), list(ids))}
    lost = 0
    for text_id in ids:
        for book, readings in printed.items():
            problems = losses(expected[text_id], readings[text_id])
            lost += len(problems)
            click.echo(f"{text_id} ({book}): {len(readings[text_id])} words and marks printed, "
                       f"{len(expected[text_id])} in the edited reading; {len(problems)} difference(s)")
            for problem in problems:
                click.echo(f"  {problem}")
    return lost
