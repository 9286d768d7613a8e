"""The in-memory correlation engine: summaries in, incidents out.

:class:`Correlator` places reports one at a time, as the ledger projection does
(:mod:`truce.assess.projection` applies the same functions to SQL state), with a dict from index
key to incident ordinals (:mod:`truce.assess.keys`). It is what the tests measure against the
scenario generator's ground truth, and what the benchmarks time at a million reports.
Merges and splits rebuild the incidents concerned from their members, as the projection does.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence

from truce.assess.correlate import Decision, IncidentState, choose
from truce.assess.keys import incident_keys, is_coarse, report_keys, signature
from truce.assess.summary import Summary

__all__ = ["Correlator"]


class Correlator:
    def __init__(self) -> None:
        self.incidents: list[IncidentState | None] = []  # None: merged away
        self.members: list[list[Summary]] = []
        self.index: dict[object, list[int]] = {}
        self.assignment: dict[int, int] = {}  # report index -> incident ordinal
        self._ordinal: dict[str, int] = {}
        self._sig: dict[int, tuple[object, ...]] = {}
        self._coarse = 0  # coarse registrations: none means coarse lookups can be skipped

    # -- placing ----------------------------------------------------------------------------
    def _candidates(self, s: Summary) -> list[IncidentState]:
        index = self.index
        incidents = self.incidents
        seen: set[int] = set()
        out: list[IncidentState] = []
        for key in report_keys(s, coarse=self._coarse > 0):
            bucket = index.get(key)
            if bucket is None:
                continue
            for ordinal in bucket:
                if ordinal not in seen:
                    seen.add(ordinal)
                    c = incidents[ordinal]
                    if c is not None:
                        out.append(c)
        return out

    def _register(self, ordinal: int, c: IncidentState) -> None:
        sig = signature(c)
        if self._sig.get(ordinal) == sig:
            return
        self._sig[ordinal] = sig
        if any(is_coarse(cell) for cell in sig[0]):  # type: ignore[attr-defined]
            self._coarse += 1
        index = self.index
        for key in incident_keys(c):
            bucket = index.get(key)
            if bucket is None:
                index[key] = [ordinal]
            elif ordinal not in bucket:  # buckets are short: a day's incidents in one cell
                bucket.append(ordinal)

    def start(self, s: Summary) -> int:
        """Start a new incident with ``s`` without looking for one to join (restoring a known
        state, or loading one for a benchmark); returns its ordinal."""
        ordinal = len(self.incidents)
        c = IncidentState(f"I-{s.index}", s)
        self.incidents.append(c)
        self.members.append([s])
        self._ordinal[c.id] = ordinal
        self.assignment[s.index] = ordinal
        self._register(ordinal, c)
        return ordinal

    def add(self, s: Summary) -> tuple[int, Decision]:
        """Place one report; returns its incident's ordinal and the decision with its reason."""
        decision = choose(s, self._candidates(s))
        c = decision.incident
        if c is None:
            return self.start(s), decision
        ordinal = self._ordinal[c.id]
        c.absorb(s)
        self.members[ordinal].append(s)
        self.assignment[s.index] = ordinal
        self._register(ordinal, c)
        return ordinal, decision

    def add_many(self, summaries: Iterable[Summary]) -> list[int]:
        """Place reports in order; returns each one's incident ordinal.

        The cyclic garbage collector is paused meanwhile: nothing here makes reference cycles,
        and its passes over the growing index would cost a third of the time at 100,000 reports.
        """
        add = self.add
        paused = gc.isenabled()
        gc.disable()
        try:
            return [add(s)[0] for s in summaries]
        finally:
            if paused:
                gc.enable()

    # -- manual corrections -----------------------------------------------------------------
    def merge(self, ids: Sequence[str]) -> str:
        """Merge incidents into the oldest of them; returns the surviving id."""
        ordinals = sorted({self._ordinal[i] for i in ids}, key=lambda o: self._first(o))
        keep = ordinals[0]
        for o in ordinals[1:]:
            for s in self.members[o]:
                self.assignment[s.index] = keep
            self.members[keep].extend(self.members[o])
            self.members[o] = []
            self.incidents[o] = None
        self._rebuild(keep)
        return self._id(keep)

    def split(self, incident: str, reports: Sequence[int], new_id: str) -> None:
        """Move ``reports`` out of ``incident`` into a new incident ``new_id``."""
        o = self._ordinal[incident]
        moving = set(reports)
        stay = [s for s in self.members[o] if s.index not in moving]
        moved = [s for s in self.members[o] if s.index in moving]
        self.members[o] = stay
        n = len(self.incidents)
        self.incidents.append(None)
        self.members.append(moved)
        self._ordinal[new_id] = n
        for s in moved:
            self.assignment[s.index] = n
        self._rebuild(o)
        self._rebuild(n, new_id)

    def _first(self, ordinal: int) -> int:
        return min(s.index for s in self.members[ordinal])

    def _id(self, ordinal: int) -> str:
        c = self.incidents[ordinal]
        assert c is not None
        return c.id

    def _rebuild(self, ordinal: int, new_id: str | None = None) -> None:
        old = self.incidents[ordinal]
        incident_id = new_id or (old.id if old else f"I-{self._first(ordinal)}")
        c = IncidentState.from_members(incident_id, self.members[ordinal])
        self.incidents[ordinal] = c
        self._sig.pop(ordinal, None)
        self._register(ordinal, c)

    # -- reading ----------------------------------------------------------------------------
    def labels(self) -> dict[int, str]:
        """Report index -> incident id."""
        return {r: self._id(o) for r, o in self.assignment.items()}

    def __len__(self) -> int:
        return sum(1 for c in self.incidents if c is not None)
