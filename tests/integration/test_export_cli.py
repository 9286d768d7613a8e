"""``truce export`` and ``truce import`` on the demo, as a new user runs them: the default
importing identity, an export written to a file, CoT as one file per event and streamed to a
TAK server (a real TCP listener on 127.0.0.1)."""

from __future__ import annotations

import csv
import io
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from truce.cli import main
from truce.config import Settings
from truce.demo import build_demo
from truce.report.formats.cot import split_documents

COT_XSD = etree.XMLSchema(etree.parse(str(Path(__file__).parents[1] / "data/cot/event.xsd")))


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo") / "home"
    build_demo(Settings(home=home))
    return home


def test_import_without_as_signs_as_the_demos_ingest_party(
    demo_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = ["--home", str(demo_home)]
    out = tmp_path / "acled.csv"
    assert main([*home, "export", "acled", "--out", str(out)]) == 0
    capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows and not list(tmp_path.glob("*.partial"))
    # the same rows as a file from elsewhere: new ids, so nothing is a duplicate
    text = re.sub(r"^SYR1", "SYR9", out.read_text(encoding="utf-8"), flags=re.M)
    (tmp_path / "other.csv").write_text(text, encoding="utf-8")
    assert main([*home, "import", "acled", str(tmp_path / "other.csv")]) == 0
    said = capsys.readouterr().out
    assert f"imported {len(rows)} of {len(rows)} as osint" in said


def test_cot_split_writes_one_standalone_document_per_event(
    demo_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = ["--home", str(demo_home)]
    assert main([*home, "export", "cot", "--split", str(tmp_path / "cot")]) == 0
    files = sorted((tmp_path / "cot").glob("*.cot"))
    written = int(capsys.readouterr().err.split("wrote ")[1].split()[0])
    assert files and len(files) == written
    for path in files:
        root = etree.parse(str(path)).getroot()  # a file a TAK client opens: one document
        assert COT_XSD.validate(root), (path.name, COT_XSD.error_log)
    assert main([*home, "export", "acled", "--split", str(tmp_path / "x")]) == 2


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TAK server's TCP streaming input stand-in: accepts one connection, keeps the bytes."""
    server = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            while chunk := conn.recv(65536):
                received.append(chunk)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], received
    thread.join(timeout=10)
    server.close()


def test_cot_streams_to_a_tak_server_over_tcp(
    demo_home: Path, listener: tuple[int, list[bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    port, received = listener
    assert main(["--home", str(demo_home), "export", "cot", "--tak", f"127.0.0.1:{port}"]) == 0
    err = capsys.readouterr().err
    written = int(err.split("wrote ")[1].split()[0])
    assert f"the TAK server at 127.0.0.1:{port}" in err
    for _ in range(100):  # the listener thread may still be reading
        documents = split_documents(b"".join(received).decode("utf-8"))
        if len(documents) == written:
            break
        time.sleep(0.05)
    assert written and len(documents) == written
    for document in documents:
        assert COT_XSD.validate(etree.fromstring(document.encode()))


def test_cot_to_a_closed_port_says_so(demo_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # closed when the block ends: nothing listens there
    assert main(["--home", str(demo_home), "export", "cot", "--tak", f"127.0.0.1:{port}"]) == 1
    assert "cannot connect to the TAK server" in capsys.readouterr().err
    assert main(["--home", str(demo_home), "export", "cot", "--tak", "nowhere"]) == 2


# -- OCHA / HDX files ------------------------------------------------------------------------
ADMIN3 = Path(__file__).parents[2] / "src/truce/geo/data/admin/syr_adm3_ocha_20201217.geojson"


def _cod_ab_file(tmp_path: Path) -> tuple[Path, int, int]:
    """A COD-AB-shaped admin 3 file (OCHA's property names, no truce id/name/kind): a few
    Idleb sub-districts, and a few of Damascus, far outside the area of interest."""
    import json

    features = json.loads(ADMIN3.read_text(encoding="utf-8"))["features"]
    idleb = [f for f in features if f["properties"]["ADM1_PCODE"] == "SY07"][:4]
    damascus = [f for f in features if f["properties"]["ADM1_PCODE"] == "SY01"][:3]
    path = tmp_path / "syr_adm3_subset.geojson"
    collection = {"type": "FeatureCollection", "features": idleb + damascus}
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path, len(idleb), len(damascus)


def test_an_ocha_boundary_file_imports_as_zones_with_a_map(
    demo_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, inside, outside = _cod_ab_file(tmp_path)
    home = ["--home", str(demo_home)]
    assert main([*home, "import", "zones", str(path), "--as", "monitors"]) == 2  # no id, kind
    capsys.readouterr()
    args = [*home, "import", "zones", str(path), "--as", "monitors", "--map", "ADM3_PCODE=id",
            "--map", "ADM3_EN=name", "--kind", "sector"]  # fmt: skip
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr()
    assert f"would import {inside} of {inside + outside}" in out.out
    assert f"skipped {outside} outside the area" in out.out and "dry run" in out.out
    assert main(args) == 0
    assert f"imported {inside} of {inside + outside} as monitors" in capsys.readouterr().out
    assert main([*home, "export", "zones", "--out", str(tmp_path / "z.geojson")]) == 0
    exported = (tmp_path / "z.geojson").read_text(encoding="utf-8")
    assert '"id": "SY070' in exported  # P-codes as ids


def test_an_ocha_communities_list_imports_as_sites(
    demo_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "communities.csv"
    path.write_text(
        "admin4Pcode,admin4Name_en,latitude_y,longitude_x\n"
        "C9001,Illustrative village one,35.61,36.56\n"
        "C9002,Illustrative village two,35.70,36.60\n"
        "C9003,Illustrative Damascus quarter,33.51,36.29\n",
        encoding="utf-8",
    )
    home = ["--home", str(demo_home)]
    args = [*home, "import", "sites", str(path), "--as", "monitors", "--map", "admin4Pcode=id",
            "--map", "admin4Name_en=name", "--map", "latitude_y=lat", "--map", "longitude_x=lon",
            "--kind", "other"]  # fmt: skip
    assert main(args) == 0
    said = capsys.readouterr().out
    assert "imported 2 of 3 as monitors" in said and "skipped 1 outside the area" in said
    assert main([*home, "import", "sites", str(path), "--map", "nonsense"]) == 2
