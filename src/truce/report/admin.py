"""Where an exported event lies in OCHA's admin units (COD-AB, the shipped Syria boundaries).

The exchange formats name admin areas as the field's tools join on them: OCHA's English
spelling (``Idleb``, ``Lattakia`` -- ACLED and HDX write them so, where truce's own canonical
spelling is ``Idlib``, ``Latakia``) and the P-codes (``SY07``, ``SY0703``, ``SY070300``).
:func:`admin_place` gives, for one report, the governorate, district and sub-district its point
falls in; for an event known only by its area ("southern Idlib countryside", ``SY0703``) it
gives the area's representative point at ACLED geo precision 3 ("a larger region: the admin
centre as fallback"), so formats that need coordinates (ACLED, CoT) never drop the event.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from truce.model import GeoPrecision, Report

if TYPE_CHECKING:
    from truce.geo.admin import AdminIndex, AdminUnit

__all__ = ["OCHA_ADMIN1", "AdminPlace", "admin_place"]

#: OCHA COD-AB's English governorate names (ADM1_EN of syr_adm1_ocha_20201217) by P-code.
OCHA_ADMIN1 = {
    "SY01": "Damascus", "SY02": "Aleppo", "SY03": "Rural Damascus", "SY04": "Homs",
    "SY05": "Hama", "SY06": "Lattakia", "SY07": "Idleb", "SY08": "Al-Hasakeh",
    "SY09": "Deir-ez-Zor", "SY10": "Tartous", "SY11": "Ar-Raqqa", "SY12": "Dar'a",
    "SY13": "As-Sweida", "SY14": "Quneitra",
}  # fmt: skip


@dataclass(frozen=True)
class AdminPlace:
    """Admin names (OCHA spelling) and P-codes; ``lat``/``lon`` the event's point, or the
    area's representative point when ``fallback`` (then ``precision`` is 3)."""

    lat: Decimal | None = None
    lon: Decimal | None = None
    precision: int = 1
    fallback: bool = False
    admin1: str = ""
    admin1_pcode: str = ""
    admin2: str = ""
    admin2_pcode: str = ""
    admin3: str = ""
    admin3_pcode: str = ""


def _index() -> AdminIndex:
    from truce.geo.gazetteer import Gazetteer

    return Gazetteer.default().admin


def _names(lineage: dict[int, AdminUnit]) -> dict[str, str]:
    out: dict[str, str] = {}
    for level in (1, 2, 3):
        unit = lineage.get(level)
        if unit is None:
            continue
        name = OCHA_ADMIN1.get(unit.pcode, unit.name) if level == 1 else unit.name
        out[f"admin{level}"], out[f"admin{level}_pcode"] = name, unit.pcode
    return out


@lru_cache(maxsize=65_536)
def _at(lat: Decimal, lon: Decimal) -> dict[str, str]:
    return _names(dict(_index().at(float(lat), float(lon))))


@lru_cache(maxsize=4_096)
def _area(area: str, admin1: str) -> tuple[Decimal, Decimal, dict[str, str]] | None:
    index = _index()
    unit, direction = None, None
    if area in index.units:
        unit = index.units[area]
    elif area:
        parsed = index.parse(area)
        if parsed is not None:
            unit, direction = parsed
    if unit is None and admin1:
        unit = index.admin1(admin1)
    if unit is None:
        return None
    found = index.area(unit, direction, area)
    return found.lat, found.lon, _names(dict(index.lineage(unit.pcode)))


def admin_place(report: Report) -> AdminPlace:
    """The report's primary location in OCHA's admin units (see the module docstring)."""
    loc = report.location
    if loc.point is not None:
        names = _at(loc.point.lat, loc.point.lon)
        return AdminPlace(loc.point.lat, loc.point.lon, int(loc.precision), False, **names)
    found = _area(loc.area or "", loc.admin1 or "")
    if found is None:
        return AdminPlace(precision=int(GeoPrecision.REGION))
    lat, lon, names = found
    return AdminPlace(lat, lon, int(GeoPrecision.REGION), True, **names)
