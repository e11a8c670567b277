"""`makebook build`: the books into dist/ (or --out)."""
from __future__ import annotations

import time
from pathlib import Path

import click


@click.command()
@click.option("--format", "fmt", type=click.Choice(["epub", "pdf", "web", "all"]), default="all", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output folder [default: dist/].")
@click.option("--quiet", is_flag=True, help="No progress display.")
@click.pass_obj
def build(root: Path, fmt: str, out: Path | None, quiet: bool) -> None:
    """Build the EPUB and/or the PDF into dist/."""
    from ..pipeline import build as run

    start = time.perf_counter()
    formats = {"epub", "pdf", "web"} if fmt == "all" else {fmt}
    result = run(root, out or root / "dist", formats, quiet)
    if result.up_to_date:
        click.echo(f"up to date: {', '.join(str(p) for p in result.written.values())} (nothing to build)")
        return
    for path in result.written.values():
        click.echo(f"wrote {path} ({_size(path) // 1024} KB)")
    if result.verification:
        click.echo(result.verification)
    if not result.page_list:
        click.echo("note: the EPUB has no page list yet: build the PDF once (makebook build) to get its page breaks")
    elif result.page_list == "last":
        click.echo("note: the EPUB's page list is the last PDF's, laid out before these changes: "
                   "build the PDF (makebook build) to renew it")
    if result.warning:
        click.echo(f"warning: {result.warning}", err=True)
    click.echo(f"built in {time.perf_counter() - start:.1f} s")


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size
