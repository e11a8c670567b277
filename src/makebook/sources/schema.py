"""RELAX NG validation of every input against the schemas in schema/, with messages that
name the element or attribute at fault and say what is allowed there."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from lxml import etree

from ..errors import EditionError
from .schema_model import allowed, describe, value_ok
from .xmlio import SCHEMA_DIR, XML_NS

HINT = "see docs/FORMATS.md"
# libxml2's wordings, and which element of the document each names.
_ATTRIBUTES = re.compile(r"Element (\S+) failed to validate attributes")
_INVALID_ATTRIBUTE = re.compile(r"Invalid attribute (\S+) for element (\S+)")
_UNEXPECTED = re.compile(r"Did not expect element (\S+) there|Element \S+ has extra content: (\S+)")
_EXPECTING = re.compile(r"Expecting (?:an )?element (\S+), got (\S+)")
_CASCADE = ("failed to validate content", "Expecting", "Did not expect", "extra content")


@cache
def _schema(name: str) -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA_DIR / f"{name}.rng")))


def _shown(qname: str) -> str:
    """An attribute name as written in the file: xml:id, not {…}id."""
    q = etree.QName(qname)
    return f"xml:{q.localname}" if q.namespace == XML_NS else q.localname


def _at(tree: etree._ElementTree, line: int, name: str) -> list[etree._Element]:
    return [el for el in tree.iter() if isinstance(el.tag, str) and el.sourceline == line
            and etree.QName(el).localname == name]


def _children(schema: str, parent: str) -> str:
    names = sorted(allowed(schema).get(parent).children) if parent in allowed(schema) else []
    return f"allowed in <{parent}>: {', '.join(names)}" if names else f"<{parent}> holds no elements"


def _attribute_problems(schema: str, el: etree._Element) -> list[tuple[str, str | None]]:
    """Each attribute of `el` the schema refuses (with its name), and each required one it
    lacks, with what is allowed."""
    name = etree.QName(el).localname
    spec = allowed(schema).get(name)
    if spec is None:
        return []
    found = []
    for key, value in el.attrib.items():
        attr = _shown(key)
        if attr not in spec.attributes:
            found.append((f"<{name}> may not have attribute {attr} (allowed: {', '.join(sorted(spec.attributes)) or 'none'})", attr))
        elif not value_ok(schema, name, attr, value):
            found.append((f'<{name}> attribute {attr}="{value}" is not allowed: expected {describe(spec.attributes[attr])}', attr))
    if not found:
        present = {_shown(k) for k in el.attrib}
        missing = sorted(a for a in spec.attributes if a not in present)
        found.append((f"<{name}> lacks a required attribute (it may have: {', '.join(missing)})" if missing
                      else f"<{name}>: this combination of attributes is not allowed (see {HINT})", None))
    return found


Explained = list[tuple[str, str | None, str | None]]  # message, element and attribute it names


def _explain(schema: str, tree: etree._ElementTree, entry) -> tuple[Explained, etree._Element | None]:
    """The messages for one libxml2 error, each with the element (and attribute) it names,
    and the element whose attributes were at fault (if any)."""
    msg = entry.message
    for pattern, group in ((_ATTRIBUTES, 1), (_INVALID_ATTRIBUTE, 2)):
        if (m := pattern.match(msg)) and (els := _at(tree, entry.line, m.group(group))):
            return [(text, m.group(group), attr) for text, attr in _attribute_problems(schema, els[0])], els[0]
    if m := _UNEXPECTED.match(msg):
        child = m.group(1) or m.group(2)
        els = _at(tree, entry.line, child)
        parent = els[0].getparent() if els else None
        if parent is not None:
            return [(f"<{child}> is not allowed here ({_children(schema, etree.QName(parent).localname)})", child, None)], None
    if m := _EXPECTING.match(msg):
        expected, got = m.group(1), m.group(2)
        if got == "nothing":
            return [(f"<{expected}> is missing here", None, None)], None
        els = _at(tree, entry.line, got)
        parent = els[0].getparent() if els else None
        where = f" ({_children(schema, etree.QName(parent).localname)})" if parent is not None else ""
        return [(f"expected <{expected}> here, found <{got}>{where}", got, None)], None
    return [(msg, None, None)], None


def _column(source: list[str], line: int, element: str | None, attribute: str | None) -> int | None:
    """Where on its line the start tag of `element` (or its `attribute`) begins, when the tag
    starts on that line and only once there."""
    if element is None or not 0 < line <= len(source):
        return None
    text = source[line - 1]
    tags = [m.start() for m in re.finditer(rf"<(?:[\w.-]+:)?{re.escape(element)}(?=[\s/>]|$)", text)]
    if len(tags) != 1:
        return None
    if attribute is None:
        return tags[0] + 1
    m = re.compile(rf"\s({re.escape(attribute)})\s*=").search(text, tags[0])
    return m.start(1) + 1 if m else None


def validate(tree: etree._ElementTree, name: str, path: Path, data: bytes | None = None) -> list[EditionError]:
    """Errors of one document against one schema, each with its line, and its column where the
    element or attribute at fault can be found on that line (`data`: the document's bytes,
    when they are not, or not yet, the file at `path`)."""
    schema = _schema(name)
    if schema.validate(tree):
        return []
    entries = [e for e in schema.error_log if _CASCADE[0] not in e.message] or list(schema.error_log)
    explained = [(e, *_explain(name, tree, e)) for e in entries]
    # An element refused for its attributes makes libxml2 misread the content around it:
    # drop the content errors of any container that holds such an element.
    faulty = [el for _, _, el in explained if el is not None]
    if data is None:
        data = Path(path).read_bytes()
    source = data.decode("utf-8", errors="replace").splitlines()
    errors = []
    for entry, messages, el in explained:
        if el is None and faulty and any(c in entry.message for c in _CASCADE):
            culprits = [c for c in tree.iter() if isinstance(c.tag, str) and c.sourceline == entry.line]
            containers = {a for c in culprits for a in (c, c.getparent()) if a is not None}
            if any(a in containers for f in faulty for a in f.iterancestors()):
                continue
        errors += [EditionError(path, entry.line, f"{text} (schema/{name}.rng)", HINT,
                                column=_column(source, entry.line, element, attribute))
                   for text, element, attribute in messages]
    return errors
