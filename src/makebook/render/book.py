"""The book's sequence of pages, shared by both writers: title page, front matter, the
texts, back matter, colophon. Each page is XHTML sections rendered from the merged model."""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jinja2
from lxml import etree

from .. import __version__
from ..merge.document import Merged
from .builder import E, Target, append_text, epub_type, plain
from .citation import cite, sentence
from .dates import source_date
from .matter import (
    edition_field,
    front_divs,
    glossary_section,
    persons_section,
    sources_section,
    with_acronyms,
)
from .tei import State
from .text import render_text


@dataclass
class Page:
    name: str  # file stem in the EPUB
    title: str
    landmark: str | None  # epub:type for landmarks
    section: etree._Element
    after: list = field(default_factory=list)  # elements following the section (notes, apparatus)
    matter: str = "body"  # front, body or back
    children: list[tuple[str, str]] = field(default_factory=list)  # (id, label) for the TOC
    author: str = ""  # of a text, for the contents


@cache
def templates(styles: Path) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(styles / "templates"), autoescape=True)


def title(merged: Merged) -> str:
    return merged.edition.metadata.title


def subtitle(merged: Merged) -> str:
    return merged.edition.metadata.subtitle


def authors(merged: Merged) -> list[str]:
    """The texts' authors, each once, in reading order."""
    return list(dict.fromkeys(mt.text.author for mt in merged.texts))


def title_page(merged: Merged, target: Target) -> Page:
    sec = E("section", {"id": "titlepage", "class": "titlepage", "aria-label": "Title page",
                        **epub_type("titlepage")})
    sec.append(with_acronyms(E("h1", {"class": "book-title"}), title(merged), merged, State(target)))
    sec.append(E("p", {"class": "book-subtitle"}, text=subtitle(merged)))
    names = E("p", {"class": "book-authors"})
    for i, name in enumerate(authors(merged)):  # each name kept on one line
        append_text(names, " · " if i else None)
        names.append(E("span", {"class": "name"}, text=name))
    sec.append(names)
    sec.append(E("p", {"class": "book-editors"}, text="Edited by " + edition_field(merged, "//tei:titleStmt/tei:editor")))
    sec.append(E("p", {"class": "imprint"}, text=edition_field(merged, "//tei:publicationStmt/tei:publisher")))
    return Page("titlepage", "Title page", "titlepage", sec, matter="front")


def half_title(merged: Merged, target: Target) -> Page:
    """The book's first page in print: its title alone."""
    sec = E("section", {"id": "halftitle", "class": "halftitle", "aria-label": "Half-title"})
    sec.append(with_acronyms(E("p", {"class": "book-title"}), title(merged), merged, State(target)))
    return Page("halftitle", "Half-title", None, sec, matter="front")


def copyright_page(merged: Merged, target: Target) -> Page:
    """The title's verso in print: rights, edition and date, identifier, and how to cite the book."""
    field = lambda xpath: edition_field(merged, xpath)  # noqa: E731
    edition = f"{field('//tei:editionStmt/tei:edition')}, version {field('//tei:editionStmt/tei:edition/@n')}"
    date = source_date(merged)
    editors = field("//tei:titleStmt/tei:editor")
    book = f"{title(merged)}: {subtitle(merged)}"
    sec = E("section", {"id": "copyright", "class": "copyright", "aria-label": "Copyright and edition",
                        **epub_type("copyright-page")})
    for text in (
        book,
        f"{edition}, {date.strftime('%-d %B %Y')}. Published by {field('//tei:publicationStmt/tei:publisher')}.",
        field("//tei:availability"),
        f"Identifier: {field('//tei:publicationStmt/tei:idno[1]')}",
        f"How to cite: {editors[0].upper() + editors[1:]}, eds., {book}. "
        f"{edition}. {field('//tei:publicationStmt/tei:publisher')}, {date.year}. Cite the texts by paragraph (¶) "
        "and page; the EPUB and the web edition mark this book's pages. Each text, as the web edition gives it:",
    ):
        sec.append(_cited(E("p"), text, book, merged, State(target)))
    for mt in merged.texts:
        sec.append(_cited(E("p", {"class": "cite-sentence"}), sentence(cite(merged, mt)), book, merged, State(target)))
    return Page("copyright", "Copyright", None, sec, matter="front")


def _cited(p: etree._Element, text: str, book: str, merged: Merged, st: State) -> etree._Element:
    """`p` holding `text`, its acronyms marked and each mention of the book's title in italics,
    as a cited title is."""
    head, *rest = text.split(book)
    _extend(p, with_acronyms(E("span"), head, merged, st))
    for after in rest:
        p.append(with_acronyms(E("i", {"class": "title"}), book, merged, st))
        _extend(p, with_acronyms(E("span"), after, merged, st))
    return p


def _extend(p: etree._Element, span: etree._Element) -> None:
    """Move a span's content to the end of `p`."""
    if len(p):
        p[-1].tail = (p[-1].tail or "") + (span.text or "")
    else:
        p.text = (p.text or "") + (span.text or "")
    p.extend(list(span))


# What the colophon says of the book it stands in, and of the other one.
COLOPHON_BOOK = {
    "epub": ("The same sources give this EPUB, a PDF whose page numbers the EPUB’s page list follows, "
             "and a web edition.",
             "under the SIL Open Font License, whose text the EPUB carries beside its fonts."),
    "pdf": ("The same sources give this PDF, and an EPUB and a web edition whose page marks follow this "
            "book’s page numbers.",
            "under the SIL Open Font License; the fonts are embedded in this PDF as subsets."),
    "web": ("The same sources give this web edition, whose page marks follow the PDF’s page numbers, "
            "an EPUB and a PDF.",
            "under the SIL Open Font License."),
}


def colophon(merged: Merged, target: Target) -> Page:
    """The colophon of the book `target` makes."""
    sources, licence = COLOPHON_BOOK[target.name]
    sec = E("section", {"id": "colophon", "class": "matter colophon", "role": "doc-colophon", **epub_type("colophon")})
    sec.append(E("h1", {"data-title": "Colophon"}, text="Colophon"))
    date = source_date(merged).strftime("%-d %B %Y")
    for text in (
        f"{title(merged)}: {subtitle(merged)}. "
        f"{edition_field(merged, '//tei:editionStmt/tei:edition')}, version {edition_field(merged, '//tei:editionStmt/tei:edition/@n')}, "
        f"dated {date} from its sources.",
        edition_field(merged, "//tei:availability"),
        "The texts were edited in TEI XML from web captures kept unchanged beside them; the notes, glossary and "
        "index are kept apart from the texts and merged in when the book is made. " + sources,
        f"Made with makebook {__version__} (lxml, Jinja, EbookLib, WeasyPrint, CairoSVG). Set in EB Garamond by Georg Duffner, "
        + licence,
        f"Identifier: {edition_field(merged, '//tei:idno')}.",
    ):
        sec.append(with_acronyms(E("p"), text, merged, State(target), typeset=True))  # the acronyms of the title and of the tools named
    return Page("colophon", "Colophon", None, sec, matter="back")


def _label(heading: etree._Element) -> str:
    """A heading as the contents give it: its words, without the calls of notes and apparatus."""
    bare = copy.deepcopy(heading)
    for call in bare.xpath(".//a[contains(@class, 'app-call') or contains(@class, 'noteref')]"):
        parent, tail = call.getparent(), call.tail or ""
        prev = call.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
        parent.remove(call)
    return plain(bare)


def pages(merged: Merged, target: Target) -> list[Page]:
    """Every page of the book, in reading order."""
    out = [half_title(merged, target)] if target.name == "pdf" else []
    out += [title_page(merged, target), copyright_page(merged, target)]
    for sec in front_divs(merged, target, "front"):
        out.append(Page(sec.get("id"), sec.find("h1").get("data-title"),
                        "preface" if "principles" in sec.get("class") else "introduction", sec, matter="front"))
    for mt in merged.texts:
        rendered = render_text(mt, target, merged.acronyms)
        children = [(h.get("id"), _label(h)) for h in rendered.section.iter("h2") if h.get("id")]
        out.append(Page(f"text-{mt.id}", mt.text.title, "bodymatter" if mt is merged.texts[0] else None,
                        rendered.section, rendered.after, "body", children, mt.text.author))
    out.append(Page("glossary", "Glossary", "glossary", glossary_section(merged, target), matter="back"))
    if merged.edition.persons:
        out.append(Page("persons", "Index of persons", "index", persons_section(merged, target), matter="back"))
    for sec in front_divs(merged, target, "back"):
        out.append(Page(sec.get("id"), sec.find("h1").get("data-title"), None, sec, matter="back"))
    out.append(Page("sources", "Sources", "bibliography", sources_section(merged, target), matter="back"))
    out.append(colophon(merged, target))
    for page in out:
        _name_blocks(page)
    return out


def _name_blocks(page: Page) -> None:
    """Give every block an id, so that each PDF page can be found again in the EPUB."""
    n = 0
    for root in (page.section, *page.after):
        for el in root.iter("p", "li", "dt", "dd", "h2", "h3", "blockquote"):
            if not el.get("id"):
                n += 1
                el.set("id", f"{page.name}-b{n}")
