"""`makebook collate`: compare each edited text with its witness and report every unaccounted
difference; with --detail, also each difference an intervention accounts for; with --books,
also the built books' reading text with the edited one."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import ErrorList, UsageError


@click.command()
@click.argument("text_ids", nargs=-1)
@click.option("--detail", is_flag=True, help="Also list each difference an intervention accounts for: its kind, "
              "its witness line and its place in the edition.")
@click.option("--books", is_flag=True, help="Also compare the reading text of the EPUB and the PDF in dist/ with the edited text.")
@click.pass_obj
def collate(root: Path, text_ids: tuple[str, ...], detail: bool, books: bool) -> None:
    """Compare each edited text with its witness, word by word and mark by mark."""
    from ..merge.numbering import interventions
    from ..sources.load import NS
    from ..sources.schema import validate
    from ..sources.xmlio import parse
    from ..verify.collate import Collation, collate as run

    available = sorted(p.stem for p in (root / "edition").glob("*.xml") if p.stem != "edition")
    unknown = [t for t in text_ids if t not in available]
    if unknown:
        raise UsageError(None, None, f"no text “{unknown[0]}” in {root / 'edition'}",
                         f"use one of: {', '.join(available) or 'none yet (makebook import makes one)'}")
    unaccounted = 0
    merged = _merged(root) if detail or books else None
    places = _places(merged) if detail else {}
    total = Collation("all texts")
    for text_id in text_ids or available:
        path = root / "edition" / f"{text_id}.xml"
        tree = parse(path)
        problems = validate(tree, "tei-edition", path)
        if problems:
            raise ErrorList(problems)
        tree = tree.getroot()
        witness = path.parent / tree.find(".//tei:sourceDesc/tei:witness", NS).get("file")
        body = tree.find(".//tei:body", NS)
        result = run(text_id, body, witness)
        unaccounted += len(result.differences)
        total.witness_words += result.witness_words
        total.tokens += result.tokens
        total.accounted.update(result.accounted)
        click.echo(f"{text_id}: {result.figures()}; {len(result.differences)} unaccounted difference(s)")
        for diff in result.differences:
            click.echo(f"  {path.name}: {diff}")
        order = {el: i for i, el in enumerate(interventions(body))} if detail else {}
        for item in result.details if detail else ():
            first = item.elements[0]
            place = places[text_id][order[first]] if first in order else ""
            click.echo(f"  {path.name}:{first.sourceline}: {item.kind}{', ' + place if place else ''}; "
                       f"witness line {item.witness_line}: “{item.words}”")
    if len(text_ids or available) > 1:
        click.echo(f"all texts: {total.figures()}; {unaccounted} unaccounted difference(s)")
    if books:
        unaccounted += _books(root, merged, list(text_ids or available))
    sys.exit(1 if unaccounted else 0)


def _merged(root: Path):
    """The edition, loaded and merged (for the places of interventions, and the books)."""
    from ..merge import merge
    from ..sources.load import load

    return merge(load(root))


def _places(merged) -> dict[str, list[str]]:
    """Where each intervention of each text stands in the edition, in text order, as its
    apparatus says: "¶ 5, apparatus c"."""
    from ..merge.numbering import interventions, locator

    return {mt.id: [f"{locator(el)}, apparatus {el.get('n')}" for el in interventions(mt.body)]
            for mt in merged.texts}


def _books(root: Path, merged, ids) -> int:
    """Print, per text and book, how much of the edited reading the book prints; return the
    losses (and, for the EPUB, the additions: the PDF's tagged text cannot tell a footnote
    call from the text, verify/written_pdf.py)."""
    from ..errors import EditionError
    from ..sources.load import book_slug
    from ..verify.books import pdf_pages
    from ..verify.reading import edited_reading, epub_reading, losses
    from ..verify.written_pdf import written_reading

    epub, pdf = (root / "dist" / f"{book_slug(root)}.{fmt}" for fmt in ("epub", "pdf"))
    if not epub.is_file() and not pdf.is_file():
        raise EditionError(epub, None, "file not found", "build the books first: makebook build")
    expected = edited_reading(merged)
    printed = {}
    if epub.is_file():
        printed["EPUB"] = (epub_reading(epub.read_bytes(), list(ids)), True)
    if pdf.is_file():
        data = pdf.read_bytes()
        printed["PDF"] = (written_reading(merged, data, pdf_pages(data)), False)
    lost = 0
    for text_id in ids:
        for book, (readings, additions) in printed.items():
            problems = losses(expected[text_id], readings[text_id], additions)
            lost += len(problems)
            click.echo(f"{text_id} ({book}): {len(readings[text_id])} words and marks printed, "
                       f"{len(expected[text_id].tokens)} in the edited reading; {len(problems)} difference(s)")
            for _, problem in problems:
                click.echo(f"  {problem}")
    return lost
