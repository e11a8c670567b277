"""The errors every stage raises, their exit codes, and what the tool was doing when one came.

An `EditionError` is a problem of the editor's files (exit 1), a `UsageError` one of the
command line (exit 2), an `EnvironmentFault` one of the machine: a path that cannot be
read or written, a full disk, a file name that is not UTF-8 (exit 3). Anything else is a
defect of makebook (exit 4), reported with the item `doing()` last named.
"""
from __future__ import annotations

import contextlib
import errno
import os
from dataclasses import dataclass
from pathlib import Path

OK, INPUT, USAGE, ENVIRONMENT, INTERNAL, INTERRUPTED = 0, 1, 2, 3, 4, 130


@dataclass
class EditionError(Exception):
    """An input problem: where it is, what is wrong, how to fix it."""

    path: Path | str | None
    line: int | None
    message: str
    hint: str = ""
    column: int | None = None

    exit_code = INPUT

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = short(self.path)
            if self.line:
                where += f":{self.line}" + (f":{self.column}" if self.column else "")
            where += ": "
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{hint}"


class UsageError(EditionError):
    """A command line asking for something that does not exist or cannot be."""

    exit_code = USAGE


class EnvironmentFault(EditionError):
    """The machine, not the edition: a path makebook cannot read or write."""

    exit_code = ENVIRONMENT


class ErrorList(Exception):
    """Several EditionErrors found in one pass (check reports them all)."""

    def __init__(self, errors: list[EditionError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors

    @property
    def exit_code(self) -> int:
        return max((e.exit_code for e in self.errors), default=INPUT)


# What to do about an OSError, by errno: the editor's next step.
_OS_HINTS = {
    errno.EACCES: "check the permissions of this path, or choose another folder with --out",
    errno.EPERM: "check the permissions of this path, or choose another folder with --out",
    errno.EROFS: "the file system is read-only: choose another folder with --out",
    errno.ENOSPC: "the disk is full: free some space and run again",
    errno.EDQUOT: "the disk quota is exhausted: free some space and run again",
    errno.ENOTDIR: "a file stands where a folder is needed: move it away",
    errno.EISDIR: "a folder stands where a file is needed: move it away",
    errno.EEXIST: "a file stands where a folder is needed: move it away",
    errno.ELOOP: "a symbolic link points to itself: remove or repair the link",
    errno.ENAMETOOLONG: "shorten the path",
    errno.ENOENT: "check that the folder exists",
    errno.EIO: "the disk reported a read/write error: check the device",
}


def environment_fault(exc: OSError, path: Path | str | None = None) -> EnvironmentFault:
    """An OSError as a one-line message naming the path and what to do."""
    where = path or exc.filename
    what = exc.strerror or type(exc).__name__
    return EnvironmentFault(where, None, what[:1].lower() + what[1:],
                            _OS_HINTS.get(exc.errno, "check this path and run again"))


def unreadable_name(path: Path) -> EnvironmentFault:
    """A file whose name is not valid UTF-8 (undecodable bytes came in as surrogates)."""
    shown = os.fsencode(path).decode("utf-8", "backslashreplace")
    return EnvironmentFault(shown, None, "file name is not UTF-8", "rename the file with UTF-8 characters only")


_FAILED_IN: list[str] = []


@contextlib.contextmanager
def doing(what: str):
    """Name the file or item being processed, for the message of an internal error."""
    try:
        yield
    except (EditionError, ErrorList):
        raise
    except BaseException:
        if not _FAILED_IN:  # the innermost `doing` sees the exception first
            _FAILED_IN.append(what)
        raise


def failed_in() -> str | None:
    """The innermost item being processed when an unexpected exception escaped."""
    return _FAILED_IN[0] if _FAILED_IN else None


def short(path: Path | str) -> str:
    """A path as the editor would type it: relative to the current folder if inside it.
    (Not resolved: a symbolic-link loop must still be named.)"""
    try:
        return str(Path(os.path.abspath(path)).relative_to(os.path.realpath(os.getcwd())))
    except (ValueError, OSError):
        return str(path)
