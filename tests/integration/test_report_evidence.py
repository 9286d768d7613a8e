"""The daily report lists the files attached during its period, from the ledger state it
cites: id, media type, what it is attached to, findings; an earlier checkpoint size lists only
what was attached by then."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import photos
from documents import pdf
from truce.config import Settings
from truce.evidence.actions import add
from truce.evidence.queries import one
from truce.model import Report
from truce.node import Node
from truce.report import build_situation, render_html


def test_daily_report_lists_new_evidence(tmp_path: Path, sample_report: dict) -> None:
    (tmp_path / "crater.jpg").write_bytes(
        photos.jpeg(5, captured="2017:04:04 10:00:00", gps=(35.376, 36.69))
    )
    # A sound PDF (a bare header is now read, and its damage would be a finding).
    (tmp_path / "list.pdf").write_bytes(pdf({"Title": "Casualty list"}))
    with Node.init(Settings(home=tmp_path / "home")) as node:
        node.add_party("ru", "Russian Federation")
        rid = node.file_report("ru", Report.model_validate(sample_report))
        photo = add(node, tmp_path / "crater.jpg", "ru", report=rid)
        size_then = node.ledger.size
        with node.store.engine.connect() as conn:
            row = one(conn, photo.id)
        incident = row["incident_id"]
        doc = add(node, tmp_path / "list.pdf", "ru", incident=incident)
        day = date.fromisoformat(row["added_at"][:10])

        rep = build_situation(node, "daily", on=day)
        got = [
            (r["id"], r["media_type"], r["report_id"] or r["incident_id"], len(r["findings"]))
            for r in rep.new_evidence
        ]
        assert got[0][:3] == (photo.id, "image/jpeg", rid)
        assert got[0][3] >= 1  # the photo is two years older than the event
        assert got[1] == (doc.id, "application/pdf", incident, 0)
        html = render_html(rep)
        section = html.split("<h2>New evidence (2)</h2>", 1)[1].split("</section>", 1)[0]
        assert f"<td>{photo.id}</td>" in section and f"<td>{doc.id}</td>" in section
        assert f"{rid} (incident {incident})" in section
        assert "photo taken 2017-04-04, 2 years before the event" in section
        assert f"size {node.ledger.size}" in section

        earlier = build_situation(node, "daily", on=day, size=size_then)
        assert [r["id"] for r in earlier.new_evidence] == [photo.id]
        assert "<h2>New evidence (1)</h2>" in render_html(earlier)

        before = build_situation(node, "daily", on=day - timedelta(days=1))
        assert before.new_evidence == []
        assert "None attached during the period." in render_html(before)
