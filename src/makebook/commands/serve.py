"""`makebook serve`: the web edition on a local address, rebuilt whenever a source changes,
for editors to read what they are writing."""
from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import click

from ..errors import EnvironmentFault
from .watch import watch


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature is http.server's
        pass


@click.command("serve")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output folder [default: dist/].")
@click.pass_obj
def serve(root: Path, port: int, out: Path | None) -> None:
    """Serve the web edition on 127.0.0.1 and rebuild it on every change (Ctrl-C stops)."""
    from ..pipeline import build as run

    site = (out or root / "dist") / "web"
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_Quiet, directory=str(site)))
    except OSError as exc:
        raise EnvironmentFault(None, None, f"cannot listen on 127.0.0.1:{port}: {exc.strerror}", "choose another --port") from None

    def rebuild() -> None:
        result = run(root, out or root / "dist", {"web"}, quiet=True)
        click.echo(("up to date: " if result.up_to_date else "built: ") + str(site))

    threading.Thread(target=server.serve_forever, daemon=True).start()
    click.echo(f"serving {site} at http://127.0.0.1:{port}/ (Ctrl-C stops)")
    try:
        watch(root, rebuild, lambda line: click.echo(line, err=line.startswith("error")))
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
