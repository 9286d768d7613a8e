"""The shipped index is current; gazetteers for other areas load from GeoNames/OCHA-style files;
the data ships with its licences and attribution."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from truce.errors import ValidationError
from truce.geo import ATTRIBUTION, Gazetteer
from truce.geo.build import DATA, INDEX_HEADER, main

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_index_matches_the_normalisation_rules() -> None:
    # NAMES_VERSION is bumped whenever a rule changes; then `python -m truce.geo.build`.
    first = (DATA / "places.tsv").read_text(encoding="utf-8").split("\n", 1)[0]
    assert first == INDEX_HEADER, "run: python -m truce.geo.build"


@pytest.mark.slow
def test_shipped_index_is_what_the_build_writes(tmp_path: Path) -> None:
    assert main(["--out", str(tmp_path)]) == 0
    for name in ("places.tsv", "admin_units.tsv"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def test_attribution_ships_everywhere() -> None:
    notice = " ".join((ROOT / "NOTICE").read_text(encoding="utf-8").split())
    sources = " ".join((DATA / "SOURCES.md").read_text(encoding="utf-8").replace("> ", "").split())
    for sentence in re.split(r"(?<=\.) ", ATTRIBUTION):
        assert sentence in notice, sentence
        assert sentence.replace("cod-ab-syr", "`cod-ab-syr`") in sources, sentence


def test_every_data_file_is_described() -> None:
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    files = sorted(
        str(p.relative_to(DATA)) for p in DATA.rglob("*") if p.is_file() and p.name != "SOURCES.md"
    )
    assert files, DATA
    for name in files:
        assert f"`{name}`" in sources, f"{name} is not described in data/SOURCES.md"
    total = sum((DATA / f).stat().st_size for f in files)
    assert total < 20_000_000


# A tiny area elsewhere, in the formats Gazetteer.from_files takes.
GEONAMES = [
    ["1001", "Nowhere Town", "Nowhere Town", "Nowhereville,نوهير", "10.00000", "20.00000", "P",
     "PPL", "XX", "", "01", "", "", "", "5000", "", "100", "UTC", "2024-01-01"],
    ["1002", "Far Point", "Far Point", "", "10.50000", "20.50000", "P", "PPL", "XX", "", "01",
     "", "", "", "0", "", "100", "UTC", "2024-01-01"],
    ["1003", "Big Hill", "Big Hill", "", "10.2", "20.2", "T", "HLL", "XX", "", "01", "", "", "",
     "0", "", "300", "UTC", "2024-01-01"],
    ["1004", "North Camp", "North Camp", "", "10.8", "20.1", "S", "CMP", "XX", "", "01", "", "",
     "", "0", "", "300", "UTC", "2024-01-01"],
]  # fmt: skip


def _write_area(tmp_path: Path) -> tuple[Path, Path, Path]:
    dump = tmp_path / "XX.txt"
    dump.write_text("\n".join("\t".join(r) for r in GEONAMES) + "\n", encoding="utf-8")
    communities = tmp_path / "communities.csv"
    communities.write_text(
        "Location_Pcode,LocationName_en,LocationName_ar,latitude,longitude,admin1Pcode\n"
        "C1,Nowhere,نوهير,10.001,20.001,XX01\n"
        "C2,Elsewhere (Far),,10.9,20.9,XX01\n",
        encoding="utf-8",
    )
    admin = tmp_path / "xx_adm1.geojson"
    square = [[[19.0, 9.0], [21.0, 9.0], [21.0, 11.0], [19.0, 11.0], [19.0, 9.0]]]
    admin.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"ADM1_PCODE": "XX01", "ADM1_EN": "Square", "ADM1_AR": ""},
                        "geometry": {"type": "Polygon", "coordinates": square},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    return dump, communities, admin


def test_from_files(tmp_path: Path) -> None:
    dump, communities, admin = _write_area(tmp_path)
    gaz = Gazetteer.from_files([dump, communities], admin=[admin])
    assert len(gaz) == 4  # Nowhere merged; the hill skipped; the camp kept as a site
    town = gaz.lookup("Nowhereville")[0].place
    assert town.id == "ocha:C1" and set(town.ids) == {"ocha:C1", "geonames:1001"}
    assert (town.admin1, town.admin1_pcode, town.population) == ("Square", "XX01", 5000)
    assert gaz.lookup("نوهير")[0].place is town
    assert gaz.lookup("Elsewhere")[0].place.id == "ocha:C2"  # "(Far)" only disambiguates
    assert gaz.lookup("North Camp")[0].place.kind == "site"
    assert gaz.lookup("Big Hill") == []
    assert gaz.admin_area("Square province") is not None
    assert gaz.admin_area("northern Square").direction == "north"  # type: ignore[union-attr]
    assert gaz.admin_at(10, 20)[0].name == "Square"  # type: ignore[union-attr]
    assert gaz.admin_at(0, 0) == (None, None, None)


def test_from_files_rejects_bad_input_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,latitude,longitude\nP1,Good,1,2\nP2,Bad,north,2\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"bad\.csv:3: latitude 'north' is not a number"):
        Gazetteer.from_files([bad])
    short = tmp_path / "short.txt"
    short.write_text("1\tA\tA\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"short\.txt:1: 3 columns"):
        Gazetteer.from_files([short])
    with pytest.raises(ValidationError, match="no such file"):
        Gazetteer.from_files([tmp_path / "bad.csv.bak"])
    (tmp_path / "bad.csv.bak").write_text("x", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"unknown gazetteer format '\.bak'"):
        Gazetteer.from_files([tmp_path / "bad.csv.bak"])
    admin = tmp_path / "adm.geojson"
    admin.write_text('{"type": "FeatureCollection", "features": [{"properties": {}}]}')
    with pytest.raises(ValidationError, match="COD-AB"):
        Gazetteer.from_files([], admin=[admin])


@pytest.mark.slow
def test_stale_index_falls_back_to_the_sources(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    index = data / "places.tsv"
    lines = index.read_text(encoding="utf-8").split("\n", 1)
    index.write_text("# truce gazetteer index format 0\n" + lines[1], encoding="utf-8")
    gaz = Gazetteer.load(data)
    shipped = Gazetteer.default()
    assert len(gaz) == len(shipped)
    assert gaz.lookup("Khan Sheikhoun")[0].place == shipped.lookup("Khan Sheikhoun")[0].place
