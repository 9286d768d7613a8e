"""Projections are a function of the log: rebuilding them gives the same rows, on both backends."""

from pathlib import Path

from truce.config import Settings
from truce.demo import build_demo
from truce.model import Report, Zone
from truce.node import Node


def test_rebuild_is_identical(tmp_path: Path, database_url: str, sample_report: dict) -> None:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    build_demo(settings)
    with Node.open(settings) as node:
        node.file_report("tr", Report.model_validate(sample_report))
        node.append(
            "ru",
            "zone.defined",
            Zone(
                id="dmz",
                name="Test zone",
                kind="demilitarized_zone",
                wkt="POLYGON ((36.5 35.5, 36.9 35.5, 36.9 35.9, 36.5 35.9, 36.5 35.5))",
                approximate=True,
            ),
        )
        before = node.store.dump()
        assert len(before["reports"]) >= 4 and len(before["parties"]) >= 3
        assert node.rebuild() == node.ledger.size
        assert node.store.dump() == before


def test_projections_catch_up_after_they_fall_behind(tmp_path: Path, sample_report: dict) -> None:
    settings = Settings(home=tmp_path / "home")
    build_demo(settings)
    with Node.open(settings) as node:
        before = node.store.dump()
        node.store.drop()  # as if the database were lost; the log is the record
    with Node.open(settings) as node:
        assert node.store.dump() == before
