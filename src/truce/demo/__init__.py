"""The demo scenario: three parties, illustrative reports, and whatever later capabilities add.

Every report here was written for truce and is marked illustrative; none is a real event.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from truce.config import Settings
from truce.errors import ConfigError
from truce.model import PartyKind, Report
from truce.node import Node

__all__ = ["DEMO_MARKER", "PARTIES", "DemoSummary", "build_demo", "is_demo"]

DEMO_MARKER = ".truce-demo"

PARTIES: tuple[tuple[str, str, PartyKind], ...] = (
    ("ru", "Russian Federation", PartyKind.PARTY),
    ("tr", "Republic of Türkiye", PartyKind.PARTY),
    ("monitors", "Joint center monitors", PartyKind.MONITOR),
)


@dataclass
class DemoSummary:
    home: str
    parties: list[str] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def is_demo(home: Path) -> bool:
    """Whether ``home`` is a data directory ``truce demo`` made (it holds the marker file)."""
    return (home / DEMO_MARKER).exists()


def _fresh_home(settings: Settings, *, force: bool) -> None:
    home = settings.home
    if home.exists() and any(home.iterdir()):
        if not is_demo(home):
            raise ConfigError(
                f"{home} holds data that is not a demo; the demo will not overwrite it",
                hint="Choose another directory with --home (or TRUCE_HOME).",
            )
        if not force:
            raise ConfigError(
                f"{home} already holds a demo; 'truce demo' replaces it only with --force",
                hint="Pass --force to rebuild it, --reuse to serve it as it is, or choose "
                "another directory with --home.",
            )
        shutil.rmtree(home)
    home.mkdir(parents=True, exist_ok=True)
    (home / DEMO_MARKER).write_text("created by 'truce demo'; safe to delete\n", encoding="utf-8")


def build_demo(settings: Settings, *, force: bool = False) -> DemoSummary:
    """Create a fresh demo data directory and fill it; returns what was created.

    An existing demo directory is replaced only with ``force``; a directory holding other data
    never is."""
    _fresh_home(settings, force=force)
    summary = DemoSummary(home=str(settings.home))
    with Node.init(settings) as node:
        for party_id, name, kind in PARTIES:
            node.add_party(party_id, name, kind)
            summary.parties.append(f"{party_id} ({name})")
        data = json.loads(resources.files(__package__).joinpath("reports.json").read_text("utf-8"))
        for item in data:
            rid = node.file_report(item["author"], Report.model_validate(item["report"]))
            summary.reports.append(f"{rid} by {item['author']}: {item['report']['title']}")
        from truce.agreement.demo import build_agreement_demo

        summary.lines.extend(build_agreement_demo(node, settings.home))
        # After the agreement: its sites (Hmeimim Air Base) feed the gazetteer ingestion uses.
        from truce.ingest.demo import ingest_sample

        summary.reports.extend(ingest_sample(node))
        from truce.access.demo import add_demo_users

        host = "127.0.0.1" if settings.host in ("0.0.0.0", "", "::") else settings.host
        url = f"http://{host}:{settings.port}/"
        summary.lines.extend(add_demo_users(node, url=url))
        from truce.assess.demo import build_assess_demo

        summary.lines.extend(build_assess_demo(node, settings.home))
        from truce.ledger.mirror_demo import build_mirror_demo

        summary.lines.extend(build_mirror_demo(node.ledger, settings.home))
        summary.lines.append(f"ledger: {node.ledger.size} entries, checkpoint below")
        summary.lines.append(node.ledger.checkpoint().rstrip("\n"))
    return summary
