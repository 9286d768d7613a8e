"""The review queue over HTTP (issue 15): members read it; the chair and the monitors decide,
for their own party, and the decision names the signed-in user."""

from __future__ import annotations

from conftest import Api

TEXT = b"Artillery shells hit Saraqib on March 13, killing three people, activists said."


def test_queue_decide_and_history_over_http(api: Api) -> None:
    monitor, chair = api.client("monitor"), api.client("chair")
    ru, analyst, public = api.client("ru-officer"), api.client("analyst"), api.client("citizen")
    resp = monitor.post("/api/v1/ingest", params={"name": "doc.txt"}, content=TEXT)
    assert resp.status_code == 201, resp.text
    outcome = resp.json()
    assert outcome["reports"] == [] and len(outcome["queued"]) == 1
    (claim,) = outcome["claims"]
    cid = outcome["queued"][0]
    assert claim["outcome"]["status"] == "queued" and claim["outcome"]["id"] == cid
    assert "year of 'March 13' unknown" in claim["outcome"]["needs"][0]["reason"]

    assert api.client().get("/api/v1/review/claims").status_code == 401
    assert public.get("/api/v1/review/claims").status_code == 403
    (row,) = analyst.get("/api/v1/review/claims").json()
    assert row["id"] == cid and row["needs"][0]["field"] == "date"
    shown = ru.get(f"/api/v1/review/claims/{cid}").json()
    a, b = shown["claim"]["highlights"][0]
    assert shown["claim"]["context"][a:b].startswith("Artillery shells hit Saraqib")
    assert ru.get("/api/v1/review/claims/C-x").status_code == 422
    assert ru.get("/api/v1/review/claims/C-99999").status_code == 404

    for who in (ru, analyst, public):  # officers, analysts and the public do not decide
        refused = who.post(f"/api/v1/review/claims/{cid}/accept", json={"date": "2019-03-13"})
        assert refused.status_code in (401, 403), refused.text
    missing = chair.post(f"/api/v1/review/claims/{cid}/accept", json={})
    assert missing.status_code == 422 and missing.json()["field"] == "date"
    assert chair.post(f"/api/v1/review/claims/{cid}/accept", json={"x": 1}).status_code == 422
    done = chair.post(f"/api/v1/review/claims/{cid}/accept", json={"date": "2019-03-13"})
    assert done.status_code == 201, done.text
    result = done.json()
    assert result["changes"] == [{"field": "date", "after": "2019-03-13"}]
    report = ru.get(f"/api/v1/reports/{result['report']}").json()
    assert report["author"] == "osint" and report["incident_id"]
    again = monitor.post(f"/api/v1/review/claims/{cid}/reject", json={"reason": "no"})
    assert again.status_code == 409
    seen = ru.get("/api/v1/review/history", params={"report": [result["report"], "R-0"]}).json()
    assert list(seen) == [result["report"]]
    assert seen[result["report"]]["decided_by"] == "chair"
    assert seen[result["report"]]["decided_party"] == "center"
    (decided,) = analyst.get("/api/v1/review/claims", params={"status": "accepted"}).json()
    assert decided["report_id"] == result["report"]
