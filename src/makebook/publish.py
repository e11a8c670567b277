"""Putting a build's books into their folder together, or not at all.

Each book is first written whole to a temporary file beside its target. A journal then
names every temporary file and its target, and only after the journal is on disk are the
files renamed. A build killed during the renames leaves the journal behind; the next
build finishes those renames before anything else (every file the journal names was
complete when it was written), so the books of one build never sit beside those of
another for longer than the interruption. Temporary files that no journal names are
leftovers of a build killed before it committed, and are removed.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from .sources.xmlio import temp_beside, write_atomic

JOURNAL = ".makebook-commit.json"


def publish(files: dict[Path, bytes]) -> None:
    """Replace every target with its new content, as one commit."""
    if not files:
        return
    folder = next(iter(files)).parent
    temps: dict[Path, Path] = {}
    try:
        for target, data in files.items():
            temps[target] = temp_beside(target, data)
        write_atomic(folder / JOURNAL, json.dumps({t.name: tmp.name for t, tmp in temps.items()}).encode())
    except BaseException:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        raise
    _finish(folder)


def recover(folder: Path, names: list[str]) -> None:
    """Finish a commit that was interrupted, and remove the temporary files of `names`
    (and of the journal) left by builds that never committed."""
    if not folder.is_dir():
        return
    if (folder / JOURNAL).is_file():
        _finish(folder)
    for name in [*names, JOURNAL]:
        for leftover in [*folder.glob(f".{name}.*.tmp"), *folder.glob(f".{name}.*.old")]:
            if leftover.is_dir() and not leftover.is_symlink():  # a site folder (xmlio.write_tree)
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)


def _finish(folder: Path) -> None:
    journal = folder / JOURNAL
    try:
        pairs = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pairs = {}
    for target, tmp in (pairs.items() if isinstance(pairs, dict) else ()):
        # Names only, never paths: a damaged journal cannot move files out of this folder.
        if Path(target).name == target and Path(tmp).name == tmp and (folder / tmp).is_file():
            (folder / tmp).replace(folder / target)
    journal.unlink(missing_ok=True)
