"""``truce init``, ``truce rebuild`` and ``truce ledger ...``: the log and its proofs."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import sys
from pathlib import Path

import click

from truce.cli.app import AppContext, cli, echo_json, pass_app
from truce.cli.mirror import open_mirror
from truce.config import Settings
from truce.errors import CheckpointError, ConfigError, ProofError, ValidationError
from truce.intake import loads_json, read_bytes
from truce.ledger.bundle import LedgerSource, check_bundle, make_bundle
from truce.ledger.cosign import (
    add_cosignatures,
    add_witness,
    cosigned_checkpoint,
    cosigned_sizes,
    describe_signatures,
    known_witnesses,
)
from truce.ledger.gossip import SPLIT_VIEW_FORMAT, verify_split_view
from truce.ledger.log import Ledger
from truce.ledger.mirror import is_mirror
from truce.ledger.policy import Policy
from truce.ledger.tiles import publish
from truce.ledger.verify import verify_ledger
from truce.node import Node


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@cli.command()
@click.option(
    "--origin", help="The log's origin line (default: $TRUCE_ORIGIN or truce.local/ledger)."
)
@pass_app
def init(app: AppContext, origin: str | None) -> None:
    """Create a new data directory with an empty ledger and its operator key."""
    settings = Settings.from_env(home=app.home, origin=origin)
    with Node.init(settings) as node:
        click.echo(f"created ledger {node.ledger.origin!r} in {settings.home}")
        click.echo(f"log verifier key: {node.ledger.signer.vkey}")


@cli.command()
@pass_app
def rebuild(app: AppContext) -> None:
    """Drop every projection table and replay the whole log into them."""
    count = app.node().rebuild()
    click.echo(f"rebuilt projections from {count} entries")


@cli.group()
def ledger() -> None:
    """The signed, append-only log: checkpoints, proofs, export and verification."""


@ledger.command()
@click.option("--size", type=click.IntRange(min=0), help="An earlier tree size that was cosigned.")
@click.option("--signatures", is_flag=True, help="List each signature: who, kind, time, status.")
@click.option("--list", "list_sizes", is_flag=True, help="List the tree sizes with cosignatures.")
@pass_app
def checkpoint(app: AppContext, size: int | None, signatures: bool, list_sizes: bool) -> None:
    """Print the latest signed checkpoint with every witness cosignature collected for it."""
    if is_mirror(app.settings.home):
        m = open_mirror(app)
        sizes, log = m.archive.sizes(), m.log_verifier
        witnesses = [m.witness.verifier, *(m.policy.verifiers if m.policy else [])]
        note = m.checkpoint_note() if size is None else m.archive.get(size)
        if note is None:
            raise CheckpointError(f"this mirror holds no verified checkpoint of size {size}")
    else:
        stored = app.node().ledger
        sizes, log = cosigned_sizes(stored), stored.verifier
        witnesses = known_witnesses(stored)
        note = cosigned_checkpoint(stored, size)
    if list_sizes:
        for n in sizes:
            click.echo(n)
    elif signatures:
        for row in describe_signatures(note, log, witnesses):
            when = f" {row['time']}" if "time" in row else ""
            click.echo(f"{row['kind']:<15} {row['name']}+{row['key_id']}{when}: {row['status']}")
    else:
        click.echo(note, nl=False)


@ledger.command()
@pass_app
def vkey(app: AppContext) -> None:
    """Print the log's verifier key (C2SP signed-note verifier key string)."""
    click.echo(app.node().ledger.signer.vkey)


@ledger.command()
@click.option("--start", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--end", type=click.IntRange(min=0), help="Stop before this index.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
@pass_app
def export(app: AppContext, start: int, end: int | None, out: Path | None) -> None:
    """Export entries as JSON lines: index, base64 of the exact leaf bytes, signature."""
    log = app.node().ledger
    stream = open(out, "w", encoding="utf-8") if out else sys.stdout  # noqa: SIM115
    try:
        for index, leaf in log.entries.iter(start, end):
            record = {"index": index, "leaf": b64(leaf), "signature": b64(leaf[-64:])}
            stream.write(json.dumps(record) + "\n")
    finally:
        if out:
            stream.close()


@ledger.command()
@click.option("--index", type=click.IntRange(min=0), required=True, help="The entry to prove.")
@click.option("--size", type=click.IntRange(min=1), help="Tree size (default: current).")
@pass_app
def prove(app: AppContext, index: int, size: int | None) -> None:
    """Print an RFC 9162 inclusion proof for one entry, as JSON with base64 hashes."""
    log = app.node().ledger
    size = log.size if size is None else size
    proof = log.inclusion_proof(index, size)
    echo_json(
        {
            "index": index,
            "size": size,
            "leaf_hash": b64(log.entry(index).hash),
            "root": b64(log.root(size)),
            "proof": [b64(h) for h in proof],
        }
    )


@ledger.command()
@click.option("--old", type=click.IntRange(min=0), required=True, help="The older tree size.")
@click.option("--new", type=click.IntRange(min=0), help="The newer tree size (default: current).")
@pass_app
def consistency(app: AppContext, old: int, new: int | None) -> None:
    """Print an RFC 9162 consistency proof between two tree sizes, as JSON."""
    log = app.node().ledger
    new = log.size if new is None else new
    proof = log.consistency_proof(old, new)
    echo_json(
        {
            "old": old,
            "new": new,
            "old_root": b64(log.root(old)),
            "new_root": b64(log.root(new)),
            "proof": [b64(h) for h in proof],
        }
    )


@ledger.command("policy")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["tlog", "yaml"]),
    default="tlog",
    show_default=True,
    help="C2SP tlog-policy, or truce's YAML.",
)
@click.option(
    "--quorum",
    type=click.IntRange(min=0),
    help="How many of the known witnesses must cosign (default: all).",
)
@pass_app
def policy_cmd(app: AppContext, fmt: str, quorum: int | None) -> None:
    """Print a witness policy for this log: its key and every witness it accepts."""
    log = app.node().ledger
    witnesses = tuple((w.name, w) for w in known_witnesses(log))
    policy = Policy(log.verifier, witnesses, len(witnesses) if quorum is None else quorum)
    click.echo(policy.to_tlog_policy() if fmt == "tlog" else policy.to_yaml(), nl=False)


@ledger.command()
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Verify against this checkpoint note instead of the stored one.",
)
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Also require a checkpoint cosigned as this witness policy says (YAML or tlog-policy).",
)
@pass_app
def verify(app: AppContext, checkpoint_file: Path | None, policy_file: Path | None) -> None:
    """Re-check every signature, chain, stored hash, and the checkpoint. Non-zero on failure.

    Works on a log's data directory and on a mirror's.
    """
    policy = Policy.from_file(policy_file) if policy_file else None
    if is_mirror(app.settings.home):
        if checkpoint_file:
            raise ConfigError(
                "--checkpoint is for a log's data directory; a mirror is verified against the "
                "checkpoint it verified when it synced"
            )
        mirrored = open_mirror(app).verify(policy=policy)
        size, authors, cp = mirrored.size, mirrored.authors, mirrored.checkpoint
        held = mirrored.policy
    else:
        # The log alone, never the projections: nothing is projected from a log under check.
        if not (app.settings.ledger_dir / "log.key").exists():
            raise ConfigError(
                f"no truce data directory at {app.settings.home}",
                hint="Run 'truce init' (or 'truce demo'), or set TRUCE_HOME.",
            )
        # No writer: hold its lock while the log is opened (and repaired) and checked; a
        # running server: check its latest checkpoint's view, touching nothing.
        lock = Node._try_lock(app.settings.ledger_dir)
        opener = Ledger.open if lock is not None else Ledger.follower
        with contextlib.ExitStack() as stack:
            if lock is not None:
                stack.callback(os.close, lock)
            log = stack.enter_context(opener(app.settings.ledger_dir))
            for repair in log.repairs:
                click.echo(f"note: {repair}", err=True)
            note = checkpoint_file.read_text(encoding="utf-8") if checkpoint_file else None
            result = verify_ledger(log, checkpoint_note=note)
            size, authors, cp = result.size, result.authors, result.checkpoint
            held = None
            if policy is not None:
                held = policy.best(LedgerSource(log).checkpoint_notes(), origin=cp.origin)
                if log.root(held.checkpoint.size) != held.checkpoint.root:
                    raise CheckpointError(
                        f"the cosigned checkpoint of size {held.checkpoint.size} does not match "
                        "the stored tree"
                    )
    click.echo(
        f"ok: {size} entries from {authors} authors verified; "
        f"checkpoint size {cp.size}, root {b64(cp.root)}"
    )
    if held is not None:
        signers = ", ".join(held.signers) or "no witnesses"
        uncovered = size - held.checkpoint.size
        click.echo(
            f"policy ({policy.describe() if policy else ''}) met by the checkpoint of size "
            f"{held.checkpoint.size}, cosigned by {signers}"
            + (f"; {uncovered} newer entries are not cosigned yet" if uncovered else "")
        )


@ledger.command()
@click.option(
    "--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Directory."
)
@pass_app
def tiles(app: AppContext, out: Path) -> None:
    """Write the log as static C2SP tlog-tiles (checkpoint, hash tiles, entry bundles) to --out.

    Run it again to bring the directory up to date; serve it with any plain HTTP server.
    """
    written = publish(app.node().ledger, out)
    click.echo(
        f"wrote {written.tiles} tiles and {written.bundles} entry bundles to {out} "
        f"(size {written.previous_size} -> {written.size})"
    )


@ledger.command()
@click.option(
    "--add",
    "add_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A checkpoint cosigned by a party's mirror (its ledger/checkpoint file).",
)
@click.option("--witness", "witness_vkey", help="Accept cosignatures from this witness key.")
@click.option(
    "--submit",
    "urls",
    multiple=True,
    metavar="URL",
    help="Ask the C2SP tlog-witness at URL (its submission prefix) to cosign the latest "
    "checkpoint; repeatable.",
)
@pass_app
def cosign(
    app: AppContext, add_file: Path | None, witness_vkey: str | None, urls: tuple[str, ...]
) -> None:
    """Collect witness cosignatures (C2SP tlog-cosignature) and list the known witnesses."""
    log = app.node().ledger
    if witness_vkey:
        added = add_witness(log, witness_vkey)
        click.echo(f"accepting cosignatures from {added.name}+{added.key_hash:08x}")
    for url in urls:
        from truce.ledger.tlog_witness import submit

        done = submit(log, url)
        click.echo(f"checkpoint {done.size}: cosigned by {', '.join(done.witnesses)} at {url}")
    if add_file:
        result = add_cosignatures(log, add_file.read_text(encoding="utf-8"))
        names = ", ".join(f"{c.name} ({c.time})" for c in result.accepted) or "none"
        click.echo(f"checkpoint {result.checkpoint.size}: cosignatures accepted from {names}")
        for key in result.ignored:
            click.echo(
                f"ignored a signature by unknown key {key} (add it with --witness)", err=True
            )
    if not (witness_vkey or add_file or urls):
        for w in known_witnesses(log):
            click.echo(w.vkey)


@ledger.command("proof-bundle")
@click.option("--entry", "index", type=click.IntRange(min=0), required=True, help="Entry index.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Use the newest checkpoint that satisfies this witness policy.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["truce", "tlog-proof"]),
    default="truce",
    show_default=True,
    help="truce's JSON bundle (with the author's keys), or C2SP tlog-proof text (the entry as "
    "its extra data).",
)
@pass_app
def proof_bundle(
    app: AppContext, index: int, out: Path | None, policy_file: Path | None, fmt: str
) -> None:
    """Write a self-contained proof of one entry (entry, proofs, cosigned checkpoint, keys)."""
    policy = Policy.from_file(policy_file) if policy_file else None
    if is_mirror(app.settings.home):
        m = open_mirror(app)
        witnesses = [m.witness.verifier, *(m.policy.verifiers if m.policy else [])]
        bundle = make_bundle(m, index, policy=policy, witnesses=witnesses)
    else:
        log = app.node().ledger
        bundle = make_bundle(
            LedgerSource(log), index, policy=policy, witnesses=known_witnesses(log)
        )
    text = json.dumps(bundle, indent=2) + "\n"
    if fmt == "tlog-proof":
        from truce.ledger.tlog_proof import tlog_proof

        e = bundle["entry"]
        proof = [base64.b64decode(h) for h in e["inclusion_proof"]]
        text = tlog_proof(index, proof, bundle["checkpoint"], base64.b64decode(e["leaf"]))
    if out:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote proof of entry {index} to {out}", err=True)
    else:
        click.echo(text, nl=False)


@ledger.command("check-bundle")
@click.argument("bundle_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Trust these keys instead of the ones inside the bundle.",
)
@click.option(
    "--leaf",
    "leaf_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="For a tlog-proof without extra data: the entry's bytes.",
)
def check_bundle_cmd(bundle_file: Path, policy_file: Path | None, leaf_file: Path | None) -> None:
    """Check a proof bundle, a C2SP tlog-proof or a split-view proof offline.

    Exit status 0 only when it checks against the keys of --policy; 1 when it checks only
    against the keys the bundle carries (NOT TRUSTED); 10 when it is wrong.
    """
    from truce.ledger.tlog_proof import HEADER

    raw = read_bytes(bundle_file)
    if raw.startswith(HEADER.encode() + b"\n"):
        _check_tlog_proof(raw, policy_file, leaf_file)
        return
    try:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(f"{bundle_file}: not UTF-8 text") from None
        data = loads_json(text, bundle_file)
    except ValidationError as exc:
        raise ProofError(exc.message, hint=exc.hint) from None
    policy = Policy.from_file(policy_file) if policy_file else None
    if isinstance(data, dict) and data.get("format") == SPLIT_VIEW_FORMAT:
        explanation = verify_split_view(data, policy.log.vkey if policy else None)
        click.echo(f"split view proven: {explanation}")
        return
    result = check_bundle(data, policy=policy)
    e, cp = result.entry, result.checkpoint
    what = f"entry {result.index} ({e.kind}, by {e.author}, seq {e.seq}, {e.time})"
    where = f"the log {cp.origin!r} at size {cp.size}, root {b64(cp.root)}"
    if result.keys_from_bundle:
        # Never "ok": anyone can make a bundle that checks against keys of their own (issue 23).
        signers = ", ".join(result.cosigners) or "no witness"
        click.echo(f"NOT TRUSTED: {what} checks only against the keys the bundle itself carries")
        click.echo(
            f"  checked: the inclusion proof in {where}, the checkpoint's signature by "
            f"{result.policy.log.vkey}, cosignatures by {signers}, and {e.author}'s signature "
            "by the key its registration in the bundle names"
        )
        click.echo(
            "  not checked: that those keys are the real log's and witnesses' (a bundle forged "
            "with an attacker's own keys passes everything above)"
        )
        click.echo(
            "  to trust it: pass --policy FILE with the log's and witnesses' keys as you got them "
            "from them ('truce ledger policy' prints one)"
        )
        # Not "ok" for a script either: `check-bundle F && trust F` must not pass a forgery.
        raise SystemExit(1)
    click.echo(f"ok: {what}")
    click.echo(f"  is in {where}")
    click.echo(f"  signed by the log key {result.policy.log.vkey}")
    signers = ", ".join(result.cosigners) or "none required"
    click.echo(f"  cosigned by {signers} (policy: {result.policy.describe()})")


def _check_tlog_proof(raw: bytes, policy_file: Path | None, leaf_file: Path | None) -> None:
    from truce.ledger.tlog_proof import check_tlog_proof

    if policy_file is None:
        raise ConfigError(
            "a tlog-proof carries no keys: it can only be checked against a policy",
            hint="Pass --policy FILE (the log operator prints one with 'truce ledger policy').",
        )
    policy = Policy.from_file(policy_file)
    leaf = read_bytes(leaf_file) if leaf_file else None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ProofError("the tlog-proof is not UTF-8 text") from None
    result = check_tlog_proof(text, policy, leaf=leaf)
    cp, e = result.checkpoint, result.entry
    what = f"{e.kind}, by {e.author}, seq {e.seq}, {e.time}" if e else "not a truce entry"
    click.echo(f"ok: entry {result.index} ({what})")
    click.echo(f"  is in the log {cp.origin!r} at size {cp.size}, root {b64(cp.root)}")
    signers = ", ".join(result.policy.signers) or "none required"
    click.echo(f"  cosigned by {signers} (policy: {policy.describe()})")
    click.echo(
        "  note: a tlog-proof carries no author key; the entry's own signature is not checked"
    )
