"""The one error type every stage raises: a located, one-line message for editors."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class EditionError(Exception):
    """An input problem: where it is, what is wrong, how to fix it."""

    path: Path | str | None
    line: int | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{_short(self.path)}:{self.line}: " if self.line else f"{_short(self.path)}: "
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{hint}"


class ErrorList(Exception):
    """Several EditionErrors found in one pass (check reports them all)."""

    def __init__(self, errors: list[EditionError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


def _short(path: Path | str) -> str:
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
