"""`makebook check`: validate every input and place every note, term and person, without building."""
from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.pass_obj
def check(root: Path) -> None:
    """Validate every input (texts, notes, glossary, persons) without building."""
    from ..merge import merge
    from ..sources.load import load

    merge(load(root))
    click.echo("check: all inputs valid; every note, term and person placed")
