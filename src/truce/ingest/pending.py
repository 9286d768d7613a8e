"""Pending claims: what ingestion keeps when a claim cannot be filed as a report yet (issue 15).

Every claim :func:`truce.ingest.claims.extract_claims` finds is either filed as a report or
*queued*: a ``claim.queued`` entry signed by the open-sources identity, holding the report as
far as it is known (:class:`ReportDraft`), what it still needs (:class:`Need`: "publication
date unknown: year of 'March 13' unknown", "place 'Tell X' unresolved"), and the paragraph it
was read from (and one either side) with the claim's sentences marked, so an analyst can judge
it beside its source. Nothing is dropped silently. An analyst's decision is a
``claim.reviewed`` entry (:class:`ClaimDecision`), signed by the reviewer's party, naming the
reviewer and every field changed; an accepted claim is then filed as a report like any other
(:mod:`truce.ingest.review`).

Who may decide: the center's chair and its monitors (the roles that ingest pages), for their own
party. Party officers may not: a side of the conflict does not get to correct the open-source
record about it; analysts read the queue. Nobody authors ``claim.queued`` through the API: only
ingestion does, with the ingest identity's key.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Self

from pydantic import AnyUrl, Field, model_validator

from truce.access.policy import allow_kind
from truce.model.access import USERNAME_PATTERN, Role
from truce.model.base import Model, Sha256Hex
from truce.model.kinds import register_kind
from truce.model.report import Actor, Casualty, Evidence, Location, Source, TimeInterval
from truce.model.vocab import EventType, Modality

if TYPE_CHECKING:
    from truce.ingest.claims import Claim
    from truce.ingest.document import Document

__all__ = [
    "CLAIM_ID",
    "GUESSED_DATE",
    "GUESSED_PLACE",
    "REVIEWER_KINDS",
    "Change",
    "ClaimDecision",
    "Decision",
    "Need",
    "NeedField",
    "PendingClaim",
    "ReportDraft",
    "claim_id",
    "guesses_of",
    "needs_of",
    "to_pending",
]

CLAIM_ID = r"^C-[0-9]{1,12}$"
#: Kinds of party whose decisions on claims count: the center (chair) and the monitors.
REVIEWER_KINDS = ("center", "monitor")
Text = Annotated[str, Field(min_length=1, max_length=500)]
#: How much of the source paragraphs a pending claim carries (an entry is at most 64 KiB).
CONTEXT_CHARS = 8000


def claim_id(index: int) -> str:
    """A pending claim is named by its ``claim.queued`` entry's index, as reports are."""
    return f"C-{index}"


class NeedField(StrEnum):
    DATE = "date"
    PLACE = "place"
    TYPE = "type"
    REPORT = "report"  # the draft is not a valid report for another reason (the reason says)


class Need(Model):
    """One thing a claim lacks before it can be a report, in words an analyst can act on."""

    field: NeedField
    reason: Text


class ReportDraft(Model):
    """A :class:`truce.model.Report` as far as the text gives it: date and places may be missing."""

    event_type: EventType
    sub_event_type: Text
    modality: Modality = Modality.OCCURRED
    date: TimeInterval | None = None
    locations: Annotated[list[Location], Field(max_length=20)] = []
    actors: Annotated[list[Actor], Field(max_length=50)] = []
    casualties: Annotated[list[Casualty], Field(max_length=20)] = []
    sources: Annotated[list[Source], Field(min_length=1, max_length=50)]
    evidence: Annotated[list[Evidence], Field(max_length=100)] = []
    title: Text | None = None
    text: Annotated[str, Field(max_length=20_000)] = ""
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")] = "en"
    tags: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=50)]], Field(max_length=18)
    ] = []


class PendingClaim(Model):
    """``claim.queued``: a claim kept for review, with its source paragraph and what it needs."""

    document: Sha256Hex
    title: Text | None = None
    url: AnyUrl | None = None
    outlet: Text | None = None
    number: Annotated[int, Field(ge=1, le=100_000)]  # the claim's place among the document's
    needs: Annotated[list[Need], Field(min_length=1, max_length=10)]
    draft: ReportDraft
    context: Annotated[str, Field(min_length=1, max_length=CONTEXT_CHARS)]
    #: The claim's sentences as [start, end) character offsets into ``context``.
    highlights: Annotated[
        list[Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=2, max_length=2)]],
        Field(max_length=50),
    ] = []
    date_text: Annotated[str, Field(max_length=500)] = ""

    @model_validator(mode="after")
    def _inside(self) -> Self:
        for start, end in self.highlights:
            if not start < end <= len(self.context):
                raise ValueError(f"highlight [{start}, {end}] is not inside the context")
        return self


class Decision(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"


class Change(Model):
    """One field an analyst completed or corrected: its value before (None: missing) and after."""

    field: Annotated[str, Field(pattern=r"^[a-z_]{1,32}$")]
    before: Annotated[str, Field(max_length=1000)] | None = None
    after: Annotated[str, Field(min_length=1, max_length=1000)]


class ClaimDecision(Model):
    """``claim.reviewed``: the reviewer's party accepts (with changes) or rejects a claim."""

    claim: Annotated[str, Field(pattern=CLAIM_ID)]
    decision: Decision
    reviewer: Annotated[str, Field(pattern=USERNAME_PATTERN)] | None = None
    changes: Annotated[list[Change], Field(max_length=20)] = []
    reason: Annotated[str, Field(max_length=2000)] = ""

    @model_validator(mode="after")
    def _explained(self) -> Self:
        if self.decision == Decision.REJECT and not self.reason:
            raise ValueError("a rejection needs a reason")
        if self.decision == Decision.REJECT and self.changes:
            raise ValueError("a rejection changes nothing; give the reason only")
        return self


register_kind("claim.queued", PendingClaim)
register_kind("claim.reviewed", ClaimDecision)
allow_kind("claim.reviewed", Role.MONITOR, Role.CHAIR)

_UNRESOLVED = re.compile(r"^date '(?P<text>.+?)' unresolved: (?P<why>.+)$")
_YEARLESS = re.compile(
    r"^(?:\d{1,2}(?:\s*[-–]\s*\d{1,2})?\s+[A-Z][a-z]+\.?|[A-Z][a-z]+\.?\s+\d{1,2}"
    r"(?:\s*[-–]\s*\d{1,2})?(?:st|nd|rd|th)?)$"
)


def _date_reason(claim: Claim) -> str:
    reasons = []
    for note in claim.notes:
        m = _UNRESOLVED.match(note)
        if m is None:
            continue
        text, why = m["text"], m["why"]
        if "publication date" in why:
            if why.startswith("year unknown") or _YEARLESS.match(text):
                reasons.append(f"publication date unknown: year of {text!r} unknown")
            else:
                reasons.append(f"publication date unknown: {text!r} is counted from it")
        else:
            reasons.append(f"date {text!r} unresolved: {why}")
    if reasons:
        return "; ".join(dict.fromkeys(reasons))[:500]
    for note in claim.notes:
        if note.startswith("no date") and "publication date" in note:
            return "publication date unknown: the text gives no date of its own"
        if note.startswith("no date"):
            return note[:500]
    return "no date: the text gives none it can resolve"


def _unresolved_text(claim: Claim) -> str:
    """The dates as written that could not be resolved ("March 13"), for the reviewer."""
    found = [m["text"] for m in map(_UNRESOLVED.match, claim.notes) if m is not None]
    return ", ".join(dict.fromkeys(found))


#: The tags of a report filed with a guessed date or place (see :func:`guesses_of`).
GUESSED_DATE = "guess:date"
GUESSED_PLACE = "guess:place"


def guesses_of(claim: Claim) -> list[str]:
    """The tags saying what of ``claim`` is a guess at the precision ACLED would code it.

    A claim whose text gives no date of its own is dated the week up to publication (ACLED's
    ``time_precision`` 2); one whose sentence names no place is placed in the area the document
    is about (``geo_precision`` 3). Such a claim is filed, not held back: the report's interval
    and precision say exactly what is known, correlation treats a week as compatible with any
    day in it and an area with any place inside it, so another outlet's precise report of the
    same event corroborates it and refines the incident. The tags let an analyst list them."""
    tags = []
    if claim.date is not None and claim.date_method.endswith("(no date in the text)"):
        tags.append(GUESSED_DATE)
    placed = [p for p in claim.places if p.location is not None]
    if placed and all(p.from_context for p in claim.places):
        tags.append(GUESSED_PLACE)
    return tags


def needs_of(claim: Claim) -> list[Need]:
    """What ``claim`` lacks before it can be filed (empty: it can be filed as it is).

    A date or place that is only a guess (the week up to publication; the area the document is
    about) is no need: the claim is filed at that precision and tagged (:func:`guesses_of`)."""
    needs = []
    if claim.background:
        needs.append(Need(field=NeedField.REPORT, reason=claim.background[:500]))
    if claim.date is None:
        needs.append(Need(field=NeedField.DATE, reason=_date_reason(claim)))
    if not claim.places:
        needs.append(Need(field=NeedField.PLACE, reason="no place named in the text"))
    elif all(p.location is None for p in claim.places):
        names = ", ".join(repr(p.text) for p in claim.places[:5])
        s = "s" if len(claim.places) > 1 else ""
        needs.append(Need(field=NeedField.PLACE, reason=f"place{s} {names} unresolved"[:500]))
    return needs


def _context(claim: Claim, doc: Document) -> tuple[str, list[list[int]]]:
    """The paragraphs holding the claim's sentences, with one paragraph either side, and the
    sentences' offsets in them."""
    text = doc.text
    if not claim.spans:
        return (claim.text or text)[:CONTEXT_CHARS], []
    first, last = min(s for s, _ in claim.spans), max(e for _, e in claim.spans)
    start = text.rfind("\n\n", 0, first)  # the paragraph before the claim's...
    if start > 0:
        start = text.rfind("\n\n", 0, start)
    start = 0 if start < 0 else start + 2
    end = text.find("\n\n", last)  # ... to the paragraph after it
    if end >= 0:
        end = text.find("\n\n", end + 2)
    end = len(text) if end < 0 else end
    if end - start > CONTEXT_CHARS:  # a very long paragraph: keep the sentences and around them
        start = max(start, first - 500)
        end = min(end, start + CONTEXT_CHARS)
    marks = [[s - start, min(e, end) - start] for s, e in sorted(claim.spans) if s < end]
    return text[start:end], [m for m in marks if m[0] < m[1]]


def to_pending(claim: Claim, doc: Document, number: int, needs: list[Need]) -> PendingClaim:
    """The pending claim for ``claim``, the ``number``-th of ``doc``'s, which needs ``needs``."""
    from truce.ingest.report import draft_fields

    context, marks = _context(claim, doc)
    fields = draft_fields(claim, doc)
    fields["tags"] = fields["tags"][:18]
    url = doc.url if doc.url and doc.url.startswith(("http://", "https://")) else None
    data: dict[str, Any] = {
        "document": doc.sha256,
        "title": (doc.title or None) and doc.title[:500],
        "url": url,
        "outlet": (doc.outlet or None) and doc.outlet[:500],
        "number": number,
        "needs": needs,
        "draft": ReportDraft(**fields),
        "context": context,
        "highlights": marks,
        "date_text": (claim.date_text or _unresolved_text(claim))[:500],
    }
    return PendingClaim(**data)
