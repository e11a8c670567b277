"""The `makebook` command line: build, check, collate, import, notes add, watch."""
from __future__ import annotations

import os
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


@main.command()
@click.argument("text_ids", nargs=-1)
@click.pass_obj
def collate(root: Path, text_ids: tuple[str, ...]) -> None:
    """Compare each edited text with its witness, word by word."""
    from .collate import collate as run
    from .load import NS
    from .xmlio import parse

    ids = text_ids or sorted(p.stem for p in (root / "edition").glob("*.xml") if p.stem != "edition")
    unaccounted = 0
    for text_id in ids:
        path = root / "edition" / f"{text_id}.xml"
        tree = parse(path).getroot()
        witness = path.parent / tree.find(".//tei:sourceDesc/tei:witness", NS).get("file")
        result = run(text_id, tree.find(".//tei:body", NS), witness)
        unaccounted += len(result.differences)
        click.echo(f"{text_id}: {result.witness_words} witness words, {result.omitted} omitted in recorded gaps, "
                   f"{len(result.differences)} unaccounted difference(s)")
        for diff in result.differences:
            click.echo(f"  {path.name}: {diff}")
    sys.exit(1 if unaccounted else 0)


@main.command()
@click.pass_obj
def check(root: Path) -> None:
    """Validate every input (texts, notes, glossary, persons) without building."""
    from .load import load
    from .merge import merge

    merge(load(root))
    click.echo("check: all inputs valid; every note, term and person placed")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["epub", "pdf", "all"]), default="all", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output folder [default: dist/].")
@click.option("--quiet", is_flag=True, help="No progress display.")
@click.pass_obj
def build(root: Path, fmt: str, out: Path | None, quiet: bool) -> None:
    """Build the EPUB and/or the PDF into dist/."""
    import time

    from .build import build as run

    start = time.perf_counter()
    formats = {"epub", "pdf"} if fmt == "all" else {fmt}
    result = run(root, out or root / "dist", formats, quiet)
    for path in result.written.values():
        click.echo(f"{'up to date' if result.up_to_date else 'wrote'} {path} ({path.stat().st_size // 1024} KB)")
    if not result.page_list:
        click.echo("note: the EPUB has no page list yet: build the PDF once (makebook build) to get its page breaks")
    click.echo(f"built in {time.perf_counter() - start:.1f} s")


@main.group()
def notes() -> None:
    """Work with the editorial notes."""


@notes.command("add")
@click.argument("text_id")
@click.option("--anchor", required=True, help="The exact phrase the note explains.")
@click.option("--type", "note_type", type=click.Choice(["explanatory", "textual"]), default="explanatory", show_default=True)
@click.option("--prefix", default="", help="Text just before the phrase, if it recurs.")
@click.option("--suffix", default="", help="Text just after the phrase, if it recurs.")
@click.option("--occurrence", type=int, default=None, help="Which match, if the phrase recurs.")
@click.pass_obj
def notes_add(root: Path, text_id: str, anchor: str, note_type: str, prefix: str, suffix: str, occurrence: int | None) -> None:
    """Write a skeleton note for TEXT_ID, in text order, after checking that it places."""
    from .notes_add import add_note

    path, note_id, line = add_note(root, text_id, anchor, note_type, prefix, suffix, occurrence)
    click.echo(f"{path}:{line}: added note “{note_id}”; write its text between <p> and </p>")


@main.command("watch")
@click.option("--format", "fmt", type=click.Choice(["epub", "pdf", "all"]), default="all", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output folder [default: dist/].")
@click.pass_obj
def watch_cmd(root: Path, fmt: str, out: Path | None) -> None:
    """Rebuild on every change of the sources, reporting errors without exiting (Ctrl-C stops)."""
    from .build import build as run
    from .watch import watch

    formats = {"epub", "pdf"} if fmt == "all" else {fmt}

    def rebuild() -> None:
        result = run(root, out or root / "dist", formats, quiet=True)
        click.echo(("up to date: " if result.up_to_date else "built: ") + ", ".join(str(p) for p in result.written.values()))

    try:
        watch(root, rebuild, lambda line: click.echo(line, err=line.startswith("error")))
    except KeyboardInterrupt:
        pass
