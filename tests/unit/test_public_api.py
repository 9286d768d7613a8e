"""The public API (``truce.__all__``) is pinned: changing it is a decision, not an accident."""

from __future__ import annotations

import subprocess
import sys
from importlib import import_module
from importlib.metadata import version

import pytest

import truce

PINNED = [
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


def test_the_public_names_are_the_pinned_ones() -> None:
    assert sorted(truce.__all__) == sorted(PINNED)
    assert sorted(truce.__all__) == sorted(["__version__", *truce._EXPORTS])


@pytest.mark.parametrize("name", [n for n in PINNED if n != "__version__"])
def test_each_public_name_is_the_defining_modules_object(name: str) -> None:
    value = getattr(truce, name)
    assert value is getattr(import_module(value.__module__), name)
    assert name in dir(truce)


def test_the_version_is_the_installed_distributions() -> None:
    assert truce.__version__ == version("truce")


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        truce.nothing_here  # noqa: B018


def test_errors_share_one_root() -> None:
    errors = [getattr(truce, n) for n in PINNED if n.endswith("Error") or n == "PermissionDenied"]
    assert all(issubclass(e, truce.TruceError) for e in errors)


def test_importing_truce_loads_nothing_else() -> None:
    code = "import sys, truce; print(sorted(m for m in sys.modules if m.startswith('truce')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['truce']"
