"""The `makebook` command line: the group, its error handling, and the commands of commands/."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .commands import build, check, collate, import_text, new, notes_add, serve, watch
from .errors import EditionError, ErrorList


def _fail(errors: list[EditionError]) -> None:
    for err in errors:
        click.echo(f"error: {err}", err=True)
    sys.exit(1)


class _Group(click.Group):
    """Turns edition errors into one-line messages and exit status 1, never a traceback."""

    def invoke(self, ctx):  # noqa: D102
        try:
            return super().invoke(ctx)
        except EditionError as err:
            _fail([err])
        except ErrorList as errs:
            _fail(errs.errors)
        except (click.exceptions.Exit, click.ClickException, KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # a defect of makebook, not of the edition: say so in one line
            if os.environ.get("MAKEBOOK_DEBUG"):
                raise
            click.echo(f"internal error: {type(exc).__name__}: {exc} (a bug in makebook, not in your files; "
                       "run again with MAKEBOOK_DEBUG=1 for the traceback, and report it)", err=True)
            sys.exit(2)


@click.group(cls=_Group)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="Project folder holding edition/, notes/ and styles/.")
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Build the critical edition from its TEI texts, notes and glossary."""
    ctx.obj = root


for _command in (build.build, check.check, collate.collate, import_text.import_text, new.new, notes_add.notes, serve.serve,
                 watch.watch_cmd):
    main.add_command(_command)
