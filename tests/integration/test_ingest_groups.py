"""Documents are filed in groups (one append per group); outcomes keep input order."""

import shutil
from datetime import date
from pathlib import Path

from truce.ingest import Options, ingest
from truce.node import Node

DOCS = Path(__file__).resolve().parents[1] / "data" / "ingest" / "docs"


def test_groups_keep_order_duplicates_and_bad_files(node: Node, tmp_path: Path) -> None:
    texts = sorted(p for p in DOCS.iterdir() if p.suffix == ".txt")[:5]
    folder = tmp_path / "in"
    folder.mkdir()
    names = []
    for i, src in enumerate(texts):
        target = folder / f"{i * 2:02d}_{src.name}"
        shutil.copy(src, target)
        names.append(target.name)
    shutil.copy(texts[0], folder / "03_same_as_first.txt")  # a duplicate inside one group
    (folder / "05_empty.txt").write_bytes(b"")  # a bad file in the middle
    options = Options(published=date(2019, 3, 15), outlet="Test Wire")
    outcomes = list(ingest([folder], options, node=node, on_invalid="skip", group=3))
    assert [Path(o.name).name for o in outcomes] == sorted(p.name for p in folder.iterdir())
    status = {Path(o.name).name: o.status for o in outcomes}
    assert status["03_same_as_first.txt"] == "duplicate"
    assert status["05_empty.txt"] == "invalid"
    filed = [r for o in outcomes for r in o.reports]
    assert len(filed) == len(set(filed)) > 0
    listed = {r["id"] for r in node.reports() if r["author"] == "osint"}
    assert set(filed) == listed
    again = list(ingest([folder], options, node=node, on_invalid="skip", group=3))
    assert {o.status for o in again} == {"duplicate", "invalid"}
    assert {r["id"] for r in node.reports() if r["author"] == "osint"} == listed
