"""Safe XML reading and atomic file writing.

Parsing never resolves entities, never loads a DTD and never touches the network; a
DOCTYPE is refused outright, so entity tricks (XXE, billion laughs) cannot start.
Comments and processing instructions are editors' asides: they are taken out as the file
is read, their surrounding text joined, so that no later stage can lose text around them.
"""
from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path

from lxml import etree

from ..errors import EditionError, EnvironmentFault, environment_fault

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MAX_BYTES = 10 * 1024 * 1024
SCHEMA_DIR = Path(__file__).resolve().parents[3] / "schema"
RELAXNG_NS = "http://relaxng.org/ns/structure/1.0"
_DECLARED = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=False,
)


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """Read a source file, refusing missing, empty, oversized and special ones."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise EditionError(path, None, "file not found", "check the file name and folder") from None
    except OSError as exc:
        raise environment_fault(exc, path) from None
    if stat.S_ISDIR(info.st_mode):
        raise EditionError(path, None, "is a folder, not a file", "rename or remove it")
    if not stat.S_ISREG(info.st_mode):
        raise EnvironmentFault(path, None, "is not a regular file (a named pipe, socket or device)",
                               "remove it, or replace it with the XML file it should be")
    if info.st_size > limit:
        raise EditionError(path, None, f"file is {info.st_size // 1024 // 1024} MB, over the {limit // 1024 // 1024} MB limit",
                           "a source file this large is a mistake; split or trim it")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise environment_fault(exc, path) from None
    if not data.strip():
        raise EditionError(path, 1, "file is empty", "write the XML content or delete the file")
    return data


def _where(data: bytes, at: int) -> tuple[int, int]:
    """Line and column (1-based, in characters) of byte offset `at`."""
    start = data.rfind(b"\n", 0, at) + 1
    return data[:at].count(b"\n") + 1, len(data[start:at].decode("utf-8", "replace")) + 1


def check_encoding(path: Path, data: bytes) -> None:
    """Refuse anything but plain UTF-8: UTF-16, a byte-order mark, NUL bytes, another
    declared encoding, bytes that are not UTF-8. One message each, saying how to save."""
    save = "save the file as UTF-8 without BOM"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        raise EditionError(path, 1, "file is UTF-16, not UTF-8", save)
    if data.startswith(b"\xef\xbb\xbf"):
        raise EditionError(path, 1, "file starts with a byte-order mark (BOM)", save)
    if b"\x00" in data:
        line, col = _where(data, data.index(b"\x00"))
        raise EditionError(path, line, "NUL byte in the file", f"delete it, or {save}", col)
    declared = _DECLARED.match(data)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        raise EditionError(path, 1, f"declares encoding=\"{declared.group(1).decode('ascii', 'replace')}\"; "
                           "sources must be UTF-8", f'{save} and declare encoding="UTF-8"',
                           declared.start(1) + 1)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _where(data, exc.start)
        raise EditionError(path, line, f"not UTF-8 (byte 0x{data[exc.start]:02x})", save, col) from None


def parse(path: Path) -> etree._ElementTree:
    """Parse an XML source with line numbers, or raise a located EditionError."""
    return parse_bytes(read_bytes(path), path)


def parse_bytes(data: bytes, path: Path) -> etree._ElementTree:
    """Parse the bytes of `path` (read, or about to be written), or raise a located EditionError."""
    check_encoding(path, data)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        at = min(i for i in (data.find(b"<!DOCTYPE"), data.find(b"<!ENTITY")) if i >= 0)
        raise EditionError(path, data[:at].count(b"\n") + 1, "DOCTYPE/ENTITY declarations are not allowed",
                           "remove the declaration; write characters directly in UTF-8")
    try:
        root = etree.fromstring(data, _PARSER, base_url=str(path))
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, None)
        msg = exc.msg.split(", line ")[0] if exc.msg else "malformed XML"
        raise EditionError(path, line or None, f"malformed XML: {msg}", "fix the markup at that line",
                           column or None) from None
    etree.strip_tags(root, etree.Comment, etree.ProcessingInstruction)
    return etree.ElementTree(root)


def xml_model(path: Path, schema: str) -> str:
    """The `<?xml-model?>` line that tells an XML editor which schema `path` follows."""
    href = os.path.relpath(SCHEMA_DIR / f"{schema}.rng", path.parent)
    return f'<?xml-model href="{href}" type="application/xml" schematypens="{RELAXNG_NS}"?>'


def file_mode(path: Path, keep: bool) -> int:
    """The mode a written file gets: with `keep`, the old file's (an editor's file keeps
    its permissions); otherwise, and for a new file, what the umask allows."""
    if keep:
        try:
            return stat.S_IMODE(path.stat().st_mode)
        except OSError:
            pass
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def temp_beside(path: Path, data: bytes, keep_mode: bool = False) -> Path:
    """Write `data` whole (synced to disk, with its mode) to a temporary file beside
    `path`, and return it. Its name is `.NAME.*.tmp`, which the next build removes if it
    is left behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), file_mode(path, keep_mode))
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_atomic(path: Path, data: bytes, keep_mode: bool = False) -> None:
    """Write a file so that readers see either the old or the complete new content."""
    tmp = temp_beside(path, data, keep_mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
