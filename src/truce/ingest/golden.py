"""The golden-file suite for ingestion: documents in ``tests/data/ingest/docs`` and the JSON each
must produce in ``tests/data/ingest/expected`` (document and claims, as ``truce ingest --json
--dry-run`` prints them).

    python -m truce.ingest.golden            # compare; exit 1 and show a diff on any change
    python -m truce.ingest.golden --update   # regenerate the expected files (then read them!)

The documents were written for truce, each around one trap (a misleading header date, a caption
about another event, conflicting casualty figures, several incidents in one article, plans
versus events, a quoted denial, comment threads in HTML and text, weekdays, Arabic spellings,
non-UTF-8 bytes...). Each is read with no options: dates come from the documents themselves.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path
from typing import Any

from truce.ingest.claims import extract_claims
from truce.ingest.pipeline import Options, read_document

__all__ = ["DEFAULT_ROOT", "compare", "render"]

DEFAULT_ROOT = Path(__file__).resolve().parents[3] / "tests" / "data" / "ingest"


def render(path: Path, gazetteer: Any = "default") -> str:
    """The expected JSON text for one document."""
    doc = read_document(path.read_bytes(), path.name, Options())
    claims = extract_claims(doc, gazetteer=gazetteer)
    data = {**doc.to_json(), "claims": [c.to_json(doc.outlet) for c in claims]}
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def documents(root: Path = DEFAULT_ROOT) -> list[Path]:
    return sorted(
        p for p in (root / "docs").iterdir() if p.is_file() and not p.name.startswith(".")
    )


def expected_path(doc: Path, root: Path = DEFAULT_ROOT) -> Path:
    return root / "expected" / f"{doc.name}.json"


def compare(doc: Path, root: Path = DEFAULT_ROOT) -> str:
    """'' when ``doc`` gives its expected JSON, else a unified diff."""
    want_path = expected_path(doc, root)
    want = want_path.read_text("utf-8") if want_path.exists() else ""
    got = render(doc)
    if got == want:
        return ""
    return "".join(
        difflib.unified_diff(
            want.splitlines(True), got.splitlines(True), str(want_path), f"{doc.name} (now)"
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m truce.ingest.golden")
    parser.add_argument("--update", action="store_true", help="rewrite the expected files")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    args = parser.parse_args(argv)
    failed = 0
    for doc in documents(args.root):
        if args.update:
            out = expected_path(doc, args.root)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(render(doc), "utf-8")
            continue
        diff = compare(doc, args.root)
        if diff:
            failed += 1
            sys.stdout.write(diff)
    if args.update:
        print(f"wrote {len(documents(args.root))} expected files", file=sys.stderr)
    elif failed:
        print(f"{failed} golden file(s) differ; rerun with --update if the change is right",
              file=sys.stderr)  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
