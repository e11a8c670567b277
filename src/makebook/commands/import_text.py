"""`makebook import`: a draft edition/ID.xml from a raw witness, for correction by hand."""
from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from pathlib import Path

import click

from ..errors import EditionError, UsageError

SAFE_ID = re.compile(r"[a-z][a-z0-9-]{0,63}")


@click.command("import")
@click.argument("witness", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "text_id", required=True, help="Id of the text, e.g. smith-1848 (lower-case letters, digits, hyphens).")
@click.option("--force", is_flag=True, help="Overwrite an existing edition/ID.xml.")
@click.pass_obj
def import_text(root: Path, witness: Path, text_id: str, force: bool) -> None:
    """Write a draft edition/ID.xml from a raw witness, for correction by hand."""
    from ..sources.importer import draft, site_rules
    from ..sources.schema import validate
    from ..sources.xmlio import parse_bytes, write_atomic

    if not SAFE_ID.fullmatch(text_id):
        raise UsageError(None, None, f"--id “{text_id}” is not a safe text id",
                         "use lower-case letters, digits and hyphens, beginning with a letter, e.g. smith-1848")
    witnesses = Path(os.path.realpath(root / "edition" / "witnesses"))
    if not Path(os.path.realpath(witness)).is_relative_to(witnesses):
        raise UsageError(witness, None, "the witness is not in the project's edition/witnesses/",
                         f"copy the capture, unchanged, to {witnesses}/ and import that copy")
    target = root / "edition" / f"{text_id}.xml"
    if target.exists() and not force:
        raise EditionError(target, None, "already exists", "pass --force to overwrite the hand-corrected text")
    made = draft(witness, text_id, datetime.now(timezone.utc).date(), site_rules(root))
    data = made.xml.encode("utf-8")
    problems = validate(parse_bytes(data, target), "tei-edition", target, data)
    if problems:  # the importer's own fault: never write a draft that fails the schema
        raise RuntimeError(f"the draft of {witness.name} does not validate: {problems[0]}")
    write_atomic(target, data, keep_mode=True)
    for line, guess in made.guesses:
        click.echo(f"{target}:{line}: guess: {guess}")
    click.echo(f"wrote {target}: a draft with {len(made.guesses)} guesses to confirm; "
               "now read every sentence and correct it by hand")
