"""Every public exception truce raises.

Each error carries a ``hint``: one sentence telling the user what to do next. The CLI prints
``error: <message>`` and the hint; the web layer maps the classes below to one JSON shape.

Hierarchy::

    TruceError
    ├── ConfigError              settings or data directory unusable
    ├── ValidationError          input does not satisfy the model (names the field)
    ├── NotFoundError            an identifier that does not exist
    ├── ConflictError            the request contradicts what is already recorded
    ├── PermissionDenied         the caller may not do this
    ├── AuthenticationError      no valid credentials (sign in, or a live API token)
    ├── RateLimited              too many attempts (repeated failed sign-ins); retry later
    ├── TooLarge                 a request or upload is over the size limit
    ├── LedgerError
    │   ├── EntryError           an entry is malformed or not canonical
    │   ├── SignatureError       a signature does not verify, or the key is unknown
    │   ├── ChainError           an author's sequence or previous-hash chain is broken
    │   ├── ProofError           an inclusion or consistency proof does not verify
    │   ├── CheckpointError      a checkpoint is malformed or its signature fails
    │   └── StorageError         the stored log is damaged (names the index)
    ├── IngestError              a document cannot be ingested (names the file)
    └── ProjectionError          the SQL tables could not be brought up to the log
"""

from __future__ import annotations

__all__ = [
    "AuthenticationError",
    "ChainError",
    "CheckpointError",
    "ConfigError",
    "ConflictError",
    "EntryError",
    "IngestError",
    "LedgerError",
    "NotFoundError",
    "PermissionDenied",
    "ProjectionError",
    "ProofError",
    "RateLimited",
    "SignatureError",
    "StorageError",
    "TooLarge",
    "TruceError",
    "ValidationError",
]


class TruceError(Exception):
    """Root of every error truce raises on purpose."""

    #: Exit status used by the CLI for this class of error.
    exit_code: int = 1
    #: Stable machine-readable code used in the API's error shape.
    code: str = "error"
    hint: str = ""

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        field: str | None = None,
        index: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint
        self.field = field
        self.index = index

    def __str__(self) -> str:
        return self.message


class ConfigError(TruceError):
    code = "config"
    exit_code = 3
    hint = "Check the TRUCE_* environment variables and the data directory (TRUCE_HOME)."


class ValidationError(TruceError):
    code = "invalid"
    exit_code = 2
    hint = "Fix the named field and try again; nothing was written."


class NotFoundError(TruceError):
    code = "not_found"
    exit_code = 4
    hint = "Check the identifier; list what exists with the matching 'list' command."


class ConflictError(TruceError):
    code = "conflict"
    exit_code = 5
    hint = "The record already says otherwise; file a correction as a new entry."


class PermissionDenied(TruceError):
    code = "forbidden"
    exit_code = 6
    hint = "Act only for your own party, or ask the chair."


class AuthenticationError(TruceError):
    code = "unauthenticated"
    exit_code = 6
    hint = "Sign in, or send a live API token as 'Authorization: Bearer <token>'."


class RateLimited(TruceError):
    code = "rate_limited"
    exit_code = 6
    hint = "Wait for the time given in Retry-After, then try again."

    def __init__(self, message: str, *, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after


class TooLarge(TruceError):
    code = "too_large"
    exit_code = 2
    hint = "Send less: split the batch, or put large documents in the evidence store."


class LedgerError(TruceError):
    code = "ledger"
    exit_code = 10
    hint = "The ledger refused this; nothing was appended."


class EntryError(LedgerError):
    code = "bad_entry"


class SignatureError(LedgerError):
    code = "bad_signature"
    hint = "Sign with the party's registered key (truce party list shows the keys)."


class ChainError(LedgerError):
    code = "bad_chain"
    hint = "Sign the author's next entry with the next sequence number and the previous entry hash."


class ProofError(LedgerError):
    code = "bad_proof"
    hint = "The proof does not match the root: the log or the proof has been altered."


class CheckpointError(LedgerError):
    code = "bad_checkpoint"
    hint = "Check the log's verifier key (truce ledger vkey) and the checkpoint text."


class StorageError(LedgerError):
    code = "storage"
    exit_code = 11
    hint = "The stored log is damaged at the named index; restore it from a party's mirror."


class IngestError(TruceError):
    code = "ingest"
    exit_code = 7
    hint = "Check the file; use --on-invalid skip to go on with the rest of the batch."


class ProjectionError(TruceError):
    code = "projection"
    exit_code = 12
    hint = (
        "The log holds every entry; only its SQL tables are behind. See the server's log, "
        "then run 'truce rebuild' if it goes on."
    )
