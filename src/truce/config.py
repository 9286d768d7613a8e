"""One settings object, built by the CLI's main() or the web app's factory, never at import.

Every setting comes from a ``TRUCE_`` environment variable (or an explicit argument):

- ``TRUCE_HOME``: the data directory (default ``./var``);
- ``TRUCE_DATABASE_URL``: where projections live (default ``sqlite:///$TRUCE_HOME/truce.db``);
- ``TRUCE_ORIGIN``: the ledger's origin line (default ``truce.local/ledger``);
- ``TRUCE_EVIDENCE_MAX_BYTES``: the largest evidence file accepted (default 4 GiB);
- ``TRUCE_EVIDENCE_S3``: keep evidence files in this S3-compatible bucket (path-style URL,
  ``http://host:8333/bucket``) instead of the data directory, with ``TRUCE_EVIDENCE_S3_KEY``,
  ``TRUCE_EVIDENCE_S3_SECRET`` and ``TRUCE_EVIDENCE_S3_REGION`` to sign its requests (SigV4);
- ``TRUCE_PROJECTOR``: where a server brings its SQL tables up to the log: ``process`` (the
  default, a child process: :mod:`truce.store.remote`) or ``inline`` (the writer thread);
- ``TRUCE_WEBHOOK_URL``: a server POSTs each new notification there as JSON
  (:mod:`truce.collab.webhook`); read from :attr:`Settings.extra`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from truce.errors import ConfigError

__all__ = ["Settings"]

DEFAULT_ORIGIN = "truce.local/ledger"
PROJECTORS = ("process", "inline")


def _flag(value: str, name: str) -> bool:
    if value.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if value.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be 1 or 0 (or true/false), not {value!r}")


@dataclass(frozen=True)
class Settings:
    home: Path
    origin: str = DEFAULT_ORIGIN
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    projector: str = "process"
    #: Whether anyone, signed in or not, may read the log's checkpoint and hash tiles (the tree,
    #: never the entries' contents), so public witnesses and standard clients can follow it.
    public_log: bool = True
    #: A directory the log keeps its static C2SP tlog-tiles in, written on every append, so a
    #: copy behind any web server verifies every checkpoint the log signs (TRUCE_TILES_DIR).
    tiles_dir: Path | None = None
    #: The largest evidence file accepted, in bytes (TRUCE_EVIDENCE_MAX_BYTES).
    evidence_max_bytes: int = 4 << 30
    #: An S3-compatible bucket URL for the evidence files (TRUCE_EVIDENCE_S3), or "".
    evidence_s3: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.origin or any(c.isspace() for c in self.origin) or "+" in self.origin:
            raise ConfigError(
                f"ledger origin {self.origin!r} must be non-empty with no spaces or '+'",
                hint="Set TRUCE_ORIGIN to a name like 'example.org/truce'.",
            )
        if self.projector not in PROJECTORS:
            raise ConfigError(
                f"projector {self.projector!r} must be one of: {', '.join(PROJECTORS)}",
                hint="Set TRUCE_PROJECTOR to 'process' (the default) or 'inline'.",
            )
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.home / 'truce.db'}")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if env is None else env
        home = Path(str(overrides.pop("home", None) or env.get("TRUCE_HOME") or "var"))
        try:
            port = int(str(overrides.pop("port", None) or env.get("TRUCE_PORT") or 8000))
        except ValueError as exc:
            raise ConfigError("TRUCE_PORT must be a whole number") from exc
        try:
            max_bytes = int(
                str(
                    overrides.pop("evidence_max_bytes", None)
                    or env.get("TRUCE_EVIDENCE_MAX_BYTES")
                    or (4 << 30)
                )
            )
        except ValueError as exc:
            raise ConfigError("TRUCE_EVIDENCE_MAX_BYTES must be a whole number of bytes") from exc
        if max_bytes < 1:
            raise ConfigError("TRUCE_EVIDENCE_MAX_BYTES must be at least 1")
        return cls(
            home=home.absolute(),
            evidence_max_bytes=max_bytes,
            evidence_s3=str(
                overrides.pop("evidence_s3", None) or env.get("TRUCE_EVIDENCE_S3") or ""
            ),
            origin=str(overrides.pop("origin", None) or env.get("TRUCE_ORIGIN") or DEFAULT_ORIGIN),
            database_url=str(
                overrides.pop("database_url", None) or env.get("TRUCE_DATABASE_URL") or ""
            ),
            host=str(overrides.pop("host", None) or env.get("TRUCE_HOST") or "127.0.0.1"),
            port=port,
            projector=str(
                overrides.pop("projector", None) or env.get("TRUCE_PROJECTOR") or "process"
            ),
            public_log=_flag(env.get("TRUCE_PUBLIC_LOG", "1"), "TRUCE_PUBLIC_LOG"),
            tiles_dir=Path(env["TRUCE_TILES_DIR"]).absolute()
            if env.get("TRUCE_TILES_DIR")
            else None,
            extra={k: v for k, v in env.items() if k.startswith("TRUCE_")},
        )

    # Paths inside the data directory.
    @property
    def ledger_dir(self) -> Path:
        return self.home / "ledger"

    @property
    def keys_dir(self) -> Path:
        return self.home / "keys"

    @property
    def evidence_dir(self) -> Path:
        return self.home / "evidence"
