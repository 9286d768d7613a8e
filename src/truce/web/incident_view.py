"""What the incident page shows: its reports, responses, violations, grade, and ledger proofs.

Library code (no web framework). The page compares the reports field by field itself, in the
browser, from the full report bodies sent here; the proof bundle carries everything the browser
needs to check, without trusting this server, that an entry is in the log: the entry's bytes, an
RFC 9162 inclusion proof for the size of the latest signed checkpoint (C2SP tlog-checkpoint),
that checkpoint, the log's verifier key and the author's public key.
"""

from __future__ import annotations

import base64
import contextlib
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from truce.agreement.queries import violations_of
from truce.errors import NotFoundError
from truce.ledger.note import Checkpoint, Note
from truce.node import Node
from truce.store import queries

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = ["incident_page", "proof_bundle"]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def incident_page(node: Node, incident_id: str) -> dict[str, Any]:
    """The incident, its reports (full bodies), responses, violations and release state."""
    with node.store.engine.connect() as conn:
        incident = queries.incident_row(conn, incident_id)
        if incident is None:
            raise NotFoundError(
                f"no incident {incident_id!r}", hint="Incident ids look like I-12; see the map."
            )
        # JSON columns that truce.assess adds to the incidents table.
        for key in ("reasons", "attribution", "casualties", "state"):
            if isinstance(incident.get(key), str):
                with contextlib.suppress(ValueError):
                    incident[key] = json.loads(incident[key])
        page: dict[str, Any] = {
            "incident": incident,
            "assessment": _assessment(conn, incident_id),
            "reports": queries.report_bodies(conn, incident_id),
            "responses": queries.responses_of(conn, incident_id),
            "violations": violations_of(conn, incident_id),
            "publication": queries.publication_of(conn, incident_id),
            "signoffs": queries.signoffs_of(conn, incident_id),
            "parties": queries.party_names(conn),
        }
    return page


def public_incident_page(node: Node, incident_id: str, now: datetime) -> dict[str, Any]:
    """The page as the public reads it: only for an incident published at ``now`` (else the
    same 404 as an unknown id, so an unpublished incident's existence is not disclosed), and
    without the parties' reports and sign-offs (what ``GET /api/v1/incidents/{id}`` gives the
    public too)."""
    with node.store.engine.connect() as conn:
        found = queries.published_incident(conn, incident_id, queries.stamp(now))
    if not found:
        raise NotFoundError(
            f"no incident {incident_id!r}", hint="Incident ids look like I-12; see the map."
        )
    page = incident_page(node, incident_id)
    page["reports"] = []
    page["signoffs"] = []
    page.pop("assessment", None)  # it names the reports and their values: members only
    for v in page["violations"]:
        v["reports"] = []
    return page


def _assessment(conn: Connection, incident_id: str) -> dict[str, Any]:
    """What ``truce incident show`` says of the reports, so the page and the CLI agree: where
    they agree and differ (spellings the gazetteer knows as one place are one place), and why
    each report is here (the correlation's decision and reasons, merges and splits). Members
    only: it names the reports and their values."""
    from truce.assess.queries import show_incident

    shown = show_incident(conn, incident_id)
    return {
        "disagreement": shown["disagreement"],
        "why": [
            {k: r.get(k) for k in ("id", "author", "how", "score", "reason")}
            for r in shown["reports"]
        ],
        "actions": shown.get("actions", []),
    }


def proof_bundle(node: Node, index: int) -> dict[str, Any]:
    """Entry ``index`` with its inclusion proof against the latest signed checkpoint."""
    note_text = node.ledger.checkpoint()
    checkpoint = Checkpoint.parse(Note.parse(note_text).text)
    size = checkpoint.size
    if not 0 <= index < size:
        raise NotFoundError(
            f"entry {index} is not covered by the latest checkpoint (size {size})",
            hint="Entries count from 0; a new entry is covered once its checkpoint is signed.",
        )
    leaf = node.ledger.leaf(index)
    entry = node.ledger.entry(index)
    author_key = node.ledger.key(entry.author)
    if author_key is None:
        raise NotFoundError(f"entry {index}'s author {entry.author!r} has no registered key")
    return {
        "origin": checkpoint.origin,
        "index": index,
        "size": size,
        "leaf": _b64(leaf),
        "proof": [_b64(h) for h in node.ledger.inclusion_proof(index, size)],
        "checkpoint": note_text,
        "log_key": node.ledger.verifier.vkey,
        "author": entry.author,
        "author_key": _b64(author_key.raw),
        "kind": entry.kind,
    }
