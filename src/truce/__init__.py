"""truce: a shared, verifiable record for a joint ceasefire coordination center.

The names below are the library's public API, pinned by ``tests/unit/test_public_api.py``;
everything else is internal and may move. They load on first use (PEP 562), so ``import truce``
costs nothing and ``truce --version`` stays fast::

    import truce

    node = truce.Node.open(truce.Settings.from_env())
    result = truce.verify_ledger(node.ledger)

Errors all derive from :class:`truce.TruceError`, which carries a ``hint`` saying what to do.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers and IDEs; at run time the names load lazily
    from truce.config import Settings
    from truce.errors import (
        AuthenticationError,
        ConfigError,
        ConflictError,
        IngestError,
        LedgerError,
        NotFoundError,
        PermissionDenied,
        StorageError,
        TruceError,
        ValidationError,
    )
    from truce.ledger.bundle import check_bundle, make_bundle
    from truce.ledger.entry import Entry
    from truce.ledger.keys import SigningKey, VerifyKey
    from truce.ledger.log import Ledger
    from truce.ledger.verify import verify_ledger
    from truce.node import Node

#: public name -> the module that defines it
_EXPORTS: dict[str, str] = {
    "Node": "truce.node",
    "Settings": "truce.config",
    "Ledger": "truce.ledger.log",
    "Entry": "truce.ledger.entry",
    "SigningKey": "truce.ledger.keys",
    "VerifyKey": "truce.ledger.keys",
    "verify_ledger": "truce.ledger.verify",
    "make_bundle": "truce.ledger.bundle",
    "check_bundle": "truce.ledger.bundle",
    "TruceError": "truce.errors",
    "ConfigError": "truce.errors",
    "ValidationError": "truce.errors",
    "NotFoundError": "truce.errors",
    "ConflictError": "truce.errors",
    "PermissionDenied": "truce.errors",
    "AuthenticationError": "truce.errors",
    "LedgerError": "truce.errors",
    "StorageError": "truce.errors",
    "IngestError": "truce.errors",
}

__all__ = [
    "AuthenticationError",
    "ConfigError",
    "ConflictError",
    "Entry",
    "IngestError",
    "Ledger",
    "LedgerError",
    "Node",
    "NotFoundError",
    "PermissionDenied",
    "Settings",
    "SigningKey",
    "StorageError",
    "TruceError",
    "ValidationError",
    "VerifyKey",
    "__version__",
    "check_bundle",
    "make_bundle",
    "verify_ledger",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("truce")
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'truce' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
