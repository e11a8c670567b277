"""Safe XML reading and atomic file writing.

Parsing never resolves entities, never loads a DTD and never touches the network; a
DOCTYPE is refused outright, so entity tricks (XXE, billion laughs) cannot start.
Comments and processing instructions are editors' asides: they are taken out as the file
is read, their surrounding text joined, so that no later stage can lose text around them.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from lxml import etree

from ..errors import EditionError

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MAX_BYTES = 10 * 1024 * 1024

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=False,
)


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """Read a source file, refusing missing, empty and oversized ones."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise EditionError(path, None, "file not found", "check the file name and folder") from None
    if not path.is_file():
        raise EditionError(path, None, "is a folder, not a file", "rename or remove it")
    if size > limit:
        raise EditionError(path, None, f"file is {size // 1024 // 1024} MB, over the {limit // 1024 // 1024} MB limit",
                           "a source file this large is a mistake; split or trim it")
    data = path.read_bytes()
    if not data.strip():
        raise EditionError(path, 1, "file is empty", "write the XML content or delete the file")
    return data


def parse(path: Path) -> etree._ElementTree:
    """Parse an XML source with line numbers, or raise a located EditionError."""
    data = read_bytes(path)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise EditionError(path, line, f"not UTF-8 (byte 0x{data[exc.start]:02x})",
                           "save the file as UTF-8") from None
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        line = data[: min(i for i in (data.find(b"<!DOCTYPE"), data.find(b"<!ENTITY")) if i >= 0)].count(b"\n") + 1
        raise EditionError(path, line, "DOCTYPE/ENTITY declarations are not allowed",
                           "remove the declaration; write characters directly in UTF-8")
    try:
        root = etree.fromstring(data, _PARSER, base_url=str(path))
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else None)
        msg = exc.msg.split(", line ")[0] if exc.msg else "malformed XML"
        raise EditionError(path, line, f"malformed XML: {msg}", "fix the markup at that line") from None
    etree.strip_tags(root, etree.Comment, etree.ProcessingInstruction)
    return etree.ElementTree(root)


def write_tree(path: Path, write) -> None:
    """Make a folder with `write(folder)` beside `path`, then put it in place of the old one,
    so that readers see either the old site or the complete new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    old = tmp.with_suffix(".old")
    try:
        write(tmp / "site")
        if path.exists():
            os.replace(path, old)
        os.replace(tmp / "site", path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers see either the old or the complete new content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
