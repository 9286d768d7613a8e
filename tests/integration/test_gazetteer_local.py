"""A node's gazetteer: imported place lists and registered sites, as ingestion uses them."""

from datetime import date
from pathlib import Path

import pytest

from truce.errors import ValidationError
from truce.geo.local import import_file, imported_files
from truce.ingest import Options, ingest
from truce.ingest.places import node_gazetteer
from truce.model import Site
from truce.node import Node

PLACES = "id,name,name_ar,latitude,longitude\nX1,Testville,,35.5,36.6\n"


def test_import_checks_then_keeps_the_file(node: Node, tmp_path: Path) -> None:
    directory = node.settings.home / "gazetteer"
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(ValidationError, match=r"bad\.csv:2"):
        import_file(directory, bad)
    assert imported_files(directory) == ([], [])
    good = tmp_path / "mine.csv"
    good.write_text(PLACES)
    assert import_file(directory, good).places == 1
    gaz = node_gazetteer(node)
    [match] = gaz.lookup("Testville")[:1]
    assert match.place.admin1 == "Idlib"  # placed in its governorate by point-in-polygon
    assert gaz.lookup("Khan Sheikhoun")  # the shipped gazetteer is still there


def test_registered_site_wins_over_the_village_it_is_named_after(
    node: Node, tmp_path: Path
) -> None:
    text = tmp_path / "page.txt"
    text.write_text(
        "Drone attack on Hmeimim air base foiled\n\n"
        "On Wednesday, Russian air defences shot down two drones launched at the Hmeimim "
        "air base in Latakia, the Russian Ministry of Defense said.\n"
    )
    options = Options(published=date(2019, 3, 15), outlet="Test Wire")
    [before] = list(ingest([text], options))
    places = [p for c in before.claims for p in c.places]
    assert places and all(p.gazetteer_id != "site:hmeimim-air-base" for p in places)

    site = Site(
        id="hmeimim-air-base",
        name="Hmeimim Air Base",
        kind="base",
        lat="35.4011",
        lon="35.9486",
        names=["Khmeimim Air Base", "Hmeimim airbase"],
    )
    node.append("ru", "site.registered", site)
    [after] = list(ingest([text], options, gazetteer=node_gazetteer(node)))
    ids = {p.gazetteer_id for c in after.claims for p in c.places}
    assert "site:hmeimim-air-base" in ids
