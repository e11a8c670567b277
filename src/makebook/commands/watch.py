"""`makebook watch`: rebuild whenever a source changes; report errors and keep watching."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import click
from watchfiles import watch as watch_changes

from ..errors import EditionError, ErrorList
from ..model import styles_of


def watch(root: Path, rebuild: Callable[[], None], report: Callable[[str], None], stop_event=None) -> None:
    """Run `rebuild` now and after every change under edition/, notes/ and styles/."""
    def attempt() -> None:
        try:
            rebuild()
        except EditionError as err:
            report(f"error: {err}")
        except ErrorList as errs:
            for err in errs.errors:
                report(f"error: {err}")

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
        result = run(root, out or root / "dist", formats, quiet=True)
        click.echo(("up to date: " if result.up_to_date else "built: ") + ", ".join(str(p) for p in result.written.values()))

    try:
        watch(root, rebuild, lambda line: click.echo(line, err=line.startswith("error")))
    except KeyboardInterrupt:
        pass
