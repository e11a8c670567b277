"""The PDF laid out in parts and merged: the same book as one single-document layout, with
its tags, bookmarks, links, labels and metadata, and every printed page number right."""
from __future__ import annotations

import json
import shutil

import lxml.html
import pikepdf
import pytest
from pypdf import PdfReader

from helpers import ROOT, copy_mini, run_cli
from test_pipeline import built  # noqa: F401  (the session build)

from makebook.cache import PartCache
from makebook.render.pagemap import PRINTED, PageMap, wrong_folios
from makebook.writers.pdf import Part, book_parts
from makebook.writers.pdf_layout import _carried, _layout_key, heads_css
from makebook.writers.makeup import replay
from makebook.writers.pdf_merge import CROSS
from makebook.writers.pdf_part import render


@pytest.fixture(scope="module")
def book(built):  # noqa: F811
    return pikepdf.open(built / "implosion-of-the-ussr.pdf")


@pytest.fixture(scope="module")
def landed(built):  # noqa: F811
    """Each named destination's printed folio (its page's label) in the built PDF."""
    reader = PdfReader(built / "implosion-of-the-ussr.pdf")
    return PageMap({name: reader.page_labels[reader.get_destination_page_number(dest)]
                    for name, dest in reader.named_destinations.items()})


def _one_document(htmls: list[str]) -> str:
    """The parts' HTML as one document: each part's body after the first's, without the
    pages that pad a part to end on a verso (each part opens on a recto all the same)."""
    docs = [lxml.html.document_fromstring(h) for h in htmls]
    body = docs[0].find("body")
    for doc in docs[1:]:
        body.extend(list(doc.find("body")))
    for pad in body.xpath("//*[contains(concat(' ', @class, ' '), ' end-on-verso ')]"):
        pad.getparent().remove(pad)
    return lxml.html.tostring(docs[0], encoding="unicode", doctype="<!DOCTYPE html>")


def test_parts_make_the_pages_of_one_single_document_layout(built, merged, tmp_path):  # noqa: F811
    """The parts as their make-up repairs left them (the part cache keeps that HTML), laid
    out as one document, make the book's pages with the same text on each."""
    cache = PartCache(ROOT)
    html = _one_document([cache.get(key)[1]["html"] for _, _, key in cache.last_layout()])
    reader = PdfReader(built / "implosion-of-the-ussr.pdf")
    # One document has one page counter: restart it at the first text, as the parts do.
    first_text = f"@page :nth({reader.page_labels.index('1') + 1}) {{ counter-set: page 1; }}"
    single = tmp_path / "single.pdf"
    single.write_bytes(render(merged.edition.styles, html, heads_css(merged) + first_text).write_pdf())
    parts = [p.extract_text() for p in reader.pages]
    whole = [p.extract_text() for p in PdfReader(single).pages]
    assert len(parts) == len(whole) > 100
    assert [i for i, (a, b) in enumerate(zip(parts, whole)) if a != b] == []


def test_every_printed_page_number_is_where_its_anchor_landed(merged, landed):
    parts = book_parts(merged, landed)
    checked = [a for p in parts for v in lxml.html.document_fromstring(p.html).xpath(f"//@{PRINTED}") for a in v.split()]
    assert len(checked) > 500  # contents, glossary and index pages, see also, cross-references
    assert [(p.name, w) for p in parts for w in wrong_folios(lxml.html.document_fromstring(p.html), landed)] == []


def test_the_merged_pdf_is_tagged_as_pdf_ua_with_its_language(book):
    assert str(book.Root.Lang) == "en"
    assert book.Root.MarkInfo.Marked
    assert b"pdfuaid:part" in book.Root.Metadata.read_bytes()
    document = book.Root.StructTreeRoot.K[0]
    assert document.S == "/Document" and len(document.K) > 100  # top-level elements of every part
    nums = book.Root.StructTreeRoot.ParentTree.Nums
    keys = [int(k) for k in nums[::2]]
    assert keys == sorted(set(keys))
    # every page and every link annotation finds its structure elements
    for page in book.pages:
        assert int(page.obj.StructParents) in keys
        for annot in page.obj.get("/Annots", []):
            assert int(annot.StructParent) in keys
    for kid in document.K:  # each element of the body belongs to the one document element
        assert kid.P.objgen == document.objgen


def test_bookmarks_links_and_labels_survive_the_merge(book, built):  # noqa: F811
    titles, item = [], book.Root.Outlines.First
    while True:
        titles.append(str(item.Title))
        if "/Next" not in item:
            break
        item = item.Next
    for expected in ("Introduction", "Contents", "The Collapse of the U.S.S.R.", "Glossary", "Colophon"):
        assert expected in titles
    names = book.Root.Names.Dests.Names
    dests = {str(names[i]) for i in range(0, len(names), 2)}
    assert list(dests) and [str(names[i]) for i in range(0, len(names), 2)] == sorted(dests)
    internal = 0
    for page in book.pages:
        for annot in page.obj.get("/Annots", []):
            if "/Dest" in annot:
                internal += 1
                assert str(annot.Dest) in dests
            else:
                assert not str(annot.A.URI).startswith(CROSS)
    assert internal > 1000
    labels = PdfReader(built / "implosion-of-the-ussr.pdf").page_labels
    assert labels[0] == "i" and "1" in labels and labels.index("1") < labels.index("2")



def _layout_record(project):
    return json.loads((project / ".makebook-cache" / "layout.json").read_text())


def test_a_first_build_settles_and_one_changed_note_lays_out_only_its_text(tmp_path):
    project = copy_mini(tmp_path)
    out = tmp_path / "out"
    first = run_cli("build", "--format", "pdf", "--out", str(out), "--quiet", root=project)
    assert first.returncode == 0, first.stderr
    record = _layout_record(project)
    assert record["laid_out"] >= record["printed"] > 0
    notes = project / "notes" / "sample.xml"
    source = notes.read_text()
    start = source.index("<note ")
    end = source.index("</p>", start)
    notes.write_text(source[:end] + " " + source[end:])  # a space: the same lines, pages and folios
    again = run_cli("build", "--format", "pdf", "--out", str(out), "--quiet", root=project)
    assert again.returncode == 0, again.stderr
    reader = PdfReader(out / "sample-edition.pdf")
    dests = reader.named_destinations
    text_first = reader.get_destination_page_number(dests["sample"])
    glossary = reader.get_destination_page_number(dests["glossary"])
    again = _layout_record(project)
    assert list(again["laid_out_by_part"]) == ["text-sample"]  # the text alone laid out again
    assert again["laid_out"] >= glossary - text_first  # its pages (with any make-up repairs)


def _part(body: str) -> Part:
    return Part("text-x", f"<!DOCTYPE html><html><body><section id='x'>{body}</section></body></html>", False, False)


def test_a_part_that_only_prints_other_folios_starts_from_its_repairs():
    """The make-up repairs of a part's last layout (made on its version with no folio known)
    are made again when only its folios (or nothing) changed, and not when its words did."""
    zero = _part("<p id='p1'>See <a data-page-of='a'>0</a> and <span data-page-of='b' data-page='0'></span>.</p><p>More.</p>")
    source = _part("<p id='p1'>See <a data-page-of='a'>5</a> and <span data-page-of='b' data-page='7'></span>.</p><p>More.</p>")
    ops = [["spacing", "p1", 0.01]]
    html = replay(source.html, ops)
    before = {"layout": _layout_key(source, "s"), "zero": _layout_key(zero, "s"), "html": html, "short": 2, "repairs": ops}
    assert _carried(before, source, _layout_key(source, "s"), _layout_key(zero, "s")) == (html, -1, ops)
    moved = _part("<p id='p1'>See <a data-page-of='a'>15</a> and <span data-page-of='b' data-page='17'></span>.</p><p>More.</p>")
    again, short, repairs = _carried(before, moved, _layout_key(moved, "s"), _layout_key(zero, "s"))
    tree = lxml.html.document_fromstring(again)
    assert short == 2 and repairs == ops and tree.xpath("//p/@style") == ["letter-spacing: 0.01em"]
    assert [el.text or el.get("data-page") for el in tree.xpath("//*[@data-page-of]")] == ["15", "17"]
    reworded = _part("<p id='p1'>See <a data-page-of='a'>0</a> or <span data-page-of='b' data-page='0'></span>.</p><p>More.</p>")
    assert _carried(before, moved, _layout_key(moved, "s"), _layout_key(reworded, "s")) is None


def test_a_rebuild_that_carries_repairs_over_makes_the_book_a_cold_build_makes(tmp_path):
    """A note made a page longer moves every part after its text: they start from their last
    repairs, and the book is byte for byte the one a build without a cache makes."""
    project = copy_mini(tmp_path)
    assert run_cli("build", "--format", "pdf", "--out", str(tmp_path / "first"), "--quiet", root=project).returncode == 0
    notes = project / "notes" / "sample.xml"
    source = notes.read_text()
    end = source.rindex("</p>")  # the last note's
    notes.write_text(source[:end] + " An added sentence to make the note longer." * 50 + source[end:])
    again = run_cli("build", "--format", "pdf", "--out", str(tmp_path / "again"), "--quiet", root=project)
    assert again.returncode == 0, again.stderr
    moved = [name for name in _layout_record(project)["laid_out_by_part"] if name != "text-sample"]
    shutil.rmtree(project / ".makebook-cache")
    cold = run_cli("build", "--format", "pdf", "--out", str(tmp_path / "cold"), "--quiet", root=project)
    assert cold.returncode == 0, cold.stderr
    assert moved, "no part after the text was laid out again: the test moves nothing"
    assert (tmp_path / "again" / "sample-edition.pdf").read_bytes() == (tmp_path / "cold" / "sample-edition.pdf").read_bytes()


def test_a_note_changed_in_the_edition_gives_the_book_a_cold_build_gives(built, tmp_path):  # noqa: F811
    """The part cache only saves work: the real edition, a note made longer and rebuilt from
    the session build's cache, is byte for byte the PDF a build without a cache makes."""
    project = tmp_path / "edition"
    for folder in ("edition", "notes", "styles", ".makebook-cache"):
        shutil.copytree(ROOT / folder, project / folder)
    notes = max((project / "notes").glob("*.xml"), key=lambda p: p.read_text(encoding="utf-8").count("<note "))
    source = notes.read_text(encoding="utf-8")
    end = source.index("</p>", source.index("<note "))
    notes.write_text(source[:end] + " A sentence added for the test." + source[end:], encoding="utf-8")
    again = run_cli("build", "--format", "pdf", "--out", str(tmp_path / "again"), "--quiet", root=project)
    assert again.returncode == 0, again.stderr
    laid = _layout_record(project)["laid_out_by_part"]
    assert laid and len(laid) < len(_layout_record(project)["parts"])  # from the cache, in part
    shutil.rmtree(project / ".makebook-cache")
    cold = run_cli("build", "--format", "pdf", "--out", str(tmp_path / "cold"), "--quiet", root=project)
    assert cold.returncode == 0, cold.stderr
    assert [p.read_bytes() for p in (tmp_path / "again").glob("*.pdf")] == \
        [p.read_bytes() for p in (tmp_path / "cold").glob("*.pdf")]
