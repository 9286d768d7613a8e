"""``truce party ...``: the parties, monitors and identities that sign entries."""

from __future__ import annotations

from pathlib import Path

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


@party.command("rotate-key")
@click.argument("party_id", metavar="ID")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the new key here (mode 0600) and keep no copy on this node: from then on "
    "only its holder acts as the party (client mode). Without it, the node keeps the new key.",
)
@click.option("--reason", default="", help="Why (kept in the entry).")
@pass_app
def party_rotate_key(app: AppContext, party_id: str, out: Path | None, reason: str) -> None:
    """Replace ID's signing key: a party.key_rotated entry signed with the retiring key."""
    from truce.ledger.keys import SigningKey

    node = app.node()
    new = SigningKey.generate()
    if out is not None:
        new.save(out)  # refuses to overwrite; written before the rotation is on the record
    entry = node.rotate_key(party_id, new, keep=out is None, reason=reason)
    click.echo(
        f"rotated {party_id}'s key at entry {node.last_index}; new public key "
        f"{entry.body['public_key']}"
    )
    if out is not None:
        click.echo(f"new private key: {out} (this node keeps no copy)")


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
