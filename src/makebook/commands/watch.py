"""`makebook watch`: rebuild whenever a source changes; report errors and keep watching."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import click
from watchfiles import watch as watch_changes

from ..errors import EditionError, ErrorList, environment_fault
from ..model import styles_of


def watch(root: Path, rebuild: Callable[[], None], report: Callable[[str], None], stop_event=None) -> None:
    """Run `rebuild` now and after every change under edition/, notes/ and styles/."""
    def attempt() -> None:
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

    attempt()
    paths = [p for p in (root / "edition", root / "notes", styles_of(root)) if p.exists()]
    for changes in watch_changes(*paths, stop_event=stop_event):
        names = sorted({Path(p).name for _, p in changes if Path(p).exists()})
        report(f"changed: {', '.join(names) or 'a file removed'}")
        attempt()


@click.command("watch")
@click.option("--format", "fmt", type=click.Choice(["epub", "pdf", "web", "all"]), default="all", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output folder [default: dist/].")
@click.pass_obj
def watch_cmd(root: Path, fmt: str, out: Path | None) -> None:
    """Rebuild on every change of the sources, reporting errors without exiting (Ctrl-C stops)."""
    from ..pipeline import build as run

    formats = {"epub", "pdf", "web"} if fmt == "all" else {fmt}

    def rebuild() -> None:
        start = time.perf_counter()
        click.echo(f"building {' and '.join(sorted(formats))}…")
        result = run(root, out or root / "dist", formats, quiet=True)
        done = ", ".join(str(p) for p in result.written.values())
        click.echo(f"up to date: {done}" if result.up_to_date else f"built in {time.perf_counter() - start:.1f} s: {done}")
        if not result.page_list:
            click.echo("note: this EPUB has no page list: the PDF of these sources has not been laid out yet "
                       "(watch without --format epub, or run makebook build once)")

    try:
        watch(root, rebuild, lambda line: click.echo(line, err=line.startswith("error")))
    except KeyboardInterrupt:
        pass
