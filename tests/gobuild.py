"""Build the Go programs of tests/go/ offline from Go's reference code (Debian's golang-go and
golang-golang-x-mod-dev, GOPATH mode: no module download).

Go's own build cache (``go env GOCACHE``, by default ``~/.cache/go-build``) is kept between
runs, as Go keeps it for every build: a first run on a machine compiles the standard library's
crypto and net/http packages (about a minute on two cores), later runs only link. The cache is
content-addressed by Go, so a stale entry can never be used for changed source."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

GOPATH = Path("/usr/share/gocode")
GO_SOURCES = Path(__file__).resolve().parent / "go"

#: Why the Go programs cannot be built here, or None when they can.
MISSING = (
    "Go is not installed"
    if shutil.which("go") is None
    else "golang.org/x/mod is not in /usr/share/gocode"
    if not (GOPATH / "src" / "golang.org" / "x" / "mod" / "sumdb" / "tlog").is_dir()
    else None
)

#: Skip a module whose tests need Go, saying what to install.
needs_go = pytest.mark.skipif(
    MISSING is not None,
    reason=f"{MISSING}: apt-get install golang-go golang-golang-x-mod-dev (.ci/run does)",
)


def build(program: str, out_dir: Path) -> Path:
    """``go build`` tests/go/<program>/main.go into ``out_dir``; the binary's path."""
    out = out_dir / program
    env = {**os.environ, "GO111MODULE": "off", "GOPATH": str(GOPATH), "GOFLAGS": ""}
    source = GO_SOURCES / program / "main.go"
    subprocess.run(["go", "build", "-o", str(out), str(source)], env=env, check=True, timeout=300)
    return out
