"""Fetching a run of entries from a log's tiles and checking each one, on every core.

What :meth:`truce.ledger.mirror.Mirror.sync` does once the new checkpoint and the consistency
proof are verified: entry bundles (C2SP tlog-tiles) are fetched ahead by a few threads, cut into
tasks of ``TASK`` entries and checked in the ledger's worker processes
(:func:`truce.ledger.batch.start_check`: parse, Ed25519 signature, leaf hash); the results are
accepted in log order against each author's chain (:class:`truce.ledger.chain.Chains`), and the
leaves and their hashes appended to the entry log and the tree. Finally the recomputed root must
equal the signed checkpoint's; if not, the first entry that differs from the signed tree (whose
hash tiles were verified against the signature) is located. On any failure everything appended
is truncated again: nothing unverified stays.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from truce.errors import ProofError
from truce.ledger.batch import PendingCheck, advance_keys, check_leaves, start_check
from truce.ledger.chain import Chains
from truce.ledger.keys import worker_pool
from truce.ledger.merkle import Hash, TreeStore
from truce.ledger.storage import EntryLog
from truce.ledger.tiles import TILE_WIDTH, TileReader

__all__ = ["TASK", "fetch_entries", "first_difference"]

#: Entries per verification task sent to the worker processes.
TASK = 2048
#: Entry bundles fetched ahead of verification.
PREFETCH = 32

NodeFn = Callable[[int, int], Hash]


@dataclass
class _Task:
    """Leaves from index ``first`` on, and their check under way (None: check inline)."""

    first: int
    leaves: list[bytes]
    check: PendingCheck | None = None


def first_difference(ours: NodeFn, theirs: NodeFn, size: int) -> int | None:
    """The first leaf index below ``size`` whose hash differs between two trees, or None.

    Compares the complete subtrees that make up ``[0, size)``, largest first, then descends into
    the first that differs: O(log size) node reads on each side.
    """
    pos = 0
    for level in range(size.bit_length() - 1, -1, -1):
        if not size >> level & 1:
            continue
        index = pos >> level
        if ours(level, index) != theirs(level, index):
            while level > 0:
                level, index = level - 1, index * 2
                if ours(level, index) == theirs(level, index):
                    index += 1
            return index
        pos += 1 << level
    return None


def fetch_entries(
    reader: TileReader,
    start: int,
    stop: int,
    *,
    entries: EntryLog,
    tree: TreeStore,
    chains: Chains,
    progress: Callable[[int, int], None] | None = None,
    parallel: bool | None = None,
) -> None:
    """Fetch, check and append entries ``[start, stop)``; ``chains`` ends at ``stop``.

    ``entries`` and ``tree`` must hold exactly ``start`` entries. Raises (having truncated them
    back to ``start``) on the first entry that does not verify, naming its index.
    """
    if parallel is None:
        parallel = stop - start >= 4 * TASK and (os.cpu_count() or 1) > 1
    if parallel:
        worker_pool()  # start the workers before the fetching threads (fork safety)
    # Keys for the workers: registrations in the tasks sent so far (this one included) are
    # pre-scanned in, so no worker meets an author it cannot check. Nothing is trusted from
    # that: each registration is still checked, in order, before its author's entries.
    known = dict(chains.keys)
    fetcher = ThreadPoolExecutor(max_workers=8, thread_name_prefix="truce-fetch")
    pending: deque[_Task] = deque()
    window = 2 * (os.cpu_count() or 1) if parallel else 0

    def accept(task: _Task) -> None:
        if task.check is not None:
            checked = task.check.result()
        else:
            checked = check_leaves(task.leaves, chains.keys, parallel=False)
        hashes: list[Hash] = []
        for offset, (leaf, c) in enumerate(zip(task.leaves, checked, strict=True)):
            index = task.first + offset
            hashes.append(chains.accept(leaf, c, f"entry {index}", index).hash)
        entries.append(task.leaves, durable=task.first + len(task.leaves) == stop)
        tree.append_leaf_hashes(hashes)
        if progress is not None:
            progress(entries.size, stop)

    try:
        for task in _tasks(reader, start, stop, fetcher):
            if parallel:
                advance_keys(known, task.leaves)
                task.check = start_check(task.leaves, known, parallel=True)
            pending.append(task)
            while len(pending) > window:
                accept(pending.popleft())
        while pending:
            accept(pending.popleft())
        if tree.root(stop) != reader.checkpoint.root:
            index = first_difference(tree.node, reader.node, stop)
            where = "" if index is None else f" (entry {index}, bundle {index // TILE_WIDTH})"
            raise ProofError(
                f"the entries served at {reader.source} do not hash to the signed "
                f"checkpoint's root{where}: an entry bundle is corrupt or was rewritten",
                index=index,
            )
        tree.flush()
    except BaseException:
        # Checks still running in the workers finish harmlessly; their results are dropped.
        entries.truncate(start)
        tree.truncate(start)
        tree.flush()
        raise
    finally:
        fetcher.shutdown(wait=True, cancel_futures=True)


def _tasks(
    reader: TileReader, start: int, stop: int, fetcher: ThreadPoolExecutor
) -> Iterator[_Task]:
    """Tasks of up to ``TASK`` entries, from bundles fetched ``PREFETCH`` ahead."""
    first_bundle, last_bundle = start // TILE_WIDTH, (stop - 1) // TILE_WIDTH
    bundles: deque[tuple[int, Future[list[bytes]]]] = deque()
    next_bundle = first_bundle
    buffer: list[bytes] = []
    buffer_first = start
    while next_bundle <= last_bundle or bundles:
        while next_bundle <= last_bundle and len(bundles) < PREFETCH:
            bundles.append((next_bundle, fetcher.submit(reader.bundle, next_bundle)))
            next_bundle += 1
        number, future = bundles.popleft()
        leaves = future.result()
        skip = max(0, start - number * TILE_WIDTH)
        buffer.extend(leaves[skip : stop - number * TILE_WIDTH])
        while len(buffer) >= TASK:
            yield _Task(buffer_first, buffer[:TASK])
            buffer, buffer_first = buffer[TASK:], buffer_first + TASK
    if buffer:
        yield _Task(buffer_first, buffer)
