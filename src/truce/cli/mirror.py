"""``truce mirror ...``: a party's own verified copy of the log, its witness key, and gossip."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import click

from truce.cli.app import AppContext, cli, pass_app
from truce.errors import CheckpointError, ProofError
from truce.ledger.gossip import compare
from truce.ledger.mirror import Mirror
from truce.ledger.policy import Policy


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def open_mirror(app: AppContext) -> Mirror:
    mirror = Mirror.open(app.settings.home)
    click.get_current_context().call_on_close(mirror.close)
    return mirror


@cli.group()
def mirror() -> None:
    """A party's full copy of the log: verify every entry, cosign, compare with others."""


@mirror.command("init")
@click.option(
    "--from", "source", required=True, help="The log's tiles: an http(s):// URL or a directory."
)
@click.option("--vkey", help="The log's verifier key (from the operator: truce ledger vkey).")
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Witness policy (YAML): the log key and the other witnesses to keep cosignatures of.",
)
@click.option("--name", help="This witness's key name (default: <hostname>.witness).")
@pass_app
def init_mirror(
    app: AppContext, source: str, vkey: str | None, policy_file: Path | None, name: str | None
) -> None:
    """Create a mirror in --home: check the source's checkpoint and make a witness key."""
    policy = Policy.from_file(policy_file) if policy_file else None
    home = app.settings.home
    with Mirror.init(home, source, vkey, witness_name=name, policy=policy) as m:
        click.echo(f"created mirror of {m.origin!r} in {home}")
        click.echo(f"source: {m.config.source}")
        click.echo(f"witness key: {m.witness.vkey}")
        click.echo(
            "give the witness key to the log operator (truce ledger cosign --witness KEY), "
            "then run: truce mirror sync"
        )


@mirror.command()
@pass_app
def sync(app: AppContext) -> None:
    """Fetch, verify and store new entries, then cosign the checkpoint. Non-zero on refusal."""
    m = open_mirror(app)
    show = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show:
            click.echo(f"\r  verified {done:,} / {total:,}", nl=False, err=True)

    result = m.sync(progress=progress)
    if show and result.fetched:
        click.echo(err=True)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    cp = result.checkpoint
    if result.fetched:
        rate = result.fetched / result.seconds if result.seconds else 0.0
        click.echo(
            f"verified {result.fetched} new entries ({result.previous_size}..{cp.size - 1}) "
            f"in {result.seconds:.2f} s ({rate:,.0f}/s)"
        )
    else:
        click.echo(f"up to date at {cp.size} entries")
    cosig = result.cosignature
    when = f" at {cosig.time}" if cosig else ""
    click.echo(f"checkpoint {cp.size} {_b64(cp.root)} cosigned by {m.witness.name}{when}")
    click.echo(f"submit it to the log: truce ledger cosign --add {m.directory / 'checkpoint'}")


@mirror.command()
@pass_app
def status(app: AppContext) -> None:
    """Where the mirror syncs from, what it verified last, and its witness key."""
    m = open_mirror(app)
    cp = m.checkpoint()
    click.echo(f"origin: {m.origin}")
    click.echo(f"source: {m.config.source}")
    click.echo(f"log key: {m.log_verifier.vkey}")
    click.echo(f"witness key: {m.witness.vkey}")
    click.echo(f"verified: {cp.size} entries, root {_b64(cp.root)}")
    if m.policy is not None:
        click.echo(f"policy: {m.policy.describe()}")


@mirror.command("policy")
@click.argument("policy_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_app
def mirror_policy(app: AppContext, policy_file: Path) -> None:
    """Adopt a witness policy: whose cosignatures this mirror keeps and checks."""
    policy = Policy.from_file(policy_file)
    open_mirror(app).set_policy(policy)
    click.echo(f"policy: {policy.describe()}")


@mirror.command("checkpoint")
@pass_app
def mirror_checkpoint(app: AppContext) -> None:
    """Print the last verified checkpoint with this mirror's cosignature (to submit or share)."""
    note = open_mirror(app).checkpoint_note()
    if note is None:
        raise CheckpointError("this mirror has not synced yet", hint="Run 'truce mirror sync'.")
    click.echo(note, nl=False)


@mirror.command("vkey")
@pass_app
def mirror_vkey(app: AppContext) -> None:
    """Print this mirror's witness key (C2SP tlog-cosignature verifier key, type 0x04)."""
    click.echo(open_mirror(app).witness.vkey)


@mirror.command("tiles")
@click.option(
    "--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Directory."
)
@pass_app
def mirror_tiles(app: AppContext, out: Path) -> None:
    """Publish this mirror's verified copy as tlog-tiles (for other mirrors and for compare)."""
    written = open_mirror(app).write_tiles(out)
    click.echo(
        f"wrote {written.tiles} tiles and {written.bundles} entry bundles to {out} "
        f"(size {written.previous_size} -> {written.size})"
    )


@mirror.command("compare")
@click.argument("other")
@click.option(
    "--evidence",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the split-view proof (default: the mirror's conflicts/ directory).",
)
@pass_app
def mirror_compare(app: AppContext, other: str, evidence: Path | None) -> None:
    """Compare with another party's checkpoint (a note file, or their tiles dir or URL).

    Exit 0 if the two views are consistent; 10 with a split-view proof if not.
    """
    m = open_mirror(app)
    result = compare(m, other)
    ours, theirs = result.ours, result.theirs
    for label, seen in (("ours", ours), ("theirs", theirs)):
        who = ", ".join(seen.cosigners) or "no known witness"
        click.echo(
            f"{label}: {seen.checkpoint.size} entries, root {_b64(seen.checkpoint.root)} "
            f"(cosigned by {who})"
        )
    click.echo(f"{result.verdict}: {result.detail}")
    if result.verdict != "split-view" or result.evidence is None:
        return
    path = evidence or (m.home / "conflicts" / "split-view.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result.evidence, indent=2) + "\n", encoding="utf-8")
    click.echo("\n--- our signed checkpoint ---")
    click.echo(ours.note, nl=False)
    click.echo("--- their signed checkpoint ---")
    click.echo(theirs.note, nl=False)
    raise ProofError(
        f"split view: the log showed the two parties different histories (proof: {path})",
        hint="Anyone can check the proof offline: truce ledger check-bundle " + str(path),
    )
