"""The API's one error shape, pinned: {status, code, message, field, hint}; bad input writes
nothing."""

from __future__ import annotations

import copy
from typing import Any

from conftest import Api

SHAPE = {"status", "code", "message", "field", "hint"}


def check(resp: Any, status: int, code: str, field: str | None) -> dict[str, Any]:
    body = resp.json()
    assert resp.status_code == status, body
    assert set(body) == SHAPE
    assert body["status"] == status and body["code"] == code and body["field"] == field
    assert isinstance(body["message"], str) and body["message"] and "\n" not in body["message"]
    return body


def test_error_shape_for_every_kind_of_bad_request(api: Api, sample_report: dict) -> None:
    size = api.node.ledger.size
    anon, ru = api.client(), api.client("ru-officer")

    resp = anon.get("/api/v1/reports")
    check(resp, 401, "unauthenticated", None)
    assert resp.headers["www-authenticate"].startswith("Bearer")

    check(
        ru.post(
            "/api/v1/reports", content=b'{"title": ', headers={"content-type": "application/json"}
        ),
        422,
        "invalid",
        "body",
    )
    bogus = {**sample_report, "bogus": 1}
    body = check(ru.post("/api/v1/reports", json=bogus), 422, "invalid", "bogus")
    assert "unknown field" in body["message"]

    wrong = copy.deepcopy(sample_report)
    wrong["locations"][0]["point"]["lat"] = "north"
    body = check(ru.post("/api/v1/reports", json=wrong), 422, "invalid", "locations.0.point.lat")
    assert "degrees" in body["message"]

    inverted = copy.deepcopy(sample_report)
    inverted["casualties"][0]["high"] = 1
    check(ru.post("/api/v1/reports", json=inverted), 422, "invalid", "casualties.0")

    huge = {**sample_report, "text": "x" * (2 << 20)}
    check(ru.post("/api/v1/reports", json=huge), 413, "too_large", "body")

    check(ru.get("/api/v1/no-such-thing"), 404, "not_found", None)
    check(ru.put("/api/v1/reports"), 405, "method_not_allowed", None)
    check(ru.get("/api/v1/reports", params={"limit": "many"}), 422, "invalid", "limit")
    check(ru.get("/api/v1/incidents", params={"bbox": "1,2,3"}), 422, "invalid", "bbox")

    response = {"incident": "I-999", "kind": "deny", "text": "no"}
    check(ru.post("/api/v1/responses", json=response), 404, "not_found", "incident")
    body = check(
        ru.post("/api/v1/reports", params={"party": "tr"}, json=sample_report),
        403,
        "forbidden",
        "author",
    )
    assert body["hint"] == "Act only for your own party."  # the TruceError's hint, kept

    assert api.node.ledger.size == size  # nothing was written by any of them


def test_a_domain_error_keeps_its_code(api: Api) -> None:
    chair = api.client("chair")
    body = check(
        chair.post("/api/v1/parties", json={"id": "ru", "name": "again"}), 409, "conflict", None
    )
    assert "already registered" in body["message"]
