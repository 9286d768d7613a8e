"""The collaboration entry kinds, and who may author them.

A party comments, assigns and updates only as itself (:func:`truce.access.policy.check_act`);
an officer assigns tasks to, and updates the tasks of, its own party only; the center's
monitors and chair assign tasks to any party.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field

from truce.access.policy import allow_kind, names_parties
from truce.assess.kinds import INCIDENT_ID
from truce.model.access import Role
from truce.model.base import Model
from truce.model.kinds import register_kind
from truce.model.party import PARTY_ID_PATTERN

__all__ = ["TASK_ID", "IncidentComment", "TaskAssigned", "TaskStatus", "TaskUpdated"]

TASK_ID = r"^T-[0-9]{1,12}$"
PARTY = PARTY_ID_PATTERN


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class IncidentComment(Model):
    """``incident.commented``: a member's comment on an incident."""

    incident: Annotated[str, Field(pattern=INCIDENT_ID)]
    text: Annotated[str, Field(min_length=1, max_length=5000)]


class TaskAssigned(Model):
    """``task.assigned``: a task for ``party``, about an incident (or none)."""

    party: Annotated[str, Field(pattern=PARTY)]
    title: Annotated[str, Field(min_length=1, max_length=200)]
    incident: Annotated[str | None, Field(pattern=INCIDENT_ID)] = None
    text: Annotated[str, Field(max_length=5000)] = ""


class TaskUpdated(Model):
    """``task.updated``: task ``task`` (assigned to ``party``) is now ``status``."""

    task: Annotated[str, Field(pattern=TASK_ID)]
    party: Annotated[str, Field(pattern=PARTY)]
    status: TaskStatus
    text: Annotated[str, Field(max_length=5000)] = ""


register_kind("incident.commented", IncidentComment)
register_kind("task.assigned", TaskAssigned)
register_kind("task.updated", TaskUpdated)
allow_kind("incident.commented", Role.OFFICER, Role.MONITOR, Role.ANALYST, Role.CHAIR)
allow_kind("task.assigned", Role.OFFICER, Role.MONITOR, Role.CHAIR)
allow_kind("task.updated", Role.OFFICER, Role.MONITOR, Role.CHAIR)


def _party(body: Mapping[str, Any]) -> list[str]:
    party = body.get("party")
    return [party] if isinstance(party, str) else []


names_parties("task.assigned", _party, roles=(Role.OFFICER,), rule="only")
names_parties("task.updated", _party, roles=(Role.OFFICER,), rule="only")
