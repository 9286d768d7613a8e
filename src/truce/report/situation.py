"""The daily and weekly situation report: what it counts, for which days, from which ledger state.

In the manner of a ceasefire monitoring mission's daily report (summary figures, a map, charts,
the incidents with their grades and the parties' responses, violations, patrols), built from the
ledger state it cites. Choices where a mission's practice leaves room:

- **period**: daily is the given day; weekly is the seven days ending on it. The default day is
  the last day with an incident up to the UTC date of the last entry at the cited ledger size
  (that date itself when there is none), so no clock enters the report and it is never empty
  merely because the last filings were responses;
- **which incidents**: those whose date interval overlaps the period (an incident known only to
  the week is listed in each report its week touches, flagged with its precision). With
  ``zone``, those whose position lies in the zone (incidents with no position cannot be placed
  and are counted in a note);
- **per-day charts** cover the seven days ending on the report day (a daily report shows the
  week's trend); an incident spanning several days is counted on its first day in the window;
- **casualties** are ranges: the sum of the lowest figures and the sum of the highest (open when
  any report gives no upper bound); never one false point value;
- **new evidence** is the files attached during the period (the day of their
  ``evidence.added`` entry, UTC), from the same snapshot: each with its ``E-<entry index>``,
  so a reader finds the entry, and its proof, at or below the cited size (with ``zone``, the
  files of incidents inside it);
- **violations** come from the agreement capability's rules engine computed on the same
  snapshot; **patrols** from the patrol projection. Where this build has neither, the report
  says "not available"; where there are none, "none recorded".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from truce.errors import ValidationError
from truce.evidence.queries import attached_between
from truce.model import CasualtyCategory, CasualtyKind
from truce.node import Node
from truce.report.codes import casualty_total
from truce.report.queries import Snapshot, open_snapshot
from truce.report.read import Event, EventFilter, LedgerState, ZoneView

__all__ = ["KINDS", "Figures", "Period", "SituationReport", "build_situation", "period_for"]

KINDS = ("daily", "weekly")
TREND_DAYS = 7
GRADES = ("confirmed", "corroborated", "single-source", "contested", "discounted")


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def label(self) -> str:
        if self.start == self.end:
            return f"{self.end:%-d %B %Y}"
        return f"{self.start:%-d %B} – {self.end:%-d %B %Y}"


def period_for(kind: str, on: date) -> Period:
    if kind not in KINDS:
        raise ValidationError(f"report kind {kind!r} is not one of {', '.join(KINDS)}")
    return Period(kind, on if kind == "daily" else on - timedelta(days=6), on)


@dataclass(frozen=True)
class Range:
    low: int
    high: int | None  # None: at least one report gives no upper bound

    def __str__(self) -> str:
        if self.high == self.low:
            return str(self.low)
        return f"{self.low}–{self.high}" if self.high is not None else f"{self.low} or more"


def casualty_range(events: list[Event], kind: CasualtyKind, civilians: bool = False) -> Range:
    category = CasualtyCategory.CIVILIANS if civilians else None
    low, high = 0, 0
    open_high = False
    for e in events:
        lo = casualty_total(e.report, kind, "low", category)
        if lo is None:
            continue
        low += lo
        hi = casualty_total(e.report, kind, "high", category)
        if hi is None:
            open_high = True
        else:
            high += hi
    return Range(low, None if open_high else high)


@dataclass(frozen=True)
class Figures:
    incidents: int
    reports: int
    by_grade: dict[str, int]
    killed: Range
    civilians_killed: Range
    injured: Range
    responses: int
    violations: int | None
    patrols: int | None


@dataclass
class SituationReport:
    period: Period
    state: LedgerState
    zone: ZoneView | None
    events: list[Event]
    trend: list[Event]
    trend_days: list[date]
    violations: list[dict[str, Any]] | None
    trend_violations: list[dict[str, Any]] | None
    patrols: list[dict[str, Any]] | None
    observations: list[dict[str, Any]] | None
    zones: list[ZoneView]
    sites: list[dict[str, Any]]
    parties: dict[str, str]
    figures: Figures
    notes: list[str] = field(default_factory=list)
    #: Files attached during the period, oldest first (with ``zone``: those of its incidents).
    new_evidence: list[dict[str, Any]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.period.kind.capitalize()} situation report, {self.period.label()}"

    def rebuild_command(self) -> str:
        zone = f" --zone {self.zone.id}" if self.zone else ""
        return (
            f"truce report {self.period.kind} --date {self.period.end.isoformat()}{zone} "
            f"--checkpoint-size {self.state.size} --out FILE"
        )

    def violations_for(self, incident_id: str) -> list[dict[str, Any]]:
        return [v for v in self.violations or () if v["incident_id"] == incident_id]


def _overlaps(row: dict[str, Any], start: date, end: date, first: str, last: str) -> bool:
    return str(row[first])[:10] <= end.isoformat() and str(row[last])[:10] >= start.isoformat()


def _last_incident_day(snap: Snapshot, last_entry: date | None) -> date | None:
    """The default report day: the last day, up to the last entry's date, on which an incident
    happened (a report dated by the last filing day can be empty when the last filings are
    responses or late reports of earlier days); the last entry's date when there is none."""
    if last_entry is None:
        return None
    found = snap.last_incident_end(last_entry.isoformat())
    if not found:
        return last_entry
    return min(date.fromisoformat(str(found)[:10]), last_entry)


def build_situation(
    node: Node,
    kind: str,
    *,
    on: date | None = None,
    zone: str | None = None,
    size: int | None = None,
) -> SituationReport:
    with open_snapshot(node, size) as snap:
        state = snap.state
        day = on or _last_incident_day(snap, state.date)
        assert day is not None
        period = period_for(kind, day)
        zone_view = snap.zone(zone) if zone else None
        flt = EventFilter(period.start, period.end, zone)
        events = snap.events("incidents", flt)
        trend_start = min(period.start, period.end - timedelta(days=TREND_DAYS - 1))
        trend = snap.events("incidents", EventFilter(trend_start, period.end, zone))
        notes: list[str] = []
        if zone:
            unplaced = [
                e
                for e in snap.events("incidents", EventFilter(period.start, period.end))
                if e.report.location.point is None
            ]
            if unplaced:
                notes.append(
                    f"{len(unplaced)} incident(s) of the period have no position and cannot be "
                    f"placed in or out of {zone_view.name if zone_view else zone}; they are "
                    "not counted here."
                )
        all_violations = snap.violations()
        ids = {e.id for e in trend}
        trend_violations = (
            None
            if all_violations is None
            else [v for v in all_violations if v["incident_id"] in ids]
        )
        period_ids = {e.id for e in events}
        violations = (
            None
            if trend_violations is None
            else [v for v in trend_violations if v["incident_id"] in period_ids]
        )
        patrols = snap.patrols()
        if patrols is not None:
            patrols = [p for p in patrols if _overlaps(p, period.start, period.end, "start", "end")]
        observations = snap.patrol_observations()
        if observations is not None and patrols is not None:
            wanted = {p["id"] for p in patrols}
            observations = [o for o in observations if o["patrol_id"] in wanted]
        figures = Figures(
            incidents=len(events),
            reports=sum(len(e.report_ids) for e in events),
            by_grade=dict(Counter(e.occurrence or "ungraded" for e in events)),
            killed=casualty_range(events, CasualtyKind.KILLED),
            civilians_killed=casualty_range(events, CasualtyKind.KILLED, civilians=True),
            injured=casualty_range(events, CasualtyKind.INJURED),
            responses=sum(len(e.responses) for e in events),
            violations=None if violations is None else len(violations),
            patrols=None if patrols is None else len(patrols),
        )
        new_evidence = attached_between(snap.conn, period.start, period.end)
        if zone and new_evidence:  # only what belongs to an incident inside the zone
            inside = {e.id for e in snap.events("incidents", EventFilter(zone=zone))}
            new_evidence = [r for r in new_evidence if r["incident_now"] in inside]
        trend_days = [
            trend_start + timedelta(days=i) for i in range((period.end - trend_start).days + 1)
        ]
        return SituationReport(
            period=period,
            state=state,
            zone=zone_view,
            events=events,
            trend=trend,
            trend_days=trend_days,
            violations=violations,
            trend_violations=trend_violations,
            patrols=patrols,
            observations=observations,
            zones=snap.zones(),
            sites=snap.sites(),
            parties=snap.parties(),
            figures=figures,
            notes=notes,
            new_evidence=new_evidence,
        )
