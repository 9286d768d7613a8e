"""``truce party ...``: the parties, monitors and identities that sign entries."""

from __future__ import annotations

import click

from truce.cli.app import AppContext, cli, echo_json, pass_app
from truce.model import PartyKind


@cli.group()
def party() -> None:
    """Parties and their Ed25519 keys."""


@party.command("add")
@click.argument("party_id", metavar="ID")
@click.option("--name", help="Full name (default: the id).")
@click.option(
    "--kind",
    type=click.Choice([k.value for k in PartyKind]),
    default=PartyKind.PARTY.value,
    show_default=True,
)
@pass_app
def party_add(app: AppContext, party_id: str, name: str | None, kind: str) -> None:
    """Create a key pair for ID (private key stored 0600) and register it in the ledger."""
    node = app.node()
    p = node.add_party(party_id, name or party_id, PartyKind(kind))
    click.echo(f"registered {p.id} ({p.name}); public key {p.public_key}")
    click.echo(f"private key: {node.key_path(p.id)}")


@party.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def party_list(app: AppContext, as_json: bool) -> None:
    """List registered parties."""
    rows = app.node().parties()
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r['id']:<12} {r['kind']:<12} {r['public_key']}  {r['name']}")
