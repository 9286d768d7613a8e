"""Admin areas: region phrases → areas at ACLED precision 3, and point-in-polygon."""

from __future__ import annotations

import pytest
import shapely

from truce.errors import NotFoundError
from truce.geo import Gazetteer
from truce.model.vocab import GeoPrecision


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


@pytest.mark.parametrize(
    ("text", "pcode", "direction"),
    [
        ("Idlib", "SY07", None),
        ("Idleb", "SY07", None),
        ("Idlib province", "SY07", None),
        ("Hama governorate", "SY05", None),
        ("Hamah Governorate", "SY05", None),
        ("Lattakia", "SY06", None),
        ("Latakia province", "SY06", None),
        ("rural Idlib", "SY07", None),
        ("Idlib countryside", "SY07", None),
        ("Damascus countryside", "SY03", None),
        ("northern Hama", "SY05", "north"),
        ("north Hama", "SY05", "north"),
        ("southern Idlib countryside", "SY07", "south"),
        ("southern rural Idlib", "SY07", "south"),
        ("western Aleppo", "SY02", "west"),
        ("western Aleppo countryside", "SY02", "west"),
        ("the eastern countryside of Hama", "SY05", "east"),
        ("Hama's northern countryside", "SY05", "north"),
        ("the north of Idlib province", "SY07", "north"),
        ("north-western Hama", "SY05", "northwest"),
        ("Northwestern Idlib", "SY07", "northwest"),
        ("south-east Idlib", "SY07", "southeast"),
        ("central Idlib", "SY07", "central"),
        ("Ariha district", "SY0705", None),
        ("Jisr al-Shughour district", "SY0704", None),
        ("Harem district", "SY0703", None),
        ("ريف حماة الشمالي", "SY05", "north"),
        ("ريف إدلب الجنوبي", "SY07", "south"),
        ("محافظة إدلب", "SY07", None),
        ("شمال حماة", "SY05", "north"),
        ("حلب", "SY02", None),
        ("رِيف إدْلِب الجَنوبي", "SY07", "south"),  # with tashkeel
        ("ريف حماة الشمالي الغربي", "SY05", "northwest"),
        ("شمال غرب إدلب", "SY07", "northwest"),
        ("منطقة أريحا", "SY0705", None),
    ],
)
def test_region_phrases(gaz: Gazetteer, text: str, pcode: str, direction: str | None) -> None:
    area = gaz.admin_area(text)
    assert area is not None, text
    assert (area.pcode, area.direction) == (pcode, direction)
    assert area.precision == GeoPrecision.REGION
    assert area.geometry is not None
    whole = gaz.area(pcode).geometry
    assert whole is not None
    point = shapely.Point(float(area.lon), float(area.lat))
    assert area.geometry.buffer(1e-9).contains(point)  # the representative point is inside
    assert whole.buffer(1e-9).contains(area.geometry)  # the part is inside the whole
    location = area.location(text)
    assert location.area == pcode and location.precision == GeoPrecision.REGION
    assert location.point is not None and location.point.error_m > 1000


@pytest.mark.parametrize(
    "text",
    ["Jarjanaz", "Ariha", "Hama city", "Russia", "southern Turkey", "", "the", "north", "ريف"],
)
def test_not_admin_areas(gaz: Gazetteer, text: str) -> None:
    # District and sub-district names alone are towns: they need "district" to be areas.
    assert gaz.admin_area(text) is None


def test_directions_cut_the_governorate(gaz: Gazetteer) -> None:
    whole = gaz.admin_area("Hama")
    north, south = gaz.admin_area("northern Hama"), gaz.admin_area("southern Hama")
    west, east = gaz.admin_area("western Hama"), gaz.admin_area("eastern Hama")
    assert whole and north and south and west and east
    assert north.lat > whole.lat > south.lat
    assert west.lon < whole.lon < east.lon
    assert north.geometry is not None and whole.geometry is not None
    assert 0.3 < north.geometry.area / whole.geometry.area < 0.7
    assert north.label == "northern Hama" and whole.label == "Hama"
    assert north.wkt is not None and north.wkt.startswith(("POLYGON", "MULTIPOLYGON"))


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        (35.61884, 36.782724, ("SY07", "SY0702", "SY070200")),  # Jarjanaz
        (35.399211, 35.931647, ("SY06", "SY0602", "SY060200")),  # Hmeimim, Jablah district
        (35.373927, 36.689318, ("SY05", None, None)),  # Morek
        (36.2, 37.15, ("SY02", "SY0200", "SY020000")),  # Aleppo city
        (33.5, 36.3, ("SY01", None, None)),  # Damascus
    ],
)
def test_admin_at(
    gaz: Gazetteer, lat: float, lon: float, expected: tuple[str, str | None, str | None]
) -> None:
    units = gaz.admin_at(lat, lon)
    assert all(u is not None for u in units)
    assert [u.level for u in units if u] == [1, 2, 3]
    for unit, pcode in zip(units, expected, strict=True):
        if pcode is not None:
            assert unit is not None and unit.pcode == pcode
    assert units[2] is not None and units[2].pcode.startswith(units[1].pcode)  # type: ignore[union-attr]


@pytest.mark.parametrize(("lat", "lon"), [(31.0, 35.0), (34.9, 35.3), (40.0, 30.0)])
def test_admin_at_outside(gaz: Gazetteer, lat: float, lon: float) -> None:
    assert gaz.admin_at(lat, lon) == (None, None, None)  # Jordan, the sea, Turkey


def test_every_place_agrees_with_its_polygon_mostly(gaz: Gazetteer) -> None:
    # OCHA gives P-codes; GeoNames-only places got theirs by point-in-polygon at build time.
    places = [p for p in list(gaz)[::97] if p.admin3_pcode]
    agree = sum(
        1 for p in places if (u := gaz.admin_at(p.lat, p.lon)[2]) and u.pcode == p.admin3_pcode
    )
    assert agree / len(places) > 0.97


def test_area_by_pcode(gaz: Gazetteer) -> None:
    area = gaz.area("SY0703", "north")
    assert area.level == 2 and area.admin1 == "Idlib" and area.label == "northern Harim district"
    with pytest.raises(NotFoundError):
        gaz.area("SY99")
