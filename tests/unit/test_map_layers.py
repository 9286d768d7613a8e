"""The map's data builders: bbox parsing, the shipped basemap layers, the vocabulary."""

from __future__ import annotations

import json

import pytest
import shapely

from truce.errors import NotFoundError, ValidationError
from truce.model.vocab import EVENT_FAMILIES, OccurrenceGrade
from truce.web import map_layers


def test_bbox_is_west_south_east_north():
    box = map_layers.parse_bbox("36.1,35.2,37.4,36.6")
    assert (box.west, box.south, box.east, box.north) == (36.1, 35.2, 37.4, 36.6)
    assert map_layers.parse_bbox("") is None


@pytest.mark.parametrize(
    "text", ["36,35,37", "a,b,c,d", "37,35,36,36", "36,36,37,35", "36,-91,37,35", "nan,35,37,36"]
)
def test_a_bad_bbox_says_what_to_send(text):
    with pytest.raises(ValidationError) as err:
        map_layers.parse_bbox(text)
    assert err.value.field == "bbox" and "west" in str(err.value)


@pytest.mark.parametrize("name", [*map_layers.BASEMAP_LAYERS, map_layers.VILLAGES])
def test_basemap_layers_are_valid_geojson_in_the_region(name):
    data = json.loads(map_layers.basemap_layer(name))
    assert data["type"] == "FeatureCollection" and data["features"]
    for feature in data["features"][:200]:
        geom = shapely.geometry.shape(feature["geometry"])
        assert geom.is_valid or geom.geom_type.endswith("LineString"), (name, feature["properties"])
        minx, miny, maxx, maxy = geom.bounds
        assert -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def test_admin_boundaries_are_simplified_but_keep_every_unit():
    source = map_layers._geo_data("admin", "syr_adm2_ocha_20201217.geojson")
    served = json.loads(map_layers.basemap_layer("admin2"))
    assert len(served["features"]) == len(source["features"])
    assert len(map_layers.basemap_layer("admin2")) < len(json.dumps(source)) / 2
    names = {f["properties"]["adm2_en"] for f in served["features"]}
    assert {"Idleb", "Ariha", "Jisr-Ash-Shugur"} <= names


def test_an_unknown_layer_names_the_known_ones():
    with pytest.raises(NotFoundError, match="villages"):
        map_layers.basemap_layer("tiles")


def test_vocabulary_comes_from_the_model():
    vocab = map_layers.vocabulary()
    assert vocab["grades"] == [g.value for g in OccurrenceGrade]
    assert set(vocab["families"]) == set(EVENT_FAMILIES.values()) | {"other"}
    assert "Air/drone strike" in vocab["event_types"]["Explosions/Remote violence"]
