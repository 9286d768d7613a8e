"""``GET /api/v1/sources`` (members only), and ``truce serve``'s own watcher: a server over a
data directory with channels configured polls them and ingests what they publish."""

from __future__ import annotations

import functools
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from conftest import Api, Server, make_node
from truce.channels.state import SourceDef, State
from truce.config import Settings
from truce.web.app import create_app

RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Recorded</title>
<link>https://mod.example/</link><description>t</description>
<item><title>Shelling on Ariha</title><link>https://mod.example/news/1</link>
<guid>urn:api:1</guid><pubDate>Sat, 14 Mar 2020 09:00:00 GMT</pubDate>
<description>On 13 March 2020 artillery shelling hit the town of Ariha in Idlib, killing three
civilians, local sources said.</description></item></channel></rss>"""


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_members_see_the_sources_the_public_does_not(api: Api) -> None:
    state = State.of_home(api.settings.home)
    state.add(SourceDef("mod", "rss", "http://127.0.0.1:9/rss.xml", 600, "Recorded MoD"))
    state.close()
    assert api.client().get("/api/v1/sources").status_code == 401
    assert api.client("citizen").get("/api/v1/sources").status_code == 403
    for user in ("ru-officer", "monitor", "analyst", "chair"):
        got = api.client(user).get("/api/v1/sources")
        assert got.status_code == 200, got.text
        body = got.json()
        assert body["watching"] is False  # no source when this server started
        assert [(s["name"], s["kind"], s["every"]) for s in body["sources"]] == [
            ("mod", "rss", "10m")
        ]


def test_serve_watches_the_configured_sources(tmp_path: Path) -> None:
    www = tmp_path / "www"
    www.mkdir()
    (www / "rss.xml").write_text(RSS, encoding="utf-8")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(www)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    settings = Settings(home=tmp_path / "home", database_url="")
    node, accounts = make_node(settings)
    state = State.of_home(settings.home)
    url = f"http://127.0.0.1:{httpd.server_address[1]}/rss.xml"
    state.add(SourceDef("mod", "rss", url, 1, "Recorded MoD"))
    state.close()
    server = Server(create_app(settings, node=node))
    try:
        token = accounts.create_token("monitor", "tests")[0]
        import httpx

        with httpx.Client(
            base_url=server.base, headers={"Authorization": f"Bearer {token}"}, timeout=30
        ) as client:
            body: dict[str, Any] = {}
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                body = client.get("/api/v1/sources").json()
                if body["sources"][0]["items"]:
                    break
                time.sleep(0.2)
            assert body["watching"] is True
            (source,) = body["sources"]
            assert source["items"] == 1 and source["errors"] == 0, source
            reports = client.get("/api/v1/reports").json()
            assert any("Ariha" in str(r) for r in reports), reports
    finally:
        server.stop()
        httpd.shutdown()
        httpd.server_close()
