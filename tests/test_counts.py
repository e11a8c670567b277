"""Counts in the principles and headers are computed from the encoding: filled where left
empty, checked where typed, and a number typed outside a count is refused."""
from __future__ import annotations

import re
import zipfile

from lxml import etree

from helpers import ROOT, copy_mini, run_cli

from makebook.merge.counts import typed_value, words, written


def _principles(project, paragraph: str) -> None:
    meta = project / "edition" / "edition.xml"
    source = meta.read_text()
    meta.write_text(source.replace("<p>PRINCIPLES</p>", paragraph))


def _line_of(path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_empty_counts_are_filled_from_the_encoding(tmp_path):
    project = copy_mini(tmp_path)
    _principles(project, '<p>The sample has <num type="count" subtype="corrections" rend="words"/> correction, '
                         '<num type="count" subtype="gaps" corresp="#sample"/> gap and '
                         '<num type="count" subtype="witness-words"/> witness words.</p>')
    out = tmp_path / "out"
    result = run_cli("build", "--format", "epub", "--out", str(out), "--quiet", root=project)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(next(out.glob("*.epub"))) as z:
        page = " ".join("".join(etree.fromstring(z.read("EPUB/principles.xhtml")).itertext()).split())
    witness_words = len((project / "edition" / "witnesses" / "sample.txt").read_text().split())
    assert f"The sample has one correction, 1 gap and {witness_words} witness words." in page


def test_a_typed_count_that_contradicts_the_encoding_fails_with_file_and_line(tmp_path):
    project = copy_mini(tmp_path)
    _principles(project, '<p>Corrections: <num type="count" subtype="corrections">two</num>.</p>')
    result = run_cli("check", root=project)
    line = _line_of(project / "edition" / "edition.xml", "Corrections:")
    assert result.returncode == 1
    assert f"edition/edition.xml:{line}: the text says “two” corrections, the encoding has 1" in result.stderr


def test_a_typed_count_in_a_header_is_checked_against_its_text(tmp_path):
    project = copy_mini(tmp_path)
    text = project / "edition" / "sample.xml"
    good = text.read_text().replace("<p>Quotation marks encoded.</p>",
                                    '<p>Quotation marks encoded in <num type="count" subtype="paragraphs">three</num> paragraphs.</p>')
    text.write_text(good)
    assert run_cli("check", root=project).returncode == 0
    text.write_text(good.replace(">three</num>", ">four</num>"))
    result = run_cli("check", root=project)
    assert result.returncode == 1 and f"edition/sample.xml:{_line_of(text, 'four</num>')}:" in result.stderr


def test_a_number_typed_by_hand_in_the_principles_is_refused(tmp_path):
    project = copy_mini(tmp_path)
    _principles(project, '<p>In 1991 there were 3 gaps, seven words and ¶ 2; the witness is the one we used.</p>')
    result = run_cli("check", root=project)
    errors = [l for l in result.stderr.splitlines() if "typed by hand" in l]
    assert result.returncode == 1
    assert [re.search(r"number “(\w+)”", l).group(1) for l in errors] == ["3", "seven"]  # not the year, ¶ or pronoun
    assert all(f"edition/edition.xml:{_line_of(project / 'edition' / 'edition.xml', 'In 1991')}:" in l for l in errors)


def test_an_unknown_measure_or_text_is_reported(tmp_path):
    project = copy_mini(tmp_path)
    _principles(project, '<p><num type="count" subtype="typos"/> and <num type="count" subtype="gaps" corresp="#nowhere"/>.</p>')
    result = run_cli("check", root=project)
    assert result.returncode == 1
    assert "unknown measure “typos”" in result.stderr and "use one of:" in result.stderr
    assert "no text “#nowhere”" in result.stderr


def test_numbers_are_written_and_read_back_alike():
    for n in range(1000):
        assert typed_value(words(n)) == n and typed_value(written(n, "Words")) == n and typed_value(written(n, None)) == n
    assert words(1035) == "one thousand and thirty-five" and written(16600, None) == "16,600"
    assert written(2, "times") == "twice" and typed_value("three times") == 3


def test_the_edition_counts_its_ellipses_as_the_witness_types_them():
    """Blunden's chapter and Emancipation omit no ellipsis: every run of full stops in the
    witness is one ellipsis of the encoding (the reviewers found four claimed, six there)."""
    from makebook.merge import merge
    from makebook.merge.counts import measure
    from makebook.sources.load import load

    merged = merge(load(ROOT))
    bodies = {mt.id: mt.body for mt in merged.texts}
    for mt in merged.texts:
        if mt.id in ("blunden-1993-collapse", "emancipation-2021"):
            runs = len(re.findall(r"\.{3,}", mt.text.witness.read_text(encoding="utf-8")))
            assert measure("ellipses", [mt.text], bodies) == runs
    principles = merged.meta.xpath("//*[@type='principles']//*[local-name()='num'][@type='count']")
    assert principles and all((n.text or "").strip() for n in principles)
