"""A content-hash cache over the inputs, the code and the styles.

It records, for the current inputs, where each PDF page begins (so the EPUB alone can be
rebuilt without laying out the PDF) and the hashes of the last outputs (so a rebuild of
unchanged sources does nothing).
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from importlib import metadata
from pathlib import Path

from . import __version__
from .errors import environment_fault, unreadable_name
from .sources.xmlio import write_atomic

CODE = Path(__file__).resolve().parent
INPUT_DIRS = ("edition", "notes")
# Environment variables that change the books (the date they carry; the fonts WeasyPrint may see).
OUTPUT_ENV = ("SOURCE_DATE_EPOCH", "FONTCONFIG_FILE", "FONTCONFIG_PATH")
# Libraries whose version changes the bytes of the books.
OUTPUT_LIBRARIES = ("weasyprint", "pydyf", "fonttools", "lxml", "jinja2")


def input_key(root: Path, styles: Path) -> str:
    """Hash of every source, stylesheet, template, font and module that shapes the
    outputs, of the environment variables and library versions that do, and of the
    Python that runs them."""
    h = hashlib.sha256(__version__.encode())
    h.update(json.dumps([sys.version, *(os.environ.get(v) for v in OUTPUT_ENV),
                         *(_version(lib) for lib in OUTPUT_LIBRARIES)]).encode())
    files = [p for d in INPUT_DIRS for p in (root / d).rglob("*") if p.is_file()]
    files += [p for p in styles.rglob("*") if p.is_file()]
    files += [p for p in CODE.rglob("*.py")] + [p for p in (CODE.parents[1] / "schema").glob("*.rng")]
    for path in sorted(files):
        name = str(path.relative_to(path.parents[1] if path.is_relative_to(root) else path.parent))
        try:
            h.update(name.encode())
        except UnicodeEncodeError:
            raise unreadable_name(path) from None
        try:
            h.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError as exc:
            raise environment_fault(exc, path) from None
    return h.hexdigest()


def _version(lib: str) -> str | None:
    try:
        return metadata.version(lib)
    except metadata.PackageNotFoundError:
        return None


def file_hash(path: Path) -> str | None:
    """The hash of a book, or of a whole folder (the web edition), or None if it is not there."""
    if path.is_dir():
        h = hashlib.sha256()
        for p in sorted(q for q in path.rglob("*") if q.is_file()):
            h.update(str(p.relative_to(path)).encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
        return h.hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


class State:
    """What the last build left in .makebook-cache/state.json."""

    def __init__(self, root: Path):
        self.path = root / ".makebook-cache" / "state.json"
        self.warning: str | None = None
        # The cache folder is makebook's own: temporary files of killed builds go.
        for folder in (self.path.parent, self.path.parent / "fonts"):
            for leftover in folder.glob(".*.tmp") if folder.is_dir() else ():
                leftover.unlink(missing_ok=True)
        try:
            self.data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.data = {}
        if not _well_formed(self.data):  # a damaged cache is ignored, and rewritten by the build
            self.data = {}

    def marks(self, key: str) -> list[tuple[str, str]] | None:
        return self.data.get("marks") if self.data.get("marks_key", self.data.get("key")) == key else None

    def last_marks(self) -> list[tuple[str, str]] | None:
        """The page marks of the last PDF laid out, whatever its sources."""
        return self.data.get("marks")

    def up_to_date(self, key: str, outputs: dict[str, Path]) -> bool:
        done = self.data.get("outputs", {}) if self.data.get("key") == key else {}
        return all(done.get(fmt) and done[fmt] == file_hash(path) for fmt, path in outputs.items())

    def save(self, key: str, marks: list | None, outputs: dict[str, Path]) -> None:
        previous = self.data.get("outputs", {}) if self.data.get("key") == key else {}
        # The marks are kept with the key of the sources they were laid out from.
        kept = (marks, key) if marks is not None else (self.data.get("marks"), self.data.get("marks_key", self.data.get("key")))
        data = {"key": key, "marks": kept[0], "marks_key": kept[1],
                "outputs": {**previous, **{fmt: file_hash(p) for fmt, p in outputs.items()}}}
        try:
            write_atomic(self.path, json.dumps(data, indent=1).encode())
        except OSError as exc:  # the books are written; only the next build's shortcut is lost
            self.warning = f"{environment_fault(exc, self.path)}; the books are written, the next build will not be a no-op"


def _well_formed(data) -> bool:
    """The shape state.json has when makebook wrote it."""
    marks = data.get("marks") if isinstance(data, dict) else None
    return (isinstance(data, dict) and isinstance(data.get("key"), str) and isinstance(data.get("outputs", {}), dict)
            and (marks is None or isinstance(marks, list) and all(
                isinstance(m, list) and len(m) in (2, 3) and all(isinstance(x, str) for x in m[:2])
                and all(isinstance(x, bool) for x in m[2:]) for m in marks)))


class PartCache:
    """The PDF's parts as last laid out: each part's PDF and pages under a hash of all that
    shapes its layout (parts/KEY.pdf, KEY.json), and which parts the last layout was made
    of, in order (layout.json): the page map every page reference is printed from."""

    def __init__(self, root: Path):
        self.dir = root / ".makebook-cache" / "parts"
        self.index = root / ".makebook-cache" / "layout.json"

    def get(self, key: str) -> tuple[bytes, dict] | None:
        try:
            return (self.dir / f"{key}.pdf").read_bytes(), json.loads((self.dir / f"{key}.json").read_text())
        except (OSError, ValueError):
            return None

    def put(self, key: str, pdf: bytes, meta: dict) -> None:
        write_atomic(self.dir / f"{key}.pdf", pdf)
        write_atomic(self.dir / f"{key}.json", json.dumps(meta).encode())

    def last_layout(self) -> list[tuple[str, bool, str]]:
        """(name, roman folios?, key) of each part of the last layout, in reading order."""
        try:
            return [tuple(entry) for entry in json.loads(self.index.read_text())["parts"]]
        except (OSError, ValueError, KeyError, TypeError):
            return []

    def save_layout(self, parts: list[tuple[str, bool, str]], laid_out: dict[str, int], printed: int) -> None:
        """Record this layout (and how many pages it laid out, in all and for each part, for
        how many printed); drop the parts used neither by it nor by the one before."""
        keep = {key for _, _, key in parts + self.last_layout()}
        write_atomic(self.index, json.dumps({"parts": parts, "laid_out": sum(laid_out.values()),
                                             "laid_out_by_part": laid_out, "printed": printed}).encode())
        for path in self.dir.glob("*.*"):
            if path.stem not in keep:
                path.unlink(missing_ok=True)
