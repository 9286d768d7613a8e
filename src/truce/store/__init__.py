"""Projections of the ledger into SQL (SQLite by default, PostgreSQL with TRUCE_DATABASE_URL)."""

from truce.agreement import tables as _agreement_tables  # noqa: F401  (agreements, patrols)
from truce.store import projections as _projections  # noqa: F401  (registers the core handlers)
from truce.store import release as _release  # noqa: F401  (sign-offs and publications)
from truce.store import spatial as _spatial  # noqa: F401  (spatial index on incidents)
from truce.store.db import make_engine
from truce.store.projector import Projection, Store, projects

__all__ = ["Projection", "Store", "make_engine", "projects"]
