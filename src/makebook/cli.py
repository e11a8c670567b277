"""The `makebook` command line: build, check, collate, import, notes add, watch."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import EditionError, ErrorList


def _fail(errors: list[EditionError]) -> None:
    for err in errors:
        click.echo(f"error: {err}", err=True)
    sys.exit(1)


class _Group(click.Group):
    """Turns edition errors into one-line messages and exit status 1, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except EditionError as err:
            _fail([err])
        except ErrorList as errs:
            _fail(errs.errors)


@click.group(cls=_Group)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="Project folder holding edition/, notes/ and styles/.")
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Build the critical edition from its TEI texts, notes and glossary."""
    ctx.obj = root


@main.command("import")
@click.argument("witness", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "text_id", required=True, help="Id of the text, e.g. doyle-2009.")
@click.option("--force", is_flag=True, help="Overwrite an existing edition/ID.xml.")
@click.pass_obj
def import_cmd(root: Path, witness: Path, text_id: str, force: bool) -> None:
    """Write a draft edition/ID.xml from a raw witness, for correction by hand."""
    from .importer import draft
    from .xmlio import write_atomic

    target = root / "edition" / f"{text_id}.xml"
    if target.exists() and not force:
        raise EditionError(target, None, "already exists", "pass --force to overwrite the hand-corrected text")
    write_atomic(target, draft(witness, text_id).encode("utf-8"))
    click.echo(f"wrote {target}: a draft; now read every sentence and correct it by hand")
