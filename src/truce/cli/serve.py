"""``truce serve``: run the center's HTTP API (and the web map, when built) with uvicorn."""

from __future__ import annotations

import errno
import gc
import socket

import click

from truce.cli.app import AppContext, cli, pass_app
from truce.config import Settings
from truce.errors import ConfigError


def bind(settings: Settings) -> socket.socket:
    """Listen on the settings' host and port, or one :class:`ConfigError` line with the fix (a
    busy port is said before anything else is done or printed)."""
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(
                f"port {settings.port} on {settings.host} is already in use by another process",
                hint=f"Stop that process, or serve on another port: --port {_free_port()} "
                "(or TRUCE_PORT).",
            ) from None
        raise ConfigError(
            f"cannot listen on {settings.host}:{settings.port}: {exc.strerror}",
            hint="Choose another --host or --port (or TRUCE_HOST, TRUCE_PORT).",
        ) from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def address(settings: Settings) -> str:
    """The URL a user (and the CLI) opens for ``settings``' host and port."""
    host = settings.host
    if host in ("0.0.0.0", "", "::"):
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}/"


def serve_app(
    settings: Settings, *, log_level: str = "info", sock: socket.socket | None = None
) -> None:
    """Build the app for ``settings`` and serve it until interrupted.

    The port is bound first (a busy one is one clear error, before "serving on"); once it
    listens, ``ledger/server.json`` says where, so CLI writes go through this server
    (:mod:`truce.serverinfo`) rather than being refused.
    """
    import uvicorn

    from truce.serverinfo import remove_info, write_info
    from truce.web.app import create_app

    sock = sock or bind(settings)
    app = create_app(settings)
    # What the process holds once it is built (modules, schemas, routes: some 140,000 objects)
    # lives as long as the process. Left in the collector's oldest generation, it was scanned on
    # every full collection, about once a second under load, and each took 60-80 ms of the
    # GIL: the server's p99 latency. Frozen, a full collection scans only newer objects (3 ms).
    gc.collect()
    gc.freeze()
    if not (settings.extra.get("TRUCE_SECRET_KEY") or settings.extra.get("TRUCE_SECRET_KEY_FILE")):
        click.echo(
            f"note: party keys are sealed with {settings.home / 'secret.key'}; in production "
            "keep that key elsewhere (TRUCE_SECRET_KEY_FILE)",
            err=True,
        )
    info = write_info(settings.ledger_dir, address(settings))
    app.state.operator_token = info.token
    # Removed at shutdown by the app (uvicorn re-raises SIGTERM afterwards: no finally runs).
    app.state.shutdown_hooks = [lambda: remove_info(settings.ledger_dir, info)]
    click.echo(f"serving {settings.home} on {address(settings)} (Ctrl-C stops)")
    config = uvicorn.Config(
        app,
        log_level=log_level,
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=10,
    )
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        remove_info(settings.ledger_dir, info)
        sock.close()


@cli.command()
@click.option("--host", help="Address to listen on (default: $TRUCE_HOST or 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default: $TRUCE_PORT or 8000).")
@click.option(
    "--log-level",
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    default="info",
    show_default=True,
)
@pass_app
def serve(app: AppContext, host: str | None, port: int | None, log_level: str) -> None:
    """Serve the HTTP API (OpenAPI document at /docs) over this data directory."""
    settings = Settings.from_env(home=app.home, host=host, port=port)
    serve_app(settings, log_level=log_level)
