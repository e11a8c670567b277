"""The EPUB opened where readers read it: foliate-js in Chromium (notes visible and shown as
pop-ups, glossary definitions as pop-ups, the page list), and calibre's conversion to AZW3
for Kindle (the cover kept, the notes in the converted text)."""
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
def reader(built, tmp_path_factory):  # noqa: F811
    _need(missing())
    with serve(built / EPUB, tmp_path_factory.mktemp("reader")) as base, browser(MACHINE_FONTCONFIG) as b:
        page = open_book(b, base, 360, 740)
        yield page
        assert page.errors == [], page.errors


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
