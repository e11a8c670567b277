"""The textual apparatus of doubtful readings: a `sic` standing alone is kept in the text,
called by a letter and listed as the witness's reading, on the fixture and the real edition."""
from __future__ import annotations

import zipfile

from lxml import etree

from helpers import ROOT, copy_mini, run_cli

XHTML = {"x": "http://www.w3.org/1999/xhtml"}
TEI = "{http://www.tei-c.org/ns/1.0}"


def _edit(project, old: str, new: str) -> None:
    text = project / "edition" / "sample.xml"
    source = text.read_text()
    assert old in source
    text.write_text(source.replace(old, new))


def _page(project, out, name: str = "sample") -> etree._Element:
    result = run_cli("build", "--format", "epub", "--out", str(out), "--quiet", root=project)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(next(out.glob("*.epub"))) as z:
        return etree.fromstring(z.read(f"EPUB/text-{name}.xhtml"))


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def test_a_marked_reading_stays_in_the_text_and_the_apparatus_gives_it_as_the_witnesss(tmp_path):
    project = copy_mini(tmp_path)
    _edit(project, "the nomenclatura of the CPSU kept",
          'the <sic type="word">nomenclatura</sic> of the CPSU <sic type="agreement">kept</sic>')
    assert run_cli("collate", root=project).returncode == 0  # the marked words are the witness's
    page = _page(project, tmp_path / "out")
    para = page.xpath("//x:p[@id='sample-p1']", namespaces=XHTML)[0]
    assert "the nomenclatura" in _text(para) and "CPSU kept" in _text(para)
    calls = para.xpath(".//x:a[@class='app-call']", namespaces=XHTML)
    entries = {li.get("id"): _text(li) for li in page.xpath("//x:li[@class='app-sic']", namespaces=XHTML)}
    assert [c.get("href")[1:] for c in calls] == list(entries)
    kept = entries[calls[1].get("href")[1:]]
    assert "¶ 1: kept] so W (" in kept and "agree" in kept
    # A term inside a marked reading is still an occurrence of its entry.
    assert para.xpath(".//x:a[@class='gloss'][contains(@href, 'gl-nomenklatura')]", namespaces=XHTML)


def test_a_marked_reading_without_its_kind_is_refused_by_the_schema(tmp_path):
    project = copy_mini(tmp_path)
    _edit(project, "Mikhail Gorbachev spoke", "Mikhail Gorbachev <sic>spoke</sic>")
    result = run_cli("check", root=project)
    assert result.returncode == 1 and "edition/sample.xml:" in result.stderr and "tei-edition.rng" in result.stderr


def test_every_marked_reading_of_the_edition_has_its_entry(tmp_path):
    from makebook.merge import merge
    from makebook.merge.numbering import interventions
    from makebook.sources.load import load

    merged = merge(load(ROOT))
    marked = {mt.id: [el for el in interventions(mt.body) if el.tag == f"{TEI}sic"] for mt in merged.texts}
    assert sum(map(len, marked.values())) >= 10
    out = tmp_path / "out"
    assert run_cli("build", "--format", "epub", "--out", str(out), "--quiet").returncode == 0
    with zipfile.ZipFile(next(out.glob("*.epub"))) as z:
        for text_id, sics in marked.items():
            page = etree.fromstring(z.read(f"EPUB/text-{text_id}.xhtml"))
            listed = {li.get("id"): _text(li) for li in page.xpath("//x:li[@class='app-sic']", namespaces=XHTML)}
            for el in sics:
                reading = " ".join("".join(el.itertext()).split())
                assert f"{reading}] so W (" in listed[el.get('{http://www.w3.org/XML/1998/namespace}id')]
