"""JSON Schemas generated from the model: the contract for report files.

``python -m truce.model.schema`` rewrites ``docs/report.schema.json``; a test fails if the
committed file differs from what the model generates.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from truce.model.report import Report

__all__ = ["report_schema", "schema_text"]

SCHEMA_ID = "https://truce.invalid/schemas/report.schema.json"


def report_schema() -> dict[str, Any]:
    schema = Report.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "truce report file",
        **schema,
    }


def schema_text() -> str:
    return json.dumps(report_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path("docs/report.schema.json")
    target.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
