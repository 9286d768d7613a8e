"""Property-based fuzzing of every API operation against a real server (issue 23).

schemathesis reads the server's own OpenAPI document (``/openapi.json``, which FastAPI builds
from the routes) and, for every operation, generates requests that fit the schema
(``positive``) and requests that do not (``negative``): wrong types, missing and unknown
fields, odd strings and numbers in paths, queries and bodies. Each is sent over HTTP as the
anonymous public, as the chair and as a party's officer. The goal is **no 5xx, ever**: a bad
request is a 4xx saying what is wrong. ``tests/adversary/test_api_fuzz.py`` runs a few examples
per operation in CI; ``benchmarks/bench_adversary.py`` (``make adversary``) runs the soak.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FuzzFigures", "fuzz"]


@dataclass
class FuzzFigures:
    operations: int = 0
    examples: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    #: ``(method path, identity, status, the request as curl)`` for every 5xx.
    server_errors: list[tuple[str, str, int, str]] = field(default_factory=list)
    seconds: float = 0.0
    #: (operation, identity, mode) runs with nothing to generate: no negative request exists.
    unsatisfiable: int = 0
    #: ``(method path, identity, the request as curl)`` for every request unanswered in 60 s.
    timeouts: list[tuple[str, str, str]] = field(default_factory=list)
    #: (seconds, operation) for each operation.
    slowest: list[tuple[float, str]] = field(default_factory=list)


def _checker(
    base: str, session: Any, headers: dict[str, str], name: str, who: str, figures: FuzzFigures
) -> Any:
    import requests

    def check(case: Any) -> None:
        try:
            response = case.call(base_url=base, session=session, headers=headers, timeout=60)
        except requests.Timeout:  # not a 5xx, but not an answer either: counted, and shown
            figures.timeouts.append((name, who, case.as_curl_command()))
            return
        status = int(response.status_code)
        figures.examples += 1
        figures.by_status[status] = figures.by_status.get(status, 0) + 1
        if status >= 500:
            figures.server_errors.append((name, who, status, case.as_curl_command()))

    return check


def fuzz(
    base: str,
    tokens: dict[str, str],
    *,
    examples: int,
    identities: Iterable[str | None] = (None, "chair", "ru-officer"),
    modes: Iterable[str] = ("positive", "negative"),
    skip: Iterable[str] = (),
) -> FuzzFigures:
    """Fuzz every operation of the server at ``base``; ``examples`` per operation, identity
    and mode. ``skip``: ``"METHOD /path"`` operations left out (with a reason, by the caller)."""
    import requests
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis.core.result import Err
    from schemathesis.generation.modes import GenerationMode

    started = time.perf_counter()
    figures = FuzzFigures()
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    # The live stream never ends by itself: its first event (``hello``) answers the request;
    # read on, and every stream case would wait out the whole request timeout.
    schema.config.max_stream_events = 1
    left_out = set(skip)
    session = requests.Session()
    try:
        for result in schema.get_all_operations():
            if isinstance(result, Err):  # an operation the schema cannot describe: say so
                raise RuntimeError(f"the OpenAPI schema is invalid: {result.err()}")
            operation = result.ok()
            name = f"{operation.method.upper()} {operation.path}"
            if name in left_out:
                continue
            figures.operations += 1
            op_started = time.perf_counter()
            for who in identities:
                headers = {"Authorization": f"Bearer {tokens[who]}"} if who else {}
                for mode in modes:
                    strategy = operation.as_strategy(generation_mode=GenerationMode(mode))
                    check = _checker(base, session, headers, name, who or "anonymous", figures)
                    run = settings(
                        max_examples=examples,
                        deadline=None,
                        database=None,
                        derandomize=True,
                        suppress_health_check=list(HealthCheck),
                    )(given(case=strategy)(check))
                    try:
                        run()
                    except Unsatisfiable:  # nothing to get wrong (no parameters, no body)
                        figures.unsatisfiable += 1
            figures.slowest.append((round(time.perf_counter() - op_started, 2), name))
    finally:
        session.close()
    figures.seconds = round(time.perf_counter() - started, 1)
    return figures
