"""Release after the fact (issue 23, item 9): a withhold after publication unpublishes, and the
chair's time-limited override cannot be renewed to keep an incident public alone.

Before the fix a party's withhold after a publication on sign-offs changed nothing (the incident
stayed public without the quorum it was published on), and the chair could renew a 72-hour
override as often as it liked.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from truce.model.access import Publication, PublicationBasis


def an_incident(api: Any, sample_report: dict, day: str) -> str:
    ru = api.client("ru-officer")
    sample_report["date"] = {"start": day, "end": day, "precision": 1}
    made = ru.post("/api/v1/reports", json=sample_report)
    assert made.status_code == 201, made.text
    return str(ru.get(f"/api/v1/reports/{made.json()['id']}").json()["incident_id"])


def public_ids(api: Any) -> list[str]:
    return [i["id"] for i in api.client().get("/api/v1/incidents").json()]


def test_a_withhold_after_publication_unpublishes(shared_api: Any, sample_report: dict) -> None:
    api = shared_api
    inc = an_incident(api, sample_report, "2019-04-02")
    ru, tr, chair = api.client("ru-officer"), api.client("tr-officer"), api.client("chair")
    for officer in (ru, tr):
        ok = officer.post(f"/api/v1/incidents/{inc}/signoff", json={"decision": "approve"})
        assert ok.status_code == 201, ok.text
    assert chair.post(f"/api/v1/incidents/{inc}/publish").status_code == 201
    assert inc in public_ids(api)

    withheld = tr.post(
        f"/api/v1/incidents/{inc}/signoff", json={"decision": "withhold", "note": "new facts"}
    )
    assert withheld.status_code == 201, withheld.text
    assert inc not in public_ids(api)
    assert api.client().get(f"/api/v1/incidents/{inc}").status_code == 404
    seen = chair.get(f"/api/v1/incidents/{inc}").json()
    assert seen["public"] is False
    assert seen["publication"]["basis"] == "withdrawn"
    assert seen["publication"]["reason"] == f"withheld by tr in entry {withheld.json()['index']}"
    # Publishing again needs tr's approval again.
    assert chair.post(f"/api/v1/incidents/{inc}/publish").status_code == 409
    tr.post(f"/api/v1/incidents/{inc}/signoff", json={"decision": "approve"})
    assert chair.post(f"/api/v1/incidents/{inc}/publish").status_code == 201
    assert inc in public_ids(api)


def test_an_override_cannot_be_renewed(shared_api: Any, sample_report: dict) -> None:
    api = shared_api
    inc = an_incident(api, sample_report, "2019-04-09")
    chair = api.client("chair")
    first = chair.post(f"/api/v1/incidents/{inc}/override", json={"reason": "risk", "hours": 1})
    assert first.status_code == 201, first.text
    until = chair.get(f"/api/v1/incidents/{inc}").json()["publication"]["until"]
    start = api.node.ledger.size
    again = chair.post(f"/api/v1/incidents/{inc}/override", json={"reason": "more", "hours": 72})
    assert again.status_code == 409, again.text
    assert "not renewable" in again.json()["message"]
    assert api.node.ledger.size == start
    # An override entry appended past the API (a client-signed entry, a script) is ignored
    # by the projection: the first override and its expiry stand.
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(days=300)
    renewal = Publication(
        incident=inc, basis=PublicationBasis.OVERRIDE, reason="forever", until=later
    )
    api.app_services().sequencer.submit("center", "incident.published", renewal).result()
    shown = chair.get(f"/api/v1/incidents/{inc}").json()["publication"]
    assert shown["until"] == until
    assert shown["reason"] == "risk"
