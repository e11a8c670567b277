"""`makebook collate`: compare each edited text with its witness and report every unaccounted difference."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import ErrorList, UsageError


@click.command()
@click.argument("text_ids", nargs=-1)
@click.pass_obj
def collate(root: Path, text_ids: tuple[str, ...]) -> None:
    """Compare each edited text with its witness, word by word."""
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
        click.echo(f"{text_id}: {result.witness_words} witness words, {result.omitted} omitted in recorded gaps, "
                   f"{len(result.differences)} unaccounted difference(s)")
        for diff in result.differences:
            click.echo(f"  {path.name}: {diff}")
    sys.exit(1 if unaccounted else 0)
