"""`makebook watch`: rebuild whenever a source changes; report errors and keep watching."""
from __future__ import annotations

import multiprocessing
import signal
import sys
import time
from pathlib import Path
from typing import Callable

import click
from watchfiles import watch as watch_changes

from ..errors import EditionError, ErrorList, environment_fault
from ..model import styles_of


def attempt(rebuild: Callable[[], None], report: Callable[[str], None]) -> None:
    """Run `rebuild`; report any error, never raise it."""
    start = time.perf_counter()
    try:
        rebuild()
    except EditionError as err:
        report(f"error: {err}")
    except ErrorList as errs:
        for err in errs.errors:
            report(f"error: {err}")
    except OSError as exc:
        report(f"error: {environment_fault(exc)}")
    except Exception as exc:  # a defect of makebook: say so, and keep watching
        report(f"internal error: {type(exc).__name__}: {exc} (a bug in makebook, not in your files; "
               "still watching)")
    else:
        return
    report(f"not rebuilt ({time.perf_counter() - start:.1f} s); the last good books stay in place; still watching")


def watch(root: Path, rebuild: Callable[[], None], report: Callable[[str], None], stop_event=None) -> None:
    """Run `rebuild` now and after every change under edition/, notes/ and styles/."""
    attempt(rebuild, report)
    paths = [p for p in (root / "edition", root / "notes", styles_of(root)) if p.exists()]
    for changes in watch_changes(*paths, stop_event=stop_event):
        names = sorted({Path(p).name for _, p in changes if Path(p).exists()})
        report(f"changed: {', '.join(names) or 'a file removed'}")
        attempt(rebuild, report)


class Background:
    """One build at a time in a forked process (the PDF, laid out while the editor reads the
    EPUB); a newer change stops it first. Parts it finished stay in the part cache, and the
    books it had not published stay as they were."""

    def __init__(self):
        self.process = None

    def start(self, job: Callable[[], None]) -> None:
        self.stop()
        self.process = multiprocessing.get_context("fork").Process(target=_in_background, args=(job,))
        self.process.start()

    def stop(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.terminate()  # SIGTERM: _in_background exits, stopping its layout processes
        if self.process is not None:
            self.process.join()
        self.process = None


def _in_background(job: Callable[[], None]) -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    job()


@click.command("watch")
@click.option("--format", "fmt", type=click.Choice(["epub", "pdf", "web", "all"]), default="all", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output folder [default: dist/].")
@click.pass_obj
def watch_cmd(root: Path, fmt: str, out: Path | None) -> None:
    """Rebuild on every change of the sources, reporting errors without exiting (Ctrl-C stops)."""
    from ..pipeline import build as run

    formats = {"epub", "pdf", "web"} if fmt == "all" else {fmt}

    report = lambda line: click.echo(line, err=line.startswith("error"))  # noqa: E731
    background = Background()

    def build(chosen: set[str], what: str) -> None:
        start = time.perf_counter()
        click.echo(f"building {what}…")
        result = run(root, out or root / "dist", chosen, quiet=True)
        done = ", ".join(str(p) for p in result.written.values())
        click.echo(f"up to date: {done}" if result.up_to_date else f"built in {time.perf_counter() - start:.1f} s: {done}")
        if not result.page_list:
            click.echo("note: this EPUB has no page list: the PDF of these sources has not been laid out yet "
                       "(watch without --format epub, or run makebook build once)")
        elif result.page_list == "last":
            click.echo("note: this EPUB's page list is the last PDF's until the PDF is laid out again")

    def rebuild() -> None:
        background.stop()
        quick = formats - {"pdf"}
        if "pdf" not in formats or not quick:
            build(formats, " and ".join(sorted(formats)))
            return
        # The EPUB (and web edition) first, in about a second; then the PDF, and the
        # others again with its page breaks, in the background.
        build(quick, " and ".join(sorted(quick)))
        background.start(lambda: attempt(lambda: build(formats, "the PDF (in the background)"), report))

    try:
        watch(root, rebuild, report)
    except KeyboardInterrupt:
        pass
    finally:
        background.stop()
