"""The committed UI build in src/truce/web/static is the build of web/ as it is now.

The Python package ships the built UI so that `truce serve` needs no Node at run time. This test
catches a change to web/ committed without rebuilding (`make web`), and a hand-edited bundle,
without Node: web/scripts/stamp.mjs records the SHA-256 of every build input and output in
static/build.json, and the same digests are recomputed here.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WEB = REPO / "web"
STATIC = REPO / "src" / "truce" / "web" / "static"


def _files(base: Path, paths: list[Path]) -> dict[str, str]:
    return {
        p.relative_to(base).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(paths)
    }


def _digest(files: dict[str, str]) -> str:
    h = hashlib.sha256()
    for path, digest in sorted(files.items()):
        h.update(f"{path}\0{digest}\n".encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def stamp() -> dict[str, object]:
    return json.loads((STATIC / "build.json").read_text(encoding="utf-8"))


def test_the_build_comes_from_the_current_sources(stamp):
    inputs = [WEB / n for n in ("package-lock.json", "vite.config.js", "index.html")]
    found = [p for d in ("src", "public") for p in (WEB / d).rglob("*") if p.is_file()]
    sources = _files(WEB, inputs + found)
    assert sources == stamp["sources"], "web/ changed since the last build: run `make web`"
    assert _digest(sources) == stamp["source_sha256"]


def test_the_built_files_are_the_ones_stamped(stamp):
    outputs = [p for p in STATIC.rglob("*") if p.is_file() and p.name != "build.json"]
    assert _files(STATIC, outputs) == stamp["outputs"], "static/ was edited by hand: `make web`"


def test_the_page_loads_only_what_the_build_ships(stamp):
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    assert 'src="/assets/app.js"' in html and "http" not in html.replace("http-equiv", "")
    bundle = (STATIC / "assets" / "app.js").read_text(encoding="utf-8")
    # No CDN, no online tiles or fonts: nothing the map loads comes from another host.
    for host in (
        "unpkg.com",
        "cdn.jsdelivr",
        "tile.openstreetmap",
        "fonts.googleapis",
        "demotiles",
    ):
        assert host not in bundle, host
