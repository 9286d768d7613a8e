"""A GPX file in UTF-16 (or UTF-32) cannot get past the DOCTYPE guard (issue 23, item 9).

The wave-2 attack wrote an entity-expansion GPX in UTF-16: a guard that looked for ``<!DOCTYPE``
in the raw bytes saw ``<\\0!\\0D\\0…`` and let it through. The guard now runs after decoding;
these tests read real files through the patrol importers (``truce patrol plan|track``'s
readers). The same track without the DTD, in UTF-16, is read normally.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from truce.agreement.patrol import read_route, read_track
from truce.errors import ValidationError

TRACK = """<?xml version="1.0" encoding="{enc}"?>
{dtd}<gpx version="1.1" creator="adversary" xmlns="http://www.topografix.com/GPX/1/1">
<trk><trkseg>
<trkpt lat="35.5000" lon="36.7000"><time>2019-03-12T08:00:00Z</time></trkpt>
<trkpt lat="35.5100" lon="36.7100"><time>2019-03-12T08:10:00Z</time></trkpt>
<trkpt lat="35.5200" lon="36.7200"><time>2019-03-12T08:20:00Z</time></trkpt>
</trkseg></trk></gpx>
"""
BOMB = (
    '<!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n'
)
ENCODINGS = ["UTF-16", "UTF-16-LE", "UTF-16-BE", "UTF-32"]


def gpx(tmp_path: Path, enc: str, dtd: str) -> Path:
    path = tmp_path / f"track-{enc}.gpx"
    text = TRACK.format(enc=enc.removesuffix("-LE").removesuffix("-BE"), dtd=dtd)
    # UTF-16 and UTF-32 start with a BOM; -LE and -BE have none (the declaration names it).
    path.write_bytes(text.encode(enc.lower()))
    return path


@pytest.mark.parametrize("enc", ENCODINGS)
@pytest.mark.parametrize("reader", [read_route, read_track], ids=["route", "track"])
def test_a_dtd_in_a_wide_encoding_is_refused(tmp_path: Path, enc: str, reader: object) -> None:
    path = gpx(tmp_path, enc, BOMB)
    assert b"<!DOCTYPE" not in path.read_bytes()  # the bytes a naive guard looked for
    with pytest.raises(ValidationError) as caught:
        reader(path)  # type: ignore[operator]
    assert "DTD" in caught.value.message or "DOCTYPE" in caught.value.message


@pytest.mark.parametrize("enc", ["UTF-16", "UTF-32"])
def test_the_same_track_without_a_dtd_reads(tmp_path: Path, enc: str) -> None:
    points = read_track(gpx(tmp_path, enc, ""))
    assert len(points) >= 2
