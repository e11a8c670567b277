"""A corpus of hostile inputs, each breaking ONE thing in a copy of the mini fixture.

The cases are data (CASES, grouped by `kind`); one test runs each through the real
command line in a subprocess. A refused input must give its documented exit code (1
input, 2 usage, 3 environment), no traceback, nothing but `error: <file>:<line>[:col]: …`
lines and a final count, one of them naming the broken file and line, no "bug" wording,
and leave dist/ and the cache byte for byte as they were. An accepted input (exit 0)
must lose no text: its `then` check reads back what was written. Most cases run `check`
(fast); a handful run `build`. A case the tool gets wrong is marked with
Case(xfail="the defect"), a strict xfail.
"""
from __future__ import annotations

import os
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
ERROR_LINE = re.compile(r"^error: (?P<path>[^:]+?)(?::(?P<line>\d+)(?::(?P<col>\d+))?)?: (?P<msg>.+)$")
COUNT_LINE = re.compile(r"^\d+ errors$")
BUILD = ("build", "--out", "{dist}", "--quiet")
EPUB = ("build", "--format", "epub", "--out", "{dist}", "--quiet")
EPUB_HERE = ("build", "--format", "epub", "--quiet")
# Messages that concern a whole file, where no line number is meaningful.
WHOLE_FILE = ("file not found", "MB limit", "not found in edition/", "directory", "folder", "regular file",
              "not UTF-8", "symbolic link", "already exists", "edition/witnesses/", "no text", "not writable",
              "could not be inserted", "phrase")
ANY = "any line"
PASSWD_MARKER = "root:x:0:0"


def run_cli(project: Path, *args: str, cwd: Path, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "--root", str(project), *args], cwd=cwd, capture_output=True,
                          text=True, errors="replace", timeout=timeout, env={**os.environ, **(env or {})})


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


def write_bytes_at(rel: bytes, data: bytes) -> Callable[[Path], None]:
    """A breaker writing a file whose name is given as bytes (it may not be UTF-8)."""
    def breaker(project: Path) -> None:
        with open(os.fsencode(project) + b"/" + rel, "wb") as fh:
            fh.write(data)
    return breaker


def encode_as(rel: str, encoding: str, declare: str | None = None, bom: bytes = b"") -> Callable[[Path], None]:
    """Re-save one file in another encoding (optionally declaring another one)."""
    def breaker(project: Path) -> None:
        path = project / rel
        text = path.read_text(encoding="utf-8")
        if declare is not None:
            text = text.replace('encoding="UTF-8"', f'encoding="{declare}"')
        path.write_bytes(bom + text.encode(encoding))
    return breaker


def fifo(rel: str) -> Callable[[Path], None]:
    return lambda project: os.mkfifo(project / rel)


def symlink_loop(rel: str) -> Callable[[Path], None]:
    return lambda project: os.symlink((project / rel).name, project / rel)


def set_note(attrs: str, body: str = "<p>A note.</p>") -> Callable[[Path], None]:
    """Add one note on the Pabloite phrase (free of other notes) with these attributes."""
    return add_note(f'<note {attrs}>{body}</note>')


def link(target: str, where: str = "notes") -> Callable[[Path], None]:
    """Put a link with this target in a note, a glossary definition, a person or a text."""
    if where == "notes":
        return replace("notes/sample.xml", 'target="#gl-stk"', f'target="{target}"')
    if where == "glossary":
        return replace("notes/glossary.xml", "<p>Openness.</p>", f'<p>Openness; see <ref target="{target}">this</ref>.</p>')
    if where == "persons":
        return replace("notes/persons.xml", "Trotskyist leader.", f'Trotskyist <ref target="{target}">leader</ref>.')
    return replace("edition/sample.xml", "<p>The Pabloite current followed Pablo.</p>",
                   f'<p>The Pabloite current followed <ref target="{target}">Pablo</ref>.</p>')


def pending_commit(project: Path) -> None:
    """A build killed between its two renames: the journal, one book renamed, the other
    still in its temporary file; the cache records the books of that build."""
    import hashlib
    import json

    from makebook import STYLES
    from makebook.cache import file_hash, input_key
    dist = project / "dist"
    dist.mkdir(exist_ok=True)
    (dist / "sample-edition.pdf").write_bytes(b"old pdf")
    (dist / "sample-edition.epub").write_bytes(b"new epub")  # already renamed
    (dist / ".sample-edition.pdf.x1.tmp").write_bytes(b"new pdf")
    (dist / ".makebook-commit.json").write_text(
        '{"sample-edition.pdf": ".sample-edition.pdf.x1.tmp", "web": ".web.w1.tmp/site", "../../escape": "x"}')
    (dist / ".sample-edition.epub.zz.tmp").write_bytes(b"a temp of a build that never committed")
    (dist / "web").mkdir()
    (dist / "web" / "index.html").write_text("the site of an older build")
    (dist / ".web.w1.tmp" / "site").mkdir(parents=True)
    (dist / ".web.w1.tmp" / "site" / "index.html").write_text("the site of the same build")
    (dist / ".web.w2.tmp" / "site").mkdir(parents=True)  # a site folder of a build that never committed
    state = project / ".makebook-cache" / "state.json"
    outputs = {fmt: hashlib.sha256(f"new {fmt}".encode()).hexdigest() for fmt in ("epub", "pdf")}
    outputs["web"] = file_hash(dist / ".web.w1.tmp" / "site")
    state.write_text(json.dumps({"key": input_key(project, STYLES), "marks": [], "outputs": outputs}))


def build_first(project: Path) -> None:
    """A build of the unchanged sources into the project's dist/."""
    proc = run_cli(project, *EPUB_HERE, cwd=project)
    assert proc.returncode == 0, proc.stderr


# Checks of accepted inputs: what must hold after exit 0 ---------------------------

def _notes_file(project: Path):
    from makebook.sources.schema import validate
    from makebook.sources.xmlio import parse
    path = project / "notes" / "sample.xml"
    tree = parse(path)
    assert validate(tree, "notes", path) == [], "notes add wrote a file that fails its schema"
    return path, tree


def note_added(*kept: str, newline: bytes = b"\n", count: int = 3) -> Callable:
    """notes add kept every byte of the old notes, the file's line endings, and validates."""
    def then(project: Path, dist: Path, proc, before: dict[str, bytes]) -> None:
        path, tree = _notes_file(project)
        data = path.read_bytes()
        assert len(tree.getroot().findall("note")) == count, data
        for text in kept:
            assert text.encode() in data, f"{text!r} lost"
        if newline == b"\r\n":
            assert data.count(b"\n") == data.count(b"\r\n"), "LF written into a CRLF file"
        else:
            assert b"\r\n" not in data
        old = before.get("notes/sample.xml", b"")
        for note in re.findall(rb"<note .*?</note>", old, re.S):
            assert note in data, f"an old note changed: {note!r}"
        assert "added note" in proc.stdout and "sample.xml:" in proc.stdout
    return then


def epub_holds(*texts: str) -> Callable:
    """The built EPUB carries every one of these texts."""
    def then(project: Path, dist: Path, proc, before) -> None:
        import zipfile
        with zipfile.ZipFile(dist / "sample-edition.epub") as z:
            body = " ".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xhtml"))
        # Kinds of space are the typesetter's (a no-break space before "&", say): compare words and marks.
        body = " ".join(body.split())
        for text in texts:
            assert " ".join(text.split()) in body, f"{text!r} missing from the EPUB"
    return then


def draft_valid(text_id: str, *says: str) -> Callable:
    """import wrote a draft that validates, collates without difference and lists its guesses."""
    def then(project: Path, dist: Path, proc, before) -> None:
        from makebook.sources.schema import validate
        from makebook.sources.xmlio import parse
        path = project / "edition" / f"{text_id}.xml"
        tree = parse(path)
        assert validate(tree, "tei-edition", path) == []
        assert b"<?xml-model" in path.read_bytes()
        collation = run_cli(project, "collate", text_id, cwd=project)
        assert collation.returncode == 0 and " 0 unaccounted" in collation.stdout, collation.stdout
        for word in says:
            assert word in proc.stdout + path.read_text(encoding="utf-8"), f"{word!r} not in the import's output or draft"
    return then


def outputs_consistent(project: Path, dist: Path, proc, before) -> None:
    dist = project / "dist"
    assert (dist / "sample-edition.pdf").read_bytes() == b"new pdf", "the interrupted commit was not finished"
    assert sorted(p.name for p in dist.iterdir()) == ["sample-edition.epub", "sample-edition.pdf", "web"]
    assert (dist / "web" / "index.html").read_text() == "the site of the same build"
    assert not (project / "escape").exists()
    assert "up to date" in proc.stdout, proc.stdout


def rebuilt(project: Path, dist: Path, proc, before) -> None:
    assert "wrote " in proc.stdout and "up to date" not in proc.stdout, proc.stdout


def files_mode(mode: int) -> Callable:
    def then(project: Path, dist: Path, proc, before) -> None:
        book = dist / "sample-edition.epub"
        assert book.stat().st_mode & 0o777 == mode, oct(book.stat().st_mode)
        state = project / ".makebook-cache" / "state.json"
        assert state.stat().st_mode & 0o777 == mode
    return then


def prints(*words: str, stream: str = "stdout") -> Callable:
    def then(project: Path, dist: Path, proc, before) -> None:
        out = getattr(proc, stream)
        for word in words:
            assert word in out, f"{word!r} not in {out!r}"
    return then


def no_blank_line(project: Path, dist: Path, proc, before) -> None:
    assert proc.stdout.splitlines() and all(line.strip() for line in proc.stdout.splitlines()), repr(proc.stdout)
    assert "wrote " in proc.stdout


def check_ok(project: Path, dist: Path, proc, before) -> None:
    assert proc.stderr == "" and "all inputs valid" in proc.stdout, proc.stderr


# The corpus ---------------------------------------------------------------------

@dataclass
class Case:
    id: str
    kind: str                         # the class of fault, for the table
    breaker: Callable[[Path], None] | None
    file: str | None                  # the file the error must name, relative to the project (None: no file)
    line: int | str | tuple | None    # its line; a str is a marker whose (first) line is expected
    says: tuple[str, ...] = ()        # substrings of the located error line (or of the only line)
    args: tuple[str, ...] = ("check",)
    exit: int = 1
    then: Callable | None = None      # for an accepted input: what must hold afterwards
    env: dict | None = None
    xfail: str | None = None
    max_seconds: float | None = None


OLD_CASES = [
    # --- well-formedness and the parser ------------------------------------------------
    Case("malformed-unclosed-tag", "parser", replace("edition/sample.xml", "<q>its privileges</q>", "<q>its privileges"),
         "edition/sample.xml", "<q>its privileges", ("malformed XML",), args=BUILD),
    Case("wrong-root-element", "parser", chain(replace("notes/sample.xml", "<notes", "<remarks"),
                                                    replace("notes/sample.xml", "</notes>", "</remarks>")),
         "notes/sample.xml", "<remarks", ("schema/notes.rng",)),
    Case("unknown-tei-element-in-body", "parser", replace("edition/sample.xml", "and Gorbachev met them", "and <blink>Gorbachev</blink> met them"),
         "edition/sample.xml", "<blink>", ("blink",)),
    Case("unknown-attribute-value", "parser", replace("edition/sample.xml", 'rend="italic"', 'rend="underline"'),
         "edition/sample.xml", 'rend="underline"', ("tei-edition.rng",)),
    Case("xxe-system-entity", "parser", chain(replace("notes/sample.xml", NOTES_DECL, NOTES_DECL + XXE_DOCTYPE + "\n"),
                                    replace("notes/sample.xml", "A note on a quoted phrase.", "&xxe;")),
         "notes/sample.xml", "<!DOCTYPE", ("DOCTYPE",), args=BUILD),
    Case("billion-laughs", "parser", chain(replace("notes/sample.xml", NOTES_DECL, NOTES_DECL + LAUGHS),
                                 replace("notes/sample.xml", "A note on a quoted phrase.", "&lol9;")),
         "notes/sample.xml", (2, 3), ("DOCTYPE",), args=BUILD, max_seconds=20),
    Case("external-dtd", "parser", replace("edition/sample.xml", '<?xml version="1.0" encoding="UTF-8"?>\n',
                                 '<?xml version="1.0" encoding="UTF-8"?>\n'
                                 '<!DOCTYPE TEI SYSTEM "http://example.invalid/tei_all.dtd">\n'),
         "edition/sample.xml", "<!DOCTYPE", ("DOCTYPE",)),
    Case("non-utf8-latin1", "parser", latin1_byte, "notes/sample.xml", "café", ("UTF-8", "0xe9")),
    Case("empty-file", "parser", write("notes/sample.xml", b""), "notes/sample.xml", 1, ("empty",)),
    Case("whitespace-only-file", "parser", write("notes/glossary.xml", b"  \n\t\n   \n"), "notes/glossary.xml", 1, ("empty",)),
    Case("control-character", "parser", replace("notes/sample.xml", "A note on a quoted phrase.", "A note \x01 on a quoted phrase."),
         "notes/sample.xml", "\x01", ("malformed XML",)),
    Case("deep-nesting", "parser", deep_nesting, "notes/sample.xml", "deep", ("malformed XML",), max_seconds=20),
    Case("oversized-50MB", "parser", fifty_megabytes, "notes/sample.xml", None, ("MB",), args=BUILD, max_seconds=10),
    Case("directory-named-like-notes-file", "parser", lambda p: (p / "notes" / "extra.xml").mkdir(), "notes/extra.xml", None, ()),
    # --- texts and witnesses ------------------------------------------------------------
    Case("missing-witness-file", "texts", delete("edition/witnesses/sample.txt"), "edition/sample.xml", "<witness",
         ("witnesses/sample.txt", "not found")),
    Case("witness-one-byte-changed", "texts", flip_one_byte, "edition/sample.xml", "<witness", ("sha256",), args=BUILD),
    Case("witness-is-a-directory", "texts", replace("edition/sample.xml", 'file="witnesses/sample.txt"', 'file="witnesses"'),
         "edition/sample.xml", "<witness", ("witnesses",)),
    Case("text-id-not-file-name", "texts", replace("edition/sample.xml", 'xml:id="sample"', 'xml:id="sampel"'),
         "edition/sample.xml", 'xml:id="sampel"', ("sampel", 'xml:id="sample"')),
    Case("ptr-to-missing-text", "texts", replace("edition/edition.xml", '<ptr target="sample.xml"/>',
                                        '<ptr target="sample.xml"/>\n      <ptr target="missing-text.xml"/>'),
         "edition/edition.xml", "missing-text.xml", ("missing-text.xml",)),
    Case("ptr-path-traversal", "texts", replace("edition/edition.xml", '<ptr target="sample.xml"/>',
                                       '<ptr target="../../../../../../etc/passwd"/>'),
         "edition/edition.xml", "etc/passwd", ("edition.rng",)),
    Case("gap-non-numeric-quantity", "texts", replace("edition/sample.xml", 'quantity="4"', 'quantity="four"'),
         "edition/sample.xml", 'quantity="four"', ("gap",)),
    # --- notes --------------------------------------------------------------------------
    Case("anchor-not-found", "notes", replace("notes/sample.xml", 'anchor="Vorkuta"', 'anchor="Vorkutta"'),
         "notes/sample.xml", 'anchor="Vorkutta"', ("sample-vorkuta", "not found", "nearest", "“Vorkuta”", "¶ 2"),
         args=BUILD),
    Case("anchor-ambiguous", "notes", replace("notes/sample.xml", 'anchor="Vorkuta"', 'anchor="Gorbachev"'),
         "notes/sample.xml", 'anchor="Gorbachev"', ("found 2 times", "¶ 1", "¶ 2", "prefix=", "suffix=", "occurrence=")),
    Case("occurrence-too-high", "notes", replace("notes/sample.xml", 'anchor="Vorkuta"', 'anchor="Gorbachev" occurrence="3"'),
         "notes/sample.xml", 'occurrence="3"', ("occurrence 3", "2 time")),
    Case("anchor-only-quote-marks", "notes", replace("notes/sample.xml", 'anchor="Vorkuta"', 'anchor="“ ”" occurrence="1"'),
         "notes/sample.xml", 'anchor="“ ”"', ("sample-vorkuta",)),
    # Inside one file the parser itself refuses a repeated xml:id, at the second one.
    Case("duplicate-note-id-same-file", "notes", replace("notes/sample.xml", 'xml:id="sample-privileges"', 'xml:id="sample-vorkuta"'),
         "notes/sample.xml", 'xml:id="sample-vorkuta" type="explanatory" anchor="“', ("sample-vorkuta",)),
    # Across files (a note id also used by a glossary entry) load's id check reports it.
    Case("duplicate-id-across-files", "notes", replace("notes/sample.xml", 'xml:id="sample-privileges"', 'xml:id="gl-glasnost"'),
         "notes/glossary.xml", 'xml:id="gl-glasnost"', ("duplicate id", "gl-glasnost", "sample.xml:7")),
    Case("unknown-ref-in-note-body", "notes", replace("notes/sample.xml", '#gl-stk', '#gl-stakhanovite'),
         "notes/sample.xml", "#gl-stakhanovite", ("#gl-stakhanovite", "unknown id")),
    Case("note-target-unknown-xml-id", "notes", replace("notes/sample.xml", 'anchor="Vorkuta"', 'target="#nowhere"'),
         "notes/sample.xml", 'target="#nowhere"', ("nowhere",)),
    Case("two-notes-same-phrase", "notes", add_note('<note xml:id="sample-vorkuta2" type="explanatory" anchor="Vorkuta"><p>Again.</p></note>'),
         "notes/sample.xml", "sample-vorkuta2", ("same phrase", "sample-vorkuta", "line 4")),
    Case("two-notes-same-end", "notes", add_note('<note xml:id="sample-vorkuta2" type="explanatory" anchor="workers of Vorkuta"><p>Again.</p></note>'),
         "notes/sample.xml", "sample-vorkuta2", ("same phrase", "sample-vorkuta", "line 4")),
    Case("notes-for-unknown-text", "notes", write("notes/nosuch.xml", NOTES_DECL + '<notes text="nosuch">\n'
                                         '  <note xml:id="nosuch-a" type="explanatory" anchor="Vorkuta"><p>A.</p></note>\n</notes>\n'),
         "notes/nosuch.xml", "<notes", ("nosuch", "sample")),
    Case("note-anchor-and-target", "notes", replace("notes/sample.xml", 'anchor="Vorkuta"', 'anchor="Vorkuta" target="#sample"'),
         "notes/sample.xml", 'target="#sample"', ("notes.rng",)),
    # --- glossary and persons -----------------------------------------------------------
    Case("missing-glossary", "entries", delete("notes/glossary.xml"), "notes/glossary.xml", None, ("not found",), args=BUILD),
    Case("unknown-glossary-see-target", "entries", replace("notes/glossary.xml", '<see target="#gl-stk"/>', '<see target="#gl-stakhanov"/>'),
         "notes/glossary.xml", "#gl-stakhanov", ("#gl-stakhanov",)),
    Case("glossary-form-matches-nothing", "entries", replace("notes/glossary.xml", "<form>glasnost</form>", "<form>glasnostt</form>"),
         "notes/glossary.xml", "<form>glasnostt</form>", ("glasnostt", "matches nothing")),
    Case("glossary-empty-form", "entries", replace("notes/glossary.xml", "<form>glasnost</form>", "<form/>"),
         "notes/glossary.xml", "<form/>", ("form",)),
    Case("person-found-nowhere", "entries", replace("notes/persons.xml", "</persons>",
                                         '  <person xml:id="pers-yeltsin">\n    <name>Boris Yeltsin</name><sort>Yeltsin, Boris</sort>'
                                         '<dates>1931–2007</dates>\n    <desc>President of Russia.</desc>\n'
                                         '    <form>Yeltsin</form>\n  </person>\n</persons>'),
         "notes/persons.xml", "pers-yeltsin", ("pers-yeltsin", "occurs in no text")),
]
ADD = ("notes", "add", "sample")
WITNESS = "edition/witnesses/sample.txt"
CAPTURE = ("Home | Archive | Contact\n\nThe New Capture\n\nShare on Facebook\n\nThe first paragraph of the capture ends"
           "\n\nhere, in mid-sentence, after a page break.\n\nA heading of a section\n\nThe last paragraph.\n\n"
           "Related articles\n\nOther story one\n\nOther story two\n\nOther story three\n\n© 2021 The Site. All rights reserved.\n")
capture = write("edition/witnesses/new.txt", CAPTURE)
IMPORT = ("import", "{project}/edition/witnesses/new.txt", "--id")

NEW_CASES = [
    # --- encodings ----------------------------------------------------------------------
    Case("declared-latin1-written-utf8", "encodings", encode_as("notes/sample.xml", "utf-8", declare="ISO-8859-1"),
         "notes/sample.xml", 1, ("ISO-8859-1", "UTF-8")),
    Case("declared-and-written-latin1", "encodings", chain(replace("notes/sample.xml", "A note on a quoted phrase.", "A café."),
                                                           replace("notes/sample.xml", "“its privileges”", "its privileges"),
                                                           encode_as("notes/sample.xml", "latin-1", declare="ISO-8859-1")),
         "notes/sample.xml", 1, ("ISO-8859-1",)),
    Case("declared-windows-1252", "encodings", encode_as("edition/sample.xml", "utf-8", declare="windows-1252"),
         "edition/sample.xml", 1, ("windows-1252",)),
    Case("utf16-le-with-bom", "encodings", encode_as("notes/sample.xml", "utf-16-le", bom=b"\xff\xfe"),
         "notes/sample.xml", 1, ("UTF-16",)),
    Case("utf16-be-with-bom", "encodings", encode_as("notes/persons.xml", "utf-16-be", bom=b"\xfe\xff"),
         "notes/persons.xml", 1, ("UTF-16",)),
    Case("utf16-without-bom", "encodings", encode_as("notes/glossary.xml", "utf-16-le"), "notes/glossary.xml", 1, ("UTF-16",)),
    Case("utf8-bom", "encodings", encode_as("edition/edition.xml", "utf-8", bom=b"\xef\xbb\xbf"),
         "edition/edition.xml", 1, ("BOM",)),
    Case("nul-byte", "encodings", replace("notes/sample.xml", "A note on a quoted", "A note\x00 on a quoted"),
         "notes/sample.xml", "A note", ("NUL",)),
    Case("nul-byte-in-text", "encodings", replace("edition/sample.xml", "The Pabloite", "The\x00 Pabloite"),
         "edition/sample.xml", "The\x00", ("NUL",)),
    Case("invalid-utf8-in-text", "encodings", lambda p: (p / "edition/sample.xml").write_bytes(
         (p / "edition/sample.xml").read_bytes().replace(b"Pabloite", b"Pabl\xf6ite")),
         "edition/sample.xml", "Pabl", ("not UTF-8", "0xf6")),
    Case("lower-case-utf8-declaration", "encodings", replace("notes/persons.xml", 'encoding="UTF-8"', "encoding='utf-8'"),
         None, None, args=("check",), exit=0, then=check_ok),
    # --- texts, witnesses and the reading order ------------------------------------------
    Case("witness-outside-project", "texts", replace("edition/sample.xml", 'file="witnesses/sample.txt"', 'file="/etc/passwd"'),
         "edition/sample.xml", "<witness", ("outside edition/witnesses/",)),
    Case("witness-path-climbs-out", "texts", replace("edition/sample.xml", 'file="witnesses/sample.txt"', 'file="../notes/glossary.xml"'),
         "edition/sample.xml", "<witness", ("outside edition/witnesses/",)),
    Case("text-listed-twice", "texts", replace("edition/edition.xml", '<ptr target="sample.xml"/>',
                                               '<ptr target="sample.xml"/>\n      <ptr target="sample.xml"/>'),
         "edition/edition.xml", ('<ptr target="sample.xml"/>', 1), ("listed twice",), args=BUILD),
    Case("edition-xml-missing", "texts", delete("edition/edition.xml"), "edition/edition.xml", None, ("not found",)),
    Case("text-without-body-head", "texts", replace("edition/sample.xml", "<head>The Sample Text</head>", ""),
         "edition/sample.xml", ANY, ("head",)),
    Case("sha256-malformed", "texts", replace("edition/sample.xml", 'sha256="82ed', 'sha256="XYZ'),
         "edition/sample.xml", "<witness", ("sha256", "matching")),
    # --- notes (new) ---------------------------------------------------------------------
    Case("note-occurrence-zero", "notes", replace("notes/sample.xml", 'anchor="Vorkuta"', 'anchor="Vorkuta" occurrence="0"'),
         "notes/sample.xml", 'occurrence="0"', ("occurrence", "positiveInteger")),
    Case("note-occurrence-negative", "notes", replace("notes/sample.xml", 'anchor="Vorkuta"', 'anchor="Vorkuta" occurrence="-1"'),
         "notes/sample.xml", 'occurrence="-1"', ("occurrence",)),
    Case("note-empty-anchor", "notes", replace("notes/sample.xml", 'anchor="Vorkuta"', 'anchor=""'),
         "notes/sample.xml", 'anchor=""', ("anchor",)),
    Case("note-bad-type", "notes", replace("notes/sample.xml", 'type="explanatory" anchor="Vorkuta"', 'type="editorial" anchor="Vorkuta"'),
         "notes/sample.xml", 'type="editorial"', ('"explanatory"', '"textual"')),
    Case("note-without-xml-id", "notes", replace("notes/sample.xml", 'xml:id="sample-vorkuta" ', ""),
         "notes/sample.xml", 'anchor="Vorkuta"', ("xml:id",)),
    Case("note-unknown-attribute", "notes", replace("notes/sample.xml", 'anchor="Vorkuta"', 'anchor="Vorkuta" colour="red"'),
         "notes/sample.xml", 'colour="red"', ("colour", "anchor", "xml:id")),
    Case("note-without-p", "notes", replace("notes/sample.xml", "<p>A note on a quoted phrase.</p>", "A note on a quoted phrase."),
         "notes/sample.xml", 'xml:id="sample-privileges"', ("notes.rng",)),
    Case("note-id-generated-paragraph", "notes", set_note('xml:id="sample-p2" type="explanatory" anchor="Pabloite"'),
         "notes/sample.xml", "sample-p2", ("generates",)),
    Case("note-id-generated-apparatus", "notes", set_note('xml:id="sample-app1" type="explanatory" anchor="Pabloite"'),
         "notes/sample.xml", "sample-app1", ("generates",)),
    Case("note-id-generated-ref", "notes", set_note('xml:id="ref-sample-vorkuta" type="explanatory" anchor="Pabloite"'),
         "notes/sample.xml", "ref-sample-vorkuta", ("generates",)),
    Case("note-id-book-section", "notes", set_note('xml:id="glossary" type="explanatory" anchor="Pabloite"'),
         "notes/sample.xml", 'xml:id="glossary"', ("generates",)),
    Case("note-id-equals-text-id", "notes", set_note('xml:id="sample" type="explanatory" anchor="Pabloite"'),
         "notes/sample.xml", 'xml:id="sample"', ("duplicate id",)),
    Case("note-id-equals-edition-section", "notes", set_note('xml:id="introduction" type="explanatory" anchor="Pabloite"'),
         "notes/sample.xml", 'xml:id="introduction"', ("duplicate id", "edition.xml")),
    Case("text-div-id-generated", "notes", replace("edition/sample.xml", "<p>The Pabloite", '<p><anchor xml:id="sample-s1"/>The Pabloite'),
         "edition/sample.xml", "sample-s1", ("generates",)),
    Case("note-anchor-inside-sic", "notes", set_note('xml:id="sample-sic" type="explanatory" anchor="Shevadnardze"'),
         "notes/sample.xml", "sample-sic", ("not found", "Shevardnadze")),
    Case("note-thousand-words", "notes", replace("notes/sample.xml", "A note on a quoted phrase.",
                                                 " ".join(f"word{i}" for i in range(1000)) + " last-word."),
         None, None, args=EPUB, exit=0, then=epub_holds("word0 word1", "word999 last-word.")),
    Case("note-cyrillic-and-entities", "notes", replace("notes/sample.xml", "A note on a quoted phrase.",
                                                        "Привилегии &amp; «номенклатура» &lt;sic&gt;."),
         # (the renderer keeps an ampersand from beginning a line: a no-break space before it)
         None, None, args=EPUB, exit=0, then=epub_holds("Привилегии\u00a0&amp; «номенклатура» &lt;sic&gt;.")),
    # Comments and processing instructions in any input lose no text (they are dropped at parsing).
    Case("comment-in-note", "notes", replace("notes/sample.xml", "A note on a quoted phrase.",
                                             "A note <!-- editor: check --> on a <hi rend=\"italic\">quoted</hi> phrase, kept whole."),
         None, None, args=EPUB, exit=0, then=epub_holds("A note  on a <em>quoted</em> phrase, kept whole.")),
    Case("comment-in-glossary-definition", "entries", replace("notes/glossary.xml", "<p>Openness.</p>",
                                                              "<p>Open<!-- sic? -->ness, the policy.</p>"),
         None, None, args=EPUB, exit=0, then=epub_holds("Openness, the policy.")),
    Case("comment-in-person-description", "entries", replace("notes/persons.xml", "Trotskyist leader.",
                                                             "Trotskyist <!-- dates? --> leader, in exile."),
         None, None, args=EPUB, exit=0, then=epub_holds("Trotskyist  leader, in exile.")),
    Case("processing-instruction-in-text", "texts", replace("edition/sample.xml", "The Pabloite current followed Pablo.",
                                                            "The Pabloite current <?oxy_comment start?>followed<?oxy_comment end?> Pablo."),
         None, None, args=EPUB, exit=0, then=epub_holds(" current followed ")),
    # --- links ---------------------------------------------------------------------------
    Case("ref-target-without-hash", "links", link("gl-stk"), "notes/sample.xml", 'target="gl-stk"', ("gl-stk", "#id")),
    Case("ref-javascript", "links", link("javascript:alert(1)"), "notes/sample.xml", "javascript:", ("javascript:alert(1)",), args=BUILD),
    Case("ref-data-url", "links", link("data:text/html,hi"), "notes/sample.xml", "data:text", ("data:text/html,hi",)),
    Case("ref-ftp", "links", link("ftp://example.org/x"), "notes/sample.xml", "ftp://", ("ftp://example.org/x",)),
    Case("ref-relative-file", "links", link("other.html#x"), "notes/sample.xml", "other.html", ("other.html#x",)),
    Case("ref-http-without-host", "links", link("http:/example.org"), "notes/sample.xml", "http:/example", ("http:/example.org",)),
    Case("ref-empty-target", "links", link(""), "notes/sample.xml", 'target=""', ("neither",)),
    Case("ref-in-glossary-unknown", "links", link("#gl-nowhere", "glossary"), "notes/glossary.xml", "#gl-nowhere", ("unknown id",)),
    Case("ref-in-glossary-javascript", "links", link("javascript:x()", "glossary"), "notes/glossary.xml", "javascript:", ("javascript:x()",)),
    Case("ref-in-person-unknown", "links", link("#pers-nobody", "persons"), "notes/persons.xml", "#pers-nobody", ("unknown id",)),
    Case("ref-in-text-javascript", "links", link("javascript:void(0)", "text"), "edition/sample.xml", "javascript:", ("javascript:void(0)",)),
    Case("ref-in-text-unknown-id", "links", link("#nowhere", "text"), "edition/sample.xml", "#nowhere", ("unknown id",)),
    Case("header-ptr-not-a-url", "links", replace("edition/sample.xml", 'target="https://example.org/sample"', 'target="example.org/sample"'),
         "edition/sample.xml", 'target="example.org', ("example.org/sample",)),
    Case("see-to-person", "links", replace("notes/glossary.xml", '<see target="#gl-stk"/>', '<see target="#pers-pablo"/>'),
         "notes/glossary.xml", "#pers-pablo", ("see", "#gl-")),
    Case("ref-mailto-and-https-accepted", "links", chain(link("mailto:editors@example.org"),
                                                         link("https://example.org/a?b=c#d", "glossary")),
         None, None, exit=0, then=check_ok),
    Case("ref-to-section-accepted", "links", link("#principles"), None, None, exit=0, then=check_ok),
    # --- glossary and persons (new) ------------------------------------------------------
    Case("glossary-empty-headword", "entries", replace("notes/glossary.xml", "<headword>glasnost</headword>", "<headword> </headword>"),
         "notes/glossary.xml", "<headword> </headword>", ("headword",)),
    Case("glossary-headword-missing", "entries", replace("notes/glossary.xml", "<headword>glasnost</headword>", ""),
         "notes/glossary.xml", ANY, ("<headword>", "<orig>")),
    Case("glossary-dash-form", "entries", replace("notes/glossary.xml", "<form>glasnost</form>", "<form>glasnost</form><form>–</form>"),
         "notes/glossary.xml", "<form>–</form>", ("no letter or digit",)),
    Case("glossary-punctuation-form", "entries", replace("notes/glossary.xml", "<form>glasnost</form>", "<form>glasnost</form><form>“ ”</form>"),
         "notes/glossary.xml", "<form>“ ”</form>", ("no letter or digit",)),
    Case("glossary-id-without-prefix", "entries", replace("notes/glossary.xml", 'xml:id="gl-glasnost"', 'xml:id="glasnost"'),
         "notes/glossary.xml", 'xml:id="glasnost"', ("xml:id", "gl-")),
    Case("glossary-bad-case-value", "entries", replace("notes/glossary.xml", "<form>glasnost</form>", '<form case="upper">glasnost</form>'),
         "notes/glossary.xml", 'case="upper"', ('"sensitive"',)),
    Case("person-empty-name", "entries", replace("notes/persons.xml", "<name>Michel Pablo</name>", "<name></name>"),
         "notes/persons.xml", "<name></name>", ("name",)),
    Case("person-empty-sort", "entries", replace("notes/persons.xml", "<sort>Pablo, Michel</sort>", "<sort/>"),
         "notes/persons.xml", "<sort/>", ("sort",)),
    Case("person-dates-missing", "entries", replace("notes/persons.xml", "<dates>1911–1996</dates>", ""),
         "notes/persons.xml", ANY, ("dates",)),
    Case("person-duplicate-of-glossary-id", "entries", replace("notes/persons.xml", 'xml:id="pers-pablo"', 'xml:id="pers-gorbachev"'),
         "notes/persons.xml", ('xml:id="pers-gorbachev"', 1), ("pers-gorbachev",)),
    Case("glossary-cyrillic-entry-accepted", "entries", replace("notes/glossary.xml", "</glossary>",
         '  <entry xml:id="gl-perestroika">\n    <headword>perestroika</headword>\n    <orig xml:lang="ru">перестройка</orig>'
         "<translit>perestroika</translit>\n    <form>Vorkuta</form>\n    <def><p>Перестройка, restructuring.</p></def>\n"
         "  </entry>\n</glossary>"),
         None, None, args=EPUB, exit=0, then=epub_holds("перестройка", "Перестройка, restructuring.")),
    # --- one broken file, no false errors elsewhere ----------------------------------------
    Case("broken-glossary-no-false-refs", "cascade", replace("notes/glossary.xml", "</glossary>", "</glosary>"),
         "notes/glossary.xml", "</glosary>", ("malformed",)),
    Case("invalid-glossary-no-false-refs", "cascade", replace("notes/glossary.xml", '<entry xml:id="gl-stk">', '<entry xml:id="gl-stk" x="1">'),
         "notes/glossary.xml", 'x="1"', ("x",)),
    Case("broken-persons-no-false-errors", "cascade", replace("notes/persons.xml", "<persons>", "<persons>&bogus;"),
         "notes/persons.xml", "&bogus;", ("bogus",)),
    Case("broken-text-no-note-errors", "cascade", replace("edition/sample.xml", "</body>", "</bdy>"),
         "edition/sample.xml", "</bdy>", ("malformed",)),
    Case("broken-notes-no-other-errors", "cascade", replace("notes/sample.xml", "</notes>", ""),
         "notes/sample.xml", ANY, ("malformed",)),
    Case("broken-edition-xml-alone", "cascade", replace("edition/edition.xml", "<body>", "<body"),
         "edition/edition.xml", ANY, ("malformed",)),
    # --- schema messages -----------------------------------------------------------------
    Case("schema-names-bad-attribute", "schema", replace("edition/sample.xml", 'quantity="4"', 'quantity="4" colour="red"'),
         "edition/sample.xml", 'colour="red"', ("<gap>", "colour", "quantity")),
    Case("schema-says-allowed-values", "schema", replace("edition/sample.xml", 'reason="boilerplate"', 'reason="navigation"'),
         "edition/sample.xml", 'reason="navigation"', ('"boilerplate"', '"duplicate"', '"metadata"')),
    Case("schema-shows-xml-lang", "schema", replace("edition/sample.xml", ' xml:lang="en"', ""),
         "edition/sample.xml", "<TEI", ("xml:lang",)),
    Case("schema-element-misplaced", "schema", replace("edition/sample.xml", "<p>The Pabloite", "<byline>x</byline><p>The Pabloite"),
         "edition/sample.xml", "<byline>x", ("<byline>", "allowed in <body>")),
    Case("schema-date-value", "schema", replace("edition/sample.xml", 'when="2001-02-03"', 'when="3 Feb 2001"'),
         "edition/sample.xml", 'when="3 Feb', ("when", "date")),
    Case("schema-error-has-column", "schema", replace("notes/sample.xml", "<p>A note on", "<p>A <hi>note</p> on"),
         "notes/sample.xml", "<hi>note", ("malformed XML",), then=prints("sample.xml:8:", stream="stderr")),
    # --- environment (exit 3) ------------------------------------------------------------
    Case("fifo-in-notes", "environment", fifo("notes/extra.xml"), "notes/extra.xml", None, ("regular file",), exit=3),
    Case("symlink-loop-in-notes", "environment", symlink_loop("notes/loop.xml"), "notes/loop.xml", None,
         ("symbolic link",), exit=3),
    Case("file-name-not-utf8", "environment", write_bytes_at(b"notes/bad\xff.xml", b"<notes/>"), "notes/bad\\xff.xml", None,
         ("not UTF-8",), exit=3),
    Case("file-name-not-utf8-build", "environment", write_bytes_at(b"notes/bad\xff.xml", b"<notes/>"), "notes/bad\\xff.xml", None,
         ("not UTF-8",), args=BUILD, exit=3),
    Case("out-is-dev-null", "environment", None, "/dev/null", None, ("not a folder",),
         args=("build", "--out", "/dev/null", "--quiet"), exit=3),
    Case("dist-is-a-file", "environment", write("dist", "not a folder"), "dist", None, ("not a folder",),
         args=("build", "--quiet"), exit=3),
    Case("out-under-a-file", "environment", write("afile", "x"), "afile", None, ("not a folder",),
         args=("build", "--out", "{project}/afile/sub", "--quiet"), exit=3),
    Case("cache-state-is-a-folder", "environment", lambda p: (p / ".makebook-cache" / "state.json").unlink()
         or (p / ".makebook-cache" / "state.json").mkdir(), None, None, args=EPUB, exit=0,
         then=prints("warning:", "state.json", "the books are written", stream="stderr")),
    Case("damaged-cache-state", "environment", write(".makebook-cache/state.json", b"{\x00not json"),
         None, None, args=EPUB, exit=0, then=rebuilt),
    Case("cache-state-wrong-shape", "environment", write(".makebook-cache/state.json", '{"key": 3, "outputs": [1], "marks": "x"}'),
         None, None, args=EPUB, exit=0, then=rebuilt),
    # --- usage (exit 2) ------------------------------------------------------------------
    Case("unknown-command", "usage", None, None, None, ("No such command",), args=("bulid",), exit=2),
    Case("bad-format", "usage", None, None, None, ("--format",), args=("build", "--format", "docx"), exit=2),
    Case("notes-add-occurrence-negative", "usage", None, None, None, ("--occurrence", "-1"),
         args=(*ADD, "--anchor", "Gorbachev", "--occurrence", "-1"), exit=2),
    Case("notes-add-occurrence-zero", "usage", None, None, None, ("--occurrence",),
         args=(*ADD, "--anchor", "Gorbachev", "--occurrence", "0"), exit=2),
    Case("notes-add-occurrence-text", "usage", None, None, None, ("--occurrence",),
         args=(*ADD, "--anchor", "Gorbachev", "--occurrence", "second"), exit=2),
    Case("notes-add-unknown-text", "usage", None, "edition/edition.xml", None, ("no text", "sample"),
         args=("notes", "add", "nosuch", "--anchor", "x"), exit=2),
    Case("notes-add-missing-anchor", "usage", None, None, None, ("--anchor",), args=ADD, exit=2),
    Case("import-id-traversal", "usage", capture, None, None, ("../../tmp/x", "safe"), args=(*IMPORT, "../../tmp/x"), exit=2),
    Case("import-id-with-space", "usage", capture, None, None, ("bad id",), args=(*IMPORT, "bad id"), exit=2),
    Case("import-id-empty", "usage", capture, None, None, ("safe",), args=(*IMPORT, ""), exit=2),
    Case("import-id-upper-and-dot", "usage", capture, None, None, ("safe",), args=(*IMPORT, "New.Text"), exit=2),
    Case("import-witness-outside", "usage", None, "/etc/passwd", None, ("edition/witnesses/",),
         args=("import", "/etc/passwd", "--id", "passwd"), exit=2),
    Case("import-witness-missing", "usage", None, None, None, ("does not exist",),
         args=("import", "{project}/edition/witnesses/none.txt", "--id", "none"), exit=2),
    Case("collate-a-folder-name", "usage", None, None, None, ("edition", "sample"), args=("collate", "edition"), exit=2),
    Case("collate-unknown-text", "usage", None, None, None, ("nosuch", "sample"), args=("collate", "nosuch"), exit=2),
    # --- notes add -----------------------------------------------------------------------
    Case("notes-add-plain", "notes add", None, None, None, args=(*ADD, "--anchor", "Shevardnadze"), exit=0,
         then=note_added("A note on a quoted phrase.")),
    Case("notes-add-crlf-file", "notes add", lambda p: (p / "notes/sample.xml").write_bytes(
         (p / "notes/sample.xml").read_bytes().replace(b"\n", b"\r\n")), None, None,
         args=(*ADD, "--anchor", "Shevardnadze"), exit=0, then=note_added("A note on a quoted phrase.", newline=b"\r\n")),
    Case("notes-add-one-line-file", "notes add", write("notes/sample.xml", '<notes text="sample"><note xml:id="sample-vorkuta" '
         'type="explanatory" anchor="Vorkuta"><p>A.</p></note><note xml:id="sample-privileges" type="explanatory" '
         'anchor="its privileges"><p>B.</p></note></notes>'), None, None,
         args=(*ADD, "--anchor", "Shevardnadze"), exit=0, then=note_added("<p>A.</p>", "<p>B.</p>")),
    Case("notes-add-two-notes-one-line", "notes add", replace("notes/sample.xml", "</note>\n  <note", "</note><note"), None, None,
         args=(*ADD, "--anchor", "In 1991"), exit=0, then=note_added("A note on a quoted phrase.")),
    Case("notes-add-self-closing-root", "notes add", write("notes/sample.xml", NOTES_DECL + '<!-- <notes text="x"> -->\n<notes text="sample"/>\n'),
         None, None, args=(*ADD, "--anchor", "Shevardnadze"), exit=0, then=note_added("<!-- <notes", count=1)),
    Case("notes-add-comment-with-end-tag", "notes add", replace("notes/sample.xml", "<p>A note on", "<!-- </note> --><p>A note on"),
         None, None, args=(*ADD, "--anchor", "Shevardnadze"), exit=0, then=note_added("<!-- </note> -->")),
    Case("notes-add-new-file", "notes add", delete("notes/sample.xml"), None, None,
         args=(*ADD, "--anchor", "Shevardnadze"), exit=0, then=note_added("<?xml-model", count=1)),
    Case("notes-add-cyrillic-anchor", "notes add", replace("edition/sample.xml", "The Pabloite current", "The Pabloite current (течение)"),
         None, None, args=(*ADD, "--anchor", "течение"), exit=0, then=note_added('anchor="течение"')),
    Case("notes-add-annotated-phrase", "notes add", None, "notes/sample.xml", 'anchor="Vorkuta"', ("already has the note", "sample-vorkuta"),
         args=(*ADD, "--anchor", "workers of Vorkuta")),
    Case("notes-add-same-phrase", "notes add", None, "notes/sample.xml", 'anchor="Vorkuta"', ("already has the note",),
         args=(*ADD, "--anchor", "Vorkuta")),
    Case("notes-add-phrase-not-found", "notes add", None, "edition/sample.xml", None, ("not found", "nearest"),
         args=(*ADD, "--anchor", "Vorkutta")),
    Case("notes-add-ambiguous", "notes add", None, "edition/sample.xml", None, ("found 2 times", "occurrence"),
         args=(*ADD, "--anchor", "Gorbachev")),
    Case("notes-add-into-broken-file", "notes add", replace("notes/sample.xml", "</notes>", ""), "notes/sample.xml", ANY,
         ("malformed",), args=(*ADD, "--anchor", "Shevardnadze")),
    Case("notes-add-latin1-file", "notes add", latin1_byte, "notes/sample.xml", "café", ("not UTF-8",),
         args=(*ADD, "--anchor", "Shevardnadze")),
    # --- import --------------------------------------------------------------------------
    Case("import-new-capture", "import", capture, None, None, args=(*IMPORT, "new"), exit=0,
         then=draft_valid("new", "navigation", "mid-sentence", "guess:", "section heading", "<div>")),
    Case("import-crlf-capture", "import", write("edition/witnesses/new.txt", CAPTURE.replace("\n", "\r\n")), None, None,
         args=(*IMPORT, "new"), exit=0, then=draft_valid("new", "navigation", "<div>")),
    Case("import-existing-text", "import", chain(capture, write("edition/new.xml", "hand-corrected")), "edition/new.xml", None,
         ("--force",), args=(*IMPORT, "new")),
    Case("import-latin1-capture", "import", write("edition/witnesses/new.txt", "Caf\xe9 society\n\nA paragraph.\n".encode("latin-1")),
         "edition/witnesses/new.txt", 1, ("not UTF-8",), args=(*IMPORT, "new")),
    Case("import-empty-capture", "import", write("edition/witnesses/new.txt", "\n\n  \n"), "edition/witnesses/new.txt", None,
         ("no text",), args=(*IMPORT, "new")),
    # --- outputs and the cache -----------------------------------------------------------
    Case("interrupted-commit-finished", "outputs", pending_commit, None, None, args=("build", "--quiet"), exit=0,
         then=outputs_consistent),
    Case("source-date-epoch-rebuilds", "outputs", build_first, None, None, args=EPUB_HERE, exit=0, then=rebuilt,
         env={"SOURCE_DATE_EPOCH": "1700000000"}),
    Case("same-inputs-up-to-date", "outputs", build_first, None, None, args=EPUB_HERE, exit=0,
         then=prints("up to date", "nothing to build")),
    Case("umask-022", "outputs", None, None, None, args=EPUB, exit=0, then=files_mode(0o644), env={"UMASK": "022"}),
    Case("umask-077", "outputs", None, None, None, args=EPUB, exit=0, then=files_mode(0o600), env={"UMASK": "077"}),
    Case("invalid-source-date-epoch", "outputs", None, None, None, ("SOURCE_DATE_EPOCH",), args=EPUB, exit=3,
         env={"SOURCE_DATE_EPOCH": "yesterday"}),
    # --- the command line ----------------------------------------------------------------
    Case("version", "cli", None, None, None, args=("--version",), exit=0, then=prints("makebook 0.")),
    Case("built-in-seconds", "cli", None, None, None, args=EPUB, exit=0, then=prints("wrote ", "built in")),
    Case("no-stray-blank-line", "cli", None, None, None, args=("build", "--format", "epub", "--out", "{dist}"), exit=0,
         then=no_blank_line),
    Case("error-count", "cli", chain(replace("notes/sample.xml", 'anchor="Vorkuta"', 'anchor="Vorkutta"'),
                                     replace("notes/glossary.xml", "<form>glasnost</form>", "<form>glasnostt</form>")),
         "notes/sample.xml", 'anchor="Vorkutta"', ("not found",), then=prints("3 errors", stream="stderr")),
]
CASES = [*OLD_CASES, *NEW_CASES]
assert len(CASES) >= 100 and len({c.id for c in CASES}) == len(CASES)


def _expected_line(case: Case, project: Path) -> set:
    if case.line is None or isinstance(case.line, int) or case.line == ANY:
        return {case.line}
    if isinstance(case.line, tuple) and all(isinstance(x, int) for x in case.line):
        return set(case.line)
    marker, nth = case.line if isinstance(case.line, tuple) else (case.line, 0)
    data = (project / case.file).read_bytes()
    at = -1
    for _ in range(nth + 1):
        found = data.find(marker.encode("utf-8"), at + 1)
        at = found if found >= 0 else data.find(marker.encode("latin-1"), at + 1)
    assert at >= 0, f"marker {marker!r} not in the broken {case.file}"
    return {data[:at].count(b"\n") + 1}


def _snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def built_cache(tmp_path_factory) -> Path:
    """The cache a real build (the EPUB) of the mini fixture leaves, which failed runs must not touch."""
    project = tmp_path_factory.mktemp("built") / "project"
    shutil.copytree(FIXTURE, project)
    proc = run_cli(project, "build", "--format", "epub", "--out", str(project / "dist"), "--quiet", cwd=project)
    assert proc.returncode == 0, proc.stderr
    return project / ".makebook-cache"


@pytest.fixture
def project(tmp_path: Path, built_cache: Path) -> Path:
    dest = tmp_path / "project"
    shutil.copytree(FIXTURE, dest, ignore=shutil.ignore_patterns(".makebook-cache", "dist"))
    shutil.copytree(built_cache, dest / ".makebook-cache")
    return dest


PARAMS = [pytest.param(case, id=case.id,
                       marks=[pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else [])
          for case in CASES]


def _run(case: Case, project: Path, dist: Path, cwd: Path) -> subprocess.CompletedProcess:
    args = [a.format(project=project, dist=dist) for a in case.args]
    env = dict(case.env or {})
    umask = env.pop("UMASK", None)
    return subprocess.run([*CLI, "--root", str(project), *args], cwd=cwd, capture_output=True, text=True,
                          errors="replace", timeout=120, env={**os.environ, **env},
                          preexec_fn=(lambda: os.umask(int(umask, 8))) if umask else None)


@pytest.mark.parametrize("case", PARAMS)
def test_hostile_input(case: Case, project: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    for name, data in PREVIOUS.items():
        (dist / name).write_bytes(data)
    if case.breaker:
        case.breaker(project)
    expected_lines = _expected_line(case, project) if case.file and case.exit else set()
    before = {rel: (project / rel).read_bytes() for rel in ("notes/sample.xml",) if (project / rel).is_file()}
    dist_before, cache_before = _snapshot(dist), _snapshot(project / ".makebook-cache")

    start = time.perf_counter()
    proc = _run(case, project, dist, tmp_path)
    elapsed = time.perf_counter() - start
    report = f"exit {proc.returncode}\n--- stdout\n{proc.stdout}--- stderr\n{proc.stderr}"

    assert "Traceback" not in proc.stderr + proc.stdout, report
    assert proc.returncode == case.exit, report
    if case.exit != 4:
        assert "bug" not in proc.stderr, report
    if PASSWD_MARKER in Path("/etc/passwd").read_text(errors="replace"):
        assert PASSWD_MARKER not in proc.stdout + proc.stderr, report
    if case.max_seconds is not None:
        assert elapsed < case.max_seconds, f"took {elapsed:.1f} s\n{report}"
    if case.exit == 0:
        assert not [l for l in proc.stderr.splitlines() if l.startswith("error")], report
        case.then(project, dist, proc, before)
        return

    assert "wrote " not in proc.stdout and "added note" not in proc.stdout, report
    lines = proc.stderr.splitlines()
    assert lines, report
    if len(lines) > 1:
        assert COUNT_LINE.match(lines[-1]) and lines[-1] == f"{len(lines) - 1} errors", f"no error count\n{report}"
        lines = lines[:-1]
    assert all(line.startswith("error: ") for line in lines), report
    if case.file is None:  # a usage error: one line, saying what is wrong
        assert len(lines) == 1, report
        located = lines
    else:
        located = []
        for line in lines:
            m = ERROR_LINE.match(line)
            assert m, f"not an `error: file:line: message` line: {line!r}\n{report}"
            path = Path(os.path.abspath(tmp_path / m["path"]))
            if not Path(case.file).is_absolute():
                assert path.is_relative_to(project), f"names a file outside the project: {line!r}\n{report}"
            if m["line"] is None:
                assert any(w in m["msg"] for w in WHOLE_FILE), f"no line number: {line!r}\n{report}"
            named = Path(os.path.abspath(project / case.file))
            line_no = int(m["line"]) if m["line"] else None
            if path == named and (ANY in expected_lines or line_no in expected_lines):
                located.append(line)
            elif case.kind == "cascade":
                pytest.fail(f"a false error in another file or line: {line!r}\n{report}")
        assert located, f"no error names {case.file}:{sorted(expected_lines, key=str)}\n{report}"
    for word in case.says:
        assert any(word in line for line in located), f"{word!r} not in {located}\n{report}"
    if case.then:
        case.then(project, dist, proc, before)
    assert _snapshot(dist) == dist_before, f"dist/ changed: {sorted(p.name for p in dist.iterdir())}"
    assert _snapshot(project / ".makebook-cache") == cache_before, "the cache changed"


def test_every_class_has_cases() -> None:
    """The table of the suite: every class of fault the tools guard against has its cases."""
    kinds = {c.kind for c in CASES}
    assert kinds >= {"parser", "encodings", "texts", "notes", "links", "entries", "cascade", "schema",
                     "environment", "usage", "notes add", "import", "outputs", "cli"}, kinds


def test_fixture_is_clean(project: Path, tmp_path: Path) -> None:
    """The corpus only means something if the unbroken fixture passes."""
    proc = run_cli(project, "check", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


def test_check_reports_every_error_at_once(project: Path, tmp_path: Path) -> None:
    """Two broken notes: `check` reports both in one run, one line each, with their lines, and counts them."""
    replace("notes/sample.xml", 'anchor="Vorkuta"', 'anchor="Vorkutta"')(project)
    replace("notes/sample.xml", 'anchor="“its privileges”"', 'anchor="its priviliges"')(project)
    proc = run_cli(project, "check", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 3 and lines[2] == "2 errors", proc.stderr
    assert all(line.startswith("error: ") for line in lines[:2]), proc.stderr
    assert "notes/sample.xml:4:" in lines[0] and "sample-vorkuta" in lines[0], proc.stderr
    assert "notes/sample.xml:7:" in lines[1] and "sample-privileges" in lines[1], proc.stderr



SCHEMA_CASES = [c for c in CASES if c.kind == "schema" and isinstance(c.line, str) and c.line != ANY
                and "malformed XML" not in c.says]


@pytest.mark.parametrize("case", SCHEMA_CASES, ids=[c.id for c in SCHEMA_CASES])
def test_schema_error_points_at_the_element_or_attribute(case: Case, project: Path, tmp_path: Path) -> None:
    """A schema error's column is where the marked element or attribute begins on its line."""
    case.breaker(project)
    proc = run_cli(project, "check", cwd=tmp_path)
    data = (project / case.file).read_text(encoding="utf-8")
    at = data.index(case.line)
    expected = (data[:at].count("\n") + 1, at - data.rfind("\n", 0, at))
    located = [m for m in map(ERROR_LINE.match, proc.stderr.splitlines()) if m and m["line"]]
    assert any((int(m["line"]), int(m["col"] or 0)) == expected for m in located), (expected, proc.stderr)

def test_broken_text_does_not_blame_its_notes(project: Path, tmp_path: Path) -> None:
    replace("edition/sample.xml", "<q>its privileges</q>", "<q>its privileges")(project)
    proc = run_cli(project, "check", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "edition/sample.xml:19:" in proc.stderr
    assert "notes/sample.xml" not in proc.stderr, proc.stderr


def test_corrupt_cache_is_ignored(project: Path, tmp_path: Path) -> None:
    state = project / ".makebook-cache" / "state.json"
    state.write_text("[]")
    proc = run_cli(project, "build", "--format", "epub", "--out", str(tmp_path / "dist"), "--quiet", cwd=tmp_path)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stderr



def test_output_cut_short_by_its_reader_is_no_failure(project: Path, tmp_path: Path) -> None:
    """`makebook build | head -0`: the reader has gone before the first line; the build still
    finishes, publishes and exits 0, and says nothing about a broken pipe."""
    dist = tmp_path / "dist"
    proc = subprocess.Popen([*CLI, "--root", str(project), "build", "--format", "epub", "--out", str(dist)],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert proc.wait(timeout=120) == 0, stderr
    assert stderr == ""
    assert (dist / "sample-edition.epub").is_file()

# Faults of the machine and of makebook itself, injected where they would strike -------
# (in-process: a full disk or a defect cannot be made with files alone)

def _raise(exc: BaseException) -> Callable:
    def fault(*args, **kwargs):
        raise exc
    return fault


@dataclass
class Fault:
    id: str
    where: str                    # "module:attribute" replaced by a function that raises
    exc: BaseException
    args: tuple[str, ...]
    exit: int
    says: tuple[str, ...]


FAULTS = [
    Fault("disk-full-while-writing-books", "makebook.publish:temp_beside",
          OSError(28, "No space left on device", "dist/book.epub"), EPUB, 3, ("no space left", "free some space", "book.epub")),
    Fault("permission-denied-writing-books", "makebook.publish:temp_beside",
          PermissionError(13, "Permission denied", "dist/book.pdf"), EPUB, 3, ("permission denied", "--out", "book.pdf")),
    Fault("read-only-file-system", "makebook.publish:temp_beside",
          OSError(30, "Read-only file system", "dist/book.epub"), EPUB, 3, ("read-only", "--out")),
    Fault("io-error-reading-sources", "makebook.sources.xmlio:read_bytes",
          OSError(5, "Input/output error", "notes/sample.xml"), ("check",), 3, ("input/output error", "sample.xml")),
    Fault("ctrl-c-during-build", "makebook.pipeline:merge", KeyboardInterrupt(), EPUB, 130, ("interrupted",)),
    Fault("internal-defect-in-merge", "makebook.merge:place_notes", ValueError("an impossible state"), ("check",), 4,
          ("internal error", "sample.xml", "an impossible state", "bug", "MAKEBOOK_DEBUG")),
    Fault("internal-defect-in-writer", "makebook.writers.epub:write_epub", ZeroDivisionError("division by zero"), EPUB, 4,
          ("internal error", "the EPUB", "bug")),
]


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.id)
def test_injected_fault(fault: Fault, project: Path, tmp_path: Path, monkeypatch) -> None:
    """A fault of the machine is exit 3 naming the path and what to do, Ctrl-C is 130, a
    defect of makebook is 4 and says so, naming what it was processing; dist/ untouched."""
    import importlib

    from click.testing import CliRunner

    from makebook import errors
    from makebook.cli import main
    dist = tmp_path / "dist"
    dist.mkdir()
    for name, data in PREVIOUS.items():
        (dist / name).write_bytes(data)
    module, attribute = fault.where.split(":")
    monkeypatch.setattr(importlib.import_module(module), attribute, _raise(fault.exc))
    monkeypatch.setattr(errors, "_FAILED_IN", [])
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["--root", str(project), *(a.format(dist=dist) for a in fault.args)])
    report = f"exit {result.exit_code}\n{result.stdout}\n{result.stderr}"
    assert result.exit_code == fault.exit, report
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, report
    for word in fault.says:
        assert word in lines[0], f"{word!r} not in {lines[0]!r}"
    if fault.exit != 4:
        assert "bug" not in result.stderr
    assert _snapshot(dist) == PREVIOUS
