"""RELAX NG validation of every input against the schemas in schema/."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from .errors import EditionError

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schema"


@cache
def _schema(name: str) -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA_DIR / f"{name}.rng")))


def validate(tree: etree._ElementTree, name: str, path: Path) -> list[EditionError]:
    """Errors of one document against one schema, each with its line."""
    schema = _schema(name)
    if schema.validate(tree):
        return []
    return [EditionError(path, e.line, f"not valid against schema/{name}.rng: {e.message}",
                         "see docs/FORMATS.md for the elements allowed here")
            for e in schema.error_log]
