"""``truce witness ...``: a C2SP tlog-witness that cosigns other logs' checkpoints over HTTP."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import click

from truce.cli.app import AppContext, cli, pass_app
from truce.ledger.tlog_witness import MAX_BODY, Answer, Witness


@cli.group()
def witness() -> None:
    """A C2SP tlog-witness: cosign a log's checkpoints that extend what it cosigned before."""


def _home(app: AppContext) -> Path:
    return app.settings.home


@witness.command("init")
@click.option("--name", required=True, help="The witness's key name, e.g. witness.icrc.example.")
@pass_app
def init_witness(app: AppContext, name: str) -> None:
    """Create a witness in --home with a fresh Ed25519 key; print its verifier key."""
    w = Witness.init(_home(app), name)
    click.echo(f"created witness {name!r} in {w.home}")
    click.echo(f"witness key: {w.vkey}")
    click.echo("give it to each log operator (truce ledger cosign --witness KEY)")


@witness.command("add-log")
@click.argument("vkey")
@click.option("--origin", help="The log's origin line (default: the key's name).")
@pass_app
def add_log(app: AppContext, vkey: str, origin: str | None) -> None:
    """Witness the log with verifier key VKEY (the operator prints it: truce ledger vkey)."""
    added = Witness(_home(app)).add_log(vkey, origin)
    click.echo(f"witnessing {added!r}")


@witness.command("vkey")
@pass_app
def witness_vkey(app: AppContext) -> None:
    """Print this witness's verifier key (C2SP tlog-cosignature, type 0x04)."""
    click.echo(Witness(_home(app)).vkey)


@witness.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8010, show_default=True, type=click.IntRange(0, 65535))
@pass_app
def serve_witness(app: AppContext, host: str, port: int) -> None:
    """Answer POST /add-checkpoint (c2sp.org/tlog-witness) until interrupted."""
    home = _home(app)
    Witness(home)  # fail now, not on the first request, if --home is not a witness

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/add-checkpoint":
                return self._send(Answer(404, "only POST /add-checkpoint is served here\n"))
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                return self._send(Answer(413, f"the request is over {MAX_BODY} bytes\n"))
            self._send(Witness(home).add_checkpoint(self.rfile.read(length)))

        def _send(self, answer: Answer) -> None:
            data = answer.body.encode("utf-8")
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            click.echo(f"{self.address_string()} {format % args}", err=True)

    server = ThreadingHTTPServer((host, port), Handler)
    click.echo(
        f"witness {Witness(home).name!r} on http://{host}:{server.server_port}/ (Ctrl-C stops)"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
