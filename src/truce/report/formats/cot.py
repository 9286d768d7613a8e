"""Cursor-on-Target (CoT 2.0) events, for TAK clients (ATAK, WinTAK, iTAK) and TAK servers.

Each event is a complete, standalone XML document -- its own XML declaration, one ``<event>``
root, as a TAK client imports a ``.cot`` file -- and the export is those documents one after the
other, each on its own line: the framing of a TAK server's streaming XML input (CoT over TCP,
"protocol version 0", where each document is parsed as it ends). :func:`split_documents` cuts an
export into its documents (``truce export cot --split DIR`` writes one ``.cot`` file per event;
``--tak HOST:PORT`` sends the stream to a TAK server). Per event (MITRE CoT Event schema 2.0;
required: ``version``, ``uid``, ``type``, ``how``, ``time``, ``start``, ``stale`` and a
``point`` with ``lat``, ``lon``, ``hae``, ``ce``, ``le``):

- ``type`` ``a-<affiliation>-X-i-o``, the "incident, other" type FreeTAKServer uses, with the
  affiliation ``u`` (unknown: the center takes no side) or ``n`` (neutral) for truce's
  monitoring activities (patrols, ceasefire declarations, withdrawals, deployments);
- ``how`` ``h-t`` (human, transcribed from a report) for one report, ``m-f`` (fused from
  several sources) for an incident of several reports;
- ``time`` when the event was last filed in the ledger; ``start`` the first day of its date
  interval (00:00Z); ``stale`` the ledger state's time plus ``stale_days`` (30 unless the
  ``stale_days`` option says otherwise), so a TAK map keeps showing the picture a while after
  the data cut; all times RFC 3339 UTC;
- ``point``: the position; ``ce`` its error radius in metres, 9999999 (CoT's "unknown") when
  the report gave none; ``hae`` and ``le`` are 9999999 (no height is ever reported). An event
  known only by its area is placed at the area's representative point (OCHA boundaries) with
  ``ce`` 50 km and ``truce precision="area"``, never silently left out;
- ``detail``: ``contact`` (callsign = event id), ``remarks`` (title, date, casualties, grade) and
  ``truce`` (the structured fields). An event with neither point nor known area is left out and
  counted.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from truce.model import CasualtyKind, EventType
from truce.model.vocab import MONITORING_EXTENSIONS
from truce.report.admin import admin_place
from truce.report.codes import casualty_total
from truce.report.read import Event
from truce.report.registry import ExportContext, ExportResult, Format, register_format

__all__ = [
    "DECLARATION",
    "UNKNOWN",
    "DocumentWriter",
    "cot_event",
    "export_cot",
    "file_per_event",
    "split_documents",
]

UNKNOWN = "9999999"
STALE_DAYS = 30
#: Circular error of a position known only as an admin area's representative point.
AREA_CE_M = 50_000
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_DOCUMENT = re.compile(r"<\?xml[^>]*\?>\s*<event\b.*?</event>", re.S)


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _ce(error_m: int) -> str:
    return str(error_m) if error_m else UNKNOWN


def cot_event(event: Event, origin: str, stale: str) -> ET.Element | None:
    r = event.report
    point = r.location.point
    place = admin_place(r)
    if place.lat is None or place.lon is None:
        return None
    monitoring = r.event_type == EventType.STRATEGIC and r.sub_event_type in MONITORING_EXTENSIONS
    start = datetime(r.date.start.year, r.date.start.month, r.date.start.day)
    root = ET.Element(
        "event",
        {
            "version": "2.0",
            "uid": f"{origin}/{event.id}",
            "type": f"a-{'n' if monitoring else 'u'}-X-i-o",
            "how": "m-f" if len(event.report_ids) > 1 else "h-t",
            "time": event.last_filed,
            "start": _utc(start),
            "stale": max(stale, _utc(start + timedelta(days=r.date.days))),
        },
    )
    ET.SubElement(
        root,
        "point",
        {
            "lat": format(place.lat, "f"),
            "lon": format(place.lon, "f"),
            "hae": UNKNOWN,
            "ce": _ce(point.error_m if point else AREA_CE_M),
            "le": UNKNOWN,
        },
    )
    detail = ET.SubElement(root, "detail")
    ET.SubElement(detail, "contact", {"callsign": event.id})
    killed = casualty_total(r, CasualtyKind.KILLED, "low")
    injured = casualty_total(r, CasualtyKind.INJURED, "low")
    when = r.date.start.isoformat()
    if r.date.end != r.date.start:
        when += f"/{r.date.end.isoformat()}"
    remarks = [
        r.title or r.sub_event_type,
        f"{r.sub_event_type}, {when}",
        f"at {r.location.place or r.location.area or 'an unnamed place'}",
    ]
    if killed is not None or injured is not None:
        remarks.append(f"killed at least {killed or 0}, injured at least {injured or 0}")
    if event.occurrence:
        remarks.append(f"occurrence: {event.occurrence}")
    ET.SubElement(detail, "remarks").text = "; ".join(remarks)
    fields = {
        "id": event.id,
        "unit": event.unit,
        "event_type": r.event_type.value,
        "sub_event_type": r.sub_event_type,
        "date_start": r.date.start.isoformat(),
        "date_end": r.date.end.isoformat(),
        "reports": " ".join(event.report_ids),
    }
    if event.occurrence:
        fields["occurrence"] = event.occurrence
    if killed is not None:
        fields["killed_low"] = str(killed)
    if injured is not None:
        fields["injured_low"] = str(injured)
    if point is None:
        fields["precision"] = "area"
    ET.SubElement(detail, "truce", fields)
    return root


def split_documents(text: str) -> list[str]:
    """The standalone XML documents of a CoT export (or of a TAK stream), in order."""
    return [m.group(0) for m in _DOCUMENT.finditer(text)]


def export_cot(events: Iterable[Event], stream: TextIO, context: ExportContext) -> ExportResult:
    days = int(context.options.get("stale_days", STALE_DAYS))
    cut = datetime.fromisoformat(context.state.time.replace("Z", "")[:19])
    stale = _utc(cut + timedelta(days=days))
    result = ExportResult()
    for event in events:
        element = cot_event(event, context.state.origin, stale)
        if element is None:
            result.leave_out(event.id, "no point and no known area: CoT needs lat and lon")
            continue
        stream.write(DECLARATION)
        stream.write(ET.tostring(element, encoding="unicode", xml_declaration=False))
        stream.write("\n")
        result.written += 1
    return result


register_format(
    Format(
        name="cot",
        title="Cursor-on-Target XML events",
        media_type="application/xml",
        extension="cot",
        export=export_cot,
        spec="MITRE Cursor-on-Target Event schema 2.0; TAK type conventions",
    )
)


class DocumentWriter(io.TextIOBase):
    """A text stream that hands each complete CoT document to ``deliver`` as it is written, so a
    CoT export can go to one file per event or to a TAK server without being held whole."""

    def __init__(self, deliver: Callable[[str], None]) -> None:
        super().__init__()
        self._deliver = deliver
        self._pending = ""
        self.delivered = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._pending += text
        while (end := self._pending.find("</event>")) != -1:
            document, self._pending = self._pending[: end + 8], self._pending[end + 8 :]
            self._deliver(document.strip())
            self.delivered += 1
        return len(text)


def file_per_event(directory: Path) -> DocumentWriter:
    """A :class:`DocumentWriter` writing ``<event id>.cot`` files (one event each) to
    ``directory``, as a TAK client imports them."""
    directory.mkdir(parents=True, exist_ok=True)

    def deliver(document: str) -> None:
        callsign = re.search(r'<contact callsign="([^"]+)"', document)
        name = callsign.group(1) if callsign else f"event-{len(list(directory.iterdir())) + 1}"
        (directory / f"{name}.cot").write_text(document + "\n", encoding="utf-8")

    return DocumentWriter(deliver)
