"""Check the real development set's texts against their labels; say how to get missing ones back.

The labels (``benchmarks/realdata/en/<half>.json``, committed) record for every article its id,
URL, the SHA-256 of the excerpt text and the search query that found it. The texts themselves are
third-party sentences and are never committed: they live in the git-ignored folder
``benchmarks/realdata/texts/en/<id>.txt`` (UTF-8, ``\\n`` line ends, exactly as the search tool
returned the excerpt, no trailing newline added), or the folders ``TRUCE_REALDATA_TEXTS`` names
(joined with ``os.pathsep``).

``python -m benchmarks.realdata.restore`` checks every text and, for a missing or changed one,
prints its id, URL and query: this machine has no web access, so the way back is the stored copy,
the ``pages`` corpus of the search tool. Run the query there, take the result whose ``url`` is the
label's, and either save its ``excerpt`` as the text, or save the whole JSON answer of the search
to a file and let this script take what matches::

    python -m benchmarks.realdata.restore --import answer.json

``--import`` writes a text only when its SHA-256 is the label's, so it can never put a different
text under a label. Exit status: 0 when every text is present and matches, 1 otherwise (2 for
unreadable labels).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "LABELS_DIR",
    "TEXTS_DIR",
    "TEXTS_DIRS",
    "Check",
    "check",
    "import_answer",
    "load_labels",
    "main",
    "text_path",
]

HERE = Path(__file__).resolve().parent
LABELS_DIR = HERE / "en"
#: The texts' folders, searched in order: TRUCE_REALDATA_TEXTS (one folder, or several joined
#: with os.pathsep: both halves' checkouts, say), else this checkout's git-ignored folder.
#: ``--import`` writes into the first.
TEXTS_DIRS = [
    Path(p) for p in (os.environ.get("TRUCE_REALDATA_TEXTS") or "").split(os.pathsep) if p
] or [HERE / "texts" / "en"]
TEXTS_DIR = TEXTS_DIRS[0]
HALVES = {"a": "dev", "b": "heldout"}


class LabelsError(Exception):
    """A labels file cannot be read or is not in the shared format."""


def load_labels(path: Path) -> list[dict[str, Any]]:
    """The label records of one half; a clear one-line error when the file is not usable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LabelsError(f"{path}: cannot read the labels ({exc})") from exc
    if not isinstance(data, list):
        raise LabelsError(f"{path}: the labels must be a JSON list of article records")
    for n, rec in enumerate(data):
        missing = [
            k for k in ("id", "url", "sha256", "query") if not isinstance(rec, dict) or k not in rec
        ]
        if missing:
            raise LabelsError(f"{path}: record {n} lacks {', '.join(missing)}")
    return data


def label_files(halves: Iterable[str] | None = None, labels_dir: Path = LABELS_DIR) -> list[Path]:
    names = sorted(halves) if halves else sorted(HALVES)
    return [labels_dir / f"{h}.json" for h in names if (labels_dir / f"{h}.json").exists()]


#: The languages with a development set: labels in ``<lang>/``, texts in ``texts/<lang>/``.
LANGUAGES = ("en", "ru", "tr", "ar")


def text_path(article_id: str, texts_dir: Path | Sequence[Path] = TEXTS_DIR) -> Path:
    """The article's text file: the first folder holding it, else where the first would."""
    dirs = [texts_dir] if isinstance(texts_dir, Path) else list(texts_dir)
    for folder in dirs:
        if (folder / f"{article_id}.txt").is_file():
            return folder / f"{article_id}.txt"
    return dirs[0] / f"{article_id}.txt"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Check:
    id: str
    status: str  # "ok", "missing" or "differs"
    url: str
    query: str


def check(
    labels: Sequence[dict[str, Any]], texts_dir: Path | Sequence[Path] = TEXTS_DIR
) -> list[Check]:
    """One :class:`Check` per label record, in the labels' order."""
    out = []
    for rec in labels:
        path = text_path(rec["id"], texts_dir)
        if not path.is_file():
            status = "missing"
        elif sha256_hex(path.read_bytes()) != rec["sha256"]:
            status = "differs"
        else:
            status = "ok"
        out.append(Check(rec["id"], status, rec["url"], rec["query"]))
    return out


def import_answer(
    answer: Any, labels: Sequence[dict[str, Any]], texts_dir: Path = TEXTS_DIR
) -> list[str]:
    """Write the texts of ``answer`` (a search tool JSON answer) whose SHA-256 a label expects.

    Returns the ids written. A result whose URL is a label's but whose excerpt hashes differently
    (the stored copy changed) is not written.
    """
    results = answer.get("results", []) if isinstance(answer, dict) else answer
    by_sha = {rec["sha256"]: rec for rec in labels}
    written = []
    for result in results if isinstance(results, list) else []:
        excerpt = result.get("excerpt") if isinstance(result, dict) else None
        if not isinstance(excerpt, str):
            continue
        data = excerpt.encode("utf-8")
        rec = by_sha.get(sha256_hex(data))
        if rec is None:
            continue
        texts_dir.mkdir(parents=True, exist_ok=True)
        text_path(rec["id"], texts_dir).write_bytes(data)
        written.append(rec["id"])
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.realdata.restore",
        description="Check the development set's texts against their SHA-256; say how to restore.",
    )
    parser.add_argument(
        "--half",
        action="append",
        choices=sorted(HALVES),
        help="only this half (a or b); repeatable",
    )
    parser.add_argument(
        "--texts",
        type=Path,
        action="append",
        help=f"folder of the texts, repeatable (default: {os.pathsep.join(map(str, TEXTS_DIRS))})",
    )
    parser.add_argument(
        "--import",
        dest="imports",
        action="append",
        type=Path,
        default=[],
        metavar="ANSWER.json",
        help="a saved JSON answer of the search tool: write the excerpts a label expects",
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="en",
        help="the language set (default en; ru, tr, ar: labels in <lang>/, texts in texts/<lang>/)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the problems")
    args = parser.parse_args(argv)
    labels_dir = LABELS_DIR if args.lang == "en" else HERE / args.lang
    own = [
        Path(p)
        for p in (os.environ.get(f"TRUCE_REALDATA_TEXTS_{args.lang.upper()}") or "").split(
            os.pathsep
        )
        if p
    ] or [HERE / "texts" / args.lang]
    dirs: list[Path] = args.texts or (TEXTS_DIRS if args.lang == "en" else own)

    files = label_files(args.half, labels_dir)
    if not files:
        print(
            f"no labels found under {labels_dir} (expected a.json and/or b.json)", file=sys.stderr
        )
        return 2
    try:
        labels = {path: load_labels(path) for path in files}
    except LabelsError as exc:
        print(exc, file=sys.stderr)
        return 2
    every = [rec for recs in labels.values() for rec in recs]

    for answer_path in args.imports:
        try:
            answer = json.loads(answer_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print(f"{answer_path}: cannot read the search answer ({exc})", file=sys.stderr)
            return 2
        written = import_answer(answer, every, dirs[0])
        names = ": " + ", ".join(written) if written else ""
        print(f"{answer_path}: wrote {len(written)} text(s){names}")

    bad = 0
    for path, recs in labels.items():
        checks = check(recs, dirs)
        problems = [c for c in checks if c.status != "ok"]
        bad += len(problems)
        if not args.quiet:
            good = len(checks) - len(problems)
            print(f"{path.name}: {good} of {len(checks)} texts present and matching")
        for c in problems:
            what = "is missing" if c.status == "missing" else "differs from its SHA-256"
            print(f"  {c.id} {what}: {text_path(c.id, dirs)}")
            print(f"    url:   {c.url}")
            print(f"    query: {c.query}")
    if bad:
        print(
            "To restore: run each query with the search tool (corpus 'pages'), take the result"
            " with the URL above and save its excerpt exactly (UTF-8, no newline added) as the"
            " file above, or save the whole JSON answer and pass it with --import."
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
