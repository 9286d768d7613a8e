"""ACLED-style CSV: export and import (ACLED codebook column names and codes).

Columns, in ACLED's order: ``event_id_cnty, event_date, year, time_precision, disorder_type,
event_type, sub_event_type, actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2,
interaction, civilian_targeting, iso, region, country, admin1, admin2, admin3, location,
latitude, longitude, geo_precision, source, source_scale, notes, fatalities, tags, timestamp``,
and truce's ``truce_id`` (the event's own id, ``I-8`` or ``R-9``) and ``merged_event_ids`` (the
ACLED ids an incident row merges; empty for a report). ``event_id_cnty`` is in ACLED's form,
``SYR10000008``, the same for an event in every export; ``source_scale`` is ACLED's vocabulary,
derived from the sources (both: :mod:`truce.report.acled_fields`).

Codes are ACLED's numeric ones (as its API gives with ``inter_numeric``): ``inter1``/``inter2``
1-8 (``inter2`` 0 when there is no second actor), ``interaction`` two digits (see
:mod:`truce.report.codes`); dates ``YYYY-MM-DD``, an imprecise event at the middle of its period;
admin names in OCHA's spelling (:mod:`truce.report.admin`); ``fatalities`` the most
conservative figure. ``actor1`` is always coded ("Unidentified Armed Group (Syria)" when no
report names a perpetrator); state forces in ACLED's dated form ("Military Forces of Syria
(2000-)"). Import also reads ACLED's other date forms, the codebook's text
labels for ``inter1``/``inter2``/``interaction``, and skips rows of other countries with one
note. truce's monitoring extensions leave as "Other" with the extension named in ``notes``.
Associated actors are joined with "; " as ACLED does.

Import makes each row a report by the importing identity. ACLED fields a report has no slot for
travel in the report's tags with an ``acled:`` prefix (``acled:event_id_cnty=SYR1234``,
``acled:admin2=...``, ``acled:admin3=...``, ``acled:source_scale=...``, ``acled:timestamp=...``)
so that export gives them back: import then export keeps every column (tested). A row whose
``event_id_cnty`` was imported before is refused, so importing a file twice adds nothing.
Rows are checked whole: each problem is reported with its line, column and reason.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO

import pydantic

from truce.errors import ValidationError
from truce.intake import check_records, read_text
from truce.model import (
    ActorRole,
    CasualtyKind,
    EventType,
    GeoPrecision,
    Inter,
    Report,
    SourceKind,
    TimePrecision,
)
from truce.model.vocab import sub_event_types
from truce.report.acled_fields import acled_event_id, check_source_scale, source_scale
from truce.report.admin import admin_place
from truce.report.codes import (
    acled_sub_event_type,
    casualty_total,
    civilian_targeting,
    disorder_type,
    interaction,
    sides,
    split_extension,
)
from truce.report.read import Event
from truce.report.registry import (
    ExportContext,
    ExportResult,
    Format,
    ImportContext,
    ImportItem,
    ImportPlan,
    Problem,
    register_format,
)
from truce.spreadsheet import neutralise_row, restore

__all__ = ["COLUMNS", "NUMERIC", "REQUIRED", "export_acled", "import_acled"]

COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
    "truce_id",
    "merged_event_ids",
)
#: Columns whose genuine numbers stay numbers in an export (every other cell that could start a
#: spreadsheet formula is neutralised: :mod:`truce.spreadsheet`).
NUMERIC = frozenset(
    (
        "year",
        "time_precision",
        "inter1",
        "inter2",
        "interaction",
        "iso",
        "latitude",
        "longitude",
        "geo_precision",
        "fatalities",
        "timestamp",
    )
)
#: Columns an imported file must have; the others default (precision 1, no fatalities...).
REQUIRED = ("event_date", "event_type", "sub_event_type", "actor1", "latitude", "longitude")

COUNTRY, ISO, REGION = "Syria", "760", "Middle East"
TAG_PREFIX = "acled:"
#: Fields kept in tags so that a round trip gives them back.
TAGGED = ("event_id_cnty", "admin2", "admin3", "source_scale", "timestamp")

# ACLED's text labels for actor types (the current codebook writes these in inter1, inter2 and,
# joined by "-", in interaction), accepted on import beside the numeric codes.
_INTER_LABELS = {
    "state forces": 1,
    "rebel group": 2,
    "rebel groups": 2,
    "political militia": 3,
    "political militias": 3,
    "identity militia": 4,
    "identity militias": 4,
    "rioters": 5,
    "protesters": 6,
    "civilians": 7,
    "external/other forces": 8,
    "other forces": 8,
    "other": 8,
}


def _label_key(text: str) -> str:
    return " ".join(text.lower().split())


# An assumed error radius per ACLED geo_precision (ACLED gives none): a town's extent, "near a
# town / part of a region", "a larger region".
_ERROR_M = {1: 2_000, 2: 10_000, 3: 50_000}


def _tag_values(report: Report) -> tuple[dict[str, str], list[str]]:
    tagged: dict[str, str] = {}
    plain: list[str] = []
    for tag in report.tags:
        if tag.startswith(TAG_PREFIX) and "=" in tag:
            key, _, value = tag[len(TAG_PREFIX) :].partition("=")
            tagged[key] = value
        else:
            plain.append(tag)
    return tagged, plain


def _unix(rfc3339: str) -> str:
    moment = datetime.fromisoformat(rfc3339.replace("Z", "+00:00"))
    return str(int(moment.astimezone(UTC).timestamp()))


#: ACLED's actor for an event whose perpetrator no report names, by event type (ACLED always
#: codes actor1), with its inter code.
_UNIDENTIFIED = {
    EventType.PROTESTS: ("Protesters (Syria)", 6),
    EventType.RIOTS: ("Rioters (Syria)", 5),
}
_UNIDENTIFIED_ARMED = ("Unidentified Armed Group (Syria)", 3)


#: ACLED's dated names of state forces (a name already dated is left as it is).
_DATED_ACTORS = {
    "Military Forces of Syria": "Military Forces of Syria (2000-)",
    "Military Forces of Russia": "Military Forces of Russia (2000-)",
    "Military Forces of Turkey": "Military Forces of Turkey (2016-)",
    "Police Forces of Syria": "Police Forces of Syria (2000-)",
}


def _acled_name(name: str) -> str:
    return _DATED_ACTORS.get(name, name)


def _event_date(r: Report) -> date:
    """ACLED dates an imprecise event to the middle of its period (time_precision 2 or 3)."""
    if r.date.end == r.date.start:
        return r.date.start
    return r.date.start + (r.date.end - r.date.start) // 2


def row_for(event: Event) -> dict[str, str]:
    """One event as an ACLED row (every column a string).

    An incident keeps its own id; the ACLED ids of the rows it merges are listed in
    ``merged_event_ids`` (never one source event's id on the merged contents). A location known
    only by its area gets the area's representative point at geo precision 3; admin names are
    OCHA's spelling, admin2 and admin3 filled from the shipped boundaries.
    """
    r = event.report
    tagged, plain = _tag_values(r)
    s = sides(r)
    sub, prefix = acled_sub_event_type(r.sub_event_type)
    loc = r.location
    place = admin_place(r)
    fatalities = casualty_total(r, CasualtyKind.KILLED, "low") or 0
    notes = " ".join(part for part in (prefix, r.text) if part)
    actor1, inter1 = s.actor1, s.inter1
    if not actor1:
        actor1, inter1 = _UNIDENTIFIED.get(r.event_type, _UNIDENTIFIED_ARMED)
    merged = [t.partition("=")[2] for t in r.tags if t.startswith(f"{TAG_PREFIX}event_id_cnty=")]
    if event.unit == "incident":
        ident = acled_event_id(event.id)
    else:
        ident = tagged.get("event_id_cnty") or acled_event_id(event.id)
        merged = []
    inter2 = "" if s.actor2 else "0"
    if s.actor2 and s.inter2 is not None:
        inter2 = str(s.inter2)
    when = _event_date(r)
    return {
        "event_id_cnty": ident,
        "event_date": when.isoformat(),
        "year": str(when.year),
        "time_precision": str(int(r.date.precision)),
        "disorder_type": disorder_type(r.event_type, r.sub_event_type),
        "event_type": r.event_type.value,
        "sub_event_type": sub,
        "actor1": _acled_name(actor1),
        "assoc_actor_1": "; ".join(_acled_name(n) for n in s.assoc1),
        "inter1": str(inter1) if inter1 is not None else "",
        "actor2": _acled_name(s.actor2),
        "assoc_actor_2": "; ".join(_acled_name(n) for n in s.assoc2),
        "inter2": inter2,
        "interaction": interaction(inter1, s.inter2 if s.actor2 else None),
        "civilian_targeting": "Civilian targeting" if civilian_targeting(r) else "",
        "iso": ISO,
        "region": REGION,
        "country": COUNTRY,
        "admin1": place.admin1 or loc.admin1 or "",
        "admin2": tagged.get("admin2", place.admin2),
        "admin3": tagged.get("admin3", place.admin3),
        "location": loc.place or loc.area or place.admin3 or place.admin1 or "",
        "latitude": format(place.lat, "f") if place.lat is not None else "",
        "longitude": format(place.lon, "f") if place.lon is not None else "",
        "geo_precision": str(place.precision),
        "source": "; ".join(src.name for src in r.sources),
        "source_scale": (
            tagged["source_scale"]
            if event.unit != "incident" and tagged.get("source_scale")
            else source_scale(r)
        ),
        "notes": notes,
        "fatalities": str(fatalities),
        "tags": "; ".join(plain),
        "timestamp": tagged.get("timestamp", _unix(event.last_filed)),
        "truce_id": event.id,
        "merged_event_ids": "; ".join(merged),
    }


def export_acled(events: Iterable[Event], stream: TextIO, context: ExportContext) -> ExportResult:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    numeric = [c in NUMERIC for c in COLUMNS]
    written = 0
    for event in events:
        row = row_for(event)
        writer.writerow(neutralise_row((row[c] for c in COLUMNS), numeric))
        written += 1
    return ExportResult(written=written)


# -- import ------------------------------------------------------------------------------------
class _Row:
    """One CSV row being converted; collects every problem instead of stopping at the first."""

    def __init__(self, line: int, values: dict[str, str]) -> None:
        self.line = line
        self.values = values
        self.problems: list[Problem] = []

    def get(self, name: str) -> str:
        return (self.values.get(name) or "").strip()

    def bad(self, name: str, reason: str) -> None:
        self.problems.append(Problem(self.line, name, reason))

    def integer(self, name: str, allowed: range, default: int) -> int:
        text = self.get(name)
        if not text:
            return default
        try:
            value = int(text)
        except ValueError:
            self.bad(name, f"{text!r} is not a whole number")
            return default
        if value not in allowed:
            self.bad(name, f"{value} is not one of {allowed.start}-{allowed.stop - 1}")
            return default
        return value

    def inter(self, name: str, *, none_code: bool = False) -> int | None:
        """An actor type: ACLED's code 1-8 or the codebook's label ("State forces"); with
        ``none_code``, 0 (ACLED's inter2 for a one-sided event) means no actor."""
        text = self.get(name)
        if not text:
            return None
        if text.isdigit():
            value = int(text)
            if value == 0 and none_code:
                return None
            if 1 <= value <= 8:
                return value
        code = _INTER_LABELS.get(_label_key(text))
        if code is None:
            zero = ", 0 for none" if none_code else ""
            self.bad(name, f"{text!r} is not an ACLED actor type (1-8{zero}, or its label)")
        return code

    def interaction(self) -> tuple[int, ...] | None:
        """The interaction code as the inter codes it names (lower first; empty: unreadable).

        ACLED's numeric form ("17", "10" for one actor) or the current codebook's labels
        ("State forces-Civilians", "Sole Protesters action")."""
        text = self.get("interaction")
        if not text:
            return None
        if text.isdigit() and len(text) == 2:
            codes = tuple(int(c) for c in text if c != "0")
            if all(1 <= c <= 8 for c in codes) and codes and text[0] != "0":
                return tuple(sorted(codes))
        key = _label_key(text)
        sole = re.fullmatch(r"sole (.+) action", key)
        parts = [sole.group(1)] if sole else key.split("-")
        found = [_INTER_LABELS.get(part.strip()) for part in parts]
        if 1 <= len(found) <= 2 and all(c is not None for c in found):
            return tuple(sorted(c for c in found if c is not None))
        self.bad(
            "interaction",
            f"{text!r} is not an ACLED interaction (two digits such as 17, or labels such as "
            "'State forces-Civilians' or 'Sole Protesters action')",
        )
        return ()

    def coordinate(self, name: str, limit: int) -> Decimal | None:
        text = self.get(name)
        if not text:
            self.bad(name, "is empty; truce places every imported event on the map")
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            self.bad(name, f"{text!r} is not a number of degrees")
            return None
        if not value.is_finite() or abs(value) > limit:
            self.bad(name, f"{text} is outside -{limit}..{limit} degrees")
            return None
        return value


_MONTH_DATE = re.compile(r"^(\d{1,2})[ \-/.]([A-Za-z]+)\.?[ \-/.,]+(\d{4}|\d{2})$")
_NAMED_FIRST = re.compile(r"^([A-Za-z]+)\.? (\d{1,2}),? (\d{4})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[/.](\d{1,2})[/.](\d{1,4})$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
#: ACLED's data begin in 1997: a two-digit year 97-99 is 19yy, any other 20yy.
_CENTURY_PIVOT = 97
_DATE_FORMS = "YYYY-MM-DD, '9 May 2020', '09-May-2020', '9-May-20', 'May 9, 2020' or 2020/05/09"


def _year(text: str) -> int:
    if len(text) == 2:
        value = int(text)
        return (1900 if value >= _CENTURY_PIVOT else 2000) + value
    if len(text) == 4:
        return int(text)
    raise ValueError(f"{text!r} is not a year")


def _parse_date(text: str) -> date:
    """An ACLED event date in every form ACLED files come in.

    ISO 8601 (``2020-05-09``, ACLED's API and current exports, also with a midnight time),
    ``09 May 2020`` / ``9 May 2020`` (ACLED's older export tool), ``09-May-20`` / ``9-May-20``
    (an ACLED file re-saved by a spreadsheet), ``May 9, 2020``, and year-first ``2020/05/09``.
    Day-first or month-first numeric dates (``05/09/2020``) are refused unless the day is over
    12: which one a spreadsheet wrote depends on its locale, and guessing would misdate events.
    """
    text = text.strip()
    try:
        return date.fromisoformat(text[:10] if re.match(r"^\d{4}-\d\d-\d\dT00:00", text) else text)
    except ValueError:
        pass
    try:
        match = _MONTH_DATE.match(text)
        if match:
            day, month, year = match.groups()
            return date(_year(year), _MONTHS[month.lower()], int(day))
        match = _NAMED_FIRST.match(text)
        if match:
            month, day, year = match.groups()
            return date(int(year), _MONTHS[month.lower()], int(day))
        match = _NUMERIC_DATE.match(text)
        if match:
            a, b, c = match.groups()
            if len(a) == 4:
                return date(int(a), int(b), int(c))
            if len(c) in (2, 4):
                first, second = int(a), int(b)
                if first > 12 >= second:
                    return date(_year(c), second, first)
                if second > 12 >= first:
                    return date(_year(c), first, second)
                raise ValueError(
                    f"{text!r} could be day-first or month-first; write it as YYYY-MM-DD"
                )
    except KeyError:
        pass  # an unknown month name
    except ValueError as exc:
        if "day-first" in str(exc):
            raise
    raise ValueError(f"{text!r} is not a date (expected {_DATE_FORMS})")


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _convert(row: _Row) -> Report | None:
    extension = None
    notes = row.get("notes")
    event_type_text = row.get("event_type")
    try:
        event_type = EventType(event_type_text)
    except ValueError:
        row.bad("event_type", f"{event_type_text!r} is not an ACLED event type")
        event_type = None
    sub = row.get("sub_event_type")
    if event_type is not None:
        if event_type == EventType.STRATEGIC and sub == "Other":
            extension, notes = split_extension(notes)
            sub = extension or sub
        if sub not in sub_event_types(event_type):
            row.bad("sub_event_type", f"{sub!r} is not a sub-event type of {event_type.value!r}")
    try:
        when = _parse_date(row.get("event_date"))
    except ValueError as exc:
        row.bad("event_date", str(exc))
        when = None
    year = row.get("year")
    if when and year and year != str(when.year):
        row.bad("year", f"{year} does not match event_date {when.isoformat()}")
    precision = row.integer("time_precision", range(1, 4), 1)
    geo_precision = row.integer("geo_precision", range(1, 4), 1)
    lat = row.coordinate("latitude", 90)
    lon = row.coordinate("longitude", 180)
    fatalities = row.integer("fatalities", range(0, 1_000_000), 0)
    inter1, inter2 = row.inter("inter1"), row.inter("inter2", none_code=True)
    actor1, actor2 = row.get("actor1"), row.get("actor2")
    if not actor1:
        row.bad("actor1", "is empty; ACLED codes at least one actor")
    if row.get("inter2") == "0" and actor2:
        row.bad("inter2", f"is 0 (no second actor) but actor2 is {actor2!r}")
    if inter2 is not None and not actor2:
        row.bad("inter2", "is given but actor2 is empty (write 0 or nothing for no actor2)")
    named = row.interaction()
    if named and not row.problems:
        given = tuple(sorted(c for c in (inter1, inter2) if c is not None))
        if not given and len(named) == (2 if actor2 else 1):
            # inter codes left out, the interaction names them: take them from it
            inter1, inter2 = named[0], (named[1] if actor2 else None)
        elif given and given != named:
            row.bad("interaction", f"{row.get('interaction')!r} does not match inter1/inter2")
    scale_problem = check_source_scale(row.get("source_scale"))
    if scale_problem:
        row.bad("source_scale", scale_problem)
    sources = _split(row.get("source"))
    if not sources:
        row.bad("source", "is empty; a report needs at least one source")
    if row.problems or event_type is None or when is None or lat is None or lon is None:
        return None

    actors: list[dict[str, Any]] = [{"name": actor1, "role": ActorRole.PERPETRATOR}]
    if inter1 is not None:
        actors[0]["inter"] = Inter(inter1)
    actors += [{"name": n, "role": ActorRole.ASSOCIATED} for n in _split(row.get("assoc_actor_1"))]
    if actor2:
        actors.append({"name": actor2, "role": ActorRole.TARGET})
        if inter2 is not None:
            actors[-1]["inter"] = Inter(inter2)
        actors += [
            {"name": n, "role": ActorRole.ASSOCIATED} for n in _split(row.get("assoc_actor_2"))
        ]
    tags = [f"{TAG_PREFIX}{name}={row.get(name)}" for name in TAGGED if row.get(name)]
    tags += _split(row.get("tags"))
    location: dict[str, Any] = {
        "point": {"lat": lat, "lon": lon, "error_m": _ERROR_M[geo_precision]},
        "precision": GeoPrecision(geo_precision),
    }
    if row.get("location"):
        location["place"] = row.get("location")
    if row.get("admin1"):
        location["admin1"] = row.get("admin1")
    data: dict[str, Any] = {
        "event_type": event_type,
        "sub_event_type": sub,
        "date": {"start": when, "end": when, "precision": TimePrecision(precision)},
        "locations": [location],
        "actors": actors,
        "sources": [{"name": name, "kind": SourceKind.OUTLET} for name in sources],
        "text": notes,
        "tags": tags,
    }
    if fatalities:
        data["casualties"] = [
            {"category": "unknown", "kind": CasualtyKind.KILLED, "low": fatalities}
        ]
    try:
        return Report.model_validate(data)
    except pydantic.ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]) or "row"
            row.bad(_column_of(where), str(error["msg"]).removeprefix("Value error, "))
        return None


def _column_of(path: str) -> str:
    """The CSV column a report field path came from (for the problem report)."""
    for prefix, column in (
        ("tags", "tags"),
        ("actors", "actor1"),
        ("sources", "source"),
        ("text", "notes"),
        ("locations.0.place", "location"),
        ("locations.0.admin1", "admin1"),
        ("locations", "latitude"),
        ("date", "event_date"),
    ):
        if path.startswith(prefix):
            return column
    return path


def import_acled(path: Path, context: ImportContext) -> ImportPlan:
    plan = ImportPlan()
    text = read_text(path)  # capped: /dev/zero is refused, not read (truce.intake)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return _read_rows(path, reader, plan, context)
    except csv.Error as exc:  # a cell over csv's field limit, a NUL byte...
        raise ValidationError(
            f"{path} line {reader.line_num}: not CSV ({exc}); nothing was imported"
        ) from None


def _read_rows(
    path: Path, reader: csv.DictReader[str], plan: ImportPlan, context: ImportContext
) -> ImportPlan:
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        plan.problems.append(
            Problem(
                1,
                ", ".join(missing),
                "missing column(s); an ACLED file has at least: " + ", ".join(REQUIRED),
            )
        )
        return plan
    reader.fieldnames = header
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        plan.notes.append("ignored column(s) truce does not carry: " + ", ".join(unknown))
    seen: dict[str, int] = {}
    elsewhere: dict[str, int] = {}
    line = reader.line_num  # the header's last line
    for values in reader:
        start = line + 1
        line = reader.line_num
        plan.rows += 1
        check_records(plan.rows, path, "rows")
        if None in values:  # more cells than header columns
            plan.problems.append(Problem(start, "", "has more cells than the header has columns"))
            continue
        row = _Row(start, {k: restore(v or "") for k, v in values.items()})
        outside = _outside(row)
        if outside:
            elsewhere[outside] = elsewhere.get(outside, 0) + 1
            continue
        report = _convert(row)
        ident = row.get("event_id_cnty")
        if ident:
            tag = f"{TAG_PREFIX}event_id_cnty={ident}"
            if tag in context.existing_tags:
                row.bad("event_id_cnty", f"{ident} was imported before")
            elif ident in seen:
                row.bad("event_id_cnty", f"{ident} is also on line {seen[ident]}")
            seen.setdefault(ident, start)
        if row.problems or report is None:
            plan.problems.extend(row.problems)
            continue
        plan.items.append(ImportItem(start, "report.filed", report, ident or f"line {start}"))
    if elsewhere:
        skipped = sum(elsewhere.values())
        where = ", ".join(f"{name} {n}" for name, n in sorted(elsewhere.items()))
        plan.notes.append(
            f"skipped {skipped} row(s) outside {COUNTRY}, the area this center records ({where})"
        )
        plan.skipped += skipped
    if plan.rows == 0:
        plan.problems.append(Problem(0, "", f"{path} has a header but no rows"))
    return plan


def _outside(row: _Row) -> str:
    """The country a row is in when it is not the center's ('' when it is, or says nothing)."""
    country, iso = row.get("country"), row.get("iso")
    if country and country.casefold() != COUNTRY.casefold():
        return country
    if iso and iso.lstrip("0") != ISO and iso.upper() not in ("SYR", "SY"):
        return f"ISO {iso}"
    return ""


register_format(
    Format(
        name="acled",
        title="ACLED-style CSV",
        media_type="text/csv",
        extension="csv",
        export=export_acled,
        import_=import_acled,
        spec="ACLED Codebook (acleddata.com); columns and numeric codes as ACLED's API gives them",
    )
)
