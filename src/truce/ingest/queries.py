"""The review queue's read model: the pending claims as the projection holds them (issue 15,
issue 21: the SQL of :mod:`truce.ingest.review` lives here). :mod:`truce.ingest.review`
re-exports these for its callers.
"""

from __future__ import annotations

import json
import re
from typing import Any, TypedDict, cast

from sqlalchemy import Engine, select

from truce.errors import NotFoundError, ValidationError
from truce.ingest.pending import CLAIM_ID
from truce.ingest.store import pending_claims
from truce.store import schema

__all__ = [
    "STATUSES",
    "ClaimHistory",
    "ClaimRow",
    "ClaimView",
    "history",
    "list_claims",
    "show_claim",
]

STATUSES = ("pending", "accepted", "rejected")


class ClaimRow(TypedDict):
    """A claim of the queue as :func:`list_claims` lists it (a ``pending_claims`` row)."""

    id: str
    entry_index: int
    author: str
    queued_at: str
    document: str
    number: int
    sub_event_type: str
    title: str | None
    needs: list[dict[str, Any]]  # [{"field", "reason"}]
    status: str  # pending | accepted | rejected
    decision_index: int | None
    decided_by: str | None
    decided_party: str | None
    decided_at: str | None
    changes: list[dict[str, Any]] | None  # [{"field", "before", "after"}]
    reason: str | None
    report_id: str | None


class ClaimView(ClaimRow):
    """One claim with its ``claim.queued`` entry body (:func:`show_claim`)."""

    claim: dict[str, Any]


class ClaimHistory(ClaimRow):
    """How a report came out of review (:func:`history`)."""

    decided_party_name: str | None


def _row(raw: Any) -> dict[str, Any]:
    row = dict(raw)
    for key in ("needs", "changes"):
        if isinstance(row.get(key), str):
            row[key] = json.loads(row[key])
    body = row.pop("body", None)
    if isinstance(body, str):
        row["claim"] = json.loads(body)
    return row


def list_claims(
    engine: Engine, status: str | None = "pending", *, limit: int = 500, after: int = -1
) -> list[ClaimRow]:
    """Claims in the queue, oldest first (``status`` None: every status)."""
    if status is not None and status not in STATUSES:
        raise ValidationError(
            f"status {status!r} is not one of {', '.join(STATUSES)}", field="status"
        )
    t = pending_claims
    query = select(t).where(t.c.entry_index > after).order_by(t.c.entry_index).limit(limit)
    if status is not None:
        query = query.where(t.c.status == status)
    with engine.connect() as conn:
        rows = [_row(r) for r in conn.execute(query).mappings()]
    for r in rows:  # the list does not carry the whole entry
        r.pop("claim", None)
    return cast("list[ClaimRow]", rows)


def _check_id(value: str) -> None:
    if not re.match(CLAIM_ID, value):
        raise ValidationError(
            f"{value!r} is not a claim id (they look like C-12)",
            field="claim",
            hint="List the queue with 'truce review list'.",
        )


def show_claim(engine: Engine, cid: str) -> ClaimView:
    """One claim of the queue with its full entry body (draft, needs, context, highlights)."""
    _check_id(cid)
    with engine.connect() as conn:
        raw = conn.execute(select(pending_claims).where(pending_claims.c.id == cid)).mappings()
        found = raw.first()
    if found is None:
        raise NotFoundError(f"no pending claim {cid}", hint="List them with 'truce review list'.")
    return cast("ClaimView", _row(found))


def history(engine: Engine, reports: list[str]) -> dict[str, ClaimHistory]:
    """For each of ``reports`` that came out of review: the pending claim, what it needed, who
    accepted it, when, and what they changed."""
    if not reports:
        return {}
    t = pending_claims
    query = select(t).where(t.c.report_id.in_(reports[:1000]))
    out: dict[str, ClaimHistory] = {}
    with engine.connect() as conn:
        parties = {p["id"]: p["name"] for p in conn.execute(select(schema.parties)).mappings()}
        for raw in conn.execute(query).mappings():
            row = _row(raw)
            row.pop("claim", None)
            row["decided_party_name"] = parties.get(row["decided_party"], row["decided_party"])
            out[row["report_id"]] = cast("ClaimHistory", row)
    return out
