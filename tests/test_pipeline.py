"""The whole pipeline on the real edition: build, EPUB validity, links, collation."""
from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from helpers import ROOT, copy_mini, run_cli

XHTML = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = run_cli("build", "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def epub_docs(built) -> dict[str, etree._Element]:
    with zipfile.ZipFile(built / "implosion-of-the-ussr.epub") as z:
        return {n: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}


def test_build_writes_both_books(built):
    assert (built / "implosion-of-the-ussr.epub").stat().st_size > 100_000
    assert (built / "implosion-of-the-ussr.pdf").read_bytes().startswith(b"%PDF")


def test_epubcheck_reports_no_error_and_no_warning(built):
    result = subprocess.run([sys.executable, "-m", "epubcheck", str(built / "implosion-of-the-ussr.epub")],
                            capture_output=True, text=True)
    messages = [l for l in (result.stdout + result.stderr).splitlines() if re.match(r"(ERROR|WARNING|FATAL)", l)]
    assert result.returncode == 0 and messages == [], messages


def test_nomenclatura_in_doyle_links_to_nomenklatura(epub_docs):
    doc = epub_docs["EPUB/text-doyle-2009.xhtml"]
    links = doc.xpath("//x:a[@class='gloss'][contains(@href, '#gl-nomenklatura')]", namespaces=XHTML)
    assert links and "".join(links[0].itertext()).lower() == "nomenclatura"
    assert links[0].get("href") == "glossary.xhtml#gl-nomenklatura-entry"  # the term and definition, shown as a pop-up


@pytest.mark.parametrize("form, entry", [("STKs", "gl-stk"), ("Pabloite", "gl-pabloism")])
def test_variant_forms_are_occurrences_of_their_entry(epub_docs, form, entry):
    glossary = epub_docs["EPUB/glossary.xhtml"]
    assert glossary.xpath(f"//x:dt[@id='{entry}']", namespaces=XHTML)
    found = [el for doc in epub_docs.values() for el in doc.iter(f"{{{XHTML['x']}}}a", f"{{{XHTML['x']}}}span")
             if (el.get("class") or "").startswith("gloss") and "".join(el.itertext()) == form]
    assert found, f"no occurrence of {form} marked as a glossary term"
    occ_ids = {el.get("id") for el in found}
    backlinks = {a.get("href").split("#")[1] for a in glossary.xpath(f"//x:dt[@id='{entry}']/following-sibling::x:dd[1]//x:a[@class='occ']", namespaces=XHTML)}
    assert backlinks & occ_ids, "the glossary entry links back to none of these occurrences"


def test_every_note_has_a_noteref_and_a_backlink(epub_docs):
    seen = 0
    for name, doc in epub_docs.items():
        for note in doc.xpath("//x:section[@epub:type='endnotes']/x:ol/x:li[@epub:type='endnote']", namespaces=XHTML):
            nid = note.get("id")
            seen += 1
            assert doc.xpath(f"//x:a[@href='#{nid}'][@role='doc-noteref']", namespaces=XHTML), (name, nid)
            assert note.xpath(f".//x:a[@href='#ref-{nid}'][@role='doc-backlink']", namespaces=XHTML), (name, nid)
    assert seen > 100, f"only {seen} endnotes found"


def test_collate_accounts_for_every_witness_word():
    result = run_cli("collate")
    assert result.returncode == 0, result.stdout
    *texts, total = result.stdout.splitlines()
    assert len(texts) == 5 and all(line.endswith("; 0 unaccounted difference(s)") for line in texts), result.stdout
    assert total.startswith("all texts: ") and total.endswith("; 0 unaccounted difference(s)"), total


def test_missing_phrase_fails_naming_notes_file_and_line(tmp_path):
    project = copy_mini(tmp_path)
    notes = project / "notes" / "sample.xml"
    notes.write_text(notes.read_text().replace('anchor="Vorkuta"', 'anchor="Workuta"'))
    result = run_cli("check", root=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = next(i for i, l in enumerate(notes.read_text().splitlines(), 1) if "Workuta" in l)
    assert f"notes/sample.xml:{line}:" in result.stderr
    assert "not found" in result.stderr and "Vorkuta" in result.stderr  # nearest candidate offered


def test_collate_catches_a_deleted_and_an_added_word(tmp_path):
    project = copy_mini(tmp_path)
    text = project / "edition" / "sample.xml"
    original = text.read_text()
    text.write_text(original.replace("struck in 1989", "struck 1989"))
    deleted = run_cli("collate", root=project)
    assert deleted.returncode == 1 and "“in” is in the witness, not in the text" in deleted.stdout
    text.write_text(original.replace("in 1989, and", "in 1989 and"))
    comma = run_cli("collate", root=project)
    assert comma.returncode == 1 and "witness line 9" in comma.stdout and "“,” is in the witness" in comma.stdout
    text.write_text(original.replace("The Pabloite current", "The Pabloite political current"))
    added = run_cli("collate", root=project)
    assert added.returncode == 1 and "“political”" in added.stdout


def test_schema_error_names_file_and_line(tmp_path):
    project = copy_mini(tmp_path)
    text = project / "edition" / "sample.xml"
    text.write_text(text.read_text().replace("<p>The Pabloite", "<para>The Pabloite").replace("Pablo.</p>", "Pablo.</para>"))
    result = run_cli("check", root=project)
    line = next(i for i, l in enumerate(text.read_text().splitlines(), 1) if "<para>" in l)
    assert result.returncode == 1 and f"edition/sample.xml:{line}:" in result.stderr


def test_paragraph_numbers_and_interventions_are_the_same_in_both_books(built, epub_docs):
    from pypdf import PdfReader

    from makebook.sources.load import load
    from makebook.merge import merge
    from makebook.merge.numbering import interventions

    merged = merge(load(ROOT))
    pdf_ids = set(PdfReader(built / "implosion-of-the-ussr.pdf").named_destinations)
    for mt in merged.texts:
        doc = epub_docs[f"EPUB/text-{mt.id}.xhtml"]
        epub_paras = [a.text for a in doc.xpath("//x:a[@class='pnum']", namespaces=XHTML)]
        assert epub_paras == [str(n) for n in range(1, len(epub_paras) + 1)]
        assert {f"{mt.id}-p{n}" for n in epub_paras} <= pdf_ids  # every numbered paragraph is in the PDF
        listed = {*interventions(mt.body), *mt.body.iterfind(".//{http://www.tei-c.org/ns/1.0}note[@type='textual']")}
        interventions_ids = [el.get("{http://www.w3.org/XML/1998/namespace}id") for el in mt.body.iter() if el in listed]
        entries = doc.xpath("//x:section[@role='doc-endnotes'][contains(@class, 'apparatus')]//x:li/@id", namespaces=XHTML)
        assert entries == interventions_ids, mt.id
        assert set(interventions_ids) <= pdf_ids, mt.id
