"""One bounded run of an external reader (ffmpeg, ffprobe, pdfinfo): an argument list, never a
shell; no stdin; a time limit, an output limit and, where util-linux's ``prlimit`` is
installed, a memory limit set in the child (a ``preexec_fn`` is unsafe with threads, and the
API reads uploads in a thread pool)."""

from __future__ import annotations

import shutil
import subprocess

__all__ = ["run_bounded"]


def run_bounded(
    args: list[str], *, timeout: float, max_output: int, max_memory: int | None = None
) -> bytes:
    """The program's stdout, or :class:`RuntimeError` saying in one line why not."""
    if max_memory is not None and (prlimit := shutil.which("prlimit")) is not None:
        args = [prlimit, f"--as={max_memory}", "--", *args]
    try:
        done = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"it took more than {timeout:.0f} s") from None
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError((why[-1] if why else f"exit status {done.returncode}")[:160])
    if len(done.stdout) > max_output:
        raise RuntimeError(f"it wrote more than {max_output} bytes")
    return done.stdout
