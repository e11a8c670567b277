"""A corpus of hostile inputs, each breaking ONE thing in a copy of the mini fixture.

Every case runs the real command line in a subprocess and asserts what an editor must
see: exit status 1, no traceback, nothing but `error: <file>:<line>: …` lines, each naming
a file of the project (with a line unless the message is about a whole file), one of them
naming the broken file and line; and a dist/ left byte for byte as it was, with no
temporary files. Input-validation cases run `check` (fast); a handful run `build`.
A case the tool gets wrong is marked with Case(xfail="the defect"), a strict xfail.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "mini"
CLI = [sys.executable, "-c", "from makebook.cli import main; main()"]
PREVIOUS = {  # a previous build sitting in dist/, which a failed run must leave alone
    "sample-edition.epub": b"PK\x03\x04 previous epub \x00\xff" * 64,
    "sample-edition.pdf": b"%PDF-1.7 previous pdf \x00\xff" * 64,
}
ERROR_LINE = re.compile(r"^error: (?P<path>[^:]+?)(?::(?P<line>\d+))?: (?P<msg>.+)$")
# Messages that concern a whole file, where no line number is meaningful.
WHOLE_FILE = ("file not found", "MB limit", "not found in edition/", "directory", "folder")
PASSWD_MARKER = "root:x:0:0"


def run_cli(project: Path, *args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "--root", str(project), *args], cwd=cwd, capture_output=True,
                          text=True, errors="replace", timeout=timeout)


# Breakers ---------------------------------------------------------------------

def replace(rel: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    """A breaker that replaces `old` (which must occur exactly `count` times) in one file."""
    def breaker(project: Path) -> None:
        path = project / rel
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == count, f"fixture changed: {old!r} not found {count}x in {rel}"
        path.write_text(text.replace(old, new), encoding="utf-8")
    return breaker


def write(rel: str, data: str | bytes) -> Callable[[Path], None]:
    def breaker(project: Path) -> None:
        path = project / rel
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return breaker


def chain(*breakers: Callable[[Path], None]) -> Callable[[Path], None]:
    def breaker(project: Path) -> None:
        for b in breakers:
            b(project)
    return breaker


def delete(rel: str) -> Callable[[Path], None]:
    def breaker(project: Path) -> None:
        (project / rel).unlink()
    return breaker


def flip_one_byte(project: Path) -> None:
    path = project / "edition" / "witnesses" / "sample.txt"
    data = bytearray(path.read_bytes())
    i = data.index(b"Vorkuta")
    data[i] = ord("W")
    path.write_bytes(bytes(data))


def latin1_byte(project: Path) -> None:
    path = project / "notes" / "sample.xml"
    data = path.read_bytes().replace(b"A note on a quoted phrase.", "A note on a quoted phrase, café.".encode("latin-1"))
    assert b"caf\xe9" in data
    path.write_bytes(data)


def fifty_megabytes(project: Path) -> None:
    path = project / "notes" / "sample.xml"
    head, _, tail = path.read_text(encoding="utf-8").partition("<notes")
    chunk = b"x" * (1024 * 1024)
    with path.open("wb") as fh:
        fh.write(head.encode() + b"<!-- ")
        for _ in range(50):
            fh.write(chunk)
        fh.write(b" -->\n<notes" + tail.encode())


def deep_nesting(project: Path) -> None:
    path = project / "notes" / "sample.xml"
    deep = '<hi rend="italic">' * 5000 + "deep" + "</hi>" * 5000
    text = path.read_text(encoding="utf-8").replace("A note on a quoted phrase.", deep)
    path.write_text(text, encoding="utf-8")


XXE_DOCTYPE = '<!DOCTYPE notes [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = """<!DOCTYPE notes [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""
NOTES_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'


def add_note(xml: str) -> Callable[[Path], None]:
    """Insert a note (one line) before the closing </notes>."""
    return replace("notes/sample.xml", "</notes>", f"  {xml}\n</notes>")


# The corpus ---------------------------------------------------------------------

@dataclass
class Case:
    id: str
    breaker: Callable[[Path], None]
    file: str                         # the file the error must name, relative to the project
    line: int | str | tuple | None    # its line; a str is a marker whose (first) line is expected
    says: tuple[str, ...] = ()        # substrings of the located error line
    command: str = "check"            # "build" for cases that must also prove dist/ intact
    xfail: str | None = None
    max_seconds: float | None = None


CASES = [
    # --- well-formedness and the parser ------------------------------------------------
    Case("malformed-unclosed-tag", replace("edition/sample.xml", "<q>its privileges</q>", "<q>its privileges"),
         "edition/sample.xml", "<q>its privileges", ("malformed XML",), command="build"),
    Case("wrong-root-element", replace("notes/sample.xml", "notes", "remarks", count=2),
         "notes/sample.xml", "<remarks", ("schema/notes.rng",)),
    Case("unknown-tei-element-in-body", replace("edition/sample.xml", "and Gorbachev met them", "and <blink>Gorbachev</blink> met them"),
         "edition/sample.xml", "<blink>", ("blink",)),
    Case("unknown-attribute-value", replace("edition/sample.xml", 'rend="italic"', 'rend="underline"'),
         "edition/sample.xml", 'rend="underline"', ("tei-edition.rng",)),
    Case("xxe-system-entity", chain(replace("notes/sample.xml", NOTES_DECL, NOTES_DECL + XXE_DOCTYPE + "\n"),
                                    replace("notes/sample.xml", "A note on a quoted phrase.", "&xxe;")),
         "notes/sample.xml", "<!DOCTYPE", ("DOCTYPE",), command="build"),
    Case("billion-laughs", chain(replace("notes/sample.xml", NOTES_DECL, NOTES_DECL + LAUGHS),
                                 replace("notes/sample.xml", "A note on a quoted phrase.", "&lol9;")),
         "notes/sample.xml", (2, 3), ("DOCTYPE",), command="build", max_seconds=20),
    Case("external-dtd", replace("edition/sample.xml", '<?xml version="1.0" encoding="UTF-8"?>\n',
                                 '<?xml version="1.0" encoding="UTF-8"?>\n'
                                 '<!DOCTYPE TEI SYSTEM "http://example.invalid/tei_all.dtd">\n'),
         "edition/sample.xml", "<!DOCTYPE", ("DOCTYPE",)),
    Case("non-utf8-latin1", latin1_byte, "notes/sample.xml", "café", ("UTF-8", "0xe9")),
    Case("empty-file", write("notes/sample.xml", b""), "notes/sample.xml", 1, ("empty",)),
    Case("whitespace-only-file", write("notes/glossary.xml", b"  \n\t\n   \n"), "notes/glossary.xml", 1, ("empty",)),
    Case("control-character", replace("notes/sample.xml", "A note on a quoted phrase.", "A note \x01 on a quoted phrase."),
         "notes/sample.xml", "\x01", ("malformed XML",)),
    Case("deep-nesting", deep_nesting, "notes/sample.xml", "deep", ("malformed XML",), max_seconds=20),
    Case("oversized-50MB", fifty_megabytes, "notes/sample.xml", None, ("MB",), command="build", max_seconds=10),
    Case("directory-named-like-notes-file", lambda p: (p / "notes" / "extra.xml").mkdir(), "notes/extra.xml", None, ()),
    # --- texts and witnesses ------------------------------------------------------------
    Case("missing-witness-file", delete("edition/witnesses/sample.txt"), "edition/sample.xml", "<witness",
         ("witnesses/sample.txt", "not found")),
    Case("witness-one-byte-changed", flip_one_byte, "edition/sample.xml", "<witness", ("sha256",), command="build"),
    Case("witness-is-a-directory", replace("edition/sample.xml", 'file="witnesses/sample.txt"', 'file="witnesses"'),
         "edition/sample.xml", "<witness", ("witnesses",)),
    Case("text-id-not-file-name", replace("edition/sample.xml", 'xml:id="sample"', 'xml:id="sampel"'),
         "edition/sample.xml", 'xml:id="sampel"', ("sampel", 'xml:id="sample"')),
    Case("ptr-to-missing-text", replace("edition/edition.xml", '<ptr target="sample.xml"/>',
                                        '<ptr target="sample.xml"/>\n      <ptr target="missing-text.xml"/>'),
         "edition/edition.xml", "missing-text.xml", ("missing-text.xml",)),
    Case("ptr-path-traversal", replace("edition/edition.xml", '<ptr target="sample.xml"/>',
                                       '<ptr target="../../../../../../etc/passwd"/>'),
         "edition/edition.xml", "etc/passwd", ("edition.rng",)),
    Case("gap-non-numeric-quantity", replace("edition/sample.xml", 'quantity="4"', 'quantity="four"'),
         "edition/sample.xml", 'quantity="four"', ("gap",)),
    # --- notes --------------------------------------------------------------------------
    Case("anchor-not-found", replace("notes/sample.xml", 'anchor="Vorkuta"', 'anchor="Vorkutta"'),
         "notes/sample.xml", 'anchor="Vorkutta"', ("sample-vorkuta", "not found", "nearest", "“Vorkuta”", "¶ 2"),
         command="build"),
    Case("anchor-ambiguous", replace("notes/sample.xml", 'anchor="Vorkuta"', 'anchor="Gorbachev"'),
         "notes/sample.xml", 'anchor="Gorbachev"', ("found 2 times", "¶ 1", "¶ 2", "prefix=", "suffix=", "occurrence=")),
    Case("occurrence-too-high", replace("notes/sample.xml", 'anchor="Vorkuta"', 'anchor="Gorbachev" occurrence="3"'),
         "notes/sample.xml", 'occurrence="3"', ("occurrence 3", "2 time")),
    Case("anchor-only-quote-marks", replace("notes/sample.xml", 'anchor="Vorkuta"', 'anchor="“ ”" occurrence="1"'),
         "notes/sample.xml", 'anchor="“ ”"', ("sample-vorkuta",)),
    # Inside one file the parser itself refuses a repeated xml:id, at the second one.
    Case("duplicate-note-id-same-file", replace("notes/sample.xml", 'xml:id="sample-privileges"', 'xml:id="sample-vorkuta"'),
         "notes/sample.xml", 'xml:id="sample-vorkuta" type="explanatory" anchor="“', ("sample-vorkuta",)),
    # Across files (a note id also used by a glossary entry) load's id check reports it.
    Case("duplicate-id-across-files", replace("notes/sample.xml", 'xml:id="sample-privileges"', 'xml:id="gl-glasnost"'),
         "notes/glossary.xml", 'xml:id="gl-glasnost"', ("duplicate id", "gl-glasnost", "sample.xml:6")),
    Case("unknown-ref-in-note-body", replace("notes/sample.xml", '#gl-stk', '#gl-stakhanovite'),
         "notes/sample.xml", "#gl-stakhanovite", ("#gl-stakhanovite", "unknown id")),
    Case("note-target-unknown-xml-id", replace("notes/sample.xml", 'anchor="Vorkuta"', 'target="#nowhere"'),
         "notes/sample.xml", 'target="#nowhere"', ("nowhere",)),
    Case("two-notes-same-phrase", add_note('<note xml:id="sample-vorkuta2" type="explanatory" anchor="Vorkuta"><p>Again.</p></note>'),
         "notes/sample.xml", "sample-vorkuta2", ("same phrase", "sample-vorkuta", "line 3")),
    Case("two-notes-same-end", add_note('<note xml:id="sample-vorkuta2" type="explanatory" anchor="workers of Vorkuta"><p>Again.</p></note>'),
         "notes/sample.xml", "sample-vorkuta2", ("same phrase", "sample-vorkuta", "line 3")),
    Case("notes-for-unknown-text", write("notes/nosuch.xml", NOTES_DECL + '<notes text="nosuch">\n'
                                         '  <note xml:id="nosuch-a" type="explanatory" anchor="Vorkuta"><p>A.</p></note>\n</notes>\n'),
         "notes/nosuch.xml", "<notes", ("nosuch", "sample")),
    Case("note-anchor-and-target", replace("notes/sample.xml", 'anchor="Vorkuta"', 'anchor="Vorkuta" target="#sample"'),
         "notes/sample.xml", 'target="#sample"', ("notes.rng",)),
    # --- glossary and persons -----------------------------------------------------------
    Case("missing-glossary", delete("notes/glossary.xml"), "notes/glossary.xml", None, ("not found",), command="build"),
    Case("unknown-glossary-see-target", replace("notes/glossary.xml", '<see target="#gl-stk"/>', '<see target="#gl-stakhanov"/>'),
         "notes/glossary.xml", "#gl-stakhanov", ("#gl-stakhanov",)),
    Case("glossary-form-matches-nothing", replace("notes/glossary.xml", "<form>glasnost</form>", "<form>glasnostt</form>"),
         "notes/glossary.xml", "<form>glasnostt</form>", ("glasnostt", "matches nothing")),
    Case("glossary-empty-form", replace("notes/glossary.xml", "<form>glasnost</form>", "<form/>"),
         "notes/glossary.xml", "<form/>", ("form",)),
    Case("person-found-nowhere", replace("notes/persons.xml", "</persons>",
                                         '  <person xml:id="pers-yeltsin">\n    <name>Boris Yeltsin</name><sort>Yeltsin, Boris</sort>'
                                         '<dates>1931–2007</dates>\n    <desc>President of Russia.</desc>\n'
                                         '    <form>Yeltsin</form>\n  </person>\n</persons>'),
         "notes/persons.xml", "pers-yeltsin", ("pers-yeltsin", "occurs in no text")),
]
assert len(CASES) >= 25


def _expected_line(case: Case, project: Path) -> set[int | None]:
    if case.line is None or isinstance(case.line, int):
        return {case.line}
    if isinstance(case.line, tuple):
        return set(case.line)
    data = (project / case.file).read_bytes()
    at = data.find(case.line.encode("utf-8"))
    if at < 0:
        at = data.find(case.line.encode("latin-1"))
    assert at >= 0, f"marker {case.line!r} not in the broken {case.file}"
    return {data[:at].count(b"\n") + 1}


def _snapshot(dist: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in dist.iterdir()}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    dest = tmp_path / "project"
    shutil.copytree(FIXTURE, dest, ignore=shutil.ignore_patterns(".makebook-cache", "dist"))
    return dest


PARAMS = [pytest.param(case, id=case.id,
                       marks=[pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else [])
          for case in CASES]


@pytest.mark.parametrize("case", PARAMS)
def test_hostile_input(case: Case, project: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    for name, data in PREVIOUS.items():
        (dist / name).write_bytes(data)
    case.breaker(project)
    expected_lines = _expected_line(case, project)

    args = ["build", "--out", str(dist), "--quiet"] if case.command == "build" else ["check"]
    start = time.perf_counter()
    proc = run_cli(project, *args, cwd=tmp_path)
    elapsed = time.perf_counter() - start
    report = f"exit {proc.returncode}\n--- stdout\n{proc.stdout}--- stderr\n{proc.stderr}"

    assert "Traceback" not in proc.stderr, report
    assert proc.returncode == 1, report
    assert "wrote " not in proc.stdout, report
    lines = proc.stderr.splitlines()
    assert lines, report
    located = []
    for line in lines:
        m = ERROR_LINE.match(line)
        assert m, f"not an `error: file:line: message` line: {line!r}\n{report}"
        path = (tmp_path / m["path"]).resolve()
        assert path.is_relative_to(project.resolve()), f"names a file outside the project: {line!r}\n{report}"
        if m["line"] is None:
            assert any(w in m["msg"] for w in WHOLE_FILE), f"no line number: {line!r}\n{report}"
        if path == (project / case.file).resolve() and (int(m["line"]) if m["line"] else None) in expected_lines:
            located.append(line)
    assert located, f"no error names {case.file}:{sorted(expected_lines, key=str)}\n{report}"
    for word in case.says:
        assert any(word in line for line in located), f"{word!r} not in {located}\n{report}"

    if PASSWD_MARKER in Path("/etc/passwd").read_text(errors="replace"):
        assert PASSWD_MARKER not in proc.stdout + proc.stderr, report
    if case.max_seconds is not None:
        assert elapsed < case.max_seconds, f"took {elapsed:.1f} s\n{report}"
    assert _snapshot(dist) == PREVIOUS, f"dist/ changed: {sorted(p.name for p in dist.iterdir())}"


def test_fixture_is_clean(project: Path, tmp_path: Path) -> None:
    """The corpus only means something if the unbroken fixture passes."""
    proc = run_cli(project, "check", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


def test_check_reports_every_error_at_once(project: Path, tmp_path: Path) -> None:
    """Two broken notes: `check` reports both in one run, one line each, with their lines."""
    replace("notes/sample.xml", 'anchor="Vorkuta"', 'anchor="Vorkutta"')(project)
    replace("notes/sample.xml", 'anchor="“its privileges”"', 'anchor="its priviliges"')(project)
    proc = run_cli(project, "check", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 2, proc.stderr
    assert all(line.startswith("error: ") for line in lines), proc.stderr
    assert "notes/sample.xml:3:" in lines[0] and "sample-vorkuta" in lines[0], proc.stderr
    assert "notes/sample.xml:6:" in lines[1] and "sample-privileges" in lines[1], proc.stderr


def test_broken_text_does_not_blame_its_notes(project: Path, tmp_path: Path) -> None:
    replace("edition/sample.xml", "<q>its privileges</q>", "<q>its privileges")(project)
    proc = run_cli(project, "check", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "edition/sample.xml:18:" in proc.stderr
    assert "notes/sample.xml" not in proc.stderr, proc.stderr


def test_corrupt_cache_is_ignored(project: Path, tmp_path: Path) -> None:
    state = project / ".makebook-cache" / "state.json"
    state.parent.mkdir()
    state.write_text("[]")
    proc = run_cli(project, "build", "--format", "epub", "--out", str(tmp_path / "dist"), "--quiet", cwd=tmp_path)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stderr
