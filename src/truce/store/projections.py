"""The core projections: parties, reports, responses, zones, sites.

Incidents are correlation's (:mod:`truce.assess.projection`, imported at the end so that its
handlers run after the core ones that write the report and response rows)."""

from __future__ import annotations

from sqlalchemy import insert, select, update

from truce import ids
from truce.model import Party, Report, Response, Site, Zone
from truce.model.party import KeyRotation
from truce.store import schema
from truce.store.projector import Projection, body_json, projects

__all__ = ["PARTIES_CACHE", "incident_id_for", "report_id"]


def report_id(index: int) -> str:
    return ids.report_id(index)


def incident_id_for(index: int) -> str:
    return ids.incident_id(index)


_INSERT_REPORT = insert(schema.reports)
_INSERT_RESPONSE = insert(schema.responses)

#: Key under which projections may cache the parties on a connection for one transaction;
#: registering a party drops it.
PARTIES_CACHE = "truce.parties"


@projects("party.registered")
def project_party(p: Projection) -> None:
    assert isinstance(p.body, Party)
    p.conn.info.pop(PARTIES_CACHE, None)
    p.conn.execute(
        insert(schema.parties).values(
            id=p.body.id,
            name=p.body.name,
            kind=p.body.kind.value,
            public_key=p.body.public_key,
            entry_index=p.index,
        )
    )


@projects("party.key_rotated")
def project_key_rotation(p: Projection) -> None:
    assert isinstance(p.body, KeyRotation)
    p.conn.info.pop(PARTIES_CACHE, None)
    t = schema.parties
    p.conn.execute(update(t).where(t.c.id == p.entry.author).values(public_key=p.body.public_key))


@projects("report.filed")
def project_report(p: Projection) -> None:
    r = p.body
    assert isinstance(r, Report)
    loc = r.location
    rid = report_id(p.index)
    p.conn.defer(  # written with the batch's other rows; correlation sets its incident_id
        schema.reports,
        _INSERT_REPORT,
        dict(
            id=rid,
            entry_index=p.index,
            author=p.entry.author,
            filed_at=p.entry.time,
            event_type=r.event_type.value,
            sub_event_type=r.sub_event_type,
            family=r.family,
            modality=r.modality.value,
            date_start=r.date.start.isoformat(),
            date_end=r.date.end.isoformat(),
            time_precision=int(r.date.precision),
            place=loc.place,
            area=loc.area or loc.admin1,
            lat=float(loc.point.lat) if loc.point else None,
            lon=float(loc.point.lon) if loc.point else None,
            error_m=loc.point.error_m if loc.point else None,
            geo_precision=int(loc.precision),
            title=r.title,
            incident_id=None,
            body=body_json(p.entry),
        ),
        key=rid,
    )


@projects("response.filed")
def project_response(p: Projection) -> None:
    r = p.body
    assert isinstance(r, Response)
    p.conn.execute(
        _INSERT_RESPONSE,
        dict(
            id=f"S-{p.index}",
            entry_index=p.index,
            author=p.entry.author,
            incident_id=r.incident,
            kind=r.kind.value,
            field=r.field,
            value=r.value,
            text=r.text,
            filed_at=p.entry.time,
        ),
    )


def _upsert_versioned(p: Projection, table: str, values: dict[str, object]) -> None:
    t = schema.metadata.tables[table]
    previous = p.conn.execute(select(t.c.version).where(t.c.id == values["id"])).scalar()
    values = {**values, "author": p.entry.author, "entry_index": p.index}
    if previous is None:
        p.conn.execute(insert(t).values(**values, version=1))
    else:
        p.conn.execute(
            update(t).where(t.c.id == values["id"]).values(**values, version=previous + 1)
        )


@projects("zone.defined")
def project_zone(p: Projection) -> None:
    z = p.body
    assert isinstance(z, Zone)
    _upsert_versioned(
        p,
        "zones",
        {
            "id": z.id,
            "name": z.name,
            "kind": z.kind.value,
            "wkt": z.wkt,
            "valid_from": z.valid_from.isoformat() if z.valid_from else None,
            "valid_to": z.valid_to.isoformat() if z.valid_to else None,
            "approximate": z.approximate,
            "source": z.source,
            "notes": z.notes,
        },
    )


@projects("site.registered")
def project_site(p: Projection) -> None:
    s = p.body
    assert isinstance(s, Site)
    _upsert_versioned(
        p,
        "sites",
        {
            "id": s.id,
            "name": s.name,
            "kind": s.kind.value,
            "lat": float(s.lat),
            "lon": float(s.lon),
            "approximate": s.approximate,
            "org": s.org,
            "admin1": s.admin1,
            "source": s.source,
            "body": body_json(p.entry),
        },
    )
