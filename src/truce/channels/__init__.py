"""Channels: RSS/Atom feeds, Telegram channel exports and watched folders, polled on schedules
and ingested item by item, each once (``truce sources``; see ``docs/sources.md``).

- :mod:`truce.channels.state`: the sources, their status and the items seen (SQLite);
- :mod:`truce.channels.readers`: a channel's current items;
- :mod:`truce.channels.watch`: the polling loop, back-off, and why a crash loses and
  duplicates nothing.
"""

from truce.channels.readers import Item, read_channel
from truce.channels.state import KINDS, SourceDef, SourceStatus, State, parse_duration
from truce.channels.watch import Poll, Watcher

__all__ = [
    "KINDS",
    "Item",
    "Poll",
    "SourceDef",
    "SourceStatus",
    "State",
    "Watcher",
    "parse_duration",
    "read_channel",
]
