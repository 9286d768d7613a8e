"""The evidence locker over HTTP against a real server: streamed uploads (raw and multipart),
what is learned from a photo, near-duplicates, visibility, and bad uploads storing nothing."""

from __future__ import annotations

import hashlib
import io
import socket
import time
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import photos
from conftest import Api


def _stored(api: Api) -> list[Path]:
    """Every file in the evidence store (the files, and anything left in tmp/)."""
    root = api.settings.evidence_dir
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _report(api: Api, sample_report: dict) -> str:
    resp = api.client("ru-officer").post("/api/v1/reports", json=sample_report)
    assert resp.status_code == 201, resp.text
    return str(resp.json()["id"])


def test_upload_learn_read_and_flag_the_copy(api: Api, sample_report: dict) -> None:
    rid = _report(api, sample_report)
    ru, tr = api.client("ru-officer"), api.client("tr-officer")
    photo = photos.jpeg(
        3, captured="2017:04:04 10:12:00", gps=(38.96, 35.24), device=("Canon", "EOS 80D")
    )
    resp = ru.post(
        "/api/v1/evidence",
        params={"report": rid, "filename": "crater.jpg"},
        content=photo,
        headers={"Content-Type": "image/jpeg"},
    )
    assert resp.status_code == 201, resp.text
    first = resp.json()
    sha = hashlib.sha256(photo).hexdigest()
    assert first["sha256"] == sha and first["media_type"] == "image/jpeg"
    assert first["size"] == len(photo) and first["author"] == "ru"
    assert first["captured"] == "2017-04-04T10:12:00" and first["device"] == "Canon EOS 80D"
    assert round(first["lat"], 2) == 38.96 and round(first["lon"], 2) == 35.24
    texts = [f["text"] for f in first["findings"]]
    assert "photo taken 2017-04-04, 2 years before the event (2019-03-12)" in texts
    assert any(
        t.startswith("photo taken 4") and "km from the claimed place (Morek)" in t for t in texts
    )

    assert tr.get(f"/api/v1/evidence/{sha}").content == photo
    thumb = tr.get(f"/api/v1/evidence/{sha}/thumbnail")
    assert thumb.status_code == 200 and thumb.content[:3] == b"\xff\xd8\xff"
    entry = tr.get(f"/api/v1/ledger/entries/{first['index']}").json()
    assert entry["kind"] == "evidence.added" and entry["body"]["sha256"] == sha

    # A re-encoded, resized copy, sent as a multipart form by another party.
    copy = photos.reencode(photo, scale=0.55, quality=65)
    resp = tr.post(
        "/api/v1/evidence",
        params={"report": rid},
        files={"file": ("copy.jpg", copy, "image/jpeg")},
    )
    assert resp.status_code == 201, resp.text
    second = resp.json()
    assert second["sha256"] == hashlib.sha256(copy).hexdigest() and second["author"] == "tr"
    dup = [f for f in second["findings"] if f["kind"] == "duplicate"]
    assert dup and dup[0]["other"] == first["id"], second["findings"]
    assert "already attached to this incident" in dup[0]["text"]

    listed = tr.get("/api/v1/evidence", params={"incident": second["incident_id"]}).json()
    assert [e["id"] for e in listed] == [first["id"], second["id"]]


def test_public_sees_evidence_only_when_its_incident_is_released(
    api: Api, sample_report: dict
) -> None:
    rid = _report(api, sample_report)
    ru, chair, public = api.client("ru-officer"), api.client("chair"), api.client()
    citizen = api.client("citizen")
    photo = photos.jpeg(5)
    sha = hashlib.sha256(photo).hexdigest()
    added = ru.post(
        "/api/v1/evidence", params={"report": rid, "filename": "a.jpg"}, content=photo
    ).json()
    incident = added["incident_id"]
    for reader in (public, citizen):
        assert reader.get(f"/api/v1/evidence/{sha}").status_code == 404
        assert reader.get(f"/api/v1/evidence/{sha}/thumbnail").status_code == 404
        assert reader.get("/api/v1/evidence", params={"incident": incident}).json() == []
    assert (
        citizen.post(
            "/api/v1/evidence", params={"report": rid, "filename": "b.jpg"}, content=photo
        ).status_code
        == 403
    )
    over = chair.post(
        f"/api/v1/incidents/{incident}/override", json={"reason": "urgent", "hours": 2}
    )
    assert over.status_code == 201, over.text
    for reader in (public, citizen):
        assert reader.get(f"/api/v1/evidence/{sha}").content == photo
        listed = reader.get("/api/v1/evidence", params={"incident": incident}).json()
        assert [e["id"] for e in listed] == [added["id"]]


def test_bad_uploads_get_one_clear_error_and_store_nothing(api: Api, sample_report: dict) -> None:
    rid = _report(api, sample_report)
    ru = api.client("ru-officer")
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.bin", b"\x00" * (20 << 20))
    cases = [
        ({"filename": "photo.jpg"}, pdf, "application/pdf", "photo.jpg"),
        ({"filename": "doc.pdf"}, pdf, "image/jpeg", "declared image/jpeg"),
        ({"filename": "bomb.zip"}, bomb.getvalue(), "application/zip", "ZIP archive"),
        ({"filename": "../etc/passwd.jpg"}, photos.jpeg(1), "image/jpeg", "contains a path"),
        ({"filename": "x.jpg"}, photos.jpeg(1)[:3000], "image/jpeg", "truncated"),
        ({}, photos.jpeg(1), "image/jpeg", "name the file"),
        ({"filename": "e.jpg", "report": "R-999"}, photos.jpeg(1), "image/jpeg", "no report"),
    ]
    for params, body, ctype, says in cases:
        resp = ru.post(
            "/api/v1/evidence",
            params={"report": rid, **params},
            content=body,
            headers={"Content-Type": ctype},
        )
        assert resp.status_code in (404, 413, 422), (params, resp.text)
        error = resp.json()
        assert says in error["message"] and "\n" not in error["message"], error
        assert _stored(api) == [], params
    entries = ru.get("/api/v1/ledger/entries", params={"start": 0, "limit": 1000}).json()
    assert "evidence.added" not in {e["kind"] for e in entries}


def _raw_request(api: Api, head: str, body: bytes, close_early: bool) -> bytes:
    url = urlsplit(api.base)
    with socket.create_connection((url.hostname, url.port), timeout=10) as s:
        s.sendall(head.encode() + body)
        if close_early:
            return b""
        s.shutdown(socket.SHUT_WR)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
        return out


def test_truncated_and_oversized_uploads_store_nothing(api: Api, sample_report: dict) -> None:
    rid = _report(api, sample_report)
    token = api.tokens["ru-officer"]
    photo = photos.jpeg(2, (1600, 1200))
    path = f"/api/v1/evidence?report={rid}&filename=cut.jpg"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: image/jpeg\r\nContent-Length: {len(photo)}\r\n\r\n"
    )
    _raw_request(api, head, photo[: len(photo) // 2], close_early=True)  # the client goes away
    over = head.replace(f"Content-Length: {len(photo)}", f"Content-Length: {5 << 30}")
    answer = _raw_request(api, over, b"", close_early=False)
    assert b" 413 " in answer.split(b"\r\n", 1)[0] and b"too_large" in answer, answer[:300]
    deadline = time.monotonic() + 10
    while _stored(api) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _stored(api) == []
    ok = api.client("ru-officer").post(
        "/api/v1/evidence", params={"report": rid, "filename": "whole.jpg"}, content=photo
    )
    assert ok.status_code == 201, ok.text


def test_a_documents_and_a_videos_details_are_in_the_api(
    api: Api, sample_report: dict, tmp_path: Path
) -> None:
    import shutil
    import subprocess

    import pytest

    from documents import pdf

    if shutil.which("pdfinfo") is None or shutil.which("ffmpeg") is None:
        pytest.skip("pdfinfo or ffmpeg is not installed (.ci/run installs both)")
    rid = _report(api, sample_report)
    ru = api.client("ru-officer")
    doc = pdf({"Title": "Statement", "ModDate": "D:20190313120000Z"}, pages=2)
    for n, seed in enumerate((30, 21)):
        photos.draw(seed, (160, 120)).save(tmp_path / f"f{n}.png")
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-framerate", "1",
         "-i", str(tmp_path / "f%d.png"), "-c:v", "libx264", "-g", "1",
         "-pix_fmt", "yuv420p", str(tmp_path / "clip.mp4")],
        check=True, timeout=60,
    )  # fmt: skip
    for name, body, kind in (
        ("statement.pdf", doc, "application/pdf"),
        ("clip.mp4", (tmp_path / "clip.mp4").read_bytes(), "video/mp4"),
    ):
        resp = ru.post(
            "/api/v1/evidence",
            params={"report": rid, "filename": name},
            content=body,
            headers={"Content-Type": kind},
        )
        assert resp.status_code == 201, resp.text
    listed = api.client("tr-officer").get("/api/v1/evidence", params={"report": rid}).json()
    document, video = listed
    assert document["pages"] == 2 and document["keyframes"] == []
    assert document["document"] == {"title": "Statement", "modified": "2019-03-13T12:00:00"}
    assert document["findings"] == [] and document["c2pa"] is None
    assert len(video["keyframes"]) == 2 and video["pages"] is None
    entry = ru.get(f"/api/v1/ledger/entries/{video['entry_index']}").json()
    assert entry["body"]["keyframes"] == video["keyframes"]
