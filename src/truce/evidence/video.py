"""Perceptual hashes of a video's keyframes, its thumbnail and its QuickTime metadata, read
with ffmpeg.

A recycled video is found as a recycled photo is: by the dHash (:mod:`truce.evidence.phash`)
of pictures in it. :func:`keyframes` asks ``ffprobe`` for the duration, then, for each of
:data:`FRAMES` evenly spaced times, has ``ffmpeg`` seek there (to the keyframe at or before it:
fast, whatever the file's size), decode that one frame, scale it to at most
:data:`FRAME_WIDTH` pixels wide and write it as PNG to a pipe; the frame is hashed with the
same function as a photo, so a still taken from a video matches the video.

The container's metadata (QuickTime / ISO BMFF ``udta`` and ``mdta`` tags, as ffprobe reads them)
gives the capture time (``com.apple.quicktime.creationdate``, else ``creation_time``: the wall
clock the file states, its zone dropped as a photo's EXIF has none), the position
(``com.apple.quicktime.location.ISO6709``, else ``location``: ISO 6709 decimal degrees) and the
device (make and model). A value that cannot be read or is impossible becomes a *problem*, as
with a photo's EXIF; the zero of the QuickTime or Unix clock means "not set" and is ignored.

The file is the uploader's bytes, so every run is bounded: no shell (an argument list), no
stdin, only the ``file`` protocol (no network, no playlists reaching elsewhere), a timeout
(:data:`TIMEOUT` seconds per run), and at most :data:`MAX_OUTPUT` bytes read back. A video that
ffmpeg cannot read is kept, with the problem recorded (and the hashes of the frames it
did read); without ffmpeg installed videos are kept
unhashed (logged once).
"""

from __future__ import annotations

import io
import json
import logging
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from truce.evidence.bounded import run_bounded
from truce.evidence.phash import dhash, to_hex

__all__ = ["FRAMES", "TIMEOUT", "Keyframes", "keyframes"]

log = logging.getLogger(__name__)

#: Frames hashed per video (fewer for a video too short to have them apart).
FRAMES = 5
#: Seconds one ffprobe or ffmpeg run may take.
TIMEOUT = 30.0
#: Width frames are decoded at (enough for a dHash and a thumbnail).
FRAME_WIDTH = 512
#: Bytes read back from one run (a 512-pixel PNG frame is far smaller).
MAX_OUTPUT = 8 << 20

_warned = False


@dataclass
class Keyframes:
    hashes: list[str] = field(default_factory=list)  # dHash hex, in time order
    captured: str | None = None  # the creation time the file states (no zone)
    lat: float | None = None
    lon: float | None = None
    device: str | None = None
    frame: Image.Image | None = None  # the first frame read, for the thumbnail
    problems: list[str] = field(default_factory=list)


def _tool(name: str) -> str | None:
    global _warned
    found = shutil.which(name)
    if found is None and not _warned:
        log.warning("%s is not installed: video keyframes are not hashed", name)
        _warned = True
    return found


def _run(args: list[str]) -> bytes:
    """Run one bounded ffmpeg/ffprobe; its stdout, or :class:`RuntimeError` saying why not."""
    return run_bounded(args, timeout=TIMEOUT, max_output=MAX_OUTPUT)


def _probe(ffprobe: str, path: Path) -> tuple[float, dict[str, str]]:
    """The duration and the container's metadata tags (lower-cased keys)."""
    out = _run(
        [
            ffprobe,
            "-v",
            "error",
            "-protocol_whitelist",
            "file",
            "-select_streams",
            "v:0",
            "-show_entries",
            "format=duration:format_tags:stream=codec_type",
            "-of",
            "json",
            f"file:{path}",
        ]
    )
    try:
        info = json.loads(out)
        streams = info.get("streams") or []
        duration = float(info["format"]["duration"])
        raw = info["format"].get("tags") or {}
        tags = {str(k).lower(): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
    except (ValueError, KeyError, TypeError, AttributeError):
        raise RuntimeError("ffprobe gave no duration") from None
    if not streams:
        raise RuntimeError("it has no video stream")
    if not 0 < duration < 10**7:
        raise RuntimeError(f"its duration {duration!r} is implausible")
    return duration, tags


def _clean(value: str) -> str:
    return "".join(c for c in value if c.isprintable()).strip()[:200]


# ISO 6709 in decimal degrees, as QuickTime writes it: "+35.8620+036.8010/" (altitude optional).
_ISO6709 = re.compile(r"^([+-]\d{1,2}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)(?:[+-]\d+(?:\.\d+)?)?/?$")
# The zero of the QuickTime and Unix clocks: a muxer's "no time set", not a claim.
_UNSET = ("1904-01-01T00:00:00", "1970-01-01T00:00:00")


def _metadata(tags: dict[str, str], out: Keyframes) -> None:
    """Capture time, position and device from QuickTime/MP4 tags; bad values become problems."""
    when = tags.get("com.apple.quicktime.creationdate") or tags.get("creation_time")
    if when:
        text = _clean(when)
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            out.problems.append(f"the video's creation time {text[:40]!r} is not a date; ignored")
        else:
            local = moment.replace(tzinfo=None, microsecond=0).isoformat()
            if local in _UNSET:
                pass
            elif not 1990 <= moment.year <= 2100:
                out.problems.append(
                    f"the video's creation time {text[:40]!r} is implausible; ignored"
                )
            else:
                out.captured = local  # the wall clock the file states, as for a photo
    where = tags.get("com.apple.quicktime.location.iso6709") or tags.get("location")
    if where:
        text = _clean(where)
        m = _ISO6709.match(text)
        lat, lon = (float(m.group(1)), float(m.group(2))) if m else (None, None)
        if lat is None or lon is None:
            out.problems.append(
                f"the video's location {text[:40]!r} is not ISO 6709 decimal degrees; ignored"
            )
        elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
            out.problems.append(f"the video's location {text[:40]!r} is impossible; ignored")
        else:
            out.lat, out.lon = round(lat, 6), round(lon, 6)
    device = " ".join(
        _clean(v)
        for key in ("make", "model")
        if (v := tags.get(f"com.apple.quicktime.{key}") or tags.get(key))
    ).strip()
    if device:
        out.device = device[:200]


def _frame(ffmpeg: str, path: Path, at: float) -> Image.Image | None:
    out = _run(
        [
            ffmpeg,
            "-nostdin",
            "-v",
            "error",
            "-protocol_whitelist",
            "file",
            "-noaccurate_seek",  # the keyframe at or before the time, as it is
            "-ss",
            f"{at:.3f}",
            "-i",
            f"file:{path}",
            "-map",
            "0:v:0",
            "-frames:v",
            "1",
            "-vf",
            f"scale='min({FRAME_WIDTH},iw)':-2",
            "-f",
            "image2pipe",
            "-c:v",
            "png",
            "pipe:1",
        ]
    )
    if not out:
        return None  # nothing decodes at that time (past the last keyframe)
    try:
        with Image.open(io.BytesIO(out)) as img:
            img.load()
            return img.copy()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise RuntimeError(f"its frame is not an image ({exc})") from None


def keyframes(path: Path, frames: int = FRAMES) -> Keyframes:
    """The dHashes of up to ``frames`` evenly spaced frames of the video at ``path``."""
    out = Keyframes()
    ffprobe, ffmpeg = _tool("ffprobe"), _tool("ffmpeg")
    if ffprobe is None or ffmpeg is None:
        return out
    try:
        duration, tags = _probe(ffprobe, path)
        _metadata(tags, out)
        seen: set[str] = set()
        for k in range(frames):
            img = _frame(ffmpeg, path, duration * (k + 0.5) / frames)
            if img is None:
                continue
            if out.frame is None:
                out.frame = img
            value = to_hex(dhash(img))
            if value not in seen:  # a seek to the same keyframe gives the same picture
                seen.add(value)
                out.hashes.append(value)
    except RuntimeError as exc:
        # The frames hashed before the failure (of a truncated video, say) are kept.
        out.problems.append(f"the video's frames could not be read ({exc}); not all hashed")
    return out
