"""The ids and links editors write: each id unique and not of a form makebook generates,
each `ref`/`ptr`/`see` target the `#id` of something the edition holds or a web or mail
address.
"""
from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from ..errors import EditionError
from ..model import Edition
from .xmlio import XML_NS

XML_ID = f"{{{XML_NS}}}id"
# Ids the renderer makes: after a text's id (smith-1848-p3, -s2, -app4, -g7, -x2, -b1,
# -apparatus, -notes), with a prefix (ref-…, page-…, text-…), and the book's own sections.
GENERATED_AFTER_TEXT = re.compile(r"-(?:(?:p|s|app|g|x|b)\d+|apparatus|notes)$")
GENERATED_PREFIX = re.compile(r"^(?:ref|page|text)-")
BOOK_SECTIONS = frozenset({"titlepage", "colophon", "glossary", "persons", "sources", "contents", "toc", "nav", "cover"})
URL = re.compile(r"^(?:https?://[^\s/?#]+[^\s]*|mailto:[^\s@]+@[^\s@]+)$")
LINKING = ("ref", "ptr", "see")


def editor_ids(ed: Edition) -> list[tuple[str, Path, int]]:
    """Every id an editor wrote, where it is written."""
    found = [(t.id, t.path, t.tree.sourceline) for t in ed.texts]
    for t in ed.texts:
        found += [(el.get(XML_ID), t.path, el.sourceline) for el in t.tree.iter() if el.get(XML_ID) and el is not t.tree]
    meta_path = ed.root / "edition" / "edition.xml"
    found += [(el.get(XML_ID), meta_path, el.sourceline) for el in ed.meta.iter() if el.get(XML_ID) and el is not ed.meta]
    found += [(item.id, item.path, item.line) for item in [*ed.notes, *ed.entries]]
    return found


def generated(an_id: str, text_ids: set[str]) -> bool:
    if an_id in BOOK_SECTIONS or GENERATED_PREFIX.match(an_id):
        return True
    stem = GENERATED_AFTER_TEXT.sub("", an_id)
    return stem != an_id and stem in text_ids


def check_ids(ed: Edition, errors: list[EditionError], check_refs: bool = True) -> None:
    """Duplicate and reserved ids; with `check_refs`, every link's target (skipped when a
    file failed to load, whose ids would be missing and every link to them reported falsely)."""
    text_ids = {t.id for t in ed.texts}
    seen: dict[str, tuple[Path, int]] = {}
    for an_id, path, line in editor_ids(ed):
        if an_id in seen:
            first, first_line = seen[an_id]
            errors.append(EditionError(path, line, f"duplicate id “{an_id}” (first used at {first.name}:{first_line})",
                                       "give each text, section, note and entry its own id"))
            continue
        seen[an_id] = (path, line)
        if generated(an_id, text_ids):
            errors.append(EditionError(path, line, f"id “{an_id}” has the form of an id makebook generates",
                                       "choose another id, e.g. <text-id>-<a word>"))
    if not check_refs:
        return
    sources = [(t.path, t.tree) for t in ed.texts] + [(ed.root / "edition" / "edition.xml", ed.meta)]
    sources += [(n.path, n.body) for n in ed.notes] + [(e.path, e.element) for e in ed.entries]
    for path, tree in sources:
        for el in tree.iter():
            if isinstance(el.tag, str) and etree.QName(el).localname in LINKING and el.get("target") is not None:
                if tree is ed.meta and etree.QName(el).localname == "ptr":
                    continue  # the reading order: file names, checked by the schema and the loader
                _check_target(el, path, seen, errors)


def _check_target(el: etree._Element, path: Path, known: dict, errors: list[EditionError]) -> None:
    target = el.get("target")
    if target.startswith("#"):
        if target[1:] not in known:
            errors.append(EditionError(path, el.sourceline, f"reference to unknown id “{target}”",
                                       "check the id of the note, section, glossary entry (gl-…) or person (pers-…)"))
    elif not URL.match(target):
        errors.append(EditionError(path, el.sourceline, f"link target “{target}” is neither #id nor an http, https or mailto address",
                                   'write target="#id" for a note, entry, person or section, or a full https://… address'))
