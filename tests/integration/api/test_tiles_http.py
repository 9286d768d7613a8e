"""What ``truce serve`` adds around the C2SP formats over HTTP (issue 20): entry bundles gzipped
for clients that accept it, and the witness path off unless configured."""

from __future__ import annotations

import gzip
from pathlib import Path

import httpx
import pytest

from conftest import Api
from truce.config import Settings
from truce.errors import ConfigError
from truce.ledger.tiles import decode_bundle
from truce.web.app import create_app


def _raw(api: Api, path: str, encoding: str) -> httpx.Response:
    """GET with the analyst's token and this Accept-Encoding, the body left as sent."""
    client = api.client("analyst")
    with client.stream("GET", path, headers={"Accept-Encoding": encoding}) as res:
        res.raw = b"".join(res.iter_raw())  # type: ignore[attr-defined]
    return res


# What is served does not depend on the backend: once, on SQLite.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_entry_bundles_are_gzipped_and_the_witness_path_is_off(api: Api, tmp_path: Path) -> None:
    size = api.node.ledger.size
    path = f"/ledger/tile/entries/000.p/{size}"
    plain = _raw(api, path, "identity")
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    assert len(decode_bundle(plain.raw, size)) == size  # type: ignore[attr-defined]
    for accepted in ("gzip", "gzip, identity", "br;q=1, gzip;q=0.5", "*"):
        zipped = _raw(api, path, accepted)
        assert zipped.headers["content-encoding"] == "gzip", accepted
        assert gzip.decompress(zipped.raw) == plain.raw  # type: ignore[attr-defined]
        assert len(zipped.raw) < len(plain.raw)  # type: ignore[attr-defined]
        assert "Accept-Encoding" in zipped.headers["vary"]
    refused = _raw(api, path, "gzip;q=0, identity")
    assert "content-encoding" not in refused.headers
    assert refused.raw == plain.raw  # type: ignore[attr-defined]
    # Hash tiles are random bytes: never compressed. A partial tile is not cached.
    tile = _raw(api, f"/ledger/tile/0/000.p/{size}", "gzip")
    assert "content-encoding" not in tile.headers
    assert tile.headers["cache-control"] == "no-cache"
    # Not a witness unless TRUCE_WITNESS_HOME says so; a wrong one stops the server at start.
    res = httpx.post(f"{api.base}/witness/add-checkpoint", content=b"old 0\n\nx\n")
    assert res.status_code == 404 and "TRUCE_WITNESS_HOME" in res.text
    bad = Settings(home=tmp_path / "none", extra={"TRUCE_WITNESS_HOME": str(tmp_path)})
    with pytest.raises(ConfigError, match="is not a witness"):
        create_app(bad)
