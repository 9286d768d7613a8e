"""Video keyframes in the near-duplicate index: a video made (with ffmpeg itself) of pictures
is hashed at evenly spaced frames; a photo attached before, that is one of its pictures, is
found from the video, and a still of another of its pictures attached after is found from the
photo side; a truncated video is kept with the problem recorded; a rebuild gives the same rows."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import photos
from truce.config import Settings
from truce.evidence.actions import add
from truce.evidence.phash import dhash, from_hex, hamming
from truce.evidence.queries import one
from truce.evidence.video import keyframes
from truce.model import Report
from truce.node import Node

pytestmark = pytest.mark.skipif(
    shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None,
    reason="ffmpeg is not installed (.ci/run installs it)",
)

SEEDS = (30, 21, 31)  # the video's pictures, one second each


def _video(tmp_path: Path, name: str = "clip.mp4", *metadata: str) -> Path:
    for n, seed in enumerate(SEEDS):
        photos.draw(seed).save(tmp_path / f"frame{n}.png")
    out = tmp_path / name
    subprocess.run(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y", "-framerate", "1",
            "-i", str(tmp_path / "frame%d.png"), "-c:v", "libx264", "-g", "1",
            "-pix_fmt", "yuv420p", "-r", "1",
            *(a for m in metadata for a in ("-metadata", m)), str(out),
        ],
        check=True,
        timeout=60,
    )  # fmt: skip
    return out


def test_keyframes_are_the_pictures_of_the_video(tmp_path: Path) -> None:
    found = keyframes(_video(tmp_path))
    assert found.problems == []
    assert 3 <= len(found.hashes) <= 5 and len(set(found.hashes)) == len(found.hashes)
    for seed in SEEDS:  # each picture is among the frames, within the near-duplicate radius
        want = dhash(photos.draw(seed))
        assert min(hamming(want, from_hex(h)) for h in found.hashes) <= 7, seed
    assert found.frame is not None and found.frame.width == 512  # scaled to FRAME_WIDTH


def test_video_and_photos_find_each_other(tmp_path: Path, sample_report: dict) -> None:
    clip = _video(tmp_path)
    (tmp_path / "school.jpg").write_bytes(photos.jpeg(21))
    (tmp_path / "still.jpg").write_bytes(photos.reencode(photos.jpeg(31), 0.5, 60))
    (tmp_path / "other.jpg").write_bytes(photos.jpeg(77))
    truncated = tmp_path / "cut.mp4"
    truncated.write_bytes(clip.read_bytes()[: clip.stat().st_size // 3])
    with Node.init(Settings(home=tmp_path / "home")) as node:
        node.add_party("ru", "Russian Federation")
        rid = node.file_report("ru", Report.model_validate(sample_report))
        photo = add(node, tmp_path / "school.jpg", "ru", report=rid)
        video = add(node, clip, "ru", report=rid)
        assert video.body.media_type == "video/mp4" and video.body.dhash is None
        assert video.body.keyframes and 3 <= len(video.body.keyframes) <= 5
        assert node.evidence.thumbnail_path(video.body.sha256).exists()
        still = add(node, tmp_path / "still.jpg", "ru", report=rid)
        other = add(node, tmp_path / "other.jpg", "ru", report=rid)
        cut = add(node, truncated, "ru", report=rid)
        with node.store.engine.connect() as conn:
            rows = {a.id: one(conn, a.id) for a in (video, still, other, cut)}
        dup = [f for f in rows[video.id]["findings"] if f["kind"] == "duplicate"]
        assert [f["other"] for f in dup] == [photo.id]
        assert dup[0]["text"].startswith("a frame of this video was already attached")
        assert "school.jpg; a near-duplicate" in dup[0]["text"]
        still_dup = [f for f in rows[still.id]["findings"] if f["kind"] == "duplicate"]
        assert [f["other"] for f in still_dup] == [video.id]  # found through a keyframe
        assert not [f for f in rows[other.id]["findings"] if f["kind"] == "duplicate"]
        assert node.evidence.has(cut.body.sha256)  # kept, with what went wrong
        assert any("frames could not be read" in p for p in rows[cut.id]["problems"])
        before = node.store.dump()
        keys = {r["evidence_id"] for r in before["evidence_bands"]}
        assert {f"{video.id}#{k}" for k in range(len(video.body.keyframes))} <= keys
        node.rebuild()
        assert node.store.dump() == before


def test_quicktime_metadata_is_checked_against_the_report(
    tmp_path: Path, sample_report: dict
) -> None:
    clip = _video(
        tmp_path, "old.mp4", "creation_time=2016-05-01T09:30:00Z", "location=+36.2000+037.1500/"
    )
    with Node.init(Settings(home=tmp_path / "home")) as node:
        node.add_party("ru", "Russian Federation")
        rid = node.file_report("ru", Report.model_validate(sample_report))
        video = add(node, clip, "ru", report=rid)
        assert video.body.captured == "2016-05-01T09:30:00"
        assert (float(video.body.lat or 0), float(video.body.lon or 0)) == (36.2, 37.15)
        with node.store.engine.connect() as conn:
            texts = [f["text"] for f in one(conn, video.id)["findings"]]
    assert "video taken 2016-05-01, 3 years before the event (2019-03-12)" in texts, texts
    assert any(t.startswith("video taken ") and "(Morek)" in t for t in texts), texts
