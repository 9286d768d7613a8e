"""Plausibility: what a report may not claim unless its filer says, on the record, why it is so.

A report can be valid (every field well-formed) and still absurd: an event in the year 0001 or
next year, ten million killed in one strike, a village in north-west Syria placed in Paris
(issue 23). :func:`problems` names each such claim; the filing seams (the API's
``POST /api/v1/reports`` and draft filing, ``truce report add``) refuse a report with any of
them (422, one line per problem, the first naming its field), unless the report carries a
``plausibility_override``: the filer's reason, signed into the entry with the rest, so that
whoever reads it sees that the checks were overridden and why. The filing checks' ``override_note``
(:mod:`truce.agreement.filing`) is such a reason too, and ``plausibility_override`` satisfies
those: one stated reason files a report as it is. Reports already in the log are never
re-checked (the record is what it is). What is checked:

- the event's dates: not before :data:`EARLIEST`, not after tomorrow (UTC; a day of slack for
  time zones), and not before the agreement the record is kept for was signed (``since``: the
  earliest ``signed`` date of the adopted agreements, read by
  :func:`truce.agreement.queries.agreement_start`; a node with no signed agreement skips this);
- casualty figures: no low, best or high above :data:`MAX_FIGURE` for one event;
- coordinates, by :func:`problems` when given an ``aoi``: every point inside the area of
  interest. The filing seams leave this to :mod:`truce.agreement.filing`, which checks each
  point against its named place and the monitored area (``TRUCE_AOI``) and names swapped
  latitude and longitude, so a report is told of one contradiction once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np

from truce.model.report import Report

__all__ = ["EARLIEST", "MAX_FIGURE", "problems", "refuse_implausible"]

#: No event truce records happened before this day.
EARLIEST = date(1900, 1, 1)
#: The most people one event's casualty figure may count without an override.
MAX_FIGURE = 10_000


def problems(
    report: Report,
    *,
    today: date | None = None,
    aoi: object | None = None,
    since: tuple[date, str] | None = None,
) -> list[tuple[str, str]]:
    """``(field, message)`` for every implausible claim of ``report``; empty if none.

    ``aoi`` is a :class:`truce.agreement.aoi.Aoi` (anything with its ``problem``), or None for
    no place check. ``since`` is the agreement's start: ``(the day it was signed, its id)``.
    """
    today = today or datetime.now(UTC).date()
    found: list[tuple[str, str]] = []
    when = report.date
    if when.start < EARLIEST:
        found.append(
            ("date.start", f"the event starts on {when.start}, before {EARLIEST}: check the year")
        )
    elif since is not None and when.start < since[0]:
        found.append(
            (
                "date.start",
                f"the event starts on {when.start}, before agreement {since[1]!r} was signed "
                f"on {since[0]}: check the year",
            )
        )
    if when.end > today + timedelta(days=1):
        found.append(
            ("date.end", f"the event ends on {when.end}, in the future (today is {today} UTC)")
        )
    for i, c in enumerate(report.casualties):
        for name in ("low", "best", "high"):
            value = getattr(c, name)
            if value is not None and value > MAX_FIGURE:
                found.append(
                    (
                        f"casualties.{i}.{name}",
                        f"{c.category.value} {c.kind.value} {name} {value:,} is more than "
                        f"{MAX_FIGURE:,} for one event: check the figure",
                    )
                )
    if aoi is not None:
        for i, loc in enumerate(report.locations):
            if loc.point is None:
                continue
            lon = np.array([float(loc.point.lon)])
            lat = np.array([float(loc.point.lat)])
            problem = aoi.problem(lon, lat)  # type: ignore[attr-defined]
            if problem:
                place = f" ({loc.place})" if loc.place else ""
                found.append((f"locations.{i}.point", f"location {i}{place}: {problem}"))
    return found


def refuse_implausible(
    report: Report, *, today: date | None = None, since: tuple[date, str] | None = None
) -> None:
    """Raise ``ValidationError`` (422) naming every implausible date or figure, unless the
    report carries a ``plausibility_override`` or an ``override_note``. ``since``: as for
    :func:`problems`."""
    if report.plausibility_override or report.override_note:
        return
    found = problems(report, today=today, aoi=None, since=since)
    if not found:
        return
    from truce.errors import ValidationError

    field, first = found[0]
    more = "; ".join(message for _, message in found[1:])
    raise ValidationError(
        f"implausible report: {first}" + (f"; also: {more}" if more else ""),
        field=field,
        hint=(
            'If it is right, file it again with "plausibility_override": "<your reason>" '
            "(the reason is signed into the entry, for every reader to see)."
        ),
    )
