"""Grading an incident: did it happen (occurrence), who did it (attribution), with reasons.

Occurrence and attribution are graded separately ("occurred: confirmed; responsible: contested"
is a normal state), each with the reasons that produced it, in words. Inputs are the
incident's reports, the parties' responses and the registered parties; the functions here are
pure, so the grades are a function of the log like every projection.

**Occurrence** (``model/vocab.OccurrenceGrade``), the first rule that applies:

1. *confirmed*: the party held responsible acknowledged it; or the center's own monitors (a
   report authored by a party of kind ``monitor`` on a ``monitor`` source) observed it;
2. *discounted*: the monitors report that it did not happen (modality ``denied``), or every
   source grades its information doubtful or improbable (Admiralty 4 or 5);
3. *contested*: a party denied it (a ``deny`` response, not limited to the perpetrator field),
   or a party's report says it did not happen;
4. *corroborated*: two or more independent originators. Independence is by originator
   (``Source.originator``, else the source itself): two outlets quoting one ministry are one
   originator. Unreliable sources (Admiralty E) and improbable information (5) do not count;
   a party acknowledging an incident it is not held responsible for counts as an originator;
5. *single-source*: otherwise.

**Attribution**: the perpetrators named, each with the reports and originators naming it; the
one named by most originators is *held responsible* (ties: the first named). The registered
party matched to it (:func:`truce.assess.names.party_matches_actor`) may acknowledge, deny,
dispute the perpetrator or report it under investigation; with no response the state is
"no response". Different perpetrators named by different originators are competing claims.

**Airwars grade** (civilian-harm grading, ``docs/domain.md``): Confirmed (the belligerent
accepted responsibility), Discounted (occurrence discounted, or those harmed were combatants),
Contested (competing claims of responsibility, or the party held responsible denies it), Fair
(two or more credible originators and a belligerent named), Weak (single source).

**Admiralty code** of the incident's information: reliability of its most reliable counted
source (A–F); credibility 1 ("confirmed by other sources") when two or more independent
originators report it (even if it is denied) or it is confirmed, else the best credibility its
sources give.

**Casualties**: per category and kind, the range from the lowest low to the highest figure
reported, and the conservative figure — the lowest best estimate (ACLED codes the most
conservative fatality figure).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from truce.assess.names import actor_key, party_matches_actor
from truce.model import (
    ActorRole,
    CasualtyCategory,
    Credibility,
    Modality,
    OccurrenceGrade,
    PartyKind,
    Reliability,
    Report,
    ResponseKind,
    SourceKind,
)
from truce.model.vocab import AirwarsGrade

__all__ = [
    "ATTRIBUTION_FIELDS",
    "CasualtyRange",
    "Grades",
    "Member",
    "PartyInfo",
    "Reply",
    "casualty_ranges",
    "grade",
    "originator_of",
]

#: Response fields that concern who did it; a denial naming one of them leaves occurrence alone.
ATTRIBUTION_FIELDS = frozenset({"perpetrator", "attribution", "responsible"})
_COUNTED_MODALITIES = frozenset({Modality.OCCURRED, Modality.ALLEGED, Modality.FOILED})


@dataclass(frozen=True)
class Member:
    """One report of the incident, with who filed it."""

    report_id: str
    author: str
    author_kind: str
    report: Report


@dataclass(frozen=True)
class Reply:
    """One party's response to the incident."""

    response_id: str
    author: str
    kind: ResponseKind
    field: str | None = None
    value: str | None = None
    text: str = ""
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class PartyInfo:
    id: str
    name: str
    kind: str


@dataclass(frozen=True)
class CasualtyRange:
    category: str
    kind: str
    low: int
    high: int
    conservative: int
    open_ended: bool  # some report gave no upper bound
    figures: tuple[tuple[str, int, int | None, int | None], ...]  # report, low, best, high

    def to_json(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "kind": self.kind,
            "low": self.low,
            "high": self.high,
            "conservative": self.conservative,
            "open_ended": self.open_ended,
            "reports": [
                {"report": r, "low": lo, "best": b, "high": hi} for r, lo, b, hi in self.figures
            ],
        }


@dataclass
class Grades:
    occurrence: OccurrenceGrade
    occurrence_reasons: list[str]
    airwars: AirwarsGrade
    airwars_reasons: list[str]
    admiralty: str
    admiralty_reasons: list[str]
    attribution: dict[str, Any]
    originators: list[str]
    casualties: list[CasualtyRange] = field(default_factory=list)

    @property
    def reasons(self) -> dict[str, list[str]]:
        return {
            "occurrence": self.occurrence_reasons,
            "attribution": self.attribution["reasons"],
            "airwars": self.airwars_reasons,
            "admiralty": self.admiralty_reasons,
        }

    def killed(self) -> tuple[int, int, int] | None:
        """(low, high, conservative) of everyone reported killed, all categories together."""
        rows = [c for c in self.casualties if c.kind == "killed"]
        if not rows:
            return None
        return (
            sum(c.low for c in rows),
            sum(c.high for c in rows),
            sum(c.conservative for c in rows),
        )


def originator_of(name: str, originator: str | None) -> str:
    """The originator a source relies on, normalised: "Syrian MoD" via SANA is "syrian mod"."""
    return " ".join((originator or name).casefold().split())


def _display(name: str, originator: str | None) -> str:
    return " ".join((originator or name).split())


def _credible(reliability: Reliability, credibility: Credibility) -> bool:
    return reliability != Reliability.E and credibility != Credibility.IMPROBABLE


def _names(items: Sequence[str], limit: int = 4) -> str:
    shown = list(items[:limit])
    more = len(items) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _party_label(p: PartyInfo | None, pid: str) -> str:
    return f"{p.name} ({pid})" if p else pid


# -- attribution -----------------------------------------------------------------------------


def _attribution(
    members: Sequence[Member], replies: Sequence[Reply], parties: dict[str, PartyInfo]
) -> dict[str, Any]:
    claims: dict[str, dict[str, Any]] = {}
    denials: list[tuple[str, str, str]] = []  # actor key, actor, report: "X denies it"
    for m in members:
        if m.report.modality == Modality.DENIED:
            for actor in m.report.actors_in(ActorRole.PERPETRATOR):
                denials.append((actor_key(actor.name), actor.name, m.report_id))
            continue
        if m.report.modality not in _COUNTED_MODALITIES:
            continue  # planned or announced: nobody is held responsible for it yet
        origins = [_display(s.name, s.originator) for s in m.report.sources]
        for actor in m.report.actors_in(ActorRole.PERPETRATOR):
            key = actor_key(actor.name)
            claim = claims.setdefault(
                key,
                {
                    "actor": actor.name,
                    "country": actor.country,
                    "reports": [],
                    "originators": [],
                    "parties": [],
                },
            )
            if m.report_id not in claim["reports"]:
                claim["reports"].append(m.report_id)
            for o in origins:
                if o not in claim["originators"]:
                    claim["originators"].append(o)
    for claim in claims.values():
        claim["parties"] = [
            p.id
            for p in parties.values()
            if p.kind == PartyKind.PARTY.value
            and party_matches_actor(p.id, p.name, claim["actor"], claim["country"])
        ]
    ordered = sorted(claims.values(), key=lambda c: -len(c["originators"]))  # stable: first named
    reasons: list[str] = []
    responsible = ordered[0] if ordered else None
    party = responsible["parties"][0] if responsible and responsible["parties"] else None
    competing = len(ordered) > 1
    state = "unattributed"
    if responsible is None:
        reasons.append("no report names a perpetrator")
    else:
        by = _names(responsible["reports"])
        n = len(responsible["originators"])
        reasons.append(
            f"{responsible['actor']} held responsible by {by} "
            f"({n} originator{'' if n == 1 else 's'})"
        )
        for other in ordered[1:]:
            reasons.append(f"competing claim: {other['actor']} named by {_names(other['reports'])}")
        state = "no response" if party else "not a party"
        if party is None:
            reasons.append(f"{responsible['actor']} is not a party to the record: no response due")
    held = actor_key(responsible["actor"]) if responsible else None
    for key, denier, rid in denials:
        reasons.append(f"{rid} reports that {denier} denies it")
        if key == held:
            state = "denied"
            competing = True
    own = [r for r in replies if party is not None and r.author == party]
    for r in own:
        label = _party_label(parties.get(r.author), r.author)
        if r.kind == ResponseKind.ACKNOWLEDGE:
            state = "acknowledged"
            reasons.append(f"acknowledged by {label} ({r.response_id})")
        elif r.kind == ResponseKind.DENY:
            state = "denied"
            reasons.append(f"denied by {label} ({r.response_id})")
        elif r.kind == ResponseKind.DISPUTE and r.field in ATTRIBUTION_FIELDS:
            state = "disputed"
            reasons.append(f"{label} disputes the perpetrator: says {r.value!r} ({r.response_id})")
        elif r.kind == ResponseKind.UNDER_INVESTIGATION:
            state = "under investigation"
            reasons.append(f"under investigation by {label} ({r.response_id})")
    for r in replies:
        if r.author != party and r.kind == ResponseKind.DISPUTE and r.field in ATTRIBUTION_FIELDS:
            label = _party_label(parties.get(r.author), r.author)
            reasons.append(f"{label} disputes the perpetrator: says {r.value!r} ({r.response_id})")
            competing = True
    if party and state == "no response":
        reasons.append(f"no response from {_party_label(parties.get(party), party)}")
    return {
        "responsible": responsible["actor"] if responsible else None,
        "party": party,
        "state": state,
        "contested": competing or state in ("denied", "disputed"),
        "claims": ordered,
        "reasons": reasons,
    }


# -- casualties ------------------------------------------------------------------------------


def casualty_ranges(members: Sequence[Member]) -> list[CasualtyRange]:
    """Per category and kind: lowest low, highest figure, conservative (lowest best) figure."""
    groups: dict[tuple[str, str], list[tuple[str, int, int | None, int | None]]] = {}
    for m in members:
        for c in m.report.casualties:
            key = (c.category.value, c.kind.value)
            groups.setdefault(key, []).append((m.report_id, c.low, c.best, c.high))
    out = []
    for (category, kind), figures in sorted(groups.items()):
        low = min(f[1] for f in figures)
        high = max(
            f[3] if f[3] is not None else f[2] if f[2] is not None else f[1] for f in figures
        )
        conservative = min(f[2] if f[2] is not None else f[1] for f in figures)
        open_ended = any(f[3] is None for f in figures)
        out.append(
            CasualtyRange(category, kind, low, high, conservative, open_ended, tuple(figures))
        )
    return out


# -- the grades ------------------------------------------------------------------------------


def grade(
    members: Sequence[Member], replies: Sequence[Reply], parties: dict[str, PartyInfo]
) -> Grades:
    """Grade an incident from its reports (log order), responses (log order) and the parties."""
    attribution = _attribution(members, replies, parties)
    party = attribution["party"]
    reasons: list[str] = []

    # Originators: independent voices, and the outlets that only relay them.
    counted: dict[str, list[str]] = {}  # originator -> source names relaying it
    shown: dict[str, str] = {}  # normalised originator -> as first written
    discounted: list[str] = []
    not_occurred: list[str] = []
    relays: dict[str, set[str]] = {}
    best_rel: Reliability | None = None
    best_cred: Credibility | None = None
    all_doubtful = True
    for m in members:
        if m.report.modality not in _COUNTED_MODALITIES:
            not_occurred.append(f"{m.report_id} ({m.report.modality.value})")
            continue
        for s in m.report.sources:
            o = originator_of(s.name, s.originator)
            shown.setdefault(o, _display(s.name, s.originator))
            relays.setdefault(o, set()).add(s.name)
            if s.credibility not in (Credibility.DOUBTFUL, Credibility.IMPROBABLE):
                all_doubtful = False
            if not _credible(s.reliability, s.credibility):
                discounted.append(f"{s.name} ({s.reliability.value}{int(s.credibility)})")
                continue
            counted.setdefault(o, [])
            if s.name not in counted[o]:
                counted[o].append(s.name)
            if best_rel is None or s.reliability.value < best_rel.value:
                best_rel = s.reliability
            if best_cred is None or s.credibility < best_cred:
                best_cred = s.credibility
    for r in replies:
        if r.kind == ResponseKind.ACKNOWLEDGE and r.author != party:
            label = _party_label(parties.get(r.author), r.author)
            counted.setdefault(f"party {r.author}", [f"{r.author}'s acknowledgement"])
            shown.setdefault(f"party {r.author}", f"{label}, acknowledging it ({r.response_id})")
    originators = [shown[o] for o in counted]

    monitors_seen = [
        m.report_id
        for m in members
        if m.author_kind == PartyKind.MONITOR.value
        and m.report.modality == Modality.OCCURRED
        and any(s.kind == SourceKind.MONITOR for s in m.report.sources)
    ]
    monitors_not = [
        m.report_id
        for m in members
        if m.author_kind == PartyKind.MONITOR.value and m.report.modality == Modality.DENIED
    ]
    acknowledged = [r for r in replies if r.kind == ResponseKind.ACKNOWLEDGE and r.author == party]
    denials = [
        r for r in replies if r.kind == ResponseKind.DENY and r.field not in ATTRIBUTION_FIELDS
    ]
    denied_by_report = [
        m.report_id
        for m in members
        if m.report.modality == Modality.DENIED and m.author_kind != PartyKind.MONITOR.value
    ]
    investigating = [r for r in replies if r.kind == ResponseKind.UNDER_INVESTIGATION]

    if acknowledged:
        occurrence = OccurrenceGrade.CONFIRMED
        r = acknowledged[0]
        label = _party_label(parties.get(r.author), r.author)
        reasons.append(f"acknowledged by {label}, the party held responsible ({r.response_id})")
    elif monitors_seen:
        occurrence = OccurrenceGrade.CONFIRMED
        reasons.append(f"observed by the center's monitors ({_names(monitors_seen)})")
    elif monitors_not:
        occurrence = OccurrenceGrade.DISCOUNTED
        reasons.append(f"the center's monitors report it did not happen ({_names(monitors_not)})")
    elif all_doubtful and not not_occurred and members:
        occurrence = OccurrenceGrade.DISCOUNTED
        reasons.append("every source grades the information doubtful or improbable (4 or 5)")
    elif denials or denied_by_report:
        occurrence = OccurrenceGrade.CONTESTED
        for r in denials:
            label = _party_label(parties.get(r.author), r.author)
            reasons.append(f"denied by {label} ({r.response_id})")
        for rid in denied_by_report:
            reasons.append(f"{rid} says it did not happen")
    elif len(originators) >= 2:
        occurrence = OccurrenceGrade.CORROBORATED
        reasons.append(f"{len(originators)} independent originators: {_names(originators)}")
    else:
        occurrence = OccurrenceGrade.SINGLE_SOURCE
        if originators:
            reasons.append(f"one originator: {originators[0]}")
        else:
            reasons.append("no credible source says it happened")
    if occurrence == OccurrenceGrade.CONFIRMED:
        for r in denials:
            label = _party_label(parties.get(r.author), r.author)
            reasons.append(f"denied by {label} ({r.response_id}), but the confirmation stands")
    if occurrence != OccurrenceGrade.CORROBORATED and len(originators) >= 2:
        reasons.append(f"{len(originators)} independent originators: {_names(originators)}")
    for o, names in relays.items():
        others = sorted(n for n in names if originator_of(n, None) != o)
        if len(names) > 1 and others:
            verb = "relays" if len(others) == 1 else "relay"
            reasons.append(f"{_names(others)} {verb} {shown[o]}: one originator, counted once")
    if discounted:
        reasons.append(f"not counted (unreliable or improbable): {_names(discounted)}")
    if not_occurred:
        reasons.append(f"not counted (does not report it as happened): {_names(not_occurred)}")
    for r in investigating:
        label = _party_label(parties.get(r.author), r.author)
        reasons.append(f"under investigation by {label} ({r.response_id})")

    casualties = casualty_ranges(members)
    airwars, airwars_reasons = _airwars(occurrence, originators, attribution, casualties)
    admiralty, admiralty_reasons = _admiralty(occurrence, len(originators), best_rel, best_cred)
    return Grades(
        occurrence=occurrence,
        occurrence_reasons=reasons,
        airwars=airwars,
        airwars_reasons=airwars_reasons,
        admiralty=admiralty,
        admiralty_reasons=admiralty_reasons,
        attribution=attribution,
        originators=originators,
        casualties=casualties,
    )


def _airwars(
    occurrence: OccurrenceGrade,
    originators: list[str],
    attribution: dict[str, Any],
    casualties: list[CasualtyRange],
) -> tuple[AirwarsGrade, list[str]]:
    harmed = {c.category for c in casualties if c.high > 0}
    if attribution["state"] == "acknowledged":
        return AirwarsGrade.CONFIRMED, ["a belligerent accepted responsibility"]
    if occurrence == OccurrenceGrade.DISCOUNTED:
        return AirwarsGrade.DISCOUNTED, ["the occurrence is discounted"]
    if occurrence == OccurrenceGrade.CONTESTED:
        return AirwarsGrade.CONTESTED, ["the occurrence is contested: it is denied"]
    if harmed and harmed <= {CasualtyCategory.COMBATANTS.value}:
        return AirwarsGrade.DISCOUNTED, ["those harmed were combatants"]
    if attribution["contested"]:
        why = (
            f"{attribution['party']} {attribution['state']} responsibility"
            if attribution["state"] in ("denied", "disputed")
            else "competing claims of responsibility"
        )
        return AirwarsGrade.CONTESTED, [why]
    if len(originators) >= 2 and attribution["responsible"]:
        return AirwarsGrade.FAIR, [
            f"{len(originators)} credible originators, and {attribution['responsible']} named"
        ]
    if len(originators) >= 2:
        return AirwarsGrade.WEAK, ["corroborated, but no belligerent is named"]
    return AirwarsGrade.WEAK, ["a single-source claim"]


def _admiralty(
    occurrence: OccurrenceGrade, originators: int, rel: Reliability | None, cred: Credibility | None
) -> tuple[str, list[str]]:
    reliability = rel or Reliability.F
    reasons = [
        f"reliability {reliability.value}: the most reliable counted source"
        if rel
        else "reliability F: no counted source"
    ]
    if occurrence == OccurrenceGrade.CONFIRMED or (
        originators >= 2 and occurrence != OccurrenceGrade.DISCOUNTED
    ):
        credibility = Credibility.CONFIRMED
        reasons.append("credibility 1: confirmed by other, independent sources")
    else:
        credibility = cred or Credibility.CANNOT_BE_JUDGED
        reasons.append(f"credibility {int(credibility)}: the best its sources give")
    return f"{reliability.value}{int(credibility)}", reasons
