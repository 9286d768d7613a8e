"""The registry of capabilities: every module it names exists and gives what its role says, in
order; a module that does not exist is an error that names it, never skipped."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastapi import APIRouter
from sqlalchemy import MetaData, Table

from truce import capabilities
from truce.capabilities import CAPABILITIES, load
from truce.errors import ConfigError
from truce.store import Store, make_engine, projector


def test_every_router_module_has_a_router_and_no_route_is_served_twice() -> None:
    seen: dict[tuple[str, str], str] = {}
    for module in load("routers"):
        assert isinstance(module.router, APIRouter), module.__name__
        for route in module.router.routes:
            for method in getattr(route, "methods", ()):
                key = (method, getattr(route, "path", ""))
                assert key not in seen, f"{key} in {module.__name__} and {seen[key]}"
                seen[key] = module.__name__


def test_every_tables_module_defines_tables() -> None:
    for module in load("tables"):
        values = vars(module).values()
        assert any(isinstance(v, (Table, MetaData)) for v in values), module.__name__


def test_every_projections_module_registers_handlers_the_record_first() -> None:
    load("tables")  # ingest's table module registers a handler before assessment's is imported
    Store(make_engine("sqlite://"))  # a store runs them in the order of the registry
    _count, modules = projector.handler_modules()
    listed = [m for c in CAPABILITIES for m in c.projections]
    assert set(listed) <= set(modules)
    # One kind, several capabilities: the record's own handler writes the row the others read.
    order = [h.__module__ for h in projector._HANDLERS["report.filed"]]
    assert order == [
        "truce.store.projections",
        "truce.assess.projection",
        "truce.ingest.store",
        "truce.collab.tables",  # notifications read the incident the report joined
    ]


def test_names_are_unique() -> None:
    names = [c.name for c in CAPABILITIES]
    assert len(names) == len(set(names))
    commands = [cmd.name for c in CAPABILITIES for cmd in c.commands]
    assert len(commands) == len(set(commands))


def test_a_listed_module_that_does_not_exist_is_an_error_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = (*CAPABILITIES, capabilities.Capability("review", routers=("truce.web.no_such",)))
    monkeypatch.setattr(capabilities, "CAPABILITIES", broken)
    monkeypatch.setattr(capabilities, "_LOADED", {})
    with pytest.raises(ConfigError, match=r"capability 'review' lists the module truce\.web\."):
        load("routers")


def test_a_module_whose_own_import_fails_keeps_its_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "truce_test_capability.py").write_text("import truce_missing_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    broken = (capabilities.Capability("x", tables=("truce_test_capability",)),)
    monkeypatch.setattr(capabilities, "CAPABILITIES", broken)
    monkeypatch.setattr(capabilities, "_LOADED", {})
    with pytest.raises(ModuleNotFoundError, match="truce_missing_dependency"):
        load("tables")
    sys.modules.pop("truce_test_capability", None)
