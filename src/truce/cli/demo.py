"""``truce demo``: a fresh data directory with the demo scenario."""

from __future__ import annotations

import click

from truce.cli.app import AppContext, cli, pass_app
from truce.config import Settings
from truce.demo import build_demo, is_demo


@cli.command()
@click.option("--serve/--no-serve", default=False, help="Serve the web app afterwards.")
@click.option(
    "--force", is_flag=True, help="Replace an existing demo directory (never other data)."
)
@click.option(
    "--reuse",
    is_flag=True,
    help="If the directory already holds a demo, keep it as it is (and serve it with --serve).",
)
@click.option("--host", help="Address to serve on (default: $TRUCE_HOST or 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default: $TRUCE_PORT or 8000).")
@pass_app
def demo(
    app: AppContext, serve: bool, force: bool, reuse: bool, host: str | None, port: int | None
) -> None:
    """Create a fresh demo data directory: three parties and illustrative reports.

    An existing demo directory is replaced only with --force (or kept with --reuse); a
    directory holding other data never is. With --serve the port is checked before the demo is
    built, and the addresses printed are the ones served (--host/--port, TRUCE_HOST/TRUCE_PORT).
    """
    settings = Settings.from_env(home=app.home, host=host, port=port)
    sock = None
    if serve:
        from truce.cli.serve import bind

        sock = bind(settings)  # a busy port: one error now, not after building the demo
    try:
        if reuse and not force and is_demo(settings.home):
            from truce.access.demo import DEMO_USERS
            from truce.cli.serve import address

            click.echo(
                f"reusing the demo in {settings.home} as it is (truce demo --force rebuilds it)"
            )
            click.echo(f"users (demo passwords; sign in at {address(settings)}):")
            for username, role, _party, password in DEMO_USERS:
                click.echo(f"  {username:<11} password {password:<16} {role.value}")
        else:
            _build(settings, force=force)
        if serve:
            from truce.cli.serve import serve_app

            click.echo("")
            serve_app(settings, sock=sock)
    finally:
        if sock is not None:
            sock.close()


def _build(settings: Settings, *, force: bool) -> None:
    summary = build_demo(settings, force=force)
    click.echo(f"demo data directory: {summary.home}")
    click.echo("parties: " + ", ".join(summary.parties))
    click.echo("reports:")
    for line in summary.reports:
        click.echo(f"  {line}")
    for line in summary.lines:
        click.echo(line)
    home = f"--home {summary.home}"
    click.echo("\nLook at it:")
    click.echo(f"  truce {home} report list")
    click.echo(f"  truce {home} ledger verify")
    click.echo(f"  truce {home} ledger prove --index 3")
