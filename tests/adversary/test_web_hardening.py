"""The web layer under attack (issue 23, item 9): security headers on every response, bad bytes
in names and ids, login CSRF, authentication before validation, repeated JSON keys.

Each test drives the real server over HTTP and fails on the code before the fix: no headers; a
500 for a NUL in a user name (PostgreSQL) or a token id past 64 bits; a cross-site sign-in form
accepted; an anonymous invalid POST answered with the schema's complaints (422); a body with
two ``title`` keys accepted with whichever one pydantic kept.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from truce.web.guard import CSP

PAGES = [
    "/",
    "/assets/app.js",
    "/api/v1/me",
    "/api/v1/incidents",
    "/ledger/checkpoint",
    "/api/v1/no-such-thing",  # 404
    "/api/v1/incidents?bbox=nonsense",  # 422
    "/api/v1/tokens",  # 401
]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(shared_api: Any, path: str) -> None:
    r = shared_api.client().get(path)
    h = r.headers
    assert h["content-security-policy"] == CSP, (path, r.status_code)
    assert "unsafe-inline" not in h["content-security-policy"]
    assert "unsafe-eval" not in h["content-security-policy"]
    assert "frame-ancestors 'none'" in h["content-security-policy"]
    assert h["x-frame-options"] == "DENY"
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "no-referrer"
    assert "strict-transport-security" not in h  # plain HTTP: HSTS would be ignored, or wrong


def test_refusals_before_the_app_carry_the_headers_too(shared_api: Any) -> None:
    c = shared_api.client("ru-officer")
    too_big = c.post("/api/v1/reports", content=b"x" * (2 << 20))
    assert too_big.status_code == 413
    assert too_big.headers["content-security-policy"] == CSP


def test_hsts_only_over_tls(shared_api: Any) -> None:
    # uvicorn trusts X-Forwarded-Proto from loopback (a TLS-terminating proxy on the host).
    r = shared_api.client().get("/api/v1/me", headers={"X-Forwarded-Proto": "https"})
    assert r.headers["strict-transport-security"].startswith("max-age=31536000")


def test_nul_in_a_user_name_is_a_4xx_not_a_500(api: Any) -> None:
    anon = api.client()
    r = anon.post("/api/v1/session", json={"username": "ru-\x00officer", "password": "x"})
    assert r.status_code == 422, r.text
    r = anon.post(
        "/api/v1/session",
        content=b"username=ru-%00officer&password=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 422, r.text
    chair = api.client("chair")
    r = chair.patch("/api/v1/users/ru%00officer", json={"disabled": True})
    assert r.status_code == 422, r.text
    r = chair.get("/api/v1/reports?after=1%00")
    assert r.status_code == 422, r.text
    ru = api.client("ru-officer")
    r = ru.post("/api/v1/drafts", json={"title": "a\x00b"})
    assert r.status_code == 422, r.text
    assert "NUL" in r.json()["message"]
    # and the service still works
    assert anon.post(
        "/api/v1/session", json={"username": "ru-officer", "password": "correct horse battery"}
    ).is_success


def test_a_huge_token_id_is_a_4xx_not_a_500(api: Any) -> None:
    chair = api.client("chair")
    for token_id in ("99999999999999999999999", str(2**63), str(2**31), "-1", "0"):
        r = chair.delete(f"/api/v1/tokens/{token_id}")
        assert r.status_code == 422, (token_id, r.text)
    assert chair.delete(f"/api/v1/tokens/{2**31 - 1}").status_code == 404


@pytest.mark.parametrize(
    "path", ["/api/v1/review/claims", "/api/v1/reports", "/api/v1/responses", "/api/v1/incidents"]
)
def test_a_huge_after_is_a_4xx_not_a_500(api: Any, path: str) -> None:
    # Found by the fuzz soak (adversary.fuzz): PostgreSQL's INTEGER overflowed on 5683808729.
    chair = api.client("chair")
    assert chair.get(path, params={"after": 5683808729}).status_code == 422
    assert chair.get(path, params={"after": 2**31 - 1}).status_code == 200


def _form_sign_in(api: Any, **headers: str) -> httpx.Response:
    return api.client().post(
        "/api/v1/session",
        content=b"username=ru-officer&password=correct+horse+battery",
        headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
    )


def test_login_csrf_a_cross_site_form_cannot_sign_the_browser_in(shared_api: Any) -> None:
    for headers in (
        {"Origin": "https://attacker.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "https://sub.attacker.example"},
    ):
        r = _form_sign_in(shared_api, **headers)
        assert r.status_code == 403, (headers, r.text)
        assert "another site" in r.json()["message"]
        assert "set-cookie" not in r.headers
    # The page's own sign-in (same origin), and a program (no Origin), still work.
    ok = _form_sign_in(shared_api, Origin=shared_api.base, **{"Sec-Fetch-Site": "same-origin"})
    assert ok.status_code == 200, ok.text
    assert "truce_session=" in ok.headers["set-cookie"]
    assert _form_sign_in(shared_api).status_code == 200


UNSAFE = [
    ("POST", "/api/v1/reports"),
    ("POST", "/api/v1/drafts"),
    ("PUT", "/api/v1/drafts/D-1"),
    ("POST", "/api/v1/incidents/I-1/override"),
    ("POST", "/api/v1/ledger/entries"),
    ("POST", "/api/v1/tokens"),
    ("PATCH", "/api/v1/users/ru-officer"),
    ("DELETE", "/api/v1/tokens/1"),
]


@pytest.mark.parametrize(("method", "path"), UNSAFE)
@pytest.mark.parametrize("body", [b'{"bogus": 1}', b"{not json", b""])
def test_authentication_comes_before_validation(
    shared_api: Any, method: str, path: str, body: bytes
) -> None:
    r = shared_api.client().request(
        method, path, content=body, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 401, r.text
    text = r.text
    assert "bogus" not in text and "field" not in r.json()["message"]
    assert r.headers["www-authenticate"].startswith("Bearer")


def test_a_bad_token_is_401_whatever_the_body(shared_api: Any) -> None:
    c = httpx.Client(base_url=shared_api.base, headers={"Authorization": "Bearer nope"})
    try:
        assert c.post("/api/v1/reports", json={"bogus": 1}).status_code == 401
    finally:
        c.close()


def test_duplicate_keys_in_an_api_body_are_refused(shared_api: Any, sample_report: dict) -> None:
    ru = shared_api.client("ru-officer")
    start = shared_api.node.ledger.size
    text = json.dumps(sample_report)
    assert text.startswith('{"')
    doubled = '{"title": "the other title", ' + text[1:]
    r = ru.post("/api/v1/reports", content=doubled, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert "duplicate object key 'title'" in r.json()["message"]
    nested = text.replace('"lat":', '"lat": "0", "lat":', 1)
    assert nested != text
    r = ru.post("/api/v1/reports", content=nested, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert shared_api.node.ledger.size == start
    assert ru.post("/api/v1/reports", json=sample_report).status_code == 201
