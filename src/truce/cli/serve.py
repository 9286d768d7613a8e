"""``truce serve``: run the center's HTTP API (and the web map, when built) with uvicorn."""

from __future__ import annotations

import gc

import click

from truce.cli.app import AppContext, cli, pass_app
from truce.config import Settings


def serve_app(settings: Settings, *, log_level: str = "info") -> None:
    """Build the app for ``settings`` and serve it until interrupted."""
    import uvicorn

    from truce.web.app import create_app

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
    click.echo(f"serving {settings.home} on http://{settings.host}:{settings.port}/ (Ctrl-C stops)")
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=10,
    )


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
