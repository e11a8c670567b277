"""How to cite the edition, a text of it, or one of its paragraphs: one wording for every
book (the copyright page, the web edition's citation box) and the exports a reference
manager reads (BibTeX, RIS, CSL-JSON)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from ..merge.document import Merged, MergedText
from .dates import source_date
from .matter import edition_field


@dataclass
class Citation:
    """What a citation of one text names, from the edition's header and the text's."""

    key: str
    authors: list[str]
    title: str
    original: str  # where the text first appeared, as its header gives it
    original_date: str  # ISO date
    book: str
    editors: list[str]
    version: str
    publisher: str
    issued: date
    url: str | None = None


def cite(merged: Merged, mt: MergedText, base_url: str | None = None) -> Citation:
    meta = merged.edition.metadata
    return Citation(
        key=mt.id, authors=[mt.text.author], title=mt.text.title,
        original=mt.text.header("tei:fileDesc/tei:publicationStmt/tei:publisher"), original_date=mt.text.date,
        book=f"{meta.title}: {meta.subtitle}", editors=meta.editors, version=edition_field(merged, "//tei:editionStmt/tei:edition/@n"), publisher=meta.publisher,
        issued=source_date(merged).date(), url=f"{base_url}text-{mt.id}.html" if base_url else None)


def sentence(c: Citation, paragraph: str | None = None, page: str | None = None) -> str:
    """The citation as a reader writes it: author, title, first publication, edition, ¶ and PDF page."""
    where = "".join([f", ¶ {paragraph}" if paragraph else "", f" (PDF p. {page})" if page else ""])
    return (f"{' and '.join(c.authors)}, “{c.title}” ({c.original}, {_day(c.original_date)}), in {c.book}, "
            f"ed. {' and '.join(c.editors)}, version {c.version} ({c.publisher}, {c.issued.year}){where}.")


def _parts(iso: str) -> list[int]:
    """A date as TEI may give it (1993, 1993-05 or 1993-05-20), as its parts."""
    return [int(x) for x in iso.split("-")] if iso else []


def _day(iso: str) -> str:
    parts = _parts(iso)
    if not parts:
        return "n.d."
    d = date(*parts, *[1] * (3 - len(parts)))
    return d.strftime(("%-d %B %Y", "%B %Y", "%Y")[3 - len(parts)])


def _split(name: str) -> tuple[str, str]:
    """Family and given names; a one-word name, or one that begins in lower case (“the
    editors”), is a collective author, with no given name."""
    if " " not in name or name[:1].islower():
        return name, ""
    given, _, family = name.rpartition(" ")
    return family, given


def bibtex(c: Citation) -> str:
    def names(people: list[str]) -> str:
        return " and ".join(f"{family}, {given}" if given else f"{{{family}}}" for family, given in map(_split, people))
    fields = {"author": names(c.authors), "title": c.title, "booktitle": c.book, "editor": names(c.editors),
              "edition": f"version {c.version}", "publisher": c.publisher, "year": str(c.issued.year),
              "note": f"First published in {c.original}, {_day(c.original_date)}"}
    if c.url:
        fields["url"] = c.url
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items())
    return f"@incollection{{{c.key},\n{body}\n}}\n"


def ris(c: Citation) -> str:
    lines = [("TY", "CHAP"), *[("AU", ", ".join(filter(None, _split(a)))) for a in c.authors], ("TI", c.title),
             ("T2", c.book), *[("ED", e) for e in c.editors], ("ET", f"version {c.version}"), ("PB", c.publisher),
             ("PY", str(c.issued.year)), ("DA", c.issued.strftime("%Y/%m/%d")),
             ("N1", f"First published in {c.original}, {_day(c.original_date)}")]
    if c.url:
        lines.append(("UR", c.url))
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines) + "ER  - \r\n"


def csl_json(c: Citation) -> str:
    def person(name: str) -> dict:
        family, given = _split(name)
        return {"family": family, "given": given} if given else {"literal": name}


    item = {"id": c.key, "type": "chapter", "title": c.title, "author": [person(a) for a in c.authors],
            "container-title": c.book, "editor": [{"literal": e} for e in c.editors], "version": c.version,
            "publisher": c.publisher, "issued": {"date-parts": [[c.issued.year, c.issued.month, c.issued.day]]}, "original-publisher": c.original}
    if c.original_date:
        item["original-date"] = {"date-parts": [_parts(c.original_date)]}
    if c.url:
        item["URL"] = c.url
    return json.dumps([item], ensure_ascii=False, indent=1) + "\n"
