"""An unclosed polygon ring is refused, never closed silently (issue 23, item 9).

shapely closes an open GeoJSON ring on its own, so a zone whose author forgot (or an attacker
chose not) to repeat the first corner became an area nobody drew. Each case reads a real
GeoJSON file through the importer (``truce zone add``'s reader) or ``TRUCE_AOI``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from truce.agreement.aoi import aoi_from_setting
from truce.agreement.zones import read_zones
from truce.errors import ConfigError, ValidationError

OPEN = [[36.6, 35.3], [36.7, 35.3], [36.7, 35.4], [36.6, 35.4]]  # the first corner not repeated
CLOSED = [*OPEN, OPEN[0]]


def zones_file(tmp_path: Path, geometry: dict) -> Path:
    path = tmp_path / "zones.geojson"
    feature = {
        "type": "Feature",
        "properties": {"id": "z1", "name": "Sector", "kind": "sector"},
        "geometry": geometry,
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return path


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Polygon", "coordinates": [OPEN]},
        {"type": "MultiPolygon", "coordinates": [[CLOSED], [OPEN]]},
        {
            "type": "Polygon",
            "coordinates": [CLOSED, [[36.62, 35.32], [36.63, 35.32], [36.63, 35.33]]],
        },
    ],
    ids=["polygon", "multipolygon", "hole"],
)
def test_an_open_ring_is_refused_with_where_it_is(tmp_path: Path, geometry: dict) -> None:
    with pytest.raises(ValidationError) as caught:
        read_zones(zones_file(tmp_path, geometry), on_invalid="repair")
    message = caught.value.message
    assert "RFC 7946" in message
    assert "not closed" in message or "positions" in message
    assert "ring" in message


def test_a_closed_ring_still_loads(tmp_path: Path) -> None:
    load = read_zones(zones_file(tmp_path, {"type": "Polygon", "coordinates": [CLOSED]}))
    assert len(load.zones) == 1


def test_an_open_ring_in_the_area_of_interest_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "aoi.geojson"
    path.write_text(json.dumps({"type": "Polygon", "coordinates": [OPEN]}))
    with pytest.raises(ConfigError, match="not closed"):
        aoi_from_setting(str(path))
