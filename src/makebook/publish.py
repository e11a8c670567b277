"""Putting a build's outputs into their folder together, or not at all.

Each book is first written whole to a temporary file beside its target, and the web
edition to a temporary folder. A journal then names every temporary file or folder and
its target, and only after the journal is on disk are they renamed into place. A build
killed during the renames leaves the journal behind; the next build finishes those
renames before anything else (everything the journal names was complete when it was
written), so the outputs of one build never sit beside those of another for longer than
the interruption. Temporary files and folders that no journal names are leftovers of a
build killed before it committed, and are removed.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from .sources.xmlio import temp_beside, write_atomic

JOURNAL = ".makebook-commit.json"
SITE = "site"  # inside a temporary folder: the new folder output, whole


def publish(files: dict[Path, bytes], trees: dict[Path, Callable[[Path], None]] | None = None) -> None:
    """Replace every file target with its new content, and every folder target with the
    folder its writer makes, as one commit."""
    targets = [*files, *(trees or {})]
    if not targets:
        return
    folder = targets[0].parent
    temps: dict[Path, Path] = {}
    try:
        for target, data in files.items():
            temps[target] = temp_beside(target, data)
        for target, write in (trees or {}).items():
            folder.mkdir(parents=True, exist_ok=True)
            holder = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder))
            temps[target] = holder / SITE
            write(temps[target])
        write_atomic(folder / JOURNAL, json.dumps({t.name: str(tmp.resolve().relative_to(folder.resolve())) for t, tmp in temps.items()}).encode())
    except BaseException:
        for tmp in temps.values():
            _remove(tmp.parent if tmp.name == SITE else tmp)
        raise
    _finish(folder)


def recover(folder: Path, names: list[str]) -> None:
    """Finish a commit that was interrupted, and remove the temporary files and folders of
    `names` (and of the journal) left by builds that never committed."""
    if not folder.is_dir():
        return
    if (folder / JOURNAL).is_file():
        _finish(folder)
    for name in [*names, JOURNAL]:
        for leftover in folder.glob(f".{name}.*.tmp"):
            _remove(leftover)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _safe(name: str, tmp: str) -> bool:
    """Only names of this folder and its own temporary files: a damaged journal cannot move anything else."""
    parts = Path(tmp).parts
    return (Path(name).name == name and not name.startswith(".") and 1 <= len(parts) <= 2
            and parts[0].startswith(f".{name}.") and parts[0].endswith(".tmp") and parts[1:] in ((), (SITE,)))


def _finish(folder: Path) -> None:
    journal = folder / JOURNAL
    try:
        pairs = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pairs = {}
    for name, tmp in (pairs.items() if isinstance(pairs, dict) else ()):
        if not (isinstance(tmp, str) and _safe(name, tmp) and (folder / tmp).exists()):
            continue
        source, target = folder / tmp, folder / name
        if source.is_dir() and target.exists():  # a folder cannot replace a folder: the old one steps aside first
            target.replace(source.parent / "old")
        source.replace(target)
    journal.unlink(missing_ok=True)
    for name, tmp in (pairs.items() if isinstance(pairs, dict) else ()):
        if isinstance(tmp, str) and _safe(name, tmp) and Path(tmp).parts[1:] == (SITE,):
            _remove(folder / Path(tmp).parts[0])  # what is left of a folder's commit: the old folder
