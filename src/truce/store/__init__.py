"""Projections of the ledger into SQL (SQLite by default, PostgreSQL with TRUCE_DATABASE_URL).

The tables and projection handlers of every capability (this package's own among them) are
those :mod:`truce.capabilities` lists: a :class:`Store` loads them when it is made.
"""

from truce.store.db import make_engine
from truce.store.projector import Projection, Store, projects

__all__ = ["Projection", "Store", "make_engine", "projects"]
