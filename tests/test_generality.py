"""makebook is a tool for any edition: none of this edition's words in the tool's code, and a
new edition made by `makebook new` builds at once, under its own name."""
from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

from lxml import etree
from pypdf import PdfReader

from helpers import ROOT, run_cli
from makebook.sources.load import load

CODE = ROOT / "src" / "makebook"


def edition_words() -> set[str]:
    """This edition's distinctive words: its title, subjects and keywords, authors, text ids and slug."""
    ed = load(ROOT)
    meta = ed.metadata
    phrases = [meta.title, meta.subtitle, *meta.subjects, *meta.keywords, *(t.author for t in ed.texts)]
    words = {w for p in phrases for w in re.findall(r"[A-Z][\w’']{3,}", p)}
    # the acronyms of what makebook itself writes in every book (EPUB, PDF…), which its skeleton lists
    tools = {a.text for a in etree.parse(CODE / "skeleton" / "notes" / "acronyms.xml").iterfind("acronym/abbr")}
    return words | {meta.slug} | {t.id for t in ed.texts} | {a.abbr for a in ed.acronyms if len(a.abbr) > 3} - tools


def test_the_code_and_styles_hold_no_word_of_this_edition():
    words = edition_words()
    assert {"USSR", "Blunden", "implosion-of-the-ussr"} <= words  # the list is the edition's, not empty
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(words))) + r")\b")
    found = [f"{p.relative_to(ROOT)}:{n}: {m.group(0)}" for p in sorted([*CODE.rglob("*"), *(ROOT / "styles").rglob("*")]) if p.is_file()
             and p.suffix in (".py", ".xml", ".txt", ".j2", ".css")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) for m in pattern.finditer(line)]
    assert not found, "\n".join(found)


def test_a_new_edition_builds_under_its_own_name(tmp_path):
    folder = tmp_path / "letters-of-1848"
    made = run_cli("new", str(folder), root=tmp_path)
    assert made.returncode == 0, made.stderr
    assert (folder / "styles" / "print.css").is_file()  # the designer's copy
    # Built as an editor types it, from the folder above, with a relative --root.
    built = subprocess.run([sys.executable, "-c", "from makebook.cli import main; main()", "--root", folder.name,
                            "build", "--quiet"], capture_output=True, text=True, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    epub, pdf = folder / "dist" / "letters-of-1848.epub", folder / "dist" / "letters-of-1848.pdf"
    with zipfile.ZipFile(epub) as z:
        text = " ".join(z.read(n).decode() for n in z.namelist() if n.endswith((".xhtml", ".opf", ".ncx")))
    text += " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "A New Edition" in text and "Gutenberg" in text
    leaked = sorted(w for w in edition_words() if re.search(rf"\b{re.escape(w)}\b", text))
    assert not leaked
    collated = run_cli("collate", root=folder)
    assert collated.returncode == 0 and "0 unaccounted" in collated.stdout


def test_a_new_edition_never_overwrites(tmp_path):
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "mine.txt").write_text("an editor's file")
    result = run_cli("new", str(folder), root=tmp_path)
    assert result.returncode == 1 and "not an empty folder" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["mine.txt"]
