"""Assessment: correlation of reports into incidents, and grading of what is verified.

- :mod:`truce.assess.summary`, :mod:`truce.assess.correlate`, :mod:`truce.assess.keys`,
  :mod:`truce.assess.engine`: placing reports among incidents (incremental, deterministic);
- :mod:`truce.assess.grade`, :mod:`truce.assess.disagreement`: occurrence and attribution grades
  with reasons, the Airwars grade and Admiralty code, casualty ranges, the disagreement view;
- :mod:`truce.assess.projection`: all of it as projections of the log (incidents, merges, splits);
- :mod:`truce.assess.actions`: merge, split and respond, checked before anything is appended;
- :mod:`truce.assess.queries`: listing and showing incidents;
- :mod:`truce.assess.scenario`: a generator with ground truth and the pairwise scores.

This package's ``__init__`` imports only the pure modules: the projection is loaded by
``truce.capabilities`` and the actions by their callers (they need a :class:`truce.node.Node`).
"""

from truce.assess.correlate import THRESHOLD, Decision, IncidentState, choose, score
from truce.assess.engine import Correlator
from truce.assess.grade import Grades, grade
from truce.assess.summary import Summary, make_summary, summarize

__all__ = [
    "THRESHOLD",
    "Correlator",
    "Decision",
    "Grades",
    "IncidentState",
    "Summary",
    "choose",
    "grade",
    "make_summary",
    "score",
    "summarize",
]
