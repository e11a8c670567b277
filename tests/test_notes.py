"""Editors' work on notes: writing one by hand, `notes add`, and the errors they meet."""
from __future__ import annotations

import zipfile

from lxml import etree
from pypdf import PdfReader

from helpers import copy_mini, run_cli

XHTML = "{http://www.w3.org/1999/xhtml}"


def _add_note_by_hand(project, xml: str) -> None:
    notes = project / "notes" / "sample.xml"
    notes.write_text(notes.read_text().replace("</notes>", xml + "\n</notes>"))


def test_hand_written_note_reaches_both_books(tmp_path):
    project = copy_mini(tmp_path)
    _add_note_by_hand(project, '<note xml:id="sample-struck" type="explanatory" anchor="struck in 1989">'
                               '<p>The miners’ strike of July 1989.</p></note>')
    dist = tmp_path / "dist"
    result = run_cli("build", "--out", str(dist), "--quiet", root=project)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(dist / "sample-edition.epub") as z:
        page = etree.fromstring(z.read("EPUB/text-sample.xhtml"))
    note = page.find(f".//{XHTML}li[@id='sample-struck']")
    assert note is not None and "miners’ strike" in "".join(note.itertext())
    assert note.get("{http://www.idpf.org/2007/ops}type") == "endnote"
    assert note.find(f".//{XHTML}a[@href='#ref-sample-struck']") is not None
    call = page.find(f".//{XHTML}a[@id='ref-sample-struck']")
    assert call is not None and "struck in 1989" in (call.getparent().text or "") + "".join(
        (c.tail or "") for c in call.itersiblings(preceding=True))
    pdf = PdfReader(dist / "sample-edition.pdf")
    dests = pdf.named_destinations
    call_page = pdf.get_destination_page_number(dests["ref-sample-struck"])
    assert call_page == pdf.get_destination_page_number(dests["sample-struck"])
    assert "miners’ strike of July 1989" in pdf.pages[call_page].extract_text()


def test_notes_add_writes_a_skeleton_in_text_order(tmp_path):
    project = copy_mini(tmp_path)
    result = run_cli("notes", "add", "sample", "--anchor", "Shevardnadze", root=project)
    assert result.returncode == 0, result.stderr
    notes = (project / "notes" / "sample.xml").read_text()
    # ¶ 2: after the Vorkuta note of the same paragraph, before nothing else
    assert notes.index('xml:id="sample-vorkuta"') < notes.index('xml:id="sample-shevardnadze"')
    check = run_cli("check", root=project)
    assert check.returncode == 1 and "has no text yet" in check.stderr


def test_notes_add_refuses_an_ambiguous_phrase_and_says_how_to_fix(tmp_path):
    project = copy_mini(tmp_path)
    before = (project / "notes" / "sample.xml").read_text()
    result = run_cli("notes", "add", "sample", "--anchor", "Gorbachev", root=project)
    assert result.returncode == 1
    assert "found 2 times" in result.stderr and "¶ 1" in result.stderr and "¶ 2" in result.stderr
    assert "prefix" in result.stderr and "occurrence" in result.stderr
    assert (project / "notes" / "sample.xml").read_text() == before


def test_phrase_is_found_across_inline_markup_and_typography(tmp_path):
    project = copy_mini(tmp_path)
    # "glasnost" is inside <hi>; the quotation is typed with straight quotes, the text encodes <q>
    _add_note_by_hand(project, '<note xml:id="sample-span" type="explanatory" anchor="spoke of glasnost and the STKs">'
                               '<p>Across markup.</p></note>'
                               '<note xml:id="sample-quoted" type="explanatory" anchor=\'kept "its privileges"\'>'
                               '<p>Typography folded.</p></note>')
    result = run_cli("check", root=project)
    assert result.returncode == 1  # the second one is on the same phrase end as sample-privileges
    assert "same phrase" in result.stderr and "sample-quoted" in result.stderr
    assert "sample-span" not in result.stderr


def test_word_boundaries_keep_pablo_apart_from_pabloite(tmp_path):
    project = copy_mini(tmp_path)
    _add_note_by_hand(project, '<note xml:id="sample-pablo" type="explanatory" anchor="Pablo"><p>Michel Pablo.</p></note>')
    assert run_cli("check", root=project).returncode == 0
