"""The access-control matrix (issue 22): every entry kind × every role, each attempt to author an
entry for another party refused with 403 and nothing written (the ledger's size is read before
and after); a body acting for another party (a patrol planned for the other party only, a track
of the other party's unit, a grant for another party's user, a task an officer assigns to or
closes for the other party, a comment as the other party) refused by every path that writes;
the public reads a published incident on every route that lists it.

One real server (uvicorn on loopback) over a real SQLite file serves the whole module: the
attempts write nothing, which is what each test checks.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import USERS, Api, Server, make_node
from truce.access.accounts import SigninPolicy
from truce.capabilities import CAPABILITIES
from truce.config import Settings
from truce.ledger.entry import Entry
from truce.model.kinds import KINDS
from truce.web.app import create_app

OWN = {user: party for user, (_role, party) in USERS.items()}
#: The party each user tries to act for: never their own.
OTHER = {user: "tr" if party == "ru" else "ru" for user, party in OWN.items()}

PLAN = {
    "id": "jp-x",
    "name": "A patrol",
    "route_wkt": "LINESTRING (36.60 35.40, 36.70 35.45)",
    "start": "2020-03-15T08:00:00Z",
    "end": "2020-03-15T12:00:00Z",
    "parties": ["tr"],
}


@pytest.fixture(scope="module")
def matrix_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    tmp: Path = tmp_path_factory.mktemp("matrix")
    settings = Settings(home=tmp / "home", database_url=f"sqlite:///{tmp / 'p.db'}")
    node, accounts = make_node(settings)
    app = create_app(settings, node=node, signin=SigninPolicy(free_failures=3, base_delay_s=2.0))
    server = Server(app)
    api = Api(server.base, node, app.state.services.accounts, settings, app)
    for username in USERS:
        api.tokens[username] = accounts.create_token(username, "tests")[0]
    try:
        yield api
    finally:
        for c in api.clients:
            c.close()
        server.stop()


def _all_kinds() -> list[str]:
    for capability in CAPABILITIES:  # every capability registers its kinds when loaded
        for module in capability.projections:
            __import__(module)
    return sorted(KINDS)


def _signed(api: Api, author: str, kind: str, body: dict[str, Any]) -> dict[str, Any]:
    seq, prev = api.node.ledger.next_position(author)
    entry = Entry.sign(
        api.node.signing_key(author),
        origin=api.node.ledger.origin,
        kind=kind,
        author=author,
        seq=seq,
        prev=prev,
        body=body,
        mode="client",
    )
    return {"entries": [base64.b64encode(entry.leaf).decode()]}


def _refused(api: Api, resp: httpx.Response, size: int) -> None:
    assert resp.status_code == 403, resp.text
    assert resp.json()["code"] == "forbidden", resp.text
    assert api.node.ledger.size == size, "a refused attempt wrote to the ledger"


@pytest.mark.parametrize("user", sorted(USERS))
@pytest.mark.parametrize("kind", _all_kinds())
def test_no_role_authors_any_kind_for_another_party(matrix_api: Api, kind: str, user: str) -> None:
    api = matrix_api
    body = {"incident": "I-1", "decision": "approve"} if kind == "incident.signoff" else {}
    size = api.node.ledger.size
    resp = api.client(user).post(
        "/api/v1/ledger/entries", json=_signed(api, OTHER[user], kind, body)
    )
    _refused(api, resp, size)
    # Kept as a draft for the other party: refused too, and no draft is made.
    resp = api.client(user).post(
        "/api/v1/drafts", params={"party": OTHER[user]}, json={"kind": kind, "body": body}
    )
    _refused(api, resp, size)


CUSTODIAL_ROUTES = [
    ("/api/v1/reports", "report"),
    ("/api/v1/zones", "zone"),
    ("/api/v1/sites", "site"),
    ("/api/v1/map/patrols", "plan"),
    ("/api/v1/restricted", "restricted"),
]


@pytest.mark.parametrize("user", sorted(USERS))
@pytest.mark.parametrize(("path", "what"), CUSTODIAL_ROUTES)
def test_no_role_files_custodially_for_another_party(
    matrix_api: Api, sample_report: dict, user: str, path: str, what: str
) -> None:
    api = matrix_api
    body = {
        "report": sample_report,
        "zone": {
            "id": "z-x",
            "name": "X",
            "kind": "sector",
            "wkt": "POLYGON ((36.6 35.4, 36.7 35.4, 36.7 35.5, 36.6 35.4))",
        },
        "site": {"id": "s-x", "name": "X", "kind": "school", "lat": 35.4, "lon": 36.6},
        "plan": {**PLAN, "parties": ["ru", "tr"]},
        "restricted": {"kind": "report.filed", "body": sample_report},
    }[what]
    size = api.node.ledger.size
    resp = api.client(user).post(path, params={"party": OTHER[user]}, json=body)
    _refused(api, resp, size)


@pytest.mark.parametrize("path", ["map", "client", "draft"])
def test_an_officer_plans_no_patrol_for_the_other_party_only(matrix_api: Api, path: str) -> None:
    api = matrix_api
    ru = api.client("ru-officer")
    size = api.node.ledger.size
    if path == "map":
        resp = ru.post("/api/v1/map/patrols", json=PLAN)
    elif path == "client":
        from truce.model.patrol import PatrolPlan

        body = PatrolPlan.model_validate(PLAN).to_body()
        resp = ru.post("/api/v1/ledger/entries", json=_signed(api, "ru", "patrol.planned", body))
    else:
        resp = ru.post("/api/v1/drafts", json={"kind": "patrol.planned", "body": PLAN})
    _refused(api, resp, size)
    assert "tr only" in resp.json()["message"]
    assert ru.get("/api/v1/drafts").json() == []


def test_a_joint_patrol_including_the_officer_is_accepted(matrix_api: Api) -> None:
    api = matrix_api
    size = api.node.ledger.size
    resp = api.client("ru-officer").post(
        "/api/v1/map/patrols", json={**PLAN, "id": "jp-joint", "parties": ["ru", "tr"]}
    )
    assert resp.status_code == 201, resp.text
    assert api.node.ledger.size == size + 1
    # The center's monitors coordinate joint patrols: they plan for the parties.
    resp = api.client("monitor").post("/api/v1/map/patrols", json={**PLAN, "id": "jp-m"})
    assert resp.status_code == 201, resp.text


def test_an_officer_records_no_track_for_the_other_partys_unit(matrix_api: Api) -> None:
    api = matrix_api
    track = {
        "patrol": "jp-x",
        "party": "tr",
        "start": "2020-03-15T08:00:00Z",
        "points": [[0, 35.40, 36.60], [3600, 35.45, 36.70]],
    }
    from truce.model.patrol import PatrolTrack

    body = PatrolTrack.model_validate(track).to_body()
    size = api.node.ledger.size
    resp = api.client("ru-officer").post(
        "/api/v1/ledger/entries", json=_signed(api, "ru", "patrol.tracked", body)
    )
    _refused(api, resp, size)


TASK = {"party": "tr", "title": "patrol to verify"}


@pytest.mark.parametrize("path", ["route", "client", "draft"])
def test_an_officer_assigns_no_task_to_the_other_party(matrix_api: Api, path: str) -> None:
    api = matrix_api
    ru = api.client("ru-officer")
    size = api.node.ledger.size
    if path == "route":
        resp = ru.post("/api/v1/tasks", json=TASK)
    elif path == "client":
        resp = ru.post("/api/v1/ledger/entries", json=_signed(api, "ru", "task.assigned", TASK))
    else:
        resp = ru.post("/api/v1/drafts", json={"kind": "task.assigned", "body": TASK})
    _refused(api, resp, size)
    assert "may name only 'ru'" in resp.json()["message"]
    assert ru.get("/api/v1/drafts").json() == []


def test_a_party_comments_and_closes_its_tasks_only_as_itself(
    matrix_api: Api, sample_report: dict
) -> None:
    api = matrix_api
    ru, tr, monitor = api.client("ru-officer"), api.client("tr-officer"), api.client("monitor")
    resp = monitor.post("/api/v1/tasks", json=TASK)  # the center assigns to any party
    assert resp.status_code == 201, resp.text
    task = resp.json()["id"]
    incident = (
        api.client("chair")
        .get(f"/api/v1/reports/{ru.post('/api/v1/reports', json=sample_report).json()['id']}")
        .json()["incident_id"]
    )
    size = api.node.ledger.size
    done = {"task": task, "party": "tr", "status": "done"}
    _refused(api, ru.post(f"/api/v1/tasks/{task}/status", json={"status": "done"}), size)
    _refused(
        api, ru.post("/api/v1/ledger/entries", json=_signed(api, "ru", "task.updated", done)), size
    )
    comment = {"text": "as the other party"}
    for party_only in (False, True):
        resp = ru.post(
            f"/api/v1/incidents/{incident}/comments",
            params={"party": "tr"},
            json={**comment, "party_only": party_only},
        )
        _refused(api, resp, size)
    resp = api.client("citizen").post(f"/api/v1/incidents/{incident}/comments", json=comment)
    _refused(api, resp, size)
    resp = tr.post(f"/api/v1/tasks/{task}/status", json={"status": "done"})
    assert resp.status_code == 201, resp.text
    resp = tr.post(f"/api/v1/incidents/{incident}/comments", json={"text": "as ourselves"})
    assert resp.status_code == 201, resp.text
    assert api.node.ledger.size == size + 2


def test_the_public_reads_every_published_incident_it_is_listed(
    matrix_api: Api, sample_report: dict
) -> None:
    api = matrix_api
    ru, chair = api.client("ru-officer"), api.client("chair")
    published = chair.get(
        f"/api/v1/reports/{ru.post('/api/v1/reports', json=sample_report).json()['id']}"
    ).json()["incident_id"]
    hidden_report = {**sample_report, "date": {"start": "2019-05-01", "precision": 1}}
    hidden = chair.get(
        f"/api/v1/reports/{ru.post('/api/v1/reports', json=hidden_report).json()['id']}"
    ).json()["incident_id"]
    assert hidden != published
    resp = chair.post(
        f"/api/v1/incidents/{published}/override", json={"reason": "a test", "hours": 1}
    )
    assert resp.status_code == 201, resp.text
    for public in (api.client("citizen"), api.client()):
        listed = {i["id"] for i in public.get("/api/v1/incidents").json()}
        on_map = public.get("/api/v1/map/incidents").json()["id"]
        assert published in listed and published in on_map
        assert hidden not in listed and hidden not in on_map
        for incident in listed | set(on_map):  # list and page agree
            page = public.get(f"/api/v1/map/incidents/{incident}")
            assert page.status_code == 200, page.text
            assert page.json()["incident"]["id"] == incident
            assert page.json()["reports"] == []  # the parties' reports stay the members'
            assert public.get(f"/api/v1/incidents/{incident}").status_code == 200
        assert public.get(f"/api/v1/map/incidents/{hidden}").status_code == 404
        assert public.get(f"/api/v1/incidents/{hidden}").status_code == 404
    member = chair.get(f"/api/v1/map/incidents/{published}").json()
    assert member["reports"], "members still read the reports"


@pytest.mark.parametrize("user", sorted(USERS))
def test_the_server_says_which_pages_a_role_may_use_and_refuses_the_others(
    matrix_api: Api, user: str
) -> None:
    client = matrix_api.client(user)
    pages = set(client.get("/api/v1/me").json()["may"]["pages"])
    assert {"map", "incident"} <= pages
    role = USERS[user][0]
    ingest = client.post("/api/v1/ingest", params={"name": "x.txt"}, content=b"x")
    assert ("ingest" in pages) == (role in ("monitor", "chair"))
    if "ingest" not in pages:
        assert ingest.status_code == 403, ingest.text
    review = client.get("/api/v1/review/claims")
    if "review" not in pages:
        assert review.status_code == 403, review.text
    merge = client.post("/api/v1/incidents/merge", json={"incidents": ["I-1", "I-2"]})
    assert ("console" in pages) == (role == "chair")
    if "console" not in pages:
        assert merge.status_code == 403, merge.text
