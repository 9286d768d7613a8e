"""The proof bundle of an attachment over HTTP: it proves the uploaded file (a copy verifies
offline, an altered copy is refused), and it is visible exactly as the attachment is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import photos
from conftest import Api
from truce.errors import ProofError
from truce.evidence.proof import verify_copy


def test_bundle_proves_the_upload_and_follows_visibility(
    api: Api, sample_report: dict, tmp_path: Path
) -> None:
    ru, chair, public = api.client("ru-officer"), api.client("chair"), api.client()
    rid = ru.post("/api/v1/reports", json=sample_report).json()["id"]
    photo = photos.jpeg(8, gps=(35.38, 36.69))
    added = ru.post(
        "/api/v1/evidence", params={"report": rid, "filename": "a.jpg"}, content=photo
    ).json()
    url = f"/api/v1/evidence/{added['sha256']}/bundle/{added['id']}"

    resp = ru.get(url)
    assert resp.status_code == 200, resp.text
    assert f'filename="{added["id"]}.json"' in resp.headers["content-disposition"]
    (tmp_path / "copy.jpg").write_bytes(photo)
    ok = verify_copy(json.loads(resp.text), tmp_path / "copy.jpg")
    assert (ok.id, ok.sha256, ok.target) == (added["id"], added["sha256"], rid)
    edited = bytearray(photo)
    edited[len(edited) // 2] ^= 0x10
    (tmp_path / "edited.jpg").write_bytes(bytes(edited))
    with pytest.raises(ProofError, match=r"edited\.jpg is not the file of .*its SHA-256 is"):
        verify_copy(json.loads(resp.text), tmp_path / "edited.jpg")

    assert ru.get(f"/api/v1/evidence/{added['sha256']}/bundle/E-1").status_code == 404
    assert public.get(url).status_code == 404  # its incident is not published
    over = chair.post(
        f"/api/v1/incidents/{added['incident_id']}/override", json={"reason": "urgent", "hours": 2}
    )
    assert over.status_code == 201, over.text
    assert public.get(url).status_code == 200
