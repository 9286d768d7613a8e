"""The record ids: made and read in one place (truce.ids)."""

from __future__ import annotations

import pytest

from truce import ids
from truce.store.projections import incident_id_for, report_id


def test_ids_are_a_prefix_and_the_entry_index() -> None:
    assert ids.report_id(12) == "R-12" == report_id(12)
    assert ids.incident_id(3) == "I-3" == incident_id_for(3)
    made = [ids.response_id(7), ids.evidence_id(7), ids.comment_id(7), ids.task_id(7)]
    assert made == ["S-7", "E-7", "C-7", "T-7"]
    assert ids.sealed_id(0) == "X-0"


def test_an_id_reads_back_to_its_index() -> None:
    for index in (0, 1, 12, 2**31 - 1):
        assert ids.entry_index(ids.report_id(index), ids.REPORT) == index


@pytest.mark.parametrize("text", ["I-12", "R-", "R-012", "R-1x", "r-1", "R-12345678901", " R-1"])
def test_a_bad_id_says_what_one_looks_like(text: str) -> None:
    with pytest.raises(ValueError, match="not an id like R-12"):
        ids.entry_index(text, ids.REPORT)
