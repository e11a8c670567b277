"""Precise indexing: no occurrence inside a title of a work unless the entry says so; one
wrong-sense occurrence excluded, or one that no form matches included, from the notes
files, each found like a note anchor or reported with its file and line."""
from __future__ import annotations

from helpers import ROOT, copy_mini, run_cli

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


def _edit(path, old: str, new: str) -> None:
    source = path.read_text()
    assert old in source
    path.write_text(source.replace(old, new))


def _occurrences(project) -> dict[str, list[str]]:
    """Entry id -> the words of each of its occurrences, from the merged texts."""
    from makebook.merge import merge
    from makebook.sources.load import load

    merged = merge(load(project))
    found: dict[str, list[str]] = {}
    for mt in merged.texts:
        for el in mt.body.iter(f"{TEI}term", f"{TEI}persName"):
            found.setdefault(el.get("ref")[1:], []).append("".join(el.itertext()))
    return found


def _line(path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_a_term_inside_a_title_counts_only_if_the_entry_says_so(tmp_path):
    project = copy_mini(tmp_path)
    _edit(project / "edition" / "sample.xml", '<hi rend="italic">glasnost</hi>',
          '<title level="m"><hi rend="italic">glasnost</hi></title>')
    glossary = project / "notes" / "glossary.xml"
    result = run_cli("check", root=project)
    assert result.returncode == 1
    assert f"notes/glossary.xml:{_line(glossary, '<form>glasnost</form>')}: form “glasnost” of “gl-glasnost” occurs only inside titles" in result.stderr
    _edit(glossary, '<entry xml:id="gl-glasnost">', '<entry xml:id="gl-glasnost" in-titles="yes">')
    assert _occurrences(project)["gl-glasnost"] == ["glasnost"]


def test_an_exclusion_removes_one_occurrence_and_one_matching_nothing_is_an_error(tmp_path):
    project = copy_mini(tmp_path)
    persons = project / "notes" / "persons.xml"
    assert len(_occurrences(project)["pers-gorbachev"]) == 2
    _edit(persons, "<form>Mikhail Gorbachev</form>", '<form>Mikhail Gorbachev</form><exclude text="sample" anchor="Gorbachev met">a test</exclude>')
    assert _occurrences(project)["pers-gorbachev"] == ["Mikhail Gorbachev"]
    _edit(persons, 'anchor="Gorbachev met"', 'anchor="struck in 1989"')
    result = run_cli("check", root=project)
    assert result.returncode == 1
    assert f"notes/persons.xml:{_line(persons, 'struck in 1989')}: exclude in “pers-gorbachev”: “struck in 1989” holds no occurrence" in result.stderr
    _edit(persons, 'anchor="struck in 1989"', 'anchor="struck in 1991"')
    result = run_cli("check", root=project)
    assert result.returncode == 1 and "not found in sample" in result.stderr and "struck in 1989" in result.stderr  # nearest


def test_an_inclusion_indexes_a_bare_surname_and_a_double_one_is_an_error(tmp_path):
    project = copy_mini(tmp_path)
    _edit(project / "edition" / "sample.xml", "<p>The Pabloite current followed Pablo.</p>",
          "<p>The Pabloite current followed Pablo.</p><p>David North replied; North wrote often.</p>")
    persons = project / "notes" / "persons.xml"
    _edit(persons, "</persons>", '<person xml:id="pers-north"><name>David North</name><sort>North, David</sort><dates>b. 1950</dates>'
                                 '<desc>Trotskyist.</desc><form>David North</form>'
                                 '<include text="sample" anchor="North" suffix=" wrote">the surname alone</include></person></persons>')
    assert _occurrences(project)["pers-north"] == ["David North", "North"]
    _edit(persons, 'anchor="North" suffix=" wrote"', 'anchor="David North"')
    result = run_cli("check", root=project)
    assert result.returncode == 1 and "include in “pers-north”: “David North” is already an occurrence of “pers-north”" in result.stderr
    _edit(persons, 'text="sample" anchor="David North"', 'text="elsewhere" anchor="David North"')
    result = run_cli("check", root=project)
    assert result.returncode == 1 and "for unknown text “elsewhere”" in result.stderr


def test_the_edition_indexes_no_title_the_wrong_oligarchs_nor_misses_bare_north():
    from makebook.merge import merge
    from makebook.sources.load import load

    edition = load(ROOT)
    counted_in_titles = {e.id for e in edition.entries if e.in_titles}
    merged = merge(edition)
    for mt in merged.texts:
        for el in mt.body.iter(f"{TEI}term", f"{TEI}persName"):
            in_title = any(a.tag == f"{TEI}title" for a in el.iterancestors())
            assert not in_title or el.get("ref")[1:] in counted_in_titles, (mt.id, el.get(XML_ID))
    malvar = next(mt for mt in merged.texts if mt.id == "malvar-2021")
    terms = {("".join(el.itertext()), el.get("ref")) for el in malvar.body.iter(f"{TEI}term", f"{TEI}persName")}
    assert ("oligarchs", "#gl-oligarchs") not in terms
    assert ("North", "#pers-north") in terms
