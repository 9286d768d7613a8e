"""Place search: the gazetteer, for the report form's place picker (``GET /api/v1/places``).

The same lookup as ingestion and the filing checks (:meth:`truce.geo.gazetteer.Gazetteer.lookup`:
exact, normalised Latin and Arabic spellings, transliteration variants such as Saraqib /
Sarakeb / سراقب, "village of …" descriptors), best first, with each place's governorate,
district and sub-district (OCHA COD-AB names and P-codes) and its coordinates as strings of 5
decimals (as a report's point takes them). Members only, like every other layer of the map.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from truce.access.accounts import Principal
from truce.access.policy import check_member
from truce.geo.gazetteer import Gazetteer
from truce.web.deps import current

router = APIRouter(prefix="/api/v1", tags=["places"])

Who = Annotated[Principal, Depends(current)]


@router.get("/places", summary="Places of the gazetteer matching a name (the form's picker)")
def search_places(
    who: Who,
    q: Annotated[str, Query(min_length=1, max_length=200, description="A place name")],
    admin1: Annotated[
        str | None, Query(max_length=100, description="A governorate to prefer (Idlib, SY07)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=10)] = 10,
) -> list[dict[str, Any]]:
    check_member(who)
    matches = Gazetteer.default().lookup(q, admin1=admin1)
    return [
        {
            "id": m.place.id,
            "name": m.place.name,
            "name_ar": m.place.name_ar,
            "matched": m.matched,
            "method": m.method,
            "confidence": m.confidence_str(),
            "kind": m.place.kind,
            "admin1": m.place.admin1,
            "admin2": m.place.admin2,
            "admin3": m.place.admin3,
            "area": m.place.admin3_pcode or m.place.admin2_pcode or m.place.admin1_pcode,
            "lat": str(m.place.lat),
            "lon": str(m.place.lon),
        }
        for m in matches[:limit]
    ]
