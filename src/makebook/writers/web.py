"""The web writer: a static site rendered from the merged model, one page per text with the
EPUB's ¶ ids, notes and apparatus readable without scripts, glossary and persons linked both
ways, the PDF's page numbers as discreet markers, each witness made visible, a citation for
every paragraph, and a search index built by Pagefind; no request leaves the site."""
from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

from lxml import etree
from markupsafe import Markup

from ..merge.document import Merged
from ..render.book import Page, pages, templates
from ..render.builder import EPUB_NS, E, Target
from ..render.citation import Citation, bibtex, cite, csl_json, ris, sentence
from ..render.links import mark_pages, point_links
from ..render.pagemap import PageMark
from ..render.witness import witness_section

ASSETS = ("web.css", "web.js")
EXPORTS = {"bib": bibtex, "ris": ris, "json": csl_json}


def write_web(merged: Merged, marks: list[PageMark], folder: Path) -> None:
    """Write the whole site into `folder` (new and empty)."""
    book_pages = pages(merged, Target("web", lambda i: f"#{i}"))
    front = [p for p in book_pages if p.matter == "front"]
    files: dict[str, list[etree._Element]] = {"index": [front[0].section, _contents(merged, book_pages),
                                                        *(p.section for p in front[1:])]}
    titles = {"index": merged.edition.metadata.title, "search": "Search", **{p.name: p.title for p in book_pages}}
    for p in book_pages[len(front):]:
        files[p.name] = [p.section, *p.after]
    for mt in merged.texts:
        name = f"witness-{mt.id}"
        files[name] = [_witness_page(merged, mt)]
        titles[name] = f"The witness of “{mt.text.title}”"
    point_links(files, ".html")
    _, contents_page = mark_pages(files, marks, ".html", marker=_pagemark)
    if contents_page:
        files["index"][1].insert(0, _pagemark(contents_page))
    texts = {f"text-{mt.id}": mt for mt in merged.texts}
    citations = {mt.id: cite(merged, mt) for mt in merged.texts}
    for name, mt in texts.items():
        _cite_paragraphs(citations[mt.id], files[name])
    files["search"] = [E("section", {"class": "search", "aria-label": "Search"}, E("h1", text="Search"),
                         E("div", {"id": "search"}),
                         E("p", {"class": "search-note"}, text="Search needs the site to be served over HTTP "
                           "(any static host, or makebook serve); opened from a file it cannot load its index."))]
    shell = templates(merged.edition.styles).get_template("web-page.html.j2")
    folder.mkdir(parents=True, exist_ok=True)
    for name, roots in files.items():
        mt = texts.get(name)
        html = shell.render(lang=merged.edition.metadata.language, title=titles[name], book=merged.edition.metadata,
                            name=name, searchable=not name.startswith(("witness-", "search")),
                            meta=_highwire(citations[mt.id], merged.edition.metadata.language) if mt else [],
                            jsonld=Markup(_jsonld(citations[mt.id])) if mt else "",
                            content=Markup("\n".join(_html(r) for r in roots)))
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
    (folder / "cite").mkdir()
    for mt in merged.texts:
        for ext, export in EXPORTS.items():
            (folder / "cite" / f"{mt.id}.{ext}").write_text(export(citations[mt.id]), encoding="utf-8", newline="")
    for asset in ASSETS:
        shutil.copyfile(merged.edition.styles / asset, folder / asset)
    shutil.copytree(merged.edition.styles / "fonts", folder / "fonts")
    asyncio.run(_index(folder))


def _html(root: etree._Element) -> str:
    """HTML of a section: no EPUB vocabulary (the notes are list items already, no landmarks)."""
    for el in root.iter():
        for attr in [a for a in el.attrib if a.startswith(f"{{{EPUB_NS}}}")]:
            del el.attrib[attr]
    return etree.tostring(root, encoding="unicode", method="html")


def _pagemark(label: str) -> etree._Element:
    """On the web a page break of the PDF is a discreet visible mark, not a landmark for
    assistive technology (which would read it out in mid-sentence)."""
    return E("span", {"id": f"page-{label}", "class": "pagemark", "data-page": label,
                      "title": f"page {label} of the PDF edition"})


def _contents(merged: Merged, book_pages: list[Page]) -> etree._Element:
    nav = E("nav", {"class": "contents", "id": "contents", "aria-labelledby": "contents-title"},
            E("h1", {"id": "contents-title"}, text="Contents"))
    ol = E("ol")
    for p in book_pages:
        if p.matter == "front":
            continue
        li = E("li", None, E("a", {"href": f"{p.name}.html"}, text=f"{p.author}, {p.title}" if p.author else p.title))
        if p.author:
            sub = E("ol")
            for cid, label in p.children:
                sub.append(E("li", None, E("a", {"href": f"{p.name}.html#{cid}"}, text=label)))
            sub.append(E("li", {"class": "witness-link"},
                         E("a", {"href": f"witness-{p.name[len('text-'):]}.html"}, text="The witness, with every intervention")))
            li.append(sub)
        ol.append(li)
    ol.append(E("li", None, E("a", {"href": "search.html"}, text="Search")))
    nav.append(ol)
    return nav


def _witness_page(merged: Merged, mt) -> etree._Element:
    sec = E("section", {"class": "witness", "id": f"witness-{mt.id}", "aria-labelledby": f"witness-{mt.id}-title"})
    sec.append(E("h1", {"id": f"witness-{mt.id}-title"}, text=f"The witness of “{mt.text.title}”"))
    key = E("p", {"class": "witness-key"}, text=(
        f"The capture from which {mt.text.author}’s text was edited, line by line as it was saved "
        f"({mt.text.witness.name}). Marked on it: "))
    for kind, label in (("gap", "omitted"), ("sic", "corrected"), ("orig", "repaired"), ("supplied", "supplied"),
                        ("marked", "kept and marked")):
        key.append(E("span", {"class": f"w-{kind}"}, text=label))
        key[-1].tail = ", "
    key[-1].tail = ". Each mark links to the edited text; its letter, to the apparatus entry."
    sec.append(key)
    raw = mt.text.witness.read_text(encoding="utf-8")
    sec.append(witness_section(mt, raw, f"text-{mt.id}.html"))
    return sec


def _cite_paragraphs(c: Citation, roots: list[etree._Element]) -> None:
    """Each numbered paragraph carries its citation, with the PDF page it begins on."""
    page = None
    section = roots[0]
    for el in section.iter():
        if el.get("class") == "pagemark":
            page = el.get("data-page")
        if el.tag == "p" and "para" in (el.get("class") or "") and el.find("a[@class='pnum']") is not None:
            el.set("data-cite", sentence(c, el.find("a[@class='pnum']").text, page))
    box = E("section", {"class": "cite-text", "aria-label": "How to cite this text"},
            E("p", {"class": "cite-title"}, text="How to cite"), E("p", {"class": "cite-sentence"}, text=sentence(c)))
    links = E("p", {"class": "cite-exports"}, text="Export: ")
    for i, ext in enumerate(EXPORTS):
        if i:
            links[-1].tail = " · "
        links.append(E("a", {"href": f"cite/{c.key}.{ext}", "download": f"{c.key}.{ext}"},
                       text={"bib": "BibTeX", "ris": "RIS", "json": "CSL-JSON"}[ext]))
    box.append(links)
    headnote = section.find("section[@class='headnote']")
    (headnote if headnote is not None else section[0]).addnext(box)


def _highwire(c: Citation, language: str) -> list[tuple[str, str]]:
    """The citation_* tags that Zotero and Google Scholar read."""
    return [("citation_title", c.title), *[("citation_author", a) for a in c.authors],
            ("citation_inbook_title", c.book), *[("citation_editor", e) for e in c.editors],
            ("citation_publisher", c.publisher), ("citation_publication_date", c.issued.strftime("%Y/%m/%d")),
            ("citation_language", language)]


def _jsonld(c: Citation) -> str:
    data = {"@context": "https://schema.org", "@type": "Chapter", "name": c.title,
            "author": [{"@type": "Person" if " " in a else "Organization", "name": a} for a in c.authors],
            "datePublished": c.original_date, "publisher": {"@type": "Organization", "name": c.original},
            "isPartOf": {"@type": "Book", "name": c.book, "bookEdition": f"version {c.version}",
                         "editor": [{"@type": "Person", "name": e} for e in c.editors],
                         "publisher": {"@type": "Organization", "name": c.publisher},
                         "datePublished": c.issued.isoformat()}}
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


async def _index(folder: Path) -> None:
    """Pagefind's index and search interface, written into the site."""
    from pagefind.index import IndexConfig, PagefindIndex

    config = IndexConfig(output_path=str(folder / "pagefind"))
    async with PagefindIndex(config=config) as index:
        await index.add_directory(str(folder))
