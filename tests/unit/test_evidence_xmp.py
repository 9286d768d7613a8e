"""XMP packets read safely (no DTD, bounded), their properties interpreted, and an image's XMP
merged with its EXIF: what EXIF lacks is taken, what contradicts it is a problem."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import PngImagePlugin

import photos
from documents import xmp_packet
from truce.evidence.learn import learn
from truce.evidence.xmp import MAX_XMP_BYTES, interpret, read_xmp

PHOTO_XMP = {
    "xmp:CreateDate": "2017-04-04T10:12:00+03:00",
    "exif:GPSLatitude": "38,57.6N",
    "exif:GPSLongitude": "35,14.4E",
    "tiff:Make": "Canon",
}


def test_attributes_and_elements_are_read_in_a_fixed_order() -> None:
    packet = xmp_packet(
        PHOTO_XMP,
        "<tiff:Model>EOS  80D</tiff:Model>"
        '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Crater</rdf:li></rdf:Alt></dc:title>'
        "<xmp:Rating>5</xmp:Rating>",
    )
    problems: list[str] = []
    props = read_xmp(packet, problems)
    assert problems == []
    assert list(props) == [
        "xmp:CreateDate",
        "exif:GPSLatitude",
        "exif:GPSLongitude",
        "tiff:Make",
        "tiff:Model",
        "dc:title",
    ]  # xmp:Rating is not kept
    assert props["tiff:Model"] == "EOS 80D" and props["dc:title"] == "Crater"
    said = interpret(props)
    assert said.captured == "2017-04-04T10:12:00"  # the wall clock stated, as EXIF's
    assert (said.lat, said.lon) == (38.96, 35.24)
    assert said.device == "Canon EOS 80D" and said.problems == []


def test_a_packet_with_a_dtd_or_entities_is_refused() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/">&b;</x:xmpmeta>'
    )
    problems: list[str] = []
    assert read_xmp(laughs, problems) == {}
    assert problems and problems[0].startswith("the XMP packet is refused")


def test_oversized_malformed_and_impossible_values_are_problems() -> None:
    problems: list[str] = []
    assert read_xmp(b" " * (MAX_XMP_BYTES + 1), problems) == {}
    assert read_xmp(b"<x:xmpmeta><unclosed>", problems) == {}
    assert problems[0].startswith(f"the XMP packet is {MAX_XMP_BYTES + 1} bytes")
    assert problems[1].startswith("the XMP packet is not well-formed XML")
    said = interpret(
        {
            "xmp:CreateDate": "2017-13-45T99:00:00",
            "exif:GPSLatitude": "95,0N",
            "exif:GPSLongitude": "35,14.4E",
        }
    )
    assert said.captured is None and said.lat is None
    assert said.problems == [
        "the XMP xmp:CreateDate '2017-13-45T99:00:00' is not a date; ignored",
        "the XMP GPS position '95,0N', '35,14.4E' is impossible; ignored",
    ]
    assert interpret({"exif:GPSLatitude": "35,14.4E", "exif:GPSLongitude": "1,0E"}).problems
    assert interpret({"photoshop:DateCreated": "2017-04"}).captured is None  # too vague


def test_a_jpeg_with_xmp_only_says_where_and_when(tmp_path: Path) -> None:
    path = tmp_path / "x.jpg"
    photos.draw(5, (64, 48)).save(path, "JPEG", xmp=xmp_packet(PHOTO_XMP))  # no EXIF at all
    got = learn(path, "image/jpeg")
    assert got.captured == "2017-04-04T10:12:00" and (got.lat, got.lon) == (38.96, 35.24)
    assert got.device == "Canon" and got.xmp["tiff:Make"] == "Canon" and got.problems == []


def test_xmp_that_contradicts_exif_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "x.jpg"
    path.write_bytes(
        photos.jpeg(
            5, captured="2019:03:12 09:00:00", gps=(35.37, 36.69), xmp=xmp_packet(PHOTO_XMP)
        )
    )
    got = learn(path, "image/jpeg")
    assert got.captured == "2019-03-12T09:00:00"  # EXIF's, as before
    assert got.problems == [
        "the XMP capture time 2017-04-04T10:12:00 contradicts the EXIF one "
        "2019-03-12T09:00:00: one was rewritten",
        "the XMP GPS position 38.9600, 35.2400 is 419 km from the EXIF one 35.3700, 36.6900: "
        "one was rewritten",
    ]


def test_a_png_carries_xmp_in_an_itxt_chunk(tmp_path: Path) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", xmp_packet({"photoshop:DateCreated": "2016-05-01"}).decode())
    buf = io.BytesIO()
    photos.draw(9, (64, 48)).save(buf, "PNG", pnginfo=info)
    path = tmp_path / "x.png"
    path.write_bytes(buf.getvalue())
    got = learn(path, "image/png")
    assert got.captured == "2016-05-01T00:00:00"
    assert got.xmp == {"photoshop:DateCreated": "2016-05-01"}
    assert (got.width, got.height) == (64, 48)
