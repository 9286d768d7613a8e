"""CSV cells that a spreadsheet will not run: formula-injection neutralisation (OWASP).

A spreadsheet opening a CSV file treats a cell that starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return as a formula (``=HYPERLINK(...)``, ``@SUM(...)``, DDE payloads). Every
text a party files can end up in an export a monitor opens in Excel or LibreOffice, so every CSV
cell truce writes goes through :func:`neutralise`, which follows OWASP's "CSV Injection"
guidance: such a cell is prefixed with a single quote (``'``), which spreadsheets show as text
and do not evaluate.

A numeric column keeps a genuine number as it is: ``-36.5`` in ``longitude`` or ``-3`` stays a
number a spreadsheet can sum (a plain decimal cannot be a formula). Anything else in a numeric
column (``-1+cmd|' /C calc'!A0``) is neutralised like text.

Import undoes exactly this prefix (:func:`restore`), so that an export imported back gives the
text as it was filed: a cell of a quote followed by one of the trigger characters loses the
quote. The ``csv`` module quotes the cells that need it (commas, quotes, line breaks).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["TRIGGERS", "neutralise", "neutralise_row", "restore"]

#: The first characters OWASP lists as starting a formula.
TRIGGERS = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")


def neutralise(value: str, *, numeric: bool = False) -> str:
    """``value`` as a cell no spreadsheet evaluates (a numeric column keeps real numbers)."""
    if not value or value[0] not in TRIGGERS:
        return value
    if numeric and _NUMBER.fullmatch(value):
        return value
    return "'" + value


def neutralise_row(values: Iterable[str], numeric: Iterable[bool]) -> list[str]:
    """Every cell of a row through :func:`neutralise`, ``numeric`` flagging each column."""
    return [neutralise(v, numeric=n) for v, n in zip(values, numeric, strict=True)]


def restore(value: str) -> str:
    """Undo :func:`neutralise` on import: ``'=x`` gives ``=x``; anything else is unchanged."""
    if len(value) >= 2 and value[0] == "'" and value[1] in TRIGGERS:
        return value[1:]
    return value
