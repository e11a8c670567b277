"""Read every input of the edition, validate it, and return the document model.

All problems found are collected and raised together, each with file:line, so that
`makebook check` shows an editor everything wrong in one run.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..errors import EditionError, ErrorList, doing, unreadable_name
from ..model import Acronym, Edition, Entry, Form, IndexRule, Metadata, Note, Text
from .links import check_ids
from .schema import validate
from .xmlio import TEI_NS, XML_NS, parse

NS = {"tei": TEI_NS}
XML_ID = f"{{{XML_NS}}}id"
RESERVED_NOTES = {"glossary.xml", "persons.xml", "acronyms.xml", "import-rules.xml"}
SUBJECTS = "http://id.loc.gov/authorities/subjects"


class _Collector:
    def __init__(self):
        self.errors: list[EditionError] = []
        self.failed: list[Path] = []

    def parse(self, path: Path, schema: str):
        with doing(str(path)):
            try:
                tree = parse(path)
            except EditionError as err:
                self.errors.append(err)
                self.failed.append(path)
                return None
            found = validate(tree, schema, path)
        self.errors.extend(found)
        if found:
            self.failed.append(path)
        return None if found else tree


def load(root: Path, skeletons_ok: bool = False) -> Edition:
    """Load edition/, notes/ under `root`, or raise ErrorList. `skeletons_ok` lets notes
    without text pass (while `notes add` is writing several)."""
    c = _Collector()
    meta_path = root / "edition" / "edition.xml"
    meta = c.parse(meta_path, "edition")
    if meta is None:
        raise ErrorList(c.errors)
    ptrs = _reading_order(c, meta, meta_path)
    texts = [t for ptr in ptrs if (t := _load_text(c, root / "edition" / ptr.get("target"), ptr.sourceline, meta_path))]
    # Notes of a text that failed to load are not "for an unknown text": that error is enough.
    known_texts = {Path(ptr.get("target")).stem for ptr in ptrs}
    notes: list[Note] = []
    notes_dir = root / "notes"
    for path in sorted(notes_dir.glob("*.xml")):
        if not _utf8_name(c, path):
            continue
        if path.name not in RESERVED_NOTES:
            notes.extend(_load_notes(c, path, known_texts, skeletons_ok))
    notes = [n for n in notes if n.text_id in {t.id for t in texts}]
    glossary = _load_entries(c, notes_dir / "glossary.xml", "glossary", known_texts)
    persons = _load_entries(c, notes_dir / "persons.xml", "persons", known_texts) if (notes_dir / "persons.xml").exists() else []
    acronyms = _load_acronyms(c, notes_dir / "acronyms.xml") if (notes_dir / "acronyms.xml").exists() else []
    edition = Edition(root, meta.getroot(), _metadata(meta.getroot()), texts, notes, glossary, persons, acronyms)
    check_ids(edition, c.errors, check_refs=not c.failed)
    if c.errors:
        raise ErrorList(c.errors)
    return edition


def book_slug(root: Path) -> str:
    """The books' file name, read from the edition's header alone (before a full load)."""
    path = root / "edition" / "edition.xml"
    slug = _metadata(parse(path).getroot()).slug
    if not slug:
        raise EditionError(path, None, 'the header has no <idno type="slug">',
                           'add one to publicationStmt, e.g. <idno type="slug">my-edition</idno>: it names the books')
    return slug


def _metadata(tei) -> Metadata:
    def one(xpath: str) -> str:
        return " ".join(tei.xpath(f"string(tei:teiHeader/{xpath})", namespaces=NS).split())

    def every(xpath: str) -> list[str]:
        return [" ".join(el.xpath("string()").split()) for el in tei.xpath(f"tei:teiHeader/{xpath}", namespaces=NS)]

    return Metadata(
        title=one("tei:fileDesc/tei:titleStmt/tei:title[not(@type)]"),
        subtitle=one("tei:fileDesc/tei:titleStmt/tei:title[@type='sub']"),
        slug=one("tei:fileDesc/tei:publicationStmt/tei:idno[@type='slug']"),
        language=tei.get(f"{{{XML_NS}}}lang"),
        description=one("tei:profileDesc/tei:abstract"),
        subjects=every(f"tei:profileDesc/tei:textClass/tei:keywords[@scheme='{SUBJECTS}']/tei:term"),
        keywords=every("tei:profileDesc/tei:textClass/tei:keywords[not(@scheme)]/tei:term"),
        editors=every("tei:fileDesc/tei:titleStmt/tei:editor"),
        publisher=one("tei:fileDesc/tei:publicationStmt/tei:publisher"),
        identifier=one("tei:fileDesc/tei:publicationStmt/tei:idno[@type='uuid']"),
        rights=one("tei:fileDesc/tei:publicationStmt/tei:availability"),
    )


def _reading_order(c: _Collector, meta, meta_path: Path) -> list:
    """The ptrs of edition.xml, each text once: a text listed twice is an error."""
    first: dict[str, int] = {}
    ptrs = []
    for ptr in meta.getroot().iterfind(".//tei:body/tei:ptr", NS):
        target = ptr.get("target")
        if target in first:
            c.errors.append(EditionError(meta_path, ptr.sourceline, f"text {target} is listed twice (first at line {first[target]})",
                                         "remove one of the two ptrs"))
            continue
        first[target] = ptr.sourceline
        ptrs.append(ptr)
    return ptrs


def _utf8_name(c: _Collector, path: Path) -> bool:
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        c.errors.append(unreadable_name(path))
        return False
    return True


def _load_text(c: _Collector, path: Path, line: int, meta_path: Path) -> Text | None:
    if not path.exists():
        c.errors.append(EditionError(meta_path, line, f"text {path.name} not found in edition/",
                                     "create it with `makebook import` or remove the ptr"))
        return None
    tree = c.parse(path, "tei-edition")
    if tree is None:
        return None
    tei = tree.getroot()
    if tei.get(XML_ID) != path.stem:
        c.errors.append(EditionError(path, tei.sourceline, f"xml:id “{tei.get(XML_ID)}” differs from the file name",
                                     f'write xml:id="{path.stem}"'))
    wit = tei.find(".//tei:sourceDesc/tei:witness", NS)
    witness = path.parent / wit.get("file")
    if not Path(os.path.realpath(witness)).is_relative_to(os.path.realpath(path.parent / "witnesses")):
        c.errors.append(EditionError(path, wit.sourceline, f"witness {wit.get('file')} is outside edition/witnesses/",
                                     'copy the capture there and write file="witnesses/NAME.txt"'))
    elif not witness.is_file():
        c.errors.append(EditionError(path, wit.sourceline, f"witness {wit.get('file')} not found",
                                     "the witness files live in edition/witnesses/"))
    elif hashlib.sha256(witness.read_bytes()).hexdigest() != wit.get("sha256"):
        c.errors.append(EditionError(path, wit.sourceline, f"witness {wit.get('file')} does not match its sha256",
                                     "witnesses must stay byte-identical; restore it from the original capture"))
    return Text(path.stem, path, tei, witness)


def _load_notes(c: _Collector, path: Path, known_texts: set[str], skeletons_ok: bool) -> list[Note]:
    tree = c.parse(path, "notes")
    if tree is None:
        return []
    root = tree.getroot()
    text_id = root.get("text")
    if text_id not in known_texts:
        c.errors.append(EditionError(path, root.sourceline, f"notes for unknown text “{text_id}”",
                                     f"use one of: {', '.join(sorted(known_texts))}"))
        return []
    for n in root.iterfind("note"):
        if not skeletons_ok and not "".join(n.itertext()).strip():
            c.errors.append(EditionError(path, n.sourceline, f"note “{n.get(XML_ID)}” has no text yet",
                                         "write it between <p> and </p>, or remove the note"))
    return [Note(id=n.get(XML_ID), text_id=text_id, type=n.get("type"), anchor=n.get("anchor"),
                 prefix=n.get("prefix", ""), suffix=n.get("suffix", ""),
                 occurrence=int(n.get("occurrence")) if n.get("occurrence") else None,
                 target=n.get("target"), body=n, path=path, line=n.sourceline)
            for n in root.iterfind("note")]


def _load_entries(c: _Collector, path: Path, kind: str, known_texts: set[str]) -> list[Entry]:
    tree = c.parse(path, kind)
    if tree is None:
        return []
    entries = []
    for el in tree.getroot():
        if not isinstance(el.tag, str):
            continue
        forms = []
        for f in el.iterfind("form"):
            if not any(ch.isalnum() for ch in f.text or ""):
                c.errors.append(EditionError(path, f.sourceline, f"form “{(f.text or '').strip()}” of “{el.get(XML_ID)}” "
                                             "has no letter or digit", "write the word as the texts spell it, or remove the form"))
                continue
            forms.append(Form(f.text.strip(), kind == "persons" or f.get("case") == "sensitive", f.sourceline))
        label_tag = "headword" if kind == "glossary" else "name"
        label = el.findtext(label_tag).strip()
        sort = label.lower() if kind == "glossary" else el.findtext("sort").strip().lower()
        if not label or not sort:
            empty = el.find(label_tag if not label else "sort")
            c.errors.append(EditionError(path, empty.sourceline, f"empty <{empty.tag}> in “{el.get(XML_ID)}”",
                                         "write the word the glossary or index lists it under"))
        see = [s.get("target")[1:] for s in el.iterfind("see")]
        rules = []
        for r in (r for r in el if r.tag in ("exclude", "include")):
            if r.get("text") not in known_texts:
                c.errors.append(EditionError(path, r.sourceline, f"{r.tag} in “{el.get(XML_ID)}” for unknown text “{r.get('text')}”",
                                             f"use one of: {', '.join(sorted(known_texts))}"))
                continue
            rules.append(IndexRule(r.tag, r.get("text"), r.get("anchor"), r.get("prefix", ""), r.get("suffix", ""),
                                   int(r.get("occurrence")) if r.get("occurrence") else None,
                                   " ".join("".join(r.itertext()).split()), path, r.sourceline))
        entries.append(Entry(el.get(XML_ID), "glossary" if kind == "glossary" else "person",
                             label, sort, forms, el, path, el.sourceline, see,
                             in_titles=el.get("in-titles") == "yes", rules=rules))
    return entries


def _load_acronyms(c: _Collector, path: Path) -> list[Acronym]:
    tree = c.parse(path, "acronyms")
    if tree is None:
        return []
    found: dict[str, Acronym] = {}
    for el in tree.getroot().iterfind("acronym"):
        acronym = Acronym(el.findtext("abbr").strip(), " ".join(el.findtext("expan").split()), path, el.sourceline)
        if acronym.abbr in found:
            c.errors.append(EditionError(path, el.sourceline, f"acronym “{acronym.abbr}” listed twice "
                                         f"(first at line {found[acronym.abbr].line})", "keep one of the two"))
        found.setdefault(acronym.abbr, acronym)
    return list(found.values())

