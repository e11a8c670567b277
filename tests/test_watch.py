"""`makebook watch` through its API: it rebuilds on a change and survives a bad input."""
from __future__ import annotations

import threading
import time

from makebook.pipeline import build
from makebook.commands.watch import watch

from helpers import copy_mini


def test_watch_reports_an_error_then_rebuilds_after_the_fix(tmp_path):
    project = copy_mini(tmp_path)
    notes = project / "notes" / "sample.xml"
    good = notes.read_text()
    lines: list[str] = []
    builds: list[int] = []
    stop = threading.Event()

    def rebuild():
        build(project, tmp_path / "dist", {"epub"}, quiet=True)
        builds.append(1)

    thread = threading.Thread(target=watch, args=(project, rebuild, lines.append, stop), daemon=True)
    thread.start()

    def wait_for(predicate, seconds=20):
        end = time.monotonic() + seconds
        while time.monotonic() < end and not predicate():
            time.sleep(0.1)
        return predicate()

    assert wait_for(lambda: builds)
    notes.write_text(good.replace('anchor="Vorkuta"', 'anchor="Workuta"'))
    assert wait_for(lambda: any(l.startswith("error:") and "Workuta" in l for l in lines))
    assert thread.is_alive()
    notes.write_text(good)
    assert wait_for(lambda: len(builds) >= 2)
    stop.set()
    thread.join(timeout=10)
