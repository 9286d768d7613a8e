"""A real ``truce serve`` on a free loopback port, and Debian's Chromium driven by Playwright.

Used by the e2e tests, ``make screenshots`` (scripts/screenshots.py) and benchmarks/bench_web.py.
The browser is always the system's ``/usr/bin/chromium`` (installed by ``.ci/run`` when
missing): a browser is never downloaded.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("TRUCE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1366, "height": 768}
TABLET = {"width": 768, "height": 1024}


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    def __init__(self, home: Path, port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
        self.home = home
        self.port = port
        self.proc = proc
        self.log = log
        self.url = f"http://127.0.0.1:{port}"


@contextmanager
def serve(home: Path, *, timeout: float = 30.0) -> Iterator[Server]:
    """Run ``truce serve`` on ``home`` until the block ends; its output goes to a log file."""
    port = free_port()
    log = home.parent / f"serve-{port}.log"
    env = {**os.environ, "TRUCE_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "truce", "--home", str(home), "serve", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    server = Server(home, port, proc, log)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"truce serve exited: {log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(server.url + "/api/v1/map/vocab", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError("truce serve did not answer in time") from None
                time.sleep(0.2)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def sign_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/#/signin")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#signin-form button[type=submit]")
    page.wait_for_selector("#who")
    # The header is drawn again once /me says which pages the role may use; a test that goes
    # to a page before that races the app's own navigation. Let it settle (an open live stream
    # keeps the network busy: then wait no longer).
    try:
        page.wait_for_load_state("networkidle", timeout=5_000)
    except Exception as exc:  # playwright's TimeoutError
        if type(exc).__name__ != "TimeoutError":
            raise


def wait_map(page: Any, timeout: float = 60_000) -> int:
    """Wait until the incidents layer has drawn; returns how many incidents it holds."""
    page.wait_for_function(
        "() => document.body.dataset.incidentsRendered !== undefined", timeout=timeout
    )
    return int(page.evaluate("document.body.dataset.incidentsRendered"))
