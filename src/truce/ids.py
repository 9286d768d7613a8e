"""The record's ids: one place that makes and reads them.

Most records are named after the ledger entry that made them: a prefix, a dash and the entry's
index (``R-12`` is the report filed by entry 12). Each prefix names one kind of record here;
``truce.ingest.pending`` names review-queue claims ``C-<index>`` of its own index space (not a
ledger index), a prefix that comments share (``incident.commented`` entries).
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "ACTION",
    "COMMENT",
    "EVIDENCE",
    "INCIDENT",
    "OBSERVATION",
    "REPORT",
    "RESPONSE",
    "SEALED",
    "TASK",
    "comment_id",
    "entry_index",
    "evidence_id",
    "incident_id",
    "make",
    "report_id",
    "response_id",
    "sealed_id",
    "task_id",
]

REPORT: Final = "R"  # report.filed
INCIDENT: Final = "I"  # an incident, named after the entry of its first report
RESPONSE: Final = "S"  # response.filed
ACTION: Final = "A"  # incident.merged / incident.split
EVIDENCE: Final = "E"  # evidence.added
COMMENT: Final = "C"  # incident.commented
TASK: Final = "T"  # task.assigned
OBSERVATION: Final = "O"  # patrol.observed
SEALED: Final = "X"  # a restricted (sealed) record
_ID = re.compile(r"([A-Z])-(0|[1-9][0-9]{0,9})")


def make(prefix: str, index: int) -> str:
    """The id of the record that the entry at ledger ``index`` made, e.g. ``make("R", 12)``."""
    return f"{prefix}-{index}"


def entry_index(ident: str, prefix: str) -> int:
    """The ledger index in ``ident`` (``entry_index("R-12", "R") == 12``); a ValueError that
    says what an id of this kind looks like otherwise."""
    match = _ID.fullmatch(ident)
    if match is None or match.group(1) != prefix:
        raise ValueError(f"{ident!r} is not an id like {prefix}-12")
    return int(match.group(2))


def report_id(index: int) -> str:
    return make(REPORT, index)


def incident_id(index: int) -> str:
    return make(INCIDENT, index)


def response_id(index: int) -> str:
    return make(RESPONSE, index)


def evidence_id(index: int) -> str:
    return make(EVIDENCE, index)


def comment_id(index: int) -> str:
    return make(COMMENT, index)


def task_id(index: int) -> str:
    return make(TASK, index)


def sealed_id(index: int) -> str:
    return make(SEALED, index)
