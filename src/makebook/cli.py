"""The `makebook` command line: the group, its error handling and exit codes, and the
commands of commands/.

Exit codes (as in the README): 0 success, 1 input error, 2 usage error, 3 environment
error, 4 internal error, 130 interrupted.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .commands import build, check, collate, import_text, new, notes_add, serve, verify, watch
from .errors import (
    INTERNAL,
    INTERRUPTED,
    OK,
    USAGE,
    EditionError,
    ErrorList,
    environment_fault,
    failed_in,
)


def report(errors: list[EditionError]) -> None:
    """Each error on its line, then how many there were."""
    for err in errors:
        click.echo(f"error: {err}", err=True)
    if len(errors) > 1:
        click.echo(f"{len(errors)} errors", err=True)


class _OutputUntilClosed:
    """Standard output that outlives its reader: when the reader goes (`makebook collate |
    head`), the rest of the output is dropped and the command still finishes, with its own
    exit code, instead of failing half-way on a broken pipe."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        return self._guard(self._stream.write, text)

    def flush(self):
        return self._guard(self._stream.flush)

    def _guard(self, call, *args):
        try:
            return call(*args)
        except BrokenPipeError:
            # What is still buffered, and all that follows, goes nowhere (Python's advice for SIGPIPE).
            os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())
            return len(args[0]) if args else None

    def __getattr__(self, name):
        return getattr(self._stream, name)


class _Group(click.Group):
    """Turns every failure into one-line messages and its exit code, never a traceback."""

    def main(self, args=None, prog_name=None, **extra):  # noqa: D102
        if not isinstance(sys.stdout, _OutputUntilClosed):
            sys.stdout = _OutputUntilClosed(sys.stdout)
        try:
            rv = super().main(args, prog_name or "makebook", standalone_mode=False, **extra)
        except click.UsageError as err:
            command = err.ctx.command_path if err.ctx else "makebook"
            click.echo(f"error: {err.format_message()} (see `{command} --help`)", err=True)
            sys.exit(USAGE)
        except click.ClickException as err:
            err.show()
            sys.exit(err.exit_code)
        except click.exceptions.Abort:
            click.echo("interrupted", err=True)
            sys.exit(INTERRUPTED)
        sys.exit(rv if isinstance(rv, int) else OK)

    def invoke(self, ctx):  # noqa: D102
        try:
            return super().invoke(ctx)
        except EditionError as err:
            report([err])
            sys.exit(err.exit_code)
        except ErrorList as errs:
            report(errs.errors)
            sys.exit(errs.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted: nothing half-written was kept", err=True)
            sys.exit(INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except OSError as exc:
            err = environment_fault(exc)
            report([err])
            sys.exit(err.exit_code)
        except Exception as exc:  # a defect of makebook, not of the edition: say so in one line
            if os.environ.get("MAKEBOOK_DEBUG"):
                raise
            where = failed_in()
            click.echo(f"internal error{f' while processing {where}' if where else ''}: {type(exc).__name__}: {exc} "
                       "(a bug in makebook, not in your files; run again with MAKEBOOK_DEBUG=1 for the traceback, "
                       "and report it)", err=True)
            sys.exit(INTERNAL)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="makebook", message="%(prog)s %(version)s")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="Project folder holding edition/, notes/ and styles/.")
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Build the critical edition from its TEI texts, notes and glossary."""
    ctx.obj = root


for _command in (build.build, check.check, collate.collate, import_text.import_text, new.new, notes_add.notes, serve.serve,
                 verify.verify, watch.watch_cmd):
    main.add_command(_command)
