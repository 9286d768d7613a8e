"""A video's QuickTime/MP4 tags as ffprobe reports them: read when sound, and a problem (never
a crash, never a guess) when hostile or impossible; the clocks' zero means "not set"."""

from __future__ import annotations

from truce.evidence.video import Keyframes, _metadata


def read(**tags: str) -> Keyframes:
    """As ffprobe's tags reach _metadata: keys lower-cased (com_apple_x: com.apple.x)."""
    out = Keyframes()
    keys = {(k.replace("_", ".") if k.startswith("com") else k).lower(): v for k, v in tags.items()}
    _metadata(keys, out)
    return out


def test_sound_tags_are_read() -> None:
    got = read(
        com_apple_quicktime_creationdate="2020-02-10T12:30:05+0300",
        com_apple_quicktime_location_ISO6709="-33.8688+151.2093+058.000/",
        make="Apple",
        model="iPhone 12",
    )
    assert (got.captured, got.lat, got.lon) == ("2020-02-10T12:30:05", -33.8688, 151.2093)
    assert got.device == "Apple iPhone 12" and got.problems == []
    utc = read(creation_time="2019-03-12T08:00:00.000000Z", location="+35.3762+036.6897/")
    assert (utc.captured, utc.lat, utc.lon) == ("2019-03-12T08:00:00", 35.3762, 36.6897)


def test_hostile_tags_become_problems() -> None:
    got = read(creation_time="2017-13-45T99:99:99", location="+95.0000+036.0000/")
    assert got.captured is None and got.lat is None and got.lon is None
    assert got.problems == [
        "the video's creation time '2017-13-45T99:99:99' is not a date; ignored",
        "the video's location '+95.0000+036.0000/' is impossible; ignored",
    ]
    odd = read(creation_time="1850-01-01T00:00:00Z", location="north of the river\x00\x1b[31m")
    assert odd.problems == [
        "the video's creation time '1850-01-01T00:00:00Z' is implausible; ignored",
        "the video's location 'north of the river[31m' is not ISO 6709 decimal degrees; ignored",
    ]
    unset = read(creation_time="1970-01-01T00:00:00.000000Z")  # the muxer's "no time"
    assert unset.captured is None and unset.problems == []
