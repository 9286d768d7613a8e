"""Golden outputs of every export for the fixed sample scenario, and the docs samples.

``python -m truce.report.golden`` rebuilds the sample ledger (:mod:`truce.report.sample`) in a
temporary directory, writes each format's export to ``tests/data/exports/`` and refreshes the
samples in ``docs/exports.md`` (between ``<!-- sample:NAME -->`` and ``<!-- /sample -->``).
The tests compare against these files; review the diff (``git diff tests/data/exports``) and
commit it when an output changes on purpose.
"""

from __future__ import annotations

import io
import json
import re
import sys
import tempfile
from datetime import date
from pathlib import Path

from truce.config import Settings
from truce.node import Node
from truce.report.exchange import run_export
from truce.report.registry import available_formats
from truce.report.sample import SAMPLE_DATE, build_sample
from truce.report.situation import build_situation

__all__ = ["golden_outputs", "main"]

REPO = Path(__file__).resolve().parents[3]
GOLDEN_DIR = REPO / "tests" / "data" / "exports"
DOCS = REPO / "docs" / "exports.md"
SAMPLE_LINES = 6


def _file_name(name: str, extension: str) -> str:
    return f"{name}.{extension}"


def golden_outputs(node: Node) -> dict[str, str]:
    """File name -> content, for every built-in export format and the daily figures."""
    out: dict[str, str] = {}
    for fmt in available_formats(exports=True):
        if fmt.name not in (
            "acled",
            "geojson",
            "hxl",
            "cot",
            "plover",
            "ucdp",
            "kml",
            "sites",
            "sites-hxl",
            "zones",
        ):
            continue  # a plugin's format has its own tests
        buffer = io.StringIO()
        run_export(node, fmt.name, buffer)
        out[_file_name(fmt.name, fmt.extension)] = buffer.getvalue()
    rep = build_situation(node, "daily", on=date.fromisoformat(SAMPLE_DATE))
    f = rep.figures
    figures = {
        "title": rep.title,
        "ledger": {"size": rep.state.size, "root": rep.state.root_b64},
        "incidents": [e.id for e in rep.events],
        "reports": f.reports,
        "by_grade": dict(sorted(f.by_grade.items())),
        "killed": str(f.killed),
        "civilians_killed": str(f.civilians_killed),
        "injured": str(f.injured),
        "responses": f.responses,
        "violations": f.violations,
        "patrols": f.patrols,
    }
    out["daily-figures.json"] = json.dumps(figures, indent=1, ensure_ascii=False) + "\n"
    return out


def _update_docs(outputs: dict[str, str]) -> None:
    if not DOCS.exists():
        return
    text = DOCS.read_text(encoding="utf-8")

    def sample(match: re.Match[str]) -> str:
        name = match.group(1)
        content = outputs.get(name)
        if content is None:
            return match.group(0)
        lines = content.splitlines()
        head = "\n".join(line[:400] for line in lines[:SAMPLE_LINES])
        more = f"\n… ({len(lines) - SAMPLE_LINES} more lines)" if len(lines) > SAMPLE_LINES else ""
        return f"<!-- sample:{name} -->\n```\n{head}{more}\n```\n<!-- /sample -->"

    text = re.sub(r"<!-- sample:(\S+) -->.*?<!-- /sample -->", sample, text, flags=re.S)
    DOCS.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    with (
        tempfile.TemporaryDirectory(prefix="truce-golden-") as tmp,
        build_sample(Settings(home=Path(tmp) / "home")) as node,
    ):
        outputs = golden_outputs(node)
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    for name, content in outputs.items():
        (GOLDEN_DIR / name).write_text(content, encoding="utf-8")
    _update_docs(outputs)
    print(f"wrote {len(outputs)} golden files to {GOLDEN_DIR} and refreshed {DOCS.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
