"""Video keyframe extraction (issue 18): what hashing a video's keyframes costs, against
decoding it.

A generated H.264 video (ffmpeg's ``life`` source, whose picture changes all the time, so each
keyframe hashes differently; 640×360, 25 fps, a keyframe every 2 s, the
usual phone/encoder spacing) is hashed with :func:`truce.evidence.video.keyframes` (one ffprobe,
then five seek-and-decode-one-frame runs of ffmpeg, each frame scaled to 512 pixels and hashed).

- ``keyframes.extract``: the CPU time (ffprobe's and ffmpeg's, from ``RUSAGE_CHILDREN``, plus
  this process's hashing: the machines here are shared, and wall time measures the scheduler;
  it is reported too) of one extraction, the median of 3. Baseline, in the same run on the same
  file: ffmpeg decoding the whole video alone (``-f null``), which is what reading every frame
  would cost; the ratio is decode / extraction.
- ``keyframes.scaling``: the same extraction on a video four times as long; the ratio is its
  cost over the short one's (seeking to keyframes: near 1, where decoding grows 4×).
"""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.harness import Baseline, Result
from truce.evidence.video import FRAMES, keyframes


def _make(path: Path, seconds: int) -> None:
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi",
         "-i", f"life=size=640x360:rate=25:ratio=0.3:mold=20:life_color=#e0c080:"
         f"death_color=#203040:mold_color=#802010,trim=duration={seconds}",
         "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-pix_fmt", "yuv420p",
         str(path)],
        check=True, timeout=600,
    )  # fmt: skip


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _measure(fn: Callable[[], object], repeat: int = 3) -> tuple[float, float]:
    """Median CPU seconds and median wall seconds of ``repeat`` runs of ``fn``."""
    cpu, wall = [], []
    for _ in range(repeat):
        c, w = _cpu(), time.perf_counter()
        fn()
        cpu.append(_cpu() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(cpu), statistics.median(wall)


def _extract(path: Path) -> None:
    found = keyframes(path)
    if len(found.hashes) != FRAMES or found.problems:
        raise RuntimeError(f"expected {FRAMES} distinct keyframes, got {found}")


def _decode(path: Path) -> None:
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-f", "null", "-"],
        check=True,
        timeout=600,
    )


def run(quick: bool) -> list[Result]:
    if shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None:
        return []
    short = 15 if quick else 60
    with tempfile.TemporaryDirectory() as tmp:
        one, four = Path(tmp) / "short.mp4", Path(tmp) / "long.mp4"
        _make(one, short)
        _make(four, 4 * short)
        cpu, wall = _measure(lambda: _extract(one))
        decode_cpu, decode_wall = _measure(lambda: _decode(one))
        long_cpu, long_wall = _measure(lambda: _extract(four))
        size_mb = one.stat().st_size / 1e6
    params = {"seconds": short, "size": "640x360", "fps": 25, "gop": 50, "frames": FRAMES}
    return [
        Result(
            name="keyframes.extract",
            value=round(cpu * 1000, 1),
            unit="ms CPU",
            params={**params, "mb": round(size_mb, 1)},
            baseline=Baseline(
                name="ffmpeg decoding the whole video alone (-f null), CPU",
                value=round(decode_cpu * 1000, 1),
                unit="ms CPU",
            ),
            ratio=round(decode_cpu / cpu, 2) if cpu else None,
            goal="cheaper than decoding the video",
            met=cpu < decode_cpu,
            notes=f"wall {wall * 1000:.0f} ms (decode {decode_wall * 1000:.0f} ms); "
            "ffprobe + 5 ffmpeg seeks, each frame scaled to 512 px and dHashed; median of 3",
        ),
        Result(
            name="keyframes.scaling",
            value=round(long_cpu * 1000, 1),
            unit="ms CPU",
            params={**params, "seconds": 4 * short},
            baseline=Baseline(
                name=f"the same extraction on the {short} s video",
                value=round(cpu * 1000, 1),
                unit="ms CPU",
            ),
            ratio=round(long_cpu / cpu, 2) if cpu else None,
            goal="under 2x for a video 4x as long",
            met=long_cpu < 2 * cpu,
            notes=f"wall {long_wall * 1000:.0f} ms",
        ),
    ]
