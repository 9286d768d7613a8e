"""Proving a copy of an attached file: the proof bundle of its ``evidence.added`` entry.

The entry names the file's SHA-256 and size, so its proof bundle (:mod:`truce.ledger.bundle`,
``truce-proof-bundle/v1``) is also a proof about the file: once :func:`check_bundle` has shown
that the entry is in a signed, cosigned checkpoint and signed by its author's registered key,
a copy whose SHA-256 and size are the entry's is the file that was in the record at that
checkpoint, unchanged. :func:`verify_copy` does both, offline; :func:`bundles_for` makes the
bundles of every attachment of a report or an incident for a third party.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from truce.errors import NotFoundError, ProofError, ValidationError
from truce.evidence.actions import check_target
from truce.evidence.queries import list_evidence
from truce.ids import evidence_id
from truce.intake import loads_json, read_bytes
from truce.ledger.bundle import BundleCheck, LedgerSource, check_bundle, make_bundle
from truce.ledger.cosign import known_witnesses
from truce.ledger.policy import Policy
from truce.node import Node

__all__ = [
    "CopyCheck",
    "bundles_for",
    "digest",
    "dump_bundle",
    "find_bundle",
    "load_bundle",
    "verify_copy",
]

_CHUNK = 1 << 20


def digest(path: Path) -> tuple[str, int]:
    """The SHA-256 (hex) and size of the file at ``path``, read in 1 MiB chunks."""
    h = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as f:
            while chunk := f.read(_CHUNK):
                h.update(chunk)
                size += len(chunk)
    except FileNotFoundError:
        raise NotFoundError(f"no file {path}", field="file") from None
    except IsADirectoryError:
        raise ValidationError(f"{path} is a directory; give the file", field="file") from None
    return h.hexdigest(), size


def load_bundle(path: Path) -> Any:
    """The JSON of a bundle file (its structure is checked by :func:`check_bundle`)."""
    raw = read_bytes(path)
    try:
        return loads_json(raw.decode("utf-8"), path)
    except UnicodeDecodeError:
        raise ProofError(f"{path}: not UTF-8 text") from None
    except ValidationError as exc:
        raise ProofError(exc.message, hint=exc.hint) from None


@dataclass(frozen=True)
class CopyCheck:
    """A copy that is the file of a proven ``evidence.added`` entry."""

    proof: BundleCheck
    id: str  # E-<entry index>
    sha256: str
    size: int
    media_type: str
    filename: str
    target: str  # the report or incident it was attached to

    def line(self, name: str) -> str:
        cp = self.proof.checkpoint
        e = self.proof.entry
        return (
            f"ok: {name} is {self.id} ({self.filename}, {self.media_type}, {self.size} bytes, "
            f"sha256 {self.sha256}), attached to {self.target} by {e.author} at {e.time}; "
            f"in the log {cp.origin!r} at size {cp.size}"
        )


def verify_copy(bundle: Any, path: Path, *, policy: Policy | None = None) -> CopyCheck:
    """Check ``bundle`` (fails closed), then that the file at ``path`` is the file its
    ``evidence.added`` entry names: same SHA-256, same size. Raises :class:`ProofError` naming
    each mismatch."""
    proof = check_bundle(bundle, policy=policy)
    entry = proof.entry
    if entry.kind != "evidence.added":
        raise ProofError(
            f"the bundle proves entry {proof.index}, a {entry.kind} entry, not an attached file",
            hint="Use the bundle of the file's evidence.added entry ('truce evidence bundle').",
        )
    body = entry.body
    want_sha, want_size = str(body.get("sha256", "")), body.get("size")
    sha, size = digest(path)
    wrong = []
    if sha != want_sha:
        wrong.append(f"its SHA-256 is {sha}, the entry's is {want_sha}")
    if size != want_size:
        wrong.append(f"its size is {size} bytes, the entry's is {want_size}")
    ident = evidence_id(proof.index)
    if wrong:
        raise ProofError(
            f"{path.name} is not the file of {ident} ({body.get('filename')}): " + "; ".join(wrong),
            hint="This copy was altered, or is another file; the entry itself is proven.",
        )
    return CopyCheck(
        proof=proof,
        id=ident,
        sha256=sha,
        size=size,
        media_type=str(body.get("media_type")),
        filename=str(body.get("filename")),
        target=str(body.get("report") or body.get("incident")),
    )


def find_bundle(directory: Path, sha256: str) -> Path:
    """The bundle in ``directory`` (as :func:`bundles_for` writes them) whose entry names a file
    with this SHA-256."""
    names = sorted(directory.glob("E-*.json"))
    for p in names:
        data = load_bundle(p)
        try:
            entry = check_bundle(data).entry
        except ProofError:
            continue  # a bad bundle proves nothing; the one that matches is checked in full
        if entry.kind == "evidence.added" and entry.body.get("sha256") == sha256:
            return p
    raise ProofError(
        f"none of the {len(names)} bundle(s) in {directory} proves a file with SHA-256 {sha256}",
        hint="This copy was altered, or is not evidence of that report or incident.",
    )


def bundles_for(node: Node, target: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """``(attachment, proof bundle)`` for each attachment of report or incident ``target``
    (an incident's own, those of incidents merged into it and of its reports), oldest first."""
    with node.store.engine.connect() as conn:
        if target.startswith("R-"):
            check_target(conn, target, None)
            rows = list_evidence(conn, report=target)
        elif target.startswith("I-"):
            rows = list_evidence(conn, incident=target)
        else:
            raise ValidationError(
                f"{target!r} is neither a report (R-..) nor an incident (I-..)", field="target"
            )
    log = node.ledger
    source = LedgerSource(log)
    witnesses = known_witnesses(log)
    return [(r, make_bundle(source, int(r["entry_index"]), witnesses=witnesses)) for r in rows]


def dump_bundle(bundle: dict[str, Any]) -> str:
    return json.dumps(bundle, indent=2) + "\n"
