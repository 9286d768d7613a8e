"""The evidence locker's parts: sniffing by content, file-name safety, dHash robustness, the
multi-index near-duplicate index against brute force, findings' wording, and hostile files
(refused with one clear line) read through :func:`truce.evidence.learn.learn`."""

from __future__ import annotations

import io
import random
import struct
from pathlib import Path

import pytest
from PIL import Image

import photos
from truce.errors import TooLarge, TruceError, ValidationError
from truce.evidence.findings import place_finding, span, time_finding
from truce.evidence.index import NearIndex, bands, probes
from truce.evidence.learn import learn
from truce.evidence.phash import NEAR, dhash, hamming
from truce.evidence.sniff import check_declared, safe_filename, sniff
from truce.ledger.evidence import EvidenceStore


def _encoded(fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    photos.draw(1, (64, 48)).save(buf, fmt, **kw)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("JPEG", "image/jpeg"),
        ("PNG", "image/png"),
        ("GIF", "image/gif"),
        ("WEBP", "image/webp"),
        ("TIFF", "image/tiff"),
        ("PDF", "application/pdf"),
    ],
)
def test_sniff_images_and_pdf_made_by_pillow(fmt: str, expected: str) -> None:
    assert sniff(_encoded(fmt)[:4096]) == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", "video/quicktime"),
        (b"\x00\x00\x00\x08wide\x00\x00\x00\x00mdat", "video/quicktime"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"),
        (b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska", "video/x-matroska"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg"),
        (b"casualty list, Morek, 12 March\nname,age\n", "text/plain"),
    ],
)
def test_sniff_by_signature(head: bytes, expected: str) -> None:
    assert sniff(head) == expected


@pytest.mark.parametrize(
    ("head", "says"),
    [
        (b"PK\x03\x04\x14\x00\x00\x00", "ZIP archive"),
        (b"\x1f\x8b\x08\x00", "gzip archive"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04", "7-Zip archive"),
        (b"\x00" * 257 + b"ustar\x0000", "tar archive"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "not a type truce keeps"),
        (b"", "empty"),
    ],
)
def test_sniff_refuses_archives_and_the_unknown(head: bytes, says: str) -> None:
    with pytest.raises(ValidationError, match=says) as err:
        sniff(head)
    assert "\n" not in str(err.value)


def test_declared_type_and_extension_must_agree_with_the_content() -> None:
    check_declared("image/jpeg", "image/jpeg", "a.jpg")
    check_declared("image/jpeg", "image/jpg", "a.JPEG")
    check_declared("image/jpeg", "application/octet-stream", "a")
    check_declared("text/plain", "text/csv; charset=utf-8", "list.csv")
    with pytest.raises(ValidationError, match="declared image/png but its content is image/jpeg"):
        check_declared("image/jpeg", "image/png", "a.jpg")
    with pytest.raises(ValidationError, match=r"named 'photo.jpg' .* application/pdf"):
        check_declared("application/pdf", None, "photo.jpg")


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("../../etc/passwd", "contains a path"),
        ("dir/photo.jpg", "contains a path"),
        ("C:\\Users\\x.jpg", "contains a path"),
        ("a\x00.jpg", "NUL"),
        ("..", "not a file name"),
        ("..hidden", "not a file name"),
        ("a\u202egpj.exe", "control characters"),
        ("x" * 300, "longer than 255"),
        ("  ", "empty"),
    ],
)
def test_unsafe_file_names_are_refused(name: str, says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        safe_filename(name)


def test_plain_file_names_are_kept_normalised() -> None:
    assert safe_filename("crater 2019-03-13.jpg") == "crater 2019-03-13.jpg"
    assert safe_filename("Jarjanaz\u0301.png") == "Jarjanaź.png"  # NFC


def test_dhash_survives_resizing_and_reencoding_and_tells_pictures_apart() -> None:
    originals = {seed: photos.jpeg(seed, (1024, 768)) for seed in range(12)}
    hashes = {seed: dhash(Image.open(io.BytesIO(data))) for seed, data in originals.items()}
    for seed, data in originals.items():
        for scale, quality, fmt in ((0.5, 60, "JPEG"), (0.3, 40, "JPEG"), (0.75, 0, "PNG")):
            copy = photos.reencode(data, scale=scale, quality=quality, fmt=fmt)
            d = hamming(hashes[seed], dhash(Image.open(io.BytesIO(copy))))
            assert d <= NEAR, (seed, scale, fmt, d)
    apart = [hamming(hashes[a], hashes[b]) for a in hashes for b in hashes if a < b]
    assert min(apart) > NEAR, sorted(apart)[:5]
    assert sum(apart) / len(apart) > 20  # unrelated pictures differ in about half the bits


@pytest.mark.parametrize("m", [4, 8])
def test_multi_index_hashing_finds_exactly_what_brute_force_finds(m: int) -> None:
    rnd = random.Random(m)
    index = NearIndex(m)
    values = [rnd.getrandbits(64) for _ in range(5000)]
    for v in values[:50]:  # plant neighbours at every distance up to 10
        for d in range(11):
            flipped = v
            for b in rnd.sample(range(64), d):
                flipped ^= 1 << b
            values.append(flipped)
    for i, v in enumerate(values):
        index.add(v, i)
    for radius in (0, 3, 7):
        for q in values[:50] + [rnd.getrandbits(64) for _ in range(20)]:
            brute = sorted(
                (hamming(q, v), i) for i, v in enumerate(values) if hamming(q, v) <= radius
            )
            found = sorted((d, key) for d, key, _ in index.near(q, radius))
            assert found == brute, (radius, q)
    assert len(probes(0, 7, 4)) == 4 * 17  # a lookup probes 68 slots, not 5,550 hashes


def test_bands_cut_the_hash_in_order() -> None:
    assert bands(0x0123456789ABCDEF) == [0x0123, 0x4567, 0x89AB, 0xCDEF]
    assert bands(0x0123456789ABCDEF, 8)[0] == 0x01


def test_findings_are_worded_for_people() -> None:
    assert span(3) == "3 days" and span(40) == "6 weeks" and span(200) == "7 months"
    assert span(708) == "2 years"
    assert (
        time_finding("2017-04-04T10:00:00", "2019-03-13", "2019-03-13")
        == "photo taken 2017-04-04, 2 years before the event (2019-03-13)"
    )
    assert time_finding("2019-03-13T09:00:00", "2019-03-13", "2019-03-13") is None
    assert time_finding("2019-03-20T09:00:00", "2019-03-13", "2019-03-13") is None
    assert "3 months after" in str(time_finding("2019-06-20T09:00:00", "2019-03-13", "2019-03-13"))
    far = place_finding(38.96, 35.24, 35.37615, 36.6897, 1.5, "Morek")
    assert far == "photo taken 419 km from the claimed place (Morek)"
    assert place_finding(35.38, 36.69, 35.37615, 36.6897, 1.5, "Morek") is None


def _learn(tmp_path: Path, data: bytes, media_type: str = "image/jpeg") -> object:
    path = tmp_path / "f"
    path.write_bytes(data)
    return learn(path, media_type)


def test_exif_is_read(tmp_path: Path) -> None:
    data = photos.jpeg(
        1, captured="2019:03:13 07:40:00", gps=(-35.5, -36.25), device=("Nikon", "D750")
    )
    got = _learn(tmp_path, data)
    assert got.captured == "2019-03-13T07:40:00" and got.device == "Nikon D750"  # type: ignore[attr-defined]
    assert (got.lat, got.lon) == (-35.5, -36.25)  # type: ignore[attr-defined]
    assert got.problems == [] and got.thumbnail[:3] == b"\xff\xd8\xff"  # type: ignore[attr-defined]


def _jpeg_with_raw_exif(exif: bytes) -> bytes:
    data = photos.jpeg(1, (64, 48))
    segment = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    return data[:2] + segment + data[2:]


@pytest.mark.parametrize(
    ("exif", "says"),
    [
        (b"Exif\x00\x00" + b"\xde\xad\xbe\xef" * 200, "unreadable"),
        (b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff" + b"\x00" * 40, None),
        (b"Exif\x00\x00II*\x00\x08\x00\x00\x00\x01\x00\x32\x01\x02\x00\x14\x00\x00\x00"
         b"\x1a\x00\x00\x00\x00\x00\x00\x00" + b"2017:13:45 99:99:99\x00", "not a date"),
    ],
)  # fmt: skip
def test_hostile_exif_becomes_a_problem_never_a_crash(
    tmp_path: Path, exif: bytes, says: str | None
) -> None:
    got = _learn(tmp_path, _jpeg_with_raw_exif(exif))
    assert got.dhash is not None  # type: ignore[attr-defined]  # the image itself was read
    if says:
        assert any(says in p for p in got.problems), got.problems  # type: ignore[attr-defined]


def test_impossible_gps_is_a_problem(tmp_path: Path) -> None:
    got = _learn(tmp_path, photos.jpeg(1, gps=(95.0, 10.0)))
    assert got.lat is None and any("impossible" in p for p in got.problems)  # type: ignore[attr-defined]


def test_decompression_bomb_is_refused(tmp_path: Path) -> None:
    # A valid PNG header claiming 100,000 × 100,000 pixels: tiny on disk, 10 gigapixels decoded.
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )
    with pytest.raises(TooLarge, match="decompression bomb"):
        _learn(tmp_path, png, "image/png")


def test_damaged_image_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="damaged or truncated"):
        _learn(tmp_path, photos.jpeg(1)[:2000])


def test_staged_upload_stores_nothing_until_committed(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path / "ev")
    with pytest.raises(TruceError), store.stage() as staged:
        staged.write(b"partial")
        raise TooLarge("stop")
    assert [p for p in (tmp_path / "ev").rglob("*") if p.is_file()] == []
    sha = store.put(b"whole")
    assert store.get(sha) == b"whole" and store.path(sha).parent.parent.name == sha[:2]
    store.path(sha).write_bytes(b"other")
    with pytest.raises(TruceError, match="damaged"):
        store.get(sha)


def test_a_huge_exif_block_is_not_parsed(tmp_path: Path) -> None:
    import zlib

    buf = io.BytesIO()
    photos.draw(2, (64, 48)).save(buf, "PNG")
    png = buf.getvalue()
    body = b"MM\x00*\x00\x00\x00\x08" + b"\xff" * (2 << 20)  # 2 MiB of garbage after a header
    chunk = struct.pack(">I", len(body)) + b"eXIf" + body
    chunk += struct.pack(">I", zlib.crc32(b"eXIf" + body))
    hostile = png[:33] + chunk + png[33:]  # after the signature and IHDR
    got = _learn(tmp_path, hostile, "image/png")
    assert any("over 1048576: not read" in p for p in got.problems), got.problems  # type: ignore[attr-defined]
    assert got.dhash is not None  # type: ignore[attr-defined]
