"""The map's routes (issue 8), under ``/api/v1/map``: basemap, layers, incidents, proofs.

Thin: parse, check who may see it, call :mod:`truce.web.map_layers` or
:mod:`truce.web.incident_view`, send. Everything else the UI does (sign-in, filing reports and
responses, ingestion) goes to the routes of the server and the other areas; the one write here
is ``POST /api/v1/map/patrols`` for the patrol form, until the agreement area serves patrols.

Visibility follows the server's rule (:mod:`truce.web.routes.incidents`): members see every
incident; the public sees published incidents only, and none of the agreement layers, report
bodies or proofs. The basemap and the vocabulary are open data and need no sign-in.

Large answers (the incidents' columns, the basemap) are gzip-compressed here when the client
accepts it: 100,000 incidents are ~4 MB of JSON and ~1 MB compressed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from truce.access.accounts import Principal
from truce.access.policy import MEMBER_ROLES, check_act, check_member
from truce.errors import ValidationError
from truce.geo.attribution import ATTRIBUTION, ATTRIBUTION_HTML
from truce.ledger.canonical import canonicalize
from truce.model.kinds import parse_body
from truce.model.patrol import PatrolPlan
from truce.web import incident_view, map_layers
from truce.web.deps import Services, current, services
from truce.web.routes.records import Filed, PartyParam, acting_party, filed

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/map", tags=["map"])

Who = Annotated[Principal, Depends(current)]
Svc = Annotated[Services, Depends(services)]
GZIP_MIN = 2048


def _send(request: Request, body: bytes, *, cache: str = "no-cache") -> Response:
    """JSON bytes, gzipped when accepted and worth it, with an ETag for revalidation."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"Cache-Control": cache, "ETag": etag, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if len(body) >= GZIP_MIN and "gzip" in request.headers.get("accept-encoding", ""):
        body = gzip.compress(body, compresslevel=5, mtime=0)
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type="application/json", headers=headers)


def _json(request: Request, value: Any, **kw: Any) -> Response:
    return _send(request, map_layers.dump_json(value), **kw)


@router.get("/vocab", summary="Event types, families and grades the map and forms offer")
def vocab(request: Request) -> Response:
    return _json(request, map_layers.vocabulary(), cache="public, max-age=3600")


@router.get("/layers", summary="The basemap layers and the attribution the map must show")
def layers(request: Request) -> Response:
    return _json(
        request,
        {
            "basemap": [*map_layers.BASEMAP_LAYERS, map_layers.VILLAGES],
            "attribution": ATTRIBUTION,
            "attribution_html": ATTRIBUTION_HTML,
        },
        cache="public, max-age=3600",
    )


@router.get("/basemap/{name}.geojson", summary="One basemap layer (shipped open data)")
async def basemap(
    request: Request, name: Annotated[str, Path(pattern=r"^[a-z0-9]{1,32}$")]
) -> Response:
    body = await run_in_threadpool(map_layers.basemap_layer, name)
    return _send(request, body, cache="public, max-age=86400")


@router.get("/parties", summary="Parties: id, name, kind (for labels and filters)")
def parties(request: Request, svc: Svc) -> Response:
    rows = [{"id": p["id"], "name": p["name"], "kind": p["kind"]} for p in svc.node.parties()]
    return _json(request, rows)


@router.get("/incidents", summary="Incidents as parallel arrays (for 100,000 on a map)")
async def incidents(
    request: Request,
    svc: Svc,
    who: Who,
    bbox: Annotated[
        str | None, Query(max_length=100, description="west,south,east,north (degrees)")
    ] = None,
    since: Annotated[date | None, Query(description="window start (inclusive)")] = None,
    until: Annotated[date | None, Query(description="window end (inclusive)")] = None,
    limit: Annotated[int, Query(ge=1, le=1_000_000)] = 250_000,
) -> Response:
    if since and until and until < since:
        raise ValidationError("until is before since", field="until")
    box = map_layers.parse_bbox(bbox)
    public = who.role not in MEMBER_ROLES

    def build() -> bytes:
        with svc.node.store.engine.connect() as conn:
            cols = map_layers.incident_columns(
                conn,
                bbox=box,
                since=since,
                until=until,
                published_only=public,
                limit=limit,
                now=datetime.now(UTC),
            )
        return map_layers.dump_json(cols)

    return _send(request, await run_in_threadpool(build))


def _layer(svc: Services, fn: Any) -> bytes:
    with svc.node.store.engine.connect() as conn:
        return map_layers.dump_json(fn(conn))


@router.get("/zones", summary="Zones as GeoJSON, approximate geometry flagged")
async def zones(request: Request, svc: Svc, who: Who) -> Response:
    check_member(who)
    return _send(request, await run_in_threadpool(_layer, svc, map_layers.zones_geojson))


@router.get("/sites", summary="Protected sites, observation posts and bases as GeoJSON")
async def sites(request: Request, svc: Svc, who: Who) -> Response:
    check_member(who)
    return _send(request, await run_in_threadpool(_layer, svc, map_layers.sites_geojson))


@router.get("/patrols", summary="Patrol routes and recorded tracks as GeoJSON")
async def patrols(request: Request, svc: Svc, who: Who) -> Response:
    check_member(who)
    return _send(request, await run_in_threadpool(_layer, svc, map_layers.patrols_geojson))


@router.get("/evidence", summary="Photos' GPS positions and lines to the claimed places")
async def evidence_layer(request: Request, svc: Svc, who: Who) -> Response:
    """Where each photo with GPS says it was taken, and a line to where its report (or its
    incident) says: members see every attachment; the public, those of published incidents
    only, with lines to the incident's position (:mod:`truce.evidence.maplayer`)."""
    from truce.evidence.maplayer import evidence_geojson

    public = who.role not in MEMBER_ROLES

    def build() -> bytes:
        with svc.node.store.engine.connect() as conn:
            return map_layers.dump_json(evidence_geojson(conn, public=public))

    return _send(request, await run_in_threadpool(build))


@router.post("/patrols", status_code=201, summary="Plan a patrol (the map's patrol form)")
async def plan_patrol(plan: PatrolPlan, svc: Svc, who: Who, party: PartyParam = None) -> Filed:
    """A ``patrol.planned`` entry signed for the user's party; planning an id again versions it.

    Until the agreement area serves its own patrol routes, the map's form posts here; the checks
    are those of :func:`truce.agreement.patrol.plan_patrol` (every named party is registered).
    """
    known = {p["id"] for p in svc.node.parties()}
    unknown = [p for p in plan.parties if p not in known]
    if unknown:
        raise ValidationError(f"unknown party {', '.join(unknown)}", field="parties")
    appended = await svc.append(who, acting_party(who, party), "patrol.planned", plan)
    return filed(appended, plan.id)


@router.get("/incidents/{incident_id}", summary="The incident page: reports, responses, proofs")
async def incident(
    request: Request,
    svc: Svc,
    who: Who,
    incident_id: Annotated[str, Path(max_length=64)],
) -> Response:
    if who.role in MEMBER_ROLES:
        page = await run_in_threadpool(incident_view.incident_page, svc.node, incident_id)
    else:  # the public reads the page of every incident it is shown in the list: published ones
        page = await run_in_threadpool(
            incident_view.public_incident_page, svc.node, incident_id, datetime.now(UTC)
        )
    return _json(request, page)


@router.get("/proof/{index}", summary="An entry, its inclusion proof and the signed checkpoint")
def proof(
    request: Request, svc: Svc, who: Who, index: Annotated[int, Path(ge=0, le=2**53)]
) -> Response:
    check_member(who)
    with svc.sequencer.reading() as node:
        bundle = incident_view.proof_bundle(node, index)
    return Response(
        json.dumps(bundle, separators=(",", ":")),
        media_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


PREVIEWABLE = ("report.filed", "response.filed", "patrol.planned")


@router.post("/preview/{kind}", summary="What filing this body would sign, without signing it")
async def preview(
    kind: Annotated[str, Path(max_length=32)],
    body: Annotated[dict[str, Any], Body()],
    who: Who,
    party: PartyParam = None,
) -> dict[str, Any]:
    """The entry a filing would append: its kind, author and body as the ledger will hold it
    (the model's defaults filled in, RFC 8785 canonical JSON), for the form's review step.
    Nothing is signed or written; ``seq``, ``prev`` and the time are set when it is signed."""
    if kind not in PREVIEWABLE:
        raise ValidationError(f"kinds to preview: {', '.join(PREVIEWABLE)}", field="kind")
    author = acting_party(who, party)
    model = parse_body(kind, body)
    check_act(who, author, kind)
    value = model.to_body()
    return {
        "kind": kind,
        "author": author,
        "mode": "custodial",
        "body": value,
        "canonical": canonicalize(value).decode("utf-8"),
    }
