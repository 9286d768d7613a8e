"""``truce entry sign`` and ``truce entry submit``: client mode, from the command line.

A party that keeps its key on its own machine signs entries there (``sign``, with its key file,
a base64 Ed25519 seed of mode 0600) and submits them (``submit``): to a server over HTTP with an
API token (``--server``, ``--token`` or ``$TRUCE_TOKEN``), or to a local data directory. The
entry says ``"mode": "client"``; the ledger checks its signature and chain either way.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import click
import httpx

from truce import jsonlimits
from truce.cli.app import AppContext, cli, pass_app
from truce.errors import ConfigError, NotFoundError, TruceError, ValidationError
from truce.ledger.entry import Entry
from truce.ledger.keys import SigningKey
from truce.model.kinds import parse_body


def _client(server: str, token: str | None) -> httpx.Client:
    token = token or os.environ.get("TRUCE_TOKEN")
    if not token:
        raise ConfigError(
            "submitting to a server needs an API token", hint="--token or TRUCE_TOKEN"
        )
    return httpx.Client(
        base_url=server.rstrip("/"), headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


def _api(resp: httpx.Response) -> Any:
    """The JSON of a success; a server's error shape becomes a TruceError with its message."""
    data = (
        resp.json() if resp.headers.get("content-type", "").startswith("application/json") else {}
    )
    if resp.status_code >= 400:
        error = TruceError(
            f"server: {data.get('message') or resp.text[:200]}", field=data.get("field")
        )
        error.code = data.get("code", "error")
        raise error
    return data


@cli.group()
def entry() -> None:
    """Entries signed on the party's own machine (client mode)."""


@entry.command("sign")
@click.option(
    "--key",
    "key_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="The party's key file (base64 seed, mode 0600).",
)
@click.option("--author", required=True, help="The party id the key belongs to.")
@click.option("--kind", required=True, help="Entry kind, e.g. report.filed.")
@click.option(
    "--body",
    "body_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="The body as JSON (e.g. a report file).",
)
@click.option("--server", help="Ask this server for the author's next seq and prev.")
@click.option("--token", help="API token for --server (default: $TRUCE_TOKEN).")
@click.option("--seq", type=click.IntRange(min=1), help="The author's next seq (without --server).")
@click.option("--prev", help="Hex hash of the author's previous entry (without --server).")
@click.option("--origin", help="The log's origin (default: the server's, or truce.local/ledger).")
@pass_app
def entry_sign(
    app: AppContext,
    key_file: Path,
    author: str,
    kind: str,
    body_file: Path,
    server: str | None,
    token: str | None,
    seq: int | None,
    prev: str | None,
    origin: str | None,
) -> None:
    """Sign one entry and print it as a base64 leaf (one line, for 'truce entry submit')."""
    try:
        body = jsonlimits.loads(body_file.read_bytes(), str(body_file))
    except OSError as exc:
        raise ValidationError(f"{body_file}: cannot read ({exc.strerror})") from None
    model = parse_body(kind, body, str(body_file))
    if server:
        with _client(server, token) as client:
            head = _api(client.get(f"/api/v1/ledger/heads/{author}"))
        seq, prev, origin = head["seq"], head["prev"], origin or head["origin"]
    elif seq is None:
        raise ValidationError("give --server, or --seq (and --prev after the first)", field="seq")
    signed = Entry.sign(
        SigningKey.load(key_file),
        origin=origin or app.settings.origin,
        kind=kind,
        author=author,
        seq=seq,
        prev=prev,
        body=model.to_body(),
        mode="client",
    )
    click.echo(base64.b64encode(signed.leaf).decode())


@entry.command("submit")
@click.argument(
    "files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True
)
@click.option("--server", help="Submit to this server (else to the local data directory).")
@click.option("--token", help="API token for --server (default: $TRUCE_TOKEN).")
@pass_app
def entry_submit(
    app: AppContext, files: tuple[Path, ...], server: str | None, token: str | None
) -> None:
    """Append signed entries (base64 leaves, one a line) from FILES, all or nothing."""
    leaves = [
        line.strip()
        for f in files
        for line in f.read_text(encoding="ascii").splitlines()
        if line.strip()
    ]
    if not leaves:
        raise NotFoundError("no entries in the files given")
    if server:
        with _client(server, token) as client:
            result = _api(client.post("/api/v1/ledger/entries", json={"entries": leaves}))
        click.echo(f"appended {result['count']} entries from index {result['index']}")
        return
    try:
        raw = [base64.b64decode(leaf, validate=True) for leaf in leaves]
    except ValueError:
        raise ValidationError("an entry is not standard base64") from None
    first = app.node().append_signed(raw)
    click.echo(f"appended {len(raw)} entries from index {first}")
