"""Browser tests: a real ``truce serve`` over a demo data directory, driven by Debian's Chromium.

Every test here is marked ``e2e``; all are skipped, with the reason, when Chromium or the
playwright package is missing (``.ci/run`` installs Chromium from Debian; a browser is never
downloaded). One server and one browser serve the whole session; each test gets its own
browser context (cookies, storage), so tests do not share a signed-in user.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live import LAPTOP, Server, chromium_missing, launch, serve, sign_in, wait_map

MISSING = chromium_missing()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)
            # One worker drives every browser test (make test: --dist loadgroup): two Chromiums
            # and two servers on a two-core machine made the pages miss their timeouts.
            item.add_marker(pytest.mark.xdist_group("browser"))
            if MISSING:
                item.add_marker(pytest.mark.skip(reason=MISSING))


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from truce.config import Settings
    from truce.demo import build_demo

    home = tmp_path_factory.mktemp("e2e") / "demo"
    build_demo(Settings.from_env(env={}, home=home))
    return home


@pytest.fixture(scope="session")
def server(demo_home: Path) -> Iterator[Server]:
    with serve(demo_home) as srv:
        yield srv


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


class Session:
    """A browser context signed in (or not) against the test server, with its page."""

    def __init__(self, browser: Any, server: Server, viewport: dict[str, int]) -> None:
        self.server = server
        self.context = browser.new_context(viewport=viewport)
        self.context.set_default_timeout(20_000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def sign_in(self, username: str, password: str) -> None:
        sign_in(self.page, self.server.url, username, password)

    def open_map(self) -> int:
        self.page.goto(f"{self.server.url}/#/map")
        return wait_map(self.page)

    def api(self, path: str) -> Any:
        res = self.page.request.get(self.server.url + path)
        assert res.ok, f"{path}: {res.status} {res.text()[:200]}"
        return res.json()


@pytest.fixture
def session(browser: Any, server: Server) -> Iterator[Any]:
    made: list[Session] = []

    def make(viewport: dict[str, int] = LAPTOP) -> Session:
        s = Session(browser, server, viewport)
        made.append(s)
        return s

    yield make
    for s in made:
        # A test may end while route handlers of its page are still fetching (a
        # page asks for several proofs; the test stops at the first refusal).
        # Their errors, once the context is gone, would surface in a later test.
        s.context.unroute_all(behavior="ignoreErrors")
        s.page.unroute_all(behavior="ignoreErrors")
        s.context.close()
        assert not s.errors, f"uncaught errors in the page: {s.errors}"
