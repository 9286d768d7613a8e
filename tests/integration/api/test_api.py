"""The API as its users use it, over HTTP against a real server: file, read, respond, release,
drafts, sign-in with sessions, and the ledger's proofs and tiles checked with the verifiers."""

from __future__ import annotations

import base64
import copy

import httpx

from conftest import PASSWORD, Api
from truce.ledger.merkle import verify_consistency, verify_inclusion
from truce.ledger.note import open_checkpoint
from truce.ledger.tiles import decode_bundle


def b64(text: str) -> bytes:
    return base64.b64decode(text)


def test_file_read_and_respond(api: Api, sample_report: dict) -> None:
    ru, tr = api.client("ru-officer"), api.client("tr-officer")
    resp = ru.post("/api/v1/reports", json=sample_report)
    assert resp.status_code == 201, resp.text
    filed = resp.json()
    assert filed["author"] == "ru" and filed["mode"] == "custodial"
    assert filed["id"] == f"R-{filed['index']}"

    report = tr.get(f"/api/v1/reports/{filed['id']}").json()
    assert report["body"]["locations"][0]["point"]["lat"] == "35.37615"
    incident = report["incident_id"]

    found = tr.get(
        "/api/v1/incidents",
        params={"bbox": "36.6,35.3,36.8,35.5", "start": "2019-03-01", "end": "2019-03-31"},
    ).json()
    assert [i["id"] for i in found] == [incident]
    assert tr.get("/api/v1/incidents", params={"bbox": "36.0,36.0,36.1,36.1"}).json() == []
    later = tr.get("/api/v1/incidents", params={"start": "2019-04-01"}).json()
    assert later == []

    answer = {"incident": incident, "kind": "dispute", "field": "perpetrator", "value": "unknown"}
    resp = tr.post("/api/v1/responses", json=answer)
    assert resp.status_code == 201, resp.text
    shown = tr.get(f"/api/v1/incidents/{incident}").json()
    assert [r["author"] for r in shown["responses"]] == ["tr"]
    assert [r["id"] for r in shown["reports"]] == [filed["id"]]

    entry = ru.get(f"/api/v1/ledger/entries/{filed['index']}").json()
    assert entry["mode"] == "custodial" and entry["author"] == "ru"


def test_release_needs_every_party_or_a_recorded_limited_override(
    api: Api, sample_report: dict
) -> None:
    ru, tr, chair = api.client("ru-officer"), api.client("tr-officer"), api.client("chair")
    public, citizen = api.client(), api.client("citizen")
    first = ru.post("/api/v1/reports", json=sample_report).json()
    elsewhere = copy.deepcopy(sample_report)  # another event: another day, another village
    elsewhere["date"] = {"start": "2019-05-20", "end": "2019-05-20", "precision": 1}
    elsewhere["locations"] = [
        {"place": "Jarjanaz", "point": {"lat": "35.61823", "lon": "36.78281", "error_m": 1000}}
    ]
    second = ru.post("/api/v1/reports", json=elsewhere).json()
    inc1 = ru.get(f"/api/v1/reports/{first['id']}").json()["incident_id"]
    inc2 = ru.get(f"/api/v1/reports/{second['id']}").json()["incident_id"]

    assert public.get("/api/v1/incidents").json() == []
    assert public.get(f"/api/v1/incidents/{inc1}").status_code == 404

    assert ru.post(f"/api/v1/incidents/{inc1}/publish").status_code == 403  # not the chair
    ok = ru.post(f"/api/v1/incidents/{inc1}/signoff", json={"decision": "approve"})
    assert ok.status_code == 201
    blocked = chair.post(f"/api/v1/incidents/{inc1}/publish")
    assert blocked.status_code == 409 and "tr" in blocked.json()["message"]
    tr.post(f"/api/v1/incidents/{inc1}/signoff", json={"decision": "approve"})
    assert chair.post(f"/api/v1/incidents/{inc1}/publish").status_code == 201

    over = chair.post(
        f"/api/v1/incidents/{inc2}/override", json={"reason": "civilians at risk", "hours": 2}
    )
    assert over.status_code == 201, over.text
    assert (
        chair.post(
            f"/api/v1/incidents/{inc2}/override", json={"reason": "x", "hours": 1000}
        ).status_code
        == 422
    )

    for reader in (public, citizen):
        assert [i["id"] for i in reader.get("/api/v1/incidents").json()] == [inc1, inc2]
        shown = reader.get(f"/api/v1/incidents/{inc2}").json()
        assert shown["publication"]["basis"] == "override" and "reports" not in shown
        assert reader.get("/api/v1/reports").status_code in (401, 403)

    entries = chair.get("/api/v1/ledger/entries", params={"start": 0, "limit": 1000}).json()
    kinds = [(e["kind"], e["author"]) for e in entries]
    assert ("incident.signoff", "ru") in kinds and ("incident.signoff", "tr") in kinds
    published = [e for e in entries if e["kind"] == "incident.published"]
    assert [p["body"]["basis"] for p in published] == ["signoffs", "override"]
    assert published[1]["body"]["reason"] == "civilians at risk" and published[1]["body"]["until"]


def test_drafts_are_private_to_their_party_and_the_chair(api: Api, sample_report: dict) -> None:
    ru, tr, chair, analyst = (
        api.client(u) for u in ("ru-officer", "tr-officer", "chair", "analyst")
    )
    size = api.node.ledger.size
    partial = {k: v for k, v in sample_report.items() if k != "sources"}
    draft = ru.post("/api/v1/drafts", json={"kind": "report.filed", "body": partial}).json()
    assert api.node.ledger.size == size  # a draft is not on the record

    assert [d["id"] for d in ru.get("/api/v1/drafts").json()] == [draft["id"]]
    assert [d["id"] for d in chair.get("/api/v1/drafts").json()] == [draft["id"]]
    assert tr.get("/api/v1/drafts").json() == [] and analyst.get("/api/v1/drafts").json() == []
    assert tr.get(f"/api/v1/drafts/{draft['id']}").status_code == 404
    assert tr.put(f"/api/v1/drafts/{draft['id']}", json={"body": {}}).status_code == 404
    assert tr.post(f"/api/v1/drafts/{draft['id']}/file").status_code == 404

    incomplete = ru.post(f"/api/v1/drafts/{draft['id']}/file")
    assert incomplete.status_code == 422 and incomplete.json()["field"] == "sources"
    ru.put(f"/api/v1/drafts/{draft['id']}", json={"body": sample_report})
    filed = ru.post(f"/api/v1/drafts/{draft['id']}/file").json()
    assert filed["author"] == "ru" and filed["id"].startswith("R-")
    assert ru.get("/api/v1/drafts").json() == []


def test_session_sign_in_with_csrf_and_sign_out(api: Api, sample_report: dict) -> None:
    web = api.client()
    bad = web.post("/api/v1/session", json={"username": "ru-officer", "password": "nope-nope"})
    assert bad.status_code == 401
    resp = web.post(
        "/api/v1/session", data={"username": "ru-officer", "password": PASSWORD}
    )  # a form post, as the sign-in page sends
    assert resp.status_code == 200, resp.text
    cookie = resp.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    csrf = resp.json()["csrf_token"]
    assert web.get("/api/v1/me").json()["username"] == "ru-officer"

    assert web.post("/api/v1/reports", json=sample_report).status_code == 403  # no CSRF token
    wrong = web.post("/api/v1/reports", json=sample_report, headers={"X-CSRF-Token": "x" * 32})
    assert wrong.status_code == 403 and wrong.json()["field"] == "X-CSRF-Token"
    ok = web.post("/api/v1/reports", json=sample_report, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201

    assert web.delete("/api/v1/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert web.get("/api/v1/me").json()["role"] == "public"


def test_ledger_proofs_checkpoint_and_tiles_verify(api: Api, sample_report: dict) -> None:
    ru, analyst = api.client("ru-officer"), api.client("analyst")
    for _ in range(3):
        ru.post("/api/v1/reports", json=sample_report)
    note = httpx.get(f"{api.base}/ledger/checkpoint").text  # public
    cp = open_checkpoint(note, api.node.ledger.verifier, api.node.ledger.origin)
    size = cp.size
    proof = analyst.get("/api/v1/ledger/proof/inclusion", params={"index": 5}).json()
    verify_inclusion(b64(proof["leaf_hash"]), 5, size, [b64(h) for h in proof["proof"]], cp.root)
    cons = analyst.get("/api/v1/ledger/proof/consistency", params={"old": 3}).json()
    verify_consistency(3, size, b64(cons["old_root"]), cp.root, [b64(h) for h in cons["proof"]])
    tile = analyst.get(f"/ledger/tile/0/000.p/{size}")
    assert tile.status_code == 200 and len(tile.content) == 32 * size
    bundle = analyst.get(f"/ledger/tile/entries/000.p/{size}")
    leaves = decode_bundle(bundle.content, size)
    assert leaves[5] == b64(analyst.get("/api/v1/ledger/entries/5").json()["leaf"])
    assert analyst.get(f"/ledger/tile/0/000.p/{size + 1}").status_code == 404
    assert analyst.get("/ledger/tile/0/000").status_code == 404  # not a full tile yet
    # the tree is public (TRUCE_PUBLIC_LOG defaults on); the entries' contents are not
    assert httpx.get(f"{api.base}/ledger/tile/0/000.p/{size}").content == tile.content
    assert httpx.get(f"{api.base}/ledger/tile/entries/000.p/1").status_code == 401


def test_a_party_adds_its_own_user_and_the_grant_is_on_the_record(api: Api) -> None:
    chair, ru = api.client("chair"), api.client("ru-officer")
    new = {"username": "ru-second", "role": "officer", "party": "ru", "password": PASSWORD}
    assert chair.post("/api/v1/users", json=new).status_code == 403  # not the center's to grant
    assert api.client("tr-officer").post("/api/v1/users", json=new).status_code == 403
    resp = ru.post("/api/v1/users", json=new)
    assert resp.status_code == 201, resp.text
    wrong_kind = {**new, "username": "officer2", "role": "officer", "party": "center"}
    assert chair.post("/api/v1/users", json=wrong_kind).json()["field"] == "party"
    entries = chair.get("/api/v1/ledger/entries", params={"limit": 1000}).json()
    grants = [e["body"] for e in entries if e["kind"] == "role.granted"]
    assert {"user": "ru-second", "role": "officer", "party": "ru"} in grants
    web = api.client()
    assert (
        web.post(
            "/api/v1/session", json={"username": "ru-second", "password": PASSWORD}
        ).status_code
        == 200
    )


def test_other_areas_routes_violations_patrols_and_ingest(api: Api) -> None:
    monitor, ru = api.client("monitor"), api.client("ru-officer")
    assert ru.get("/api/v1/violations").json() == []
    assert ru.get("/api/v1/patrols").json() == []
    assert api.client().get("/api/v1/patrols").status_code == 401
    text = (
        b"On 12 March 2019 shelling hit Kafr Nabl in southern Idlib, killing two civilians, "
        b"local activists said."
    )
    params = {"name": "doc.txt", "published": "2019-03-13", "outlet": "Test"}
    assert ru.post("/api/v1/ingest", params=params, content=text).status_code == 403
    resp = monitor.post("/api/v1/ingest", params=params, content=text)
    assert resp.status_code == 201, resp.text
    outcome = resp.json()
    assert outcome["status"] == "ingested" and outcome["reports"]
    filed = ru.get(f"/api/v1/reports/{outcome['reports'][0]}").json()
    assert filed["author"] not in ("ru", "tr", "monitors")  # the open-sources identity
    again = monitor.post("/api/v1/ingest", params=params, content=text).json()
    assert again["status"] == "duplicate"


def test_a_restricted_record_is_only_a_commitment_until_released(
    api: Api, sample_report: dict
) -> None:
    from truce.access.sealed import body_sha256

    ru, tr, chair, analyst = (
        api.client(u) for u in ("ru-officer", "tr-officer", "chair", "analyst")
    )
    sample_report["title"] = "Restricted: under investigation"
    made = ru.post("/api/v1/restricted", json={"kind": "report.filed", "body": sample_report})
    assert made.status_code == 201, made.text
    record = made.json()
    entry = analyst.get(f"/api/v1/ledger/entries/{record['sealed_index']}").json()
    assert entry["kind"] == "record.sealed" and entry["body"]["sha256"] == record["sha256"]
    assert b"under investigation" not in base64.b64decode(entry["leaf"])
    assert [r["id"] for r in chair.get("/api/v1/restricted").json()] == [record["id"]]
    for other in (tr, analyst):
        assert other.get("/api/v1/restricted").json() == []
        assert other.get(f"/api/v1/restricted/{record['id']}").status_code == 404
        assert other.post(f"/api/v1/restricted/{record['id']}/release").status_code == 404
    assert analyst.get("/api/v1/reports", params={"limit": 1000}).json() == []

    released = ru.post(f"/api/v1/restricted/{record['id']}/release")
    assert released.status_code == 201, released.text
    report = tr.get(f"/api/v1/reports/{released.json()['id']}").json()
    assert report["title"] == "Restricted: under investigation"
    assert body_sha256(report["body"]) == record["sha256"]  # the released record is the sealed one
    again = ru.post(f"/api/v1/restricted/{record['id']}/release")
    assert again.status_code == 409


def test_the_chair_merges_and_splits_and_nobody_else_may(api: Api, sample_report: dict) -> None:
    ru, chair = api.client("ru-officer"), api.client("chair")
    elsewhere = copy.deepcopy(sample_report)
    elsewhere["date"] = {"start": "2019-05-20", "end": "2019-05-20", "precision": 1}
    elsewhere["locations"] = [
        {"place": "Jarjanaz", "point": {"lat": "35.61823", "lon": "36.78281"}}
    ]
    first = ru.post("/api/v1/reports", json=sample_report).json()["id"]
    second = ru.post("/api/v1/reports", json=elsewhere).json()["id"]
    inc = [ru.get(f"/api/v1/reports/{r}").json()["incident_id"] for r in (first, second)]
    assert inc[0] != inc[1]
    body = {"incidents": inc, "text": "one event"}
    assert ru.post("/api/v1/incidents/merge", json=body).status_code == 403
    assert api.client("analyst").post("/api/v1/incidents/merge", json=body).status_code == 403
    merged = chair.post("/api/v1/incidents/merge", json=body)
    assert merged.status_code == 201, merged.text
    kept = merged.json()["incident"]
    entry = chair.get(f"/api/v1/ledger/entries/{merged.json()['index']}").json()
    assert entry["kind"] == "incident.merged" and entry["author"] == "center"
    assert {ru.get(f"/api/v1/reports/{r}").json()["incident_id"] for r in (first, second)} == {kept}
    split = {"reports": [second], "text": "two events after all"}
    assert ru.post(f"/api/v1/incidents/{kept}/split", json=split).status_code == 403
    done = chair.post(f"/api/v1/incidents/{kept}/split", json=split)
    assert done.status_code == 201, done.text
    assert ru.get(f"/api/v1/reports/{second}").json()["incident_id"] == done.json()["new"]
