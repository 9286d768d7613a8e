"""The review queue: list pending claims, show one, accept it (completing or correcting it) or
reject it (issue 15). Library code, used by ``truce review`` and the web app's queue.

A decision is checked against the queue first (the claim exists, is still pending, and what it
needs is given) and only then signed: ``claim.reviewed`` by the reviewer's party, naming the
reviewer and each field changed (:class:`~truce.ingest.pending.Change`, before and after). An
accepted claim is also filed, in the same all-or-nothing append, as a ``report.filed`` entry of
the ingest identity: the corrected report, tagged ``reviewed`` and ``claim:C-<n>``, so it is
correlated and graded like every other open-source report while its history (who corrected
what, from which pending claim) stays one query away (:func:`history`). The reviewer's party
must be the center or the monitors (see :mod:`truce.ingest.pending` for why).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pydantic

from truce.agreement.filing import check_body as check_filing
from truce.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from truce.ingest.pending import (
    REVIEWER_KINDS,
    Change,
    ClaimDecision,
    Decision,
    NeedField,
    PendingClaim,
)
from truce.ingest.queries import STATUSES, ClaimView, history, list_claims, show_claim
from truce.ingest.report import INGEST_PARTY
from truce.ledger.entry import Entry
from truce.model import Report
from truce.model.kinds import validation_error
from truce.model.report import Location, Point, TimeInterval
from truce.model.vocab import ACLED_EVENT_TYPES, GeoPrecision, TimePrecision

__all__ = [
    "REVIEWER_KINDS",
    "STATUSES",
    "Decided",
    "accept",
    "history",
    "list_claims",
    "parse_when",
    "reject",
    "show_claim",
]

_LATLON = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Decided:
    claim: str
    decision: str
    entry_index: int  # the claim.reviewed entry
    report: str | None  # the report an accepted claim became
    changes: tuple[Change, ...]


def parse_when(value: str) -> TimeInterval:
    """A date as an analyst types it: ``2019-03-13``, ``2019-03-03/2019-03-04`` or ``2019-03``."""
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}", text):
            start = date.fromisoformat(text + "-01")
            nxt = date(start.year + start.month // 12, start.month % 12 + 1, 1)
            end = date.fromordinal(nxt.toordinal() - 1)
            return TimeInterval(start=start, end=end, precision=TimePrecision.MONTH)
        first, _, last = text.partition("/")
        start, end = date.fromisoformat(first), date.fromisoformat(last or first)
    except ValueError:
        raise ValidationError(
            f"date {value!r} is not a date",
            field="date",
            hint="Give YYYY-MM-DD, a range YYYY-MM-DD/YYYY-MM-DD, or a month YYYY-MM.",
        ) from None
    days = (end - start).days
    precision = TimePrecision.DAY if days == 0 else TimePrecision.WEEK
    if days > 6:
        precision = TimePrecision.MONTH
    try:
        return TimeInterval(start=start, end=end, precision=precision)
    except pydantic.ValidationError as exc:
        raise validation_error(exc, "date") from None


def _iso(interval: Any) -> str | None:
    if interval is None:
        return None
    start, end = interval["start"], interval["end"]
    return start if start == end else f"{start}/{end}"


def _place(node: Any, value: str, wrote: str | None) -> Location:
    """The analyst's place: ``LAT,LON`` or a name the node's gazetteer resolves."""
    m = _LATLON.match(value)
    if m is not None:
        try:
            point = Point.model_validate({"lat": m[1], "lon": m[2], "error_m": 1000})
        except pydantic.ValidationError as exc:
            raise validation_error(exc, "place") from None
        return Location(place=(wrote or value)[:500], point=point, precision=GeoPrecision.TOWN)
    from truce.ingest.places import Resolver, node_gazetteer

    name = value.strip()
    kind = "region" if name.lower().split()[-1:] in (["countryside"], ["governorate"]) else "place"
    ref = Resolver(node_gazetteer(node)).resolve(0, len(name), name, kind)
    if ref is None or ref.location is None:
        ref = Resolver(node_gazetteer(node)).resolve(0, len(name), name, "region")
    if ref is None or ref.location is None:
        raise ValidationError(
            f"place {value!r} is not in the gazetteer",
            field="place",
            hint="Give another spelling, or the coordinates as LAT,LON.",
        )
    return ref.location


def _author(node: Any, author: str) -> None:
    kinds = {p["id"]: p["kind"] for p in node.parties()}
    if author not in kinds:
        raise NotFoundError(f"no party {author!r}", hint="List parties with 'truce party list'.")
    if kinds[author] not in REVIEWER_KINDS:
        raise PermissionDenied(
            f"party {author!r} ({kinds[author]}) may not review claims",
            field="author",
            hint="The center (chair) or the monitors review the open-source queue.",
        )
    node.signing_key(author)  # raises with a hint when this node does not hold its key


def _pending(node: Any, cid: str) -> tuple[ClaimView, PendingClaim]:
    row = show_claim(node.store.engine, cid)
    if row["status"] != "pending":
        by = row.get("decided_by") or row.get("decided_party")
        raise ConflictError(
            f"{cid} was already {row['status']} by {by} (entry {row['decision_index']})",
            hint="A claim is decided once; its history is in the ledger.",
        )
    return row, PendingClaim.model_validate(row["claim"])


def _sign_append(node: Any, items: list[tuple[str, str, dict[str, Any]]]) -> int:
    ledger = node.ledger
    entries = []
    positions: dict[str, tuple[int, str | None]] = {}
    for author, kind, body in items:
        seq, prev = positions.get(author) or ledger.next_position(author)
        entry = Entry.sign(
            node.signing_key(author),
            origin=ledger.origin,
            kind=kind,
            author=author,
            seq=seq,
            prev=prev,
            body=body,
            mode="custodial",
        )
        positions[author] = (seq + 1, entry.hash.hex())
        entries.append(entry)
    first: int = node.append_signed(entries)
    return first


def accept(
    node: Any,
    cid: str,
    author: str,
    *,
    reviewer: str | None = None,
    when: str | None = None,
    place: str | None = None,
    sub_event_type: str | None = None,
    reason: str = "",
) -> Decided:
    """Accept pending claim ``cid``, completing or correcting its date, place or type; the
    corrected report is filed by the ingest identity in the same append."""
    _author(node, author)
    _, claim = _pending(node, cid)
    draft = claim.draft.to_body()
    changes: list[Change] = []
    if when is not None and when.strip():
        interval = parse_when(when)
        new = interval.to_body()
        if new != draft.get("date"):
            after = _iso(new) or when.strip()
            changes.append(Change(field="date", before=_iso(draft.get("date")), after=after))
            draft["date"] = new
    if place is not None and place.strip():
        old = draft.get("locations", [])
        wrote = old[0].get("place") if old else None
        loc = _place(node, place, wrote).to_body()
        before = ", ".join(x.get("place") or x.get("area") or "?" for x in old) or None
        keep = [x for x in old if "point" in x and x.get("place") != loc.get("place")]
        draft["locations"] = [loc, *keep][:20]
        changes.append(Change(field="place", before=before, after=place.strip()[:1000]))
    if sub_event_type is not None and sub_event_type.strip():
        sub = sub_event_type.strip()
        event = next((e for e, subs in ACLED_EVENT_TYPES.items() if sub in subs), None)
        if event is None:
            raise ValidationError(
                f"{sub!r} is not an ACLED sub-event type",
                field="type",
                hint="Give one as written in the ACLED codebook, e.g. 'Air/drone strike'.",
            )
        if sub != draft["sub_event_type"]:
            before = draft["sub_event_type"]
            changes.append(Change(field="type", before=before, after=sub))
            draft["event_type"], draft["sub_event_type"] = event.value, sub
    missing = {n.field for n in claim.needs}
    if NeedField.DATE in missing and "date" not in draft:
        raise ValidationError(
            f"{cid} needs a date: {next(n.reason for n in claim.needs if n.field == 'date')}",
            field="date",
            hint="Give it with --date YYYY-MM-DD (or a range, or a month YYYY-MM).",
        )
    resolved = any("point" in x or "area" in x for x in draft.get("locations", []))
    if NeedField.PLACE in missing and not resolved:
        raise ValidationError(
            f"{cid} needs a place: {next(n.reason for n in claim.needs if n.field == 'place')}",
            field="place",
            hint="Give it with --place NAME (a gazetteer name) or --place LAT,LON.",
        )
    tags = [t for t in draft.get("tags", []) if t != "reviewed" and not t.startswith("claim:")]
    draft["tags"] = [*tags, "reviewed", f"claim:{cid}"]
    try:
        report = Report.model_validate(draft)
        decision = ClaimDecision(
            claim=cid,
            decision=Decision.ACCEPT,
            reviewer=reviewer,
            changes=changes,
            reason=reason,
        )
    except pydantic.ValidationError as exc:
        raise validation_error(exc, f"{cid} as a report") from None
    # The corrected point against the name the source wrote, and the monitored area.
    check_filing("report.filed", report, node.settings.extra)
    first = _sign_append(
        node,
        [
            (author, "claim.reviewed", decision.to_body()),
            (INGEST_PARTY, "report.filed", report.to_body()),
        ],
    )
    return Decided(cid, "accept", first, f"R-{first + 1}", tuple(changes))


def reject(
    node: Any, cid: str, author: str, *, reason: str, reviewer: str | None = None
) -> Decided:
    """Reject pending claim ``cid`` (background, a duplicate, not an event...) with a reason."""
    if not reason.strip():
        raise ValidationError(
            "a rejection needs a reason", field="reason", hint="Say why with --reason."
        )
    _author(node, author)
    _pending(node, cid)
    try:
        decision = ClaimDecision(
            claim=cid, decision=Decision.REJECT, reviewer=reviewer, reason=reason.strip()
        )
    except pydantic.ValidationError as exc:
        raise validation_error(exc, f"rejecting {cid}") from None
    first = _sign_append(node, [(author, "claim.reviewed", decision.to_body())])
    return Decided(cid, "reject", first, None, ())
