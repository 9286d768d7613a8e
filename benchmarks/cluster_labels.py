"""Same-event clustering of the real development set's *labels* (issue 16): correlation alone.

``bench_accuracy`` measures clustering through extraction: an event whose claim was not filed,
or was filed with a wrong place or date, cannot be correlated right, so its figure mixes the two.
This measure takes extraction out: every labelled event of every article (main and background)
becomes the report a perfect reader would file, and the correlation engine
(:class:`truce.assess.engine.Correlator`, which places reports as the ledger projection does)
groups them. Only the labels are read (no third-party text), so it runs wherever the labels are.

A labelled event becomes a :class:`truce.model.Report` as the article gives it:

- its places resolved through truce's gazetteer with the label's governorate (a place name
  first, as ``bench_accuracy`` resolves labels; else an admin area phrase; an unresolved name is
  kept as written, region precision), or, when the label names no place, the governorate itself
  as an admin area (ACLED precision 3);
- its date as labelled (a day or an interval); an undated event is dated to the week up to the
  article's publication (week precision) when the publication date is known, else it is not
  filed (the reader queues it for review: no date), and stays a singleton;
- its first actor the perpetrator and second the target (ACLED actor1/actor2), its civilian
  toll or else its fatalities as killed, the article's outlet as source and the article's
  SHA-256 as evidence (as ingestion files it);
- articles are filed in label order (the development set's own order), each article's events in
  order.

Pairwise precision, recall, F1 and false merges are counted as in ``bench_accuracy``: over main
events of different articles, true pairs sharing the label ``group``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

__all__ = ["label_items", "label_report"]


def _location(name: str, admin1: str | None, places: Any) -> Any:
    from truce.model.report import Location
    from truce.model.vocab import GeoPrecision

    gaz = places.gazetteer
    try:
        matches = gaz.lookup(name, admin1=admin1)
    except Exception:  # an unknown governorate name: resolve without it
        matches = gaz.lookup(name)
    if matches:
        return matches[0].place.location(name)
    area = gaz.admin_area(name)
    if area is not None:
        return area.location(name)
    return Location(place=name[:500], precision=GeoPrecision.REGION)


def _interval(event: dict[str, Any], published: date | None) -> tuple[date, date, str] | None:
    value = event.get("date")
    if isinstance(value, str):
        d = date.fromisoformat(value)
        return d, d, "day"
    if isinstance(value, dict):
        a, b = date.fromisoformat(value["from"]), date.fromisoformat(value["to"])
        return a, b, "week" if (b - a).days < 7 else "month"
    if published is None:
        return None
    return published - timedelta(days=6), published, "week"


def label_report(rec: dict[str, Any], event: dict[str, Any], places: Any) -> Any | None:
    """The report a perfect reader files for one labelled event, or None (not filed)."""
    from truce.model import Report
    from truce.model.report import Actor, Casualty, Evidence, Source, TimeInterval
    from truce.model.vocab import (
        ActorRole,
        CasualtyCategory,
        CasualtyKind,
        EventType,
        SourceKind,
        TimePrecision,
    )

    published = None
    if rec.get("published") and rec.get("published_basis") != "unknown":
        try:
            published = date.fromisoformat(str(rec["published"]))
        except ValueError:
            published = None
    when = _interval(event, published)
    if when is None:
        return None
    admin1 = event.get("admin1")
    names = event.get("places") or []
    locations = [_location(n, admin1, places) for n in names[:20]]
    if not locations:
        if not admin1:
            return None  # nowhere: the reader queues it (no place named)
        area = places.gazetteer.admin_area(admin1)
        if area is None:
            return None
        locations = [area.location(admin1)]
    actors = []
    for name, role in zip(
        (event.get("actors") or [])[:2], (ActorRole.PERPETRATOR, ActorRole.TARGET), strict=False
    ):
        actors.append(Actor(name=name, role=role))
    casualties = []
    if event.get("civilians_killed") is not None:
        n = int(event["civilians_killed"])
        casualties.append(
            Casualty(category=CasualtyCategory.CIVILIANS, kind=CasualtyKind.KILLED, low=n, best=n)
        )
    elif event.get("fatalities") is not None:
        n = int(event["fatalities"])
        casualties.append(
            Casualty(category=CasualtyCategory.UNKNOWN, kind=CasualtyKind.KILLED, low=n, best=n)
        )
    precision = {"day": TimePrecision.DAY, "week": TimePrecision.WEEK}.get(
        when[2], TimePrecision.MONTH
    )
    return Report(
        event_type=EventType(event["event_type"]),
        sub_event_type=event["sub_event_type"],
        date=TimeInterval(start=when[0], end=when[1], precision=precision),
        locations=locations,
        actors=actors,
        casualties=casualties,
        sources=[
            Source(name=(rec.get("outlet") or "unknown outlet")[:500], kind=SourceKind.OUTLET)
        ],
        # The article itself, as ingestion files it: reports of one document share it.
        evidence=[Evidence(sha256=rec["sha256"], media_type="text/plain")],
    )


def label_items(labels: list[dict[str, Any]], places: Any) -> list[tuple[str, str, str | None]]:
    """(article, group, incident or None) for every main event, after correlating every
    labelled event's report in label order (see the module docstring)."""
    from truce.assess.engine import Correlator
    from truce.assess.summary import summarize

    engine = Correlator()
    index = 0
    keyed: list[tuple[str, str, int | None]] = []
    for rec in labels:
        for event in rec["events"]:
            report = label_report(rec, event, places)
            at: int | None = None
            if report is not None:
                index += 1
                engine.add(summarize(report, index))
                at = index
            if event["main"]:
                keyed.append((rec["id"], event["group"], at))
    names = engine.labels()
    return [(aid, group, names[at] if at is not None else None) for aid, group, at in keyed]
