"""The build checks its own books, and `makebook verify` checks built ones: every note and
apparatus entry in both books, footnotes on their call's page, witness words accounted for."""
from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile

from lxml import etree

from helpers import copy_mini, run_cli
from test_pipeline import built  # noqa: F401  (the session build)

BOOKS = ("implosion-of-the-ussr.epub", "implosion-of-the-ussr.pdf")
SUMMARY = re.compile(r"^verified: (\d+) footnotes and (\d+) apparatus entries in both books, (\d+) of (\d+) footnotes "
                     r"beginning on their call's page; (\d+) of (\d+) witness words and marks accounted for"
                     r"(?: in the reading text of the (EPUB and the PDF|EPUB))?$", re.MULTILINE)


def test_the_real_edition_passes_every_check(built):  # noqa: F811
    result = run_cli("verify", *(str(built / name) for name in BOOKS))
    assert result.returncode == 0, result.stderr
    m = SUMMARY.search(result.stdout)
    assert m, result.stdout
    footnotes, entries, on_page, total, accounted, words = map(int, m.groups()[:6])
    assert footnotes >= 150 and entries >= 50 and words > 10000
    assert on_page == total == footnotes and accounted == words
    assert m.group(7) == "EPUB and the PDF"


def test_a_note_missing_from_the_epub_is_named(built, tmp_path):  # noqa: F811
    removed = []

    def drop(name, data):
        m = re.search(rb'<li class="endnote" id="([^"]+)"', data) if name.endswith(".xhtml") and not removed else None
        if m:
            removed.append(m.group(1).decode())
            data = data.replace(m.group(0), b'<li class="endnote" id="gone"', 1)
        return data

    broken = tmp_path / BOOKS[0]
    broken.write_bytes(_rewrite_epub(built / BOOKS[0], drop))
    assert removed
    removed = removed[0]
    result = run_cli("verify", str(broken), str(built / BOOKS[1]))
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert len(errors) == 1, result.stderr
    assert re.match(rf"error: notes/[\w-]+\.xml:\d+: footnote “{removed}” is missing from the EPUB", errors[0]), errors


def test_build_refuses_books_that_lost_a_witness_word(tmp_path):
    project = copy_mini(tmp_path)
    text = project / "edition" / "sample.xml"
    text.write_text(text.read_text(encoding="utf-8").replace("1989, and Gorbachev", "1989, Gorbachev"), encoding="utf-8")
    dist = project / "dist"
    dist.mkdir()
    previous = {"sample-edition.epub": b"previous epub", "sample-edition.pdf": b"previous pdf"}
    for name, data in previous.items():
        (dist / name).write_bytes(data)
    result = run_cli("build", "--quiet", root=project)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    errors = result.stderr.splitlines()
    assert errors and all(e.startswith("error: edition/sample.xml: witness line ") for e in errors), errors
    assert any("“and” is in the witness, not in the text" in e for e in errors), errors
    assert {p.name: p.read_bytes() for p in dist.iterdir()} == previous


def test_build_says_what_it_verified(tmp_path):
    project = copy_mini(tmp_path)
    result = run_cli("build", "--quiet", root=project)
    assert result.returncode == 0, result.stderr
    m = SUMMARY.search(result.stdout)
    assert m and m.group(3) == m.group(4) == m.group(1) and m.group(5) == m.group(6), result.stdout
    assert m.group(7) == "EPUB and the PDF"


def _rewrite_epub(book, change) -> bytes:
    """The EPUB with `change(name, data)` applied to each member."""
    source = zipfile.ZipFile(book)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in source.infolist():
            dst.writestr(info, change(info.filename, source.read(info.filename)))
    return out.getvalue()


def test_a_word_lost_from_the_epub_is_named(built, tmp_path):  # noqa: F811
    def drop(name, data):
        return data.replace(b"abandoned the use of ration", b"abandoned the of ration", 1) if name.endswith("blunden-1993-collapse.xhtml") else data

    broken = tmp_path / BOOKS[0]
    broken.write_bytes(_rewrite_epub(built / BOOKS[0], drop))
    result = run_cli("verify", str(broken))
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert len(errors) == 1, result.stderr
    assert re.match(r"error: edition/blunden-1993-collapse\.xml:\d+: the EPUB's reading text lost “use” "
                    r"\(¶ \d+, witness line \d+\)", errors[0]), errors


def test_collate_compares_the_built_books(tmp_path):
    project = copy_mini(tmp_path)
    assert run_cli("build", "--quiet", root=project).returncode == 0
    result = run_cli("collate", "--books", root=project)
    assert result.returncode == 0, result.stdout + result.stderr
    for book in ("EPUB", "PDF"):
        m = re.search(rf"^sample \({book}\): (\d+) words and marks printed, (\d+) in the edited reading; 0 difference\(s\)$",
                      result.stdout, re.M)
        assert m and int(m.group(1)) >= int(m.group(2)) > 30, result.stdout  # the PDF's also counts its calls
    assert re.search(r"^sample: 45 witness words, \d+ words and marks: \d+ in the text, 1 in corrections, "
                     r"4 omitted in gaps \(boilerplate\); 0 unaccounted difference\(s\)$", result.stdout, re.M), result.stdout


# A layout that drops a word from the PDF only: the part processes render the HTML without it.
DROP_FROM_PDF = """
import makebook.writers.pdf_part as part
render = part.render
part.render = lambda styles, html, extra_css="": render(styles, html.replace("1989, and ", "1989, "), extra_css)
"""
UNCHECKED = "import makebook.pipeline as p; p._verified = lambda *args: 'not verified'\n"


def _run_patched(patch: str, *args: str, root) -> subprocess.CompletedProcess:
    """The CLI in a process where `patch` was run first."""
    cmd = [sys.executable, "-c", patch + "from makebook.cli import main; main()", "--root", str(root), *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=root)


def _witness_line(project, words: str) -> int:
    lines = (project / "edition" / "witnesses" / "sample.txt").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if words in line)


def _paragraph_of(project, words: str) -> tuple[int, int]:
    """The source line and the number (¶) of the paragraph of sample.xml holding `words`."""
    tree = etree.parse(str(project / "edition" / "sample.xml"))
    paras = tree.getroot().findall(".//{http://www.tei-c.org/ns/1.0}body//{http://www.tei-c.org/ns/1.0}p")
    n, para = next((n, p) for n, p in enumerate(paras, 1) if words in "".join(p.itertext()))
    return para.sourceline, n


def test_build_refuses_a_pdf_that_lost_a_word(tmp_path):
    project = copy_mini(tmp_path)
    dist = project / "dist"
    dist.mkdir()
    previous = {"sample-edition.epub": b"previous epub", "sample-edition.pdf": b"previous pdf"}
    for name, data in previous.items():
        (dist / name).write_bytes(data)
    result = _run_patched(DROP_FROM_PDF, "build", "--quiet", root=project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    errors = result.stderr.splitlines()
    line, para = _paragraph_of(project, "1989, and Gorbachev")
    assert errors == [f"error: edition/sample.xml:{line}: the PDF's reading text lost “and” (¶ {para}, witness line "
                      f"{_witness_line(project, '1989, and Gorbachev')}): …of Vorkuta struck in 1989 , [and] Gorbachev "
                      f"met them . Shevardnadze resigned… (a defect of the books, not of the sources: report it)"], errors
    assert {p.name: p.read_bytes() for p in dist.iterdir()} == previous


def test_verify_reads_the_words_of_a_built_pdf(tmp_path):
    project = copy_mini(tmp_path)
    assert _run_patched(DROP_FROM_PDF + UNCHECKED, "build", "--quiet", root=project).returncode == 0
    result = run_cli("verify", root=project)
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    line, para = _paragraph_of(project, "1989, and Gorbachev")
    assert len(errors) == 1 and errors[0].startswith(
        f"error: edition/sample.xml:{line}: the PDF's reading text lost “and” (¶ {para}, witness line "
        f"{_witness_line(project, '1989, and Gorbachev')}): "), errors
    assert run_cli("verify", str(project / "dist" / "sample-edition.epub"), root=project).returncode == 0


def test_collate_says_what_accounts_for_each_difference(tmp_path):
    project = copy_mini(tmp_path)
    tree = etree.parse(str(project / "edition" / "sample.xml"))
    tei = "{http://www.tei-c.org/ns/1.0}"
    gap, choice = tree.find(f".//{tei}gap"), tree.find(f".//{tei}choice")
    result = run_cli("collate", "--detail", root=project)
    assert result.returncode == 0, result.stdout + result.stderr
    details = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    _, para = _paragraph_of(project, "Shevardnadze")
    assert details == [
        f"  sample.xml:{gap.sourceline}: gap (boilerplate), before ¶ 1, apparatus a; "
        f"witness line {_witness_line(project, 'Site menu')}: “Site menu Home About”",
        f"  sample.xml:{choice.sourceline}: correction, ¶ {para}, apparatus b; "
        f"witness line {_witness_line(project, 'Shevadnardze')}: “Shevadnardze”"], result.stdout


def test_collate_detail_still_lists_what_nothing_accounts_for(tmp_path):
    project = copy_mini(tmp_path)
    text = project / "edition" / "sample.xml"
    text.write_text(text.read_text(encoding="utf-8").replace("1989, and Gorbachev", "1989, Gorbachev"), encoding="utf-8")
    result = run_cli("collate", "--detail", root=project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    line = _witness_line(project, "1989, and Gorbachev")
    assert any(re.match(rf"  sample\.xml: witness line {line} \(“.*”\): “and” is in the witness, not in the text$", x)
               for x in lines), result.stdout
    assert sum(" correction, " in x for x in lines) == 1 and sum(" gap (boilerplate), " in x for x in lines) == 1


def test_a_part_from_the_cache_is_checked_by_its_kept_text(tmp_path):
    project = copy_mini(tmp_path)
    assert run_cli("build", "--quiet", root=project).returncode == 0
    dist = {p.name: p.read_bytes() for p in (project / "dist").iterdir() if p.is_file()}
    cache = project / ".makebook-cache"
    kept = [p for p in (cache / "parts").glob("*.json") if "1989, and " in p.read_text(encoding="utf-8")]
    assert len(kept) == 1
    kept[0].write_text(kept[0].read_text(encoding="utf-8").replace("1989, and ", "1989, "), encoding="utf-8")
    (cache / "state.json").unlink()  # the build runs again, every part laid out from the cache
    result = run_cli("build", "--quiet", root=project)
    assert result.returncode == 1, result.stdout
    errors = result.stderr.splitlines()
    assert len(errors) == 1 and "the PDF's reading text lost “and”" in errors[0], errors
    assert {p.name: p.read_bytes() for p in (project / "dist").iterdir() if p.is_file()} == dist


def test_verify_refuses_a_file_that_is_not_a_book(tmp_path):
    for name in ("broken.pdf", "broken.epub"):
        book = tmp_path / name
        book.write_bytes(b"not a book\n")
        result = run_cli("verify", str(book))
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        errors = result.stderr.splitlines()
        assert len(errors) == 1 and errors[0].startswith(f"error: {book}: not a readable {name[7:].upper()} (")
        assert errors[0].endswith(") (name a book makebook built, or build it again)"), errors
