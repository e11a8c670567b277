"""`makebook new DIR`: a new edition that builds at once, from the skeleton makebook
carries (an edition.xml to fill in, a sample text with its witness, a note, a glossary
entry and a person), a copy of the styles for its designer to change, and of the schemas
its files name for an XML editor."""
from __future__ import annotations

import re
import shutil
import uuid
from datetime import date
from pathlib import Path

import click

from .. import STYLES
from ..errors import EditionError
from ..sources.xmlio import SCHEMA_DIR

SKELETON = Path(__file__).resolve().parents[1] / "skeleton"


def new_edition(target: Path) -> str:
    """Write the new edition into `target` (absent or empty); return its slug."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise EditionError(target, None, "already exists and is not an empty folder",
                           "name a new folder, so that nothing in it is overwritten")
    slug = re.sub(r"[^a-z0-9]+", "-", target.resolve().name.lower()).strip("-") or "edition"
    shutil.copytree(SKELETON, target, dirs_exist_ok=True)
    shutil.copytree(STYLES, target / "styles")
    shutil.copytree(SCHEMA_DIR, target / "schema")  # for the xml-model lines an XML editor follows
    header = target / "edition" / "edition.xml"
    header.write_text(header.read_text(encoding="utf-8").format(
        uuid=uuid.uuid4(), slug=slug, date=date.today().isoformat()), encoding="utf-8")
    return slug


@click.command("new")
@click.argument("folder", type=click.Path(path_type=Path))
def new(folder: Path) -> None:
    """Create a new edition in FOLDER that builds at once."""
    slug = new_edition(folder)
    click.echo(f"wrote a new edition in {folder}: fill in edition/edition.xml, then "
               f"`makebook --root {folder} build` writes dist/{slug}.epub and dist/{slug}.pdf")
