"""``truce demo``: a fresh data directory with the demo scenario."""

from __future__ import annotations

import click

from truce.cli.app import AppContext, cli, pass_app
from truce.config import Settings
from truce.demo import build_demo


@cli.command()
@click.option("--serve/--no-serve", default=False, help="Serve the web app afterwards.")
@pass_app
def demo(app: AppContext, serve: bool) -> None:
    """Create a fresh demo data directory: three parties and illustrative reports."""
    settings = Settings.from_env(home=app.home)
    summary = build_demo(settings)
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
    if serve:
        from truce.cli.serve import serve_app

        click.echo("")
        serve_app(Settings.from_env(home=app.home))
