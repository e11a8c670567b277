"""The PDF read back with a PDF library: TOC numbers, footnote placement, fonts, outline."""
from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from helpers import ROOT
from test_pipeline import built  # noqa: F401  (the session build)

from makebook.merge import merge
from makebook.sources.load import load
from makebook.render.builder import XML_ID
from makebook.textview import T


@pytest.fixture(scope="module")
def pdf(built):  # noqa: F811
    return PdfReader(built / "implosion-of-the-ussr.pdf")


def _outline(pdf):
    out = []
    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append((item.title, pdf.get_destination_page_number(item)))
    walk(pdf.outline)
    return out


def test_outline_has_every_text_and_the_back_matter(pdf):
    titles = [t for t, _ in _outline(pdf)]
    for expected in ("Contents", "The Collapse of the U.S.S.R.", "Conclusion", "Glossary", "Index of persons", "Colophon"):
        assert expected in titles


def test_every_toc_number_is_the_page_of_its_heading(pdf):
    outline = {item.title: pdf.get_destination_page_number(item) for item in pdf.outline if not isinstance(item, list)}
    contents_page = outline["Contents"]
    contents_end = min(p for p in outline.values() if p > contents_page)  # the contents may run over pages
    toc_text = "".join(pdf.pages[i].extract_text() for i in range(contents_page, contents_end))
    body_start = min(p for t, p in outline.items() if t not in ("Introduction", "Editorial principles", "Contents"))
    checked = 0
    for title, page in outline.items():
        if title == "Contents":
            continue
        key = re.escape(title[:25])
        m = re.search(key + r".*?(\b[ivxlc]+|\d+)\s*$", toc_text, re.M | re.S)
        assert m, f"{title} not in the contents"
        folio = m.group(1)
        expected = page + 1 if not folio.isdigit() else page - body_start + 1
        got = _roman_value(folio) if not folio.isdigit() else int(folio)
        assert got == expected, f"{title}: contents says {folio}, heading is on folio {expected}"
        checked += 1
    assert checked >= 10


def _roman_value(s: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    total = 0
    for a, b in zip(s, s[1:] + " "):
        total += -values[a] if values.get(b, 0) > values[a] else values[a]
    return total


def test_every_footnote_is_printed_on_the_page_of_its_call(pdf):
    dests = pdf.named_destinations
    merged = merge(load(ROOT))
    notes = [n.get(XML_ID) for mt in merged.texts for n in mt.body.iter(f"{T}note") if n.get("type") != "textual"]
    assert len(notes) >= 150
    lost = [n for n in notes if n not in dests]
    moved = [n for n in notes if n not in lost
             and pdf.get_destination_page_number(dests[n]) != pdf.get_destination_page_number(dests["ref-" + n])]
    assert (lost, moved) == ([], [])


def test_every_font_is_embedded(pdf):
    fonts = {}
    for page in pdf.pages:
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            font = font.get_object()
            desc = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            desc = desc.get_object()
            fonts[font["/BaseFont"]] = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts


def test_document_metadata(pdf):
    meta = pdf.metadata
    assert "Implosion of the USSR" in meta.title
    assert "Doyle" in (meta.author or "")
    assert pdf.trailer["/Root"].get("/Lang") == "en"


def test_epub_page_list_has_every_printed_pdf_page_under_its_folio(built, pdf):  # noqa: F811
    import re
    import zipfile

    with zipfile.ZipFile(built / "implosion-of-the-ussr.epub") as z:
        nav = z.read("EPUB/nav.xhtml").decode()
        docs = {n: z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml")}
    labels = re.findall(r'<a href="[^"]*#page-([^"]+)"', nav.split('epub:type="page-list"')[1])
    print_only = {pdf.get_destination_page_number(pdf.named_destinations["halftitle"])}
    printed = [i for i, page in enumerate(pdf.pages) if page.extract_text().strip() and i not in print_only]
    assert len(labels) == len(set(labels)) == len(printed)
    for label in labels:  # each entry points at a marker that exists
        assert any(f'id="page-{label}"' in d for d in docs.values()), label
    # labels follow the folios: roman in the front matter, arabic from the first text on
    first_body = dict(_outline(pdf))["The Collapse of the U.S.S.R."]
    for index, label in zip(printed, labels):
        expected = str(index - first_body + 1) if index >= first_body else _roman(index + 1)
        assert label == expected, (index, label, expected)


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + letters, n - value
    return out
