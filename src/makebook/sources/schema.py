"""RELAX NG validation of every input against the schemas in schema/."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from lxml import etree

from ..errors import EditionError
from .xmlio import SCHEMA_DIR



@cache
def _schema(name: str) -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA_DIR / f"{name}.rng")))


def validate(tree: etree._ElementTree, name: str, path: Path) -> list[EditionError]:
    """Errors of one document against one schema, each with its line."""
    schema = _schema(name)
    if schema.validate(tree):
        return []
    entries = list(schema.error_log)
    # "Element X failed to validate content" only repeats, on the parent, a more precise error.
    precise = [e for e in entries if "failed to validate content" not in e.message] or entries
    return [EditionError(path, e.line, f"not valid against schema/{name}.rng: {e.message}{_attributes(tree, e)}",
                         "see docs/FORMATS.md for the elements and values allowed here")
            for e in precise]


def _attributes(tree: etree._ElementTree, entry) -> str:
    """For an attribute error, the attributes as written, since libxml2 does not name the bad one."""
    name = re.match(r"Element (\S+) failed to validate attributes", entry.message)
    found = name and [el for el in tree.iter() if el.sourceline == entry.line
                      and isinstance(el.tag, str) and etree.QName(el).localname == name.group(1)]
    if not found:
        return ""
    attrs = " ".join(f'{etree.QName(k).localname}="{v}"' for k, v in found[0].attrib.items())
    return f" (it has {attrs})" if attrs else " (it has no attributes)"
