"""Golden files: each document in tests/data/ingest/docs gives its expected JSON.

Regenerate after a deliberate change with ``python -m truce.ingest.golden --update`` and read
the diff before committing it.
"""

from __future__ import annotations

import pytest

from truce.ingest.golden import compare, documents

DOCS = documents()


def test_suite_has_enough_documents() -> None:
    assert len(DOCS) >= 25


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_golden(doc) -> None:  # type: ignore[no-untyped-def]
    diff = compare(doc)
    assert diff == "", (
        f"{doc.name} changed; if right, run python -m truce.ingest.golden --update\n{diff}"
    )
