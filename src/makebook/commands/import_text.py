"""`makebook import`: a draft edition/ID.xml from a raw witness, for correction by hand."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import EditionError


@click.command("import")
@click.argument("witness", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "text_id", required=True, help="Id of the text, e.g. smith-1848.")
@click.option("--force", is_flag=True, help="Overwrite an existing edition/ID.xml.")
@click.pass_obj
def import_text(root: Path, witness: Path, text_id: str, force: bool) -> None:
    """Write a draft edition/ID.xml from a raw witness, for correction by hand."""
    from ..sources.importer import draft, site_rules
    from ..sources.xmlio import write_atomic

    target = root / "edition" / f"{text_id}.xml"
    if target.exists() and not force:
        raise EditionError(target, None, "already exists", "pass --force to overwrite the hand-corrected text")
    write_atomic(target, draft(witness, text_id, site_rules(root)).encode("utf-8"))
    click.echo(f"wrote {target}: a draft; now read every sentence and correct it by hand")
