"""The exchange-format registry: every export and import format, built-in or third-party.

A format is a :class:`Format` with an ``export`` function, an ``import_`` function, or both,
registered with :func:`register_format` -- the same call truce's own formats make (datasette loads
its core features as plugins the same way). A third-party package adds a format by registering
it in a module named under the ``truce.formats`` entry-point group::

    [project.entry-points."truce.formats"]
    my-format = "my_package.truce_format"      # importing the module registers its formats

Contracts:

- ``export(events, stream, context) -> ExportResult``: write ``events`` (an iterable of
  :class:`Event`, one per incident or per report, possibly a generator: iterate it once and
  write as you go, so that memory stays flat) as text to ``stream``; deterministic (the same
  events and context give the same bytes); events the format cannot carry are left out and
  counted in the result;
- ``import_(path, context) -> ImportPlan``: read a file into ledger entries to append (kind and
  body model) *without* appending anything, with one :class:`Problem` per bad row (line, field,
  reason). :func:`truce.report.imports.run_import` applies the ``--on-invalid`` policy and appends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from truce.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from truce.model.base import Model
    from truce.report.queries import Snapshot
    from truce.report.read import Event, LedgerState

__all__ = [
    "ExportContext",
    "ExportResult",
    "Format",
    "ImportContext",
    "ImportItem",
    "ImportPlan",
    "Problem",
    "available_formats",
    "get_format",
    "register_format",
]

ENTRY_POINT_GROUP = "truce.formats"


@dataclass(frozen=True)
class ExportContext:
    """What an exporter may cite: the ledger state the events were read from."""

    state: LedgerState
    unit: str = "incidents"
    options: dict[str, Any] = field(default_factory=dict)
    #: The open snapshot, for formats whose subject is not events (sites, zones).
    snapshot: Snapshot | None = None


#: How many left-out events an :class:`ExportResult` lists by id (the rest are counted): an
#: export of a million events must not hold a million reasons.
LEFT_OUT_LISTED = 1000


@dataclass
class ExportResult:
    written: int = 0
    #: (event id, reason) for the first :data:`LEFT_OUT_LISTED` events the format could not carry.
    left_out: list[tuple[str, str]] = field(default_factory=list)
    #: Every event left out, listed or not.
    left_out_count: int = 0

    def leave_out(self, ident: str, reason: str) -> None:
        """Record an event the format cannot carry (memory bounded however many there are)."""
        self.left_out_count += 1
        if len(self.left_out) < LEFT_OUT_LISTED:
            self.left_out.append((ident, reason))


@dataclass(frozen=True)
class Problem:
    """One bad row or feature: where (line number, or feature number), which field, why."""

    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}: {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"


@dataclass(frozen=True)
class ImportItem:
    """One ledger entry to append: its kind and body, and the line it came from."""

    line: int
    kind: str
    body: Model
    label: str = ""


@dataclass
class ImportPlan:
    items: list[ImportItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Things the user should know that are not errors (ignored columns, assigned ids).
    notes: list[str] = field(default_factory=list)
    #: Rows read (good and bad), for the summary line.
    rows: int = 0
    #: Rows left out on purpose, not as errors (outside the center's area), named in ``notes``.
    skipped: int = 0
    #: Whether ``--on-invalid skip`` can keep the good rows (False: the format checks a file whole).
    per_row: bool = True


@dataclass(frozen=True)
class ImportContext:
    """What an importer may consult: the entries already recorded (for duplicate checks)."""

    author: str
    existing_tags: frozenset[str] = frozenset()
    options: dict[str, Any] = field(default_factory=dict)


Exporter = Callable[["Iterable[Event]", TextIO, ExportContext], ExportResult]
Importer = Callable[[Path, ImportContext], ImportPlan]


@dataclass(frozen=True)
class Format:
    name: str
    title: str
    media_type: str
    extension: str
    export: Exporter | None = None
    import_: Importer | None = None
    #: Where the format is specified (a codebook, an RFC), for the docs.
    spec: str = ""
    #: What an export writes: "events" (filtered incidents or reports), "sites" or "zones".
    subject: str = "events"


_FORMATS: dict[str, Format] = {}
_loaded = False


def register_format(fmt: Format) -> Format:
    """Add a format (a third party uses this too). Re-registering a name replaces it."""
    if not fmt.name or not fmt.name.replace("-", "").isalnum() or fmt.name != fmt.name.lower():
        raise ValidationError(f"format name {fmt.name!r} must be lowercase letters, digits, '-'")
    if fmt.export is None and fmt.import_ is None:
        raise ValidationError(f"format {fmt.name!r} neither exports nor imports")
    _FORMATS[fmt.name] = fmt
    return fmt


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    import_module("truce.report.formats")  # registers the built-in formats

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        ep.load()


def available_formats(*, exports: bool = False, imports: bool = False) -> list[Format]:
    """Registered formats by name; only exporters or importers when asked."""
    _load()
    found = sorted(_FORMATS.values(), key=lambda f: f.name)
    if exports:
        found = [f for f in found if f.export is not None]
    if imports:
        found = [f for f in found if f.import_ is not None]
    return found


def get_format(name: str, *, export: bool = False, import_: bool = False) -> Format:
    _load()
    fmt = _FORMATS.get(name)
    able = (export and (fmt is None or fmt.export is None)) or (
        import_ and (fmt is None or fmt.import_ is None)
    )
    if fmt is None or able:
        what = "export" if export else "import" if import_ else ""
        known = ", ".join(f.name for f in available_formats(exports=export, imports=import_))
        raise NotFoundError(
            f"no {what + ' ' if what else ''}format {name!r}",
            hint=f"Known {what + ' ' if what else ''}formats: {known}.",
        )
    return fmt
