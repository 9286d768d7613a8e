"""The live picture's fan-out (issue 22): ``GET /api/v1/stream`` to many browsers at once.

- ``live.fanout_p99``: 200 event streams open on ``truce serve`` (SQLite; analysts, officers and
  the chair, as a day's browsers are), while reports are filed at 50 per second (open loop, two
  parties); for every stream and every report, the time from the report's POST being sent to
  its event arriving on that stream. Goal: p99 at most 1 s, every stream gets every report.
  Baseline: the same with one stream, in the same run: the ratio is what the other 199 cost.

The streams are read by one asyncio process with raw sockets (an event is matched to its report
by the report's title), so the reader costs little beside the server it measures.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

from benchmarks.bench_api import (
    _fresh,
    _no_gc_pauses,
    _open_loop,
    _p,
    _Pool,
    _prepare,
    _report,
    _server,
)
from benchmarks.harness import Baseline, Result

RATE = 50.0
STREAMS = 200
_EVENT = re.compile(rb'event: report\ndata: \{[^\n]*?"title":"Bench report (\d+)"')


async def _stream(
    host: str, port: int, token: str, seen: dict[int, float], ready: asyncio.Event
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        f"GET /api/v1/stream HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n"
        "Accept: text/event-stream\r\n\r\n".encode()
    )
    head = await reader.readuntil(b"\r\n\r\n")
    if b" 200 " not in head.split(b"\r\n", 1)[0]:
        raise RuntimeError(f"the stream was refused: {head[:200]!r}")
    ready.set()
    tail = b""
    try:
        while True:
            chunk = await reader.read(65536)
            if not chunk:
                return
            now = time.perf_counter()
            data = tail + chunk
            cut = data.rfind(b"\n\n")
            if cut < 0:
                tail = data
                continue
            for m in _EVENT.finditer(data, 0, cut + 2):
                seen.setdefault(int(m.group(1)), now)
            tail = data[cut + 2 :]
    finally:
        writer.close()


async def _measure(
    base: str, tokens: dict[str, str], streams: int, first: int, count: int
) -> tuple[list[float], int, list[float], list[float]]:
    host, port = base.removeprefix("http://").split(":")
    users = ["analyst", "ru-officer", "tr-officer"]
    seen: list[dict[int, float]] = [{} for _ in range(streams)]
    readies = [asyncio.Event() for _ in range(streams)]
    tasks = [
        asyncio.create_task(_stream(host, int(port), tokens[users[i % 3]], seen[i], readies[i]))
        for i in range(streams)
    ]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 60)
    await asyncio.sleep(0.5)
    sent: dict[int, float] = {}
    acked: dict[int, float] = {}
    errors = 0
    pool = _Pool(base)

    async def one(n: int, token: str) -> None:
        nonlocal errors
        try:
            if await pool.request("POST", "/api/v1/reports", _report(n), token) != 201:
                errors += 1
            acked[n] = time.perf_counter()
        except (OSError, asyncio.IncompleteReadError, ValueError):
            errors += 1

    posts = []
    with _no_gc_pauses():
        start = time.perf_counter()
        for i in range(count):  # open loop: each report on schedule, whatever came back
            delay = start + i / RATE - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            sent[first + i] = time.perf_counter()
            posts.append(asyncio.create_task(one(first + i, tokens[users[1 + i % 2]])))
        await asyncio.gather(*posts)
    pool.close()
    await asyncio.sleep(2.0)  # the last events' way to the streams
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies = [at - sent[n] for s in seen for n, at in s.items() if n in sent]
    missing = sum(1 for s in seen for n in sent if n not in s)
    # After the writer's answer (the entry in the log and the tables): the fan-out's own share.
    after_ack = [at - acked[n] for s in seen for n, at in s.items() if n in acked]
    posts_s = [acked[n] - sent[n] for n in acked]
    return latencies, missing + errors, after_ack, posts_s


def run(quick: bool) -> list[Result]:
    seconds = 8 if quick else 20
    count = int(RATE * seconds)
    with _fresh("sqlite") as fresh:
        assert fresh is not None
        home, url = fresh
        tokens = _prepare(home, url)
        with _server(home, url) as served:
            warm = [
                ("POST", "/api/v1/reports", _report(i), tokens["ru-officer"]) for i in range(50)
            ]
            asyncio.run(_open_loop(served.base, warm, 100))
            one, one_bad, _, _ = asyncio.run(_measure(served.base, tokens, 1, 1000, count))
            many, bad, after_ack, posts = asyncio.run(
                _measure(served.base, tokens, STREAMS, 1000 + count, count)
            )
    p99_one = _p(one, 0.99) * 1000
    p99 = _p(many, 0.99) * 1000
    params: dict[str, Any] = {
        "streams": STREAMS,
        "reports_per_s": RATE,
        "seconds": seconds,
        "events_delivered": len(many),
        "missing_or_failed": bad,
        "p50_ms": round(_p(many, 0.5) * 1000, 1),
        "max_ms": round(max(many, default=0.0) * 1000, 1),
        "post_p50_ms": round(_p(posts, 0.5) * 1000, 1),
        "post_p99_ms": round(_p(posts, 0.99) * 1000, 1),
        "after_answer_p50_ms": round(_p(after_ack, 0.5) * 1000, 1),
        "after_answer_p99_ms": round(_p(after_ack, 0.99) * 1000, 1),
        "one_stream_missing_or_failed": one_bad,
        "measured_from": "the report's POST sent, to its event read on the stream",
        "backend": "sqlite",
    }
    return [
        Result(
            name="live.fanout_p99",
            value=round(p99, 1),
            unit="ms",
            params=params,
            baseline=Baseline("p99 with one stream, same run", round(p99_one, 1), "ms"),
            ratio=round(p99 / p99_one, 3) if p99_one else None,
            goal="p99 <= 1000 ms with 200 streams at 50 reports/s, every event delivered",
            met=p99 <= 1000 and bad == 0,
        )
    ]
