"""What the RELAX NG schemas allow, read from the schemas themselves, for error messages:
per element name, the attributes it may carry (with their definitions) and the elements
it may contain. libxml2 says only that something failed; this says what was expected.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

from .xmlio import RELAXNG_NS, SCHEMA_DIR

R = f"{{{RELAXNG_NS}}}"


@dataclass
class Allowed:
    attributes: dict[str, list[etree._Element]] = field(default_factory=dict)
    children: set[str] = field(default_factory=set)


def _grammar(name: str) -> tuple[dict[str, etree._Element], list[etree._Element]]:
    """The defines of a schema and of those it includes (its own win), and every element pattern."""
    tree = etree.parse(str(SCHEMA_DIR / f"{name}.rng")).getroot()
    defines: dict[str, etree._Element] = {}
    elements: list[etree._Element] = []
    for inc in tree.iter(f"{R}include"):
        inner, inner_elements = _grammar(Path(inc.get("href")).stem)
        defines.update(inner)
        elements += inner_elements
    defines.update({d.get("name"): d for d in tree.iterfind(f"{R}define")})
    elements += list(tree.iter(f"{R}element"))
    return defines, elements


def _names(pattern: etree._Element) -> list[str]:
    if pattern.get("name"):
        return [pattern.get("name")]
    return [(n.text or "").strip() for n in pattern.iter(f"{R}name")]


@cache
def allowed(schema: str) -> dict[str, Allowed]:
    """Element name -> what it may carry and contain, merged over every definition of that name."""
    defines, elements = _grammar(schema)
    model: dict[str, Allowed] = {}

    def walk(node: etree._Element, into: Allowed, seen: set[str]) -> None:
        for child in node:
            if not isinstance(child.tag, str) or child.tag == f"{R}name":
                continue
            if child.tag == f"{R}element":
                into.children.update(_names(child))
            elif child.tag == f"{R}attribute":
                for name in _names(child):
                    into.attributes.setdefault(name, []).append(child)
            elif child.tag == f"{R}ref":
                if child.get("name") not in seen and child.get("name") in defines:
                    walk(defines[child.get("name")], into, seen | {child.get("name")})
            else:
                walk(child, into, seen)

    for el in elements:
        for name in _names(el):
            walk(el, model.setdefault(name, Allowed()), set())
    return model


def describe(definitions: list[etree._Element]) -> str:
    """What an attribute's value may be, in words."""
    values = sorted({(v.text or "") for d in definitions for v in d.iter(f"{R}value")})
    if values:
        return "one of " + ", ".join(f'"{v}"' for v in values)
    kinds = []
    for d in definitions:
        for data in d.iter(f"{R}data"):
            pattern = data.find(f"{R}param[@name='pattern']")
            kinds.append(f"text matching {pattern.text}" if pattern is not None else f"a {data.get('type')}")
    return " or ".join(dict.fromkeys(kinds)) or "any text"


@cache
def _value_schema(schema: str, element: str, attribute: str) -> etree.RelaxNG | None:
    """A schema of one element carrying only this attribute, to test a value alone."""
    definitions = allowed(schema).get(element, Allowed()).attributes.get(attribute)
    if not definitions:
        return None
    grammar = etree.Element(f"{R}grammar", nsmap={None: RELAXNG_NS},
                            datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes")
    start = etree.SubElement(etree.SubElement(grammar, f"{R}start"), f"{R}element", name="x")
    choice = etree.SubElement(start, f"{R}choice")
    for d in definitions:
        attr = etree.fromstring(etree.tostring(d))
        attr.set("name", "a")
        for name in attr.findall(f"{R}name"):
            attr.remove(name)
        choice.append(attr)
    return etree.RelaxNG(grammar)


def value_ok(schema: str, element: str, attribute: str, value: str) -> bool:
    checker = _value_schema(schema, element, attribute)
    doc = etree.Element("x", a=value)
    return checker is None or checker.validate(doc)
