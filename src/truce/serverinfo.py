"""The running server's address, for the CLI: ``ledger/server.json``, and submitting through it.

A server holds the data directory's writer lock (``ledger/writer.lock``) for as long as it runs,
so the CLI cannot append itself: two writers would interleave. Instead of refusing (issue 22),
a CLI write command signs its entries as it always does (custodially, with the keys in the data
directory) and hands them to the server, which appends them through its one sequencer like any
other request: one writer, no interleaving, and the CLI reads back what it wrote (the server
answers once the entries are in the log and the tables).

The server writes ``ledger/server.json`` (mode 0600, beside the keys it already guards) when it
starts listening, with its loopback URL, its process id and a random operator token made for
this run, and removes it when it stops. The token authorises ``POST /api/v1/operator/entries``:
whoever can read the data directory already holds its party keys and could append without the
server, so the token grants nothing more than that; it never leaves the machine (the URL is
loopback). A file left by a server that died is recognised (its process is gone, or it does not
answer) and the CLI says so instead of waiting.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from truce import errors
from truce.errors import ConflictError, TruceError

__all__ = ["INFO_NAME", "OPERATOR_HEADER", "ServerInfo", "read_info", "remove_info", "write_info"]

INFO_NAME = "server.json"
OPERATOR_HEADER = "X-Truce-Operator"


@dataclass(frozen=True)
class ServerInfo:
    url: str
    pid: int
    token: str

    def submit(self, leaves: Sequence[bytes], *, timeout: float = 120.0) -> int:
        """Append ``leaves`` (signed entries) through the server; the first one's index."""
        import httpx

        body = {"entries": [base64.b64encode(leaf).decode("ascii") for leaf in leaves]}
        try:
            resp = httpx.post(
                f"{self.url}/api/v1/operator/entries",
                json=body,
                headers={OPERATOR_HEADER: self.token},
                timeout=timeout,
            )
        except httpx.HTTPError as exc:
            raise ConflictError(
                f"the server in this data directory ({self.url}, pid {self.pid}) holds the "
                f"ledger but does not answer: {exc}",
                hint="Wait for it, or stop it and run the command again.",
            ) from None
        data: dict[str, Any] = {}
        with contextlib.suppress(ValueError):
            data = resp.json()
        if resp.status_code != 201:
            raise _error(data, resp.status_code)
        return int(data["index"])


def _error(data: dict[str, Any], status: int) -> TruceError:
    """The server's error as the TruceError it was there (same code, message, field, hint)."""
    code = data.get("code")
    cls: type[TruceError] = TruceError
    for value in vars(errors).values():
        if isinstance(value, type) and issubclass(value, TruceError) and value.code == code:
            cls = value
            break
    message = str(data.get("message") or f"the server refused the entries (HTTP {status})")
    hint = str(data["hint"]) if data.get("hint") else None
    try:
        return cls(message, field=data.get("field"), hint=hint)
    except TypeError:  # a class with arguments of its own (RateLimited): the root class
        return TruceError(message, field=data.get("field"), hint=hint)


def _path(ledger_dir: Path) -> Path:
    return ledger_dir / INFO_NAME


def write_info(ledger_dir: Path, url: str) -> ServerInfo:
    """Say where this process serves (called by ``truce serve`` once it is listening)."""
    info = ServerInfo(url=url.rstrip("/"), pid=os.getpid(), token=secrets.token_urlsafe(32))
    path = _path(ledger_dir)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"url": info.url, "pid": info.pid, "token": info.token}, handle)
    os.replace(tmp, path)
    return info


def remove_info(ledger_dir: Path, info: ServerInfo) -> None:
    """Remove the file if it is still this process's (a newer server may have replaced it)."""
    current = read_info(ledger_dir, check_alive=False)
    if current is not None and current.token == info.token:
        with contextlib.suppress(FileNotFoundError):
            _path(ledger_dir).unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def read_info(ledger_dir: Path, *, check_alive: bool = True) -> ServerInfo | None:
    """The running server's address, or None (no file, a damaged one, or a dead process)."""
    try:
        data = json.loads(_path(ledger_dir).read_text(encoding="utf-8"))
        info = ServerInfo(url=str(data["url"]), pid=int(data["pid"]), token=str(data["token"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if check_alive and not _alive(info.pid):
        return None
    return info
