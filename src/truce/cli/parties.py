"""``truce party ...``: the parties, monitors and identities that sign entries."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from truce.cli.app import AppContext, cli, echo_json, pass_app
from truce.model import PartyKind

if TYPE_CHECKING:
    from truce.ledger.keys import VerifyKey


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
@click.option(
    "--recovery-key",
    "recovery",
    metavar="PUBLIC_KEY",
    help="The public half (base64) of the party's recovery key, made offline with 'truce party "
    "new-key': it alone can revoke a stolen signing key later ('truce party recover').",
)
@pass_app
def party_add(
    app: AppContext, party_id: str, name: str | None, kind: str, recovery: str | None
) -> None:
    """Create a key pair for ID (private key stored 0600) and register it in the ledger."""
    node = app.node()
    p = node.add_party(
        party_id, name or party_id, PartyKind(kind), recovery_key=_public_key(recovery)
    )
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
@click.option(
    "--recovery-key",
    "recovery",
    metavar="PUBLIC_KEY",
    help="Set the party's recovery key (base64 public key), when it has none yet.",
)
@pass_app
def party_rotate_key(
    app: AppContext, party_id: str, out: Path | None, reason: str, recovery: str | None
) -> None:
    """Replace ID's signing key: a party.key_rotated entry signed with the retiring key."""
    from truce.ledger.keys import SigningKey

    node = app.node()
    new = SigningKey.generate()
    if out is not None:
        new.save(out)  # refuses to overwrite; written before the rotation is on the record
    entry = node.rotate_key(
        party_id, new, keep=out is None, reason=reason, recovery_key=_public_key(recovery)
    )
    click.echo(
        f"rotated {party_id}'s key at entry {node.last_index}; new public key "
        f"{entry.body['public_key']}"
    )
    if out is not None:
        click.echo(f"new private key: {out} (this node keeps no copy)")


@party.command("recover")
@click.argument("party_id", metavar="ID")
@click.option(
    "--recovery-key-file",
    "recovery_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The party's recovery key (private, from 'truce party new-key').",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the party's new signing key here (mode 0600); this node keeps no copy.",
)
@click.option(
    "--new-recovery-key",
    "new_recovery",
    metavar="PUBLIC_KEY",
    help="Replace the recovery key too (base64 public key of a new one).",
)
@click.option("--reason", default="", help="Why (kept in the entry).")
@pass_app
def party_recover(
    app: AppContext,
    party_id: str,
    recovery_file: Path,
    out: Path,
    new_recovery: str | None,
    reason: str,
) -> None:
    """Revoke ID's signing key (lost or stolen) with its recovery key: from this entry on,
    only the new key signs for ID; the old one, and any key a thief rotated onto, sign
    nothing."""
    from truce.ledger.keys import SigningKey

    node = app.node()
    recovery = SigningKey.load(recovery_file)
    new = SigningKey.generate()
    new.save(out)  # refuses to overwrite; written before the revocation is on the record
    entry = node.recover_key(
        party_id, new, recovery, reason=reason, new_recovery_key=_public_key(new_recovery)
    )
    click.echo(
        f"revoked {party_id}'s signing key at entry {node.last_index}; new public key "
        f"{entry.body['public_key']}"
    )
    click.echo(f"new private key: {out} (this node keeps no copy)")


@party.command("new-key")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the private key here (mode 0600; never overwritten).",
)
def party_new_key(out: Path) -> None:
    """Make an Ed25519 key on this machine (a recovery key, say, to keep offline) and print its
    public half."""
    from truce.ledger.keys import SigningKey

    key = SigningKey.generate()
    key.save(out)
    click.echo(f"private key: {out}")
    click.echo(f"public key: {key.public_key.to_b64()}")


def _public_key(text: str | None) -> VerifyKey | None:
    """A base64 public key given on the command line, or a clear error."""
    if text is None:
        return None
    from truce.errors import SignatureError, ValidationError
    from truce.ledger.keys import VerifyKey

    try:
        return VerifyKey.from_b64(text)
    except SignatureError:
        raise ValidationError(
            "--recovery-key must be a 32-byte Ed25519 public key in base64",
            hint="Make one with 'truce party new-key --out FILE'; pass the public key it prints.",
        ) from None


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
