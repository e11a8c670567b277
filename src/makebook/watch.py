"""`makebook watch`: rebuild whenever a source changes; report errors and keep watching."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from watchfiles import watch as watch_changes

from .errors import EditionError, ErrorList


def watch(root: Path, rebuild: Callable[[], None], report: Callable[[str], None], stop_event=None) -> None:
    """Run `rebuild` now and after every change under edition/, notes/ and styles/."""
    from . import STYLES

    def attempt() -> None:
        try:
            rebuild()
        except EditionError as err:
            report(f"error: {err}")
        except ErrorList as errs:
            for err in errs.errors:
                report(f"error: {err}")

    attempt()
    paths = [p for p in (root / "edition", root / "notes", STYLES) if p.exists()]
    for changes in watch_changes(*paths, stop_event=stop_event):
        names = sorted({Path(p).name for _, p in changes if Path(p).exists()})
        report(f"changed: {', '.join(names) or 'a file removed'}")
        attempt()
