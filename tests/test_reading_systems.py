"""The EPUB opened where readers read it: foliate-js in Chromium (notes visible and shown as
pop-ups, glossary terms and definitions as pop-ups, the page list), epub.js in Chromium (no
pop-ups: notes and glossary entries reached by their links and shown, the page list, the
contents, the cover, the colophon's words kept), and calibre's conversion to AZW3 for Kindle
(the cover kept, the notes in the converted text)."""
from __future__ import annotations

import os
import shutil
import subprocess
import zipfile

import pytest
from lxml import etree

from conftest import MACHINE_FONTCONFIG
from reading_engine import browser, missing, open_book, serve
from test_pipeline import built  # noqa: F401  (the session build)

EPUB = "implosion-of-the-ussr.epub"
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}


def _need(what: list[str]) -> None:
    if what:
        reason = "; ".join(what)
        if os.environ.get("CI"):
            pytest.fail(reason + " (.ci/run should have installed it)")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium(built, tmp_path_factory):  # noqa: F811
    """One Chromium (Playwright's synchronous API allows one at a time) and the book served."""
    _need(missing())
    with serve(built / EPUB, tmp_path_factory.mktemp("reader")) as base, browser(MACHINE_FONTCONFIG) as b:
        yield b, base


@pytest.fixture(scope="module")
def reader(chromium):
    page = open_book(*chromium, 360, 740)
    yield page
    assert page.errors == [], page.errors
    page.close()


@pytest.fixture(scope="module")
def book(built):  # noqa: F811
    with zipfile.ZipFile(built / EPUB) as z:
        return {n: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}


def test_every_text_shows_its_notes_on_the_page(reader, book):
    for name in sorted(n for n in book if "/text-" in n):
        notes = book[name].xpath("//x:li[@epub:type='endnote']", namespaces=NS)
        reader.evaluate("href => reader.goTo(href)", name)
        seen = reader.evaluate("reader.visible('li[*|type~=\"endnote\"]')")
        assert seen == {"count": len(notes), "shown": len(notes)}, name
        assert len(notes) > 0, name


def test_a_note_call_opens_its_note_as_a_pop_up(reader, book):
    name = "EPUB/text-blunden-1993-collapse.xhtml"
    first = book[name].xpath("//x:li[@epub:type='endnote']", namespaces=NS)[0]
    reader.evaluate("href => reader.goTo(href)", name)
    popup = reader.evaluate("reader.click('a[role=\"doc-noteref\"].noteref')")
    reader.evaluate("reader.closePopup()")
    assert popup.get("type") == "endnote" and not popup.get("hidden"), popup
    assert popup["text"] == " ".join("".join(first.itertext()).split())


def test_a_glossary_term_opens_the_term_and_its_definition_as_a_pop_up(reader, book):
    name = "EPUB/text-doyle-2009.xhtml"
    link = book[name].xpath("//x:a[@epub:type='glossref']", namespaces=NS)[0]
    target = link.get("href").split("#")[1]
    entry = book["EPUB/glossary.xhtml"].xpath(f"//x:div[@id='{target}']", namespaces=NS)[0]
    term = " ".join(entry.xpath("string(x:dt/x:dfn)", namespaces=NS).split())
    reader.evaluate("href => reader.goTo(href)", name)
    popup = reader.evaluate("reader.click('a[role=\"doc-glossref\"]')")
    reader.evaluate("reader.closePopup()")
    assert "error" not in popup and not popup.get("hidden"), popup
    first_sentence = "".join(entry.xpath("x:dd/x:p[1]", namespaces=NS)[0].itertext()).split(".")[0]
    assert popup["text"].startswith(term) and " ".join(first_sentence.split()) in popup["text"], (term, popup)


def test_the_page_list_takes_the_reader_to_each_page(reader, book):
    nav = book["EPUB/nav.xhtml"]
    labels = nav.xpath("//x:nav[@epub:type='page-list']//x:a/text()", namespaces=NS)
    pages = reader.evaluate("reader.pageList()")
    assert [p["label"] for p in pages] == labels and len(labels) > 50
    # A phone screen can hold the end of one printed page and the start of the next: the
    # reader is at the page asked for, or already shows where the following one begins.
    following = {p["label"]: q["label"] for p, q in zip(pages, pages[1:])}
    for p in pages[:: max(1, len(pages) // 12)] + [pages[-1]]:
        where = reader.evaluate("href => reader.goTo(href)", p["href"])
        assert where["page"] in (p["label"], following.get(p["label"])), (p, where)


def test_the_reader_finds_the_cover(reader):
    assert reader.evaluate("reader.cover()")


@pytest.fixture(scope="module")
def epubjs(chromium):
    page = open_book(*chromium, 390, 844, engine="epubjs")
    yield page
    assert page.errors == [], page.errors
    page.close()


def test_epubjs_lays_out_every_text_s_notes_and_shows_them_where_they_begin(epubjs, book):
    for name in sorted(n for n in book if "/text-" in n):
        notes = book[name].xpath("//x:li[@epub:type='endnote']", namespaces=NS)
        section = book[name].xpath("//x:section[@epub:type='endnotes']", namespaces=NS)[0]
        where = epubjs.evaluate("href => reader.goTo(href)", f"{name}#{section.get('id')}")
        seen = epubjs.evaluate("reader.visible('li.endnote')")  # epub.js reads the XHTML as HTML: no epub: namespace
        assert where["href"] == name.split("/")[1] and len(notes) > 0, (name, where)
        assert seen["count"] == seen["shown"] == len(notes) and seen["onScreen"] >= 1, (name, seen)


def test_epubjs_takes_a_note_call_to_its_note(epubjs, book):
    name = "EPUB/text-blunden-1993-collapse.xhtml"
    epubjs.evaluate("href => reader.goTo(href)", name)
    target = epubjs.evaluate("reader.hrefs('a.noteref')")[0]
    where = epubjs.evaluate("reader.click('a.noteref')")
    assert where["href"] == name.split("/")[1] and where["page"] > 1, where
    assert epubjs.evaluate("s => reader.visible(s)", target)["onScreen"] == 1, target


def test_epubjs_takes_a_glossary_term_to_its_entry(epubjs, book):
    epubjs.evaluate("href => reader.goTo(href)", "EPUB/text-doyle-2009.xhtml")
    target = epubjs.evaluate("reader.hrefs('a[role=\"doc-glossref\"]')")[0].split("#")[1]
    where = epubjs.evaluate("reader.click('a[role=\"doc-glossref\"]')")
    assert where["href"] == "glossary.xhtml", where
    assert epubjs.evaluate("s => reader.visible(s)", f"#{target} dfn")["onScreen"] == 1
    term = book["EPUB/glossary.xhtml"].xpath(f"string(//x:div[@id='{target}']/x:dt/x:dfn)", namespaces=NS)
    assert epubjs.evaluate("s => reader.text(s)", f"#{target} dfn") == term


def test_epubjs_loads_the_page_list_and_reaches_its_pages(epubjs, book):
    nav = book["EPUB/nav.xhtml"]
    links = nav.xpath("//x:nav[@epub:type='page-list']//x:a", namespaces=NS)
    pages = epubjs.evaluate("reader.pageList()")
    assert [p["href"] for p in pages] == [a.get("href") for a in links] and len(links) > 50
    # epub.js reads a page's label as a number: the roman folios of the front matter it cannot read.
    assert [p["page"] for p in pages] == [int(a.text) if a.text.isdigit() else None for a in links]
    for p in [q for q in pages if q["page"]][::10]:
        where = epubjs.evaluate("href => reader.goTo(href)", f"EPUB/{p['href']}")
        assert where["href"] == p["href"].split("#")[0], (p, where)
        assert epubjs.evaluate("s => reader.visible(s)", "#" + p["href"].split("#")[1])["onScreen"] == 1, p


def test_epubjs_reads_the_contents_and_the_cover_and_keeps_the_colophon_s_words(epubjs, book):
    nav = book["EPUB/nav.xhtml"]
    labels = [" ".join("".join(a.itertext()).split()) for a in nav.xpath("//x:nav[@epub:type='toc']/x:ol/x:li/x:a", namespaces=NS)]
    assert [t["label"] for t in epubjs.evaluate("reader.toc()")] == labels
    assert epubjs.evaluate("reader.cover()")
    epubjs.evaluate("href => reader.goTo(href)", "EPUB/colophon.xhtml")
    shown = " ".join(epubjs.evaluate("reader.text('body')").split())
    colophon = " ".join("".join(book["EPUB/colophon.xhtml"].find("x:body", NS).itertext()).split())
    # epub.js rewrites what it takes for a resource's address into a blob: URL; no word of the
    # colophon (the font licence the EPUB carries) may be taken so.
    assert shown == colophon and "blob:" not in shown
    assert not [h for h in epubjs.evaluate("reader.hrefs('a')") if h.startswith("blob:")]


@pytest.fixture(scope="module")
def azw3(built, tmp_path_factory):  # noqa: F811
    _need([] if shutil.which("ebook-convert") else ["calibre is not installed (apt-get install calibre)"])
    out = tmp_path_factory.mktemp("azw3")
    env = {**os.environ, "HOME": str(out), "QT_QPA_PLATFORM": "offscreen"}
    book = out / "book.azw3"
    subprocess.run(["ebook-convert", str(built / EPUB), str(book)], check=True, capture_output=True, env=env)
    return book, env


def test_calibre_azw3_keeps_the_cover(azw3):
    book, env = azw3
    cover = book.parent / "cover.jpg"
    subprocess.run(["ebook-meta", str(book), f"--get-cover={cover}"], check=True, capture_output=True, env=env)
    from PIL import Image

    with Image.open(cover) as img:
        assert img.width >= 1000 and img.height / img.width > 1.5, img.size


def test_calibre_azw3_keeps_the_notes_in_the_text(azw3, book):
    azw, env = azw3
    txt = azw.parent / "book.txt"
    subprocess.run(["ebook-convert", str(azw), str(txt)], check=True, capture_output=True, env=env)
    text = " ".join(txt.read_text(encoding="utf-8").split())
    notes = [" ".join("".join(li.xpath("x:p[1]", namespaces=NS)[0].itertext()).split())
             for doc in book.values() for li in doc.xpath("//x:li[@epub:type='endnote']", namespaces=NS)]
    missing_notes = [n for n in notes if n[:60] not in text]
    assert len(notes) > 100 and not missing_notes, missing_notes[:3]
