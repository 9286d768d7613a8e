"""Perceptual hashes of a video's keyframes, and its thumbnail, read with ffmpeg.

A recycled video is found as a recycled photo is: by the dHash (:mod:`truce.evidence.phash`)
of pictures in it. :func:`keyframes` asks ``ffprobe`` for the duration, then, for each of
:data:`FRAMES` evenly spaced times, has ``ffmpeg`` seek there (to the keyframe at or before it:
fast, whatever the file's size), decode that one frame, scale it to at most
:data:`FRAME_WIDTH` pixels wide and write it as PNG to a pipe; the frame is hashed with the
same function as a photo, so a still taken from a video matches the video.

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
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, UnidentifiedImageError

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
    try:
        done = subprocess.run(  # an argument list, never a shell
            args,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"it took more than {TIMEOUT:.0f} s") from None
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError((why[-1] if why else f"exit status {done.returncode}")[:160])
    if len(done.stdout) > MAX_OUTPUT:
        raise RuntimeError(f"it wrote more than {MAX_OUTPUT} bytes")
    return done.stdout


def _duration(ffprobe: str, path: Path) -> float:
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
            "format=duration:stream=codec_type",
            "-of",
            "json",
            f"file:{path}",
        ]
    )
    try:
        info = json.loads(out)
        streams = info.get("streams") or []
        duration = float(info["format"]["duration"])
    except (ValueError, KeyError, TypeError):
        raise RuntimeError("ffprobe gave no duration") from None
    if not streams:
        raise RuntimeError("it has no video stream")
    if not 0 < duration < 10**7:
        raise RuntimeError(f"its duration {duration!r} is implausible")
    return duration


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
        duration = _duration(ffprobe, path)
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
