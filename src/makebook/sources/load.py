"""Read every input of the edition, validate it, and return the document model.

All problems found are collected and raised together, each with file:line, so that
`makebook check` shows an editor everything wrong in one run.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import EditionError, ErrorList
from ..model import Acronym, Edition, Entry, Form, IndexRule, Metadata, Note, Text
from .schema import validate
from .xmlio import TEI_NS, XML_NS, parse

NS = {"tei": TEI_NS}
XML_ID = f"{{{XML_NS}}}id"
RESERVED_NOTES = {"glossary.xml", "persons.xml", "acronyms.xml", "import-rules.xml"}
SUBJECTS = "http://id.loc.gov/authorities/subjects"


class _Collector:
    def __init__(self):
        self.errors: list[EditionError] = []

    def parse(self, path: Path, schema: str):
        try:
            tree = parse(path)
        except EditionError as err:
            self.errors.append(err)
            return None
        found = validate(tree, schema, path)
        self.errors.extend(found)
        return None if found else tree


def load(root: Path, skeletons_ok: bool = False) -> Edition:
    """Load edition/, notes/ under `root`, or raise ErrorList. `skeletons_ok` lets notes
    without text pass (while `notes add` is writing several)."""
    c = _Collector()
    meta_path = root / "edition" / "edition.xml"
    meta = c.parse(meta_path, "edition")
    if meta is None:
        raise ErrorList(c.errors)
    ptrs = list(meta.getroot().iterfind(".//tei:body/tei:ptr", NS))
    texts = [t for ptr in ptrs if (t := _load_text(c, root / "edition" / ptr.get("target"), ptr.sourceline, meta_path))]
    # Notes of a text that failed to load are not "for an unknown text": that error is enough.
    known_texts = {Path(ptr.get("target")).stem for ptr in ptrs}
    notes: list[Note] = []
    notes_dir = root / "notes"
    for path in sorted(notes_dir.glob("*.xml")):
        if path.name not in RESERVED_NOTES:
            notes.extend(_load_notes(c, path, known_texts, skeletons_ok))
    notes = [n for n in notes if n.text_id in {t.id for t in texts}]
    glossary = _load_entries(c, notes_dir / "glossary.xml", "glossary", known_texts)
    persons = _load_entries(c, notes_dir / "persons.xml", "persons", known_texts) if (notes_dir / "persons.xml").exists() else []
    acronyms = _load_acronyms(c, notes_dir / "acronyms.xml") if (notes_dir / "acronyms.xml").exists() else []
    edition = Edition(root, meta.getroot(), _metadata(meta.getroot()), texts, notes, glossary, persons, acronyms)
    _check_ids(c, edition)
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
    if not witness.is_file():
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
            if not (f.text or "").strip():
                c.errors.append(EditionError(path, f.sourceline, f"empty form in “{el.get(XML_ID)}”",
                                             "write the word as the texts spell it, or remove the form"))
                continue
            forms.append(Form(f.text.strip(), kind == "persons" or f.get("case") == "sensitive", f.sourceline))
        if kind == "glossary":
            label = el.findtext("headword").strip()
            sort = label.lower()
        else:
            label = el.findtext("name").strip()
            sort = el.findtext("sort").strip().lower()
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


def _check_ids(c: _Collector, ed: Edition) -> None:
    seen: dict[str, tuple[Path, int]] = {}
    for item in [*ed.notes, *ed.entries]:
        if item.id in seen:
            path, line = seen[item.id]
            c.errors.append(EditionError(item.path, item.line, f"duplicate id “{item.id}” (first used at {path.name}:{line})",
                                         "give each note and entry its own id"))
        seen.setdefault(item.id, (item.path, item.line))
    text_ids = {el.get(XML_ID) for t in ed.texts for el in t.tree.iter() if el.get(XML_ID)}
    for item in [*ed.notes, *ed.entries]:
        for ref in item.element.iter("ref", "see") if isinstance(item, Entry) else item.body.iter("ref"):
            target = ref.get("target", "")
            if target.startswith("#") and target[1:] not in seen and target[1:] not in text_ids:
                c.errors.append(EditionError(item.path, ref.sourceline, f"reference to unknown id “{target}”",
                                             "check the id of the note, glossary entry (gl-…) or person (pers-…)"))
