"""Every API operation fuzzed by schemathesis against the real server: no 5xx (issue 23).

One example per operation, per identity (anonymous, the chair) and per mode
(requests that fit the OpenAPI schema, and requests that do not), so it stays within about a
minute; ``make adversary`` runs the soak (``benchmarks/bench_adversary.py``, ``adversary.fuzz``).
The fuzzer itself is ``benchmarks/fuzz_api.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.fuzz_api import fuzz

EXAMPLES = 1


@pytest.mark.slow
def test_no_operation_answers_5xx(shared_api: Any) -> None:
    figures = fuzz(
        shared_api.base, shared_api.tokens, examples=EXAMPLES, identities=(None, "chair")
    )
    assert figures.operations >= 40, figures.operations  # the document lists them all
    assert figures.examples >= figures.operations * 2
    assert figures.timeouts == [], figures.timeouts
    assert figures.server_errors == [], "\n".join(
        f"{name} as {who}: {status}\n  {curl}" for name, who, status, curl in figures.server_errors
    )
