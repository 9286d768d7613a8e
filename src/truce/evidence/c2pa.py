"""C2PA manifests (Content Credentials): what a signed manifest store in the file says, read
with the official ``c2pa-python`` reader (the C2PA reference implementation, c2pa-rs).

A camera or an editor that supports C2PA embeds a manifest store (JUMBF boxes: a JPEG's APP11
segments, a PNG's ``caBX`` chunk, an MP4's ``uuid`` box, ...) whose active manifest signs a
*claim*: who made it (``claim_generator``), the assertions (``c2pa.actions``: created, edited;
``c2pa.hash.data``: the hash of the file's bytes, ...), with an X.509 certificate. The reader
checks the signature and every hash; a file changed after it was signed fails
(``assertion.dataHash.mismatch``), and that is recorded as a problem.

``validation`` is the reader's state, lower-cased: ``trusted`` (the signer chains to a trust
list; truce loads none), ``valid`` (signature and hashes check; the signer is then reported
``signingCredential.untrusted``, among ``errors``), or ``invalid``.

The reader is native code run on the uploader's bytes, so it runs in a child process
(:mod:`truce.evidence.c2pa_child`), bounded like ffmpeg and pdfinfo: no shell, no stdin,
:data:`TIMEOUT` seconds, an address-space limit, at most :data:`MAX_OUTPUT` bytes back; remote
manifests and OCSP are never fetched (no network). Only files that contain the JUMBF label
``c2pa`` are read at all (a scan in 1 MiB chunks), and only those of at most :data:`MAX_BYTES`
(the reader hashes the whole file). Without the package, manifests are not read (logged once).
"""

from __future__ import annotations

import importlib.util
import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticError

from truce.evidence.kinds import C2pa

__all__ = ["MAX_BYTES", "TIMEOUT", "has_marker", "read_c2pa", "summarise"]

log = logging.getLogger(__name__)

#: Seconds the reader may take.
TIMEOUT = 30.0
#: Files larger than this are not read for a manifest.
MAX_BYTES = 512 << 20
#: Bytes of address space the reader may use.
MAX_MEMORY = 2 << 30
#: Bytes read back (the manifest store's JSON, thumbnails not included).
MAX_OUTPUT = 4 << 20
_CHUNK = 1 << 20
_MARKER = b"c2pa"

_warned = False


def has_marker(path: Path) -> bool:
    """Whether the file holds the bytes ``c2pa`` (every manifest store is labelled so)."""
    tail = b""
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            if _MARKER in tail + chunk:
                return True
            tail = chunk[-(len(_MARKER) - 1) :]
    return False


def _text(value: Any, limit: int = 200) -> str | None:
    if value is None:
        return None
    text = " ".join("".join(c if c.isprintable() else " " for c in str(value)).split())
    return text[:limit] or None


def summarise(store: dict[str, Any], state: str | None) -> dict[str, Any]:
    """The active manifest of a manifest store (the reader's JSON) as :class:`C2pa` fields."""
    label = store.get("active_manifest")
    manifests = store.get("manifests") or {}
    found = manifests.get(label) if isinstance(manifests, dict) else None
    active: dict[str, Any] = found if isinstance(found, dict) else {}
    info = active.get("claim_generator_info")
    generator = active.get("claim_generator")
    if not generator and isinstance(info, list) and info and isinstance(info[0], dict):
        generator = " ".join(str(info[0][k]) for k in ("name", "version") if info[0].get(k))
    raw = active.get("signature_info")
    sig: dict[str, Any] = raw if isinstance(raw, dict) else {}
    signer = " / ".join(str(sig[k]) for k in ("common_name", "issuer") if sig.get(k))
    results = store.get("validation_results") or {}
    failures = (results.get("activeManifest") or {}).get("failure") if results else None
    if failures is None:
        failures = store.get("validation_status") or []
    codes: list[str] = []
    for item in failures if isinstance(failures, list) else []:
        code = _text(item.get("code") if isinstance(item, dict) else item, 100)
        if code and code not in codes:
            codes.append(code)
    labels: list[str] = []
    for a in active.get("assertions") or []:
        name = _text(a.get("label") if isinstance(a, dict) else None, 100)
        if name and name not in labels:
            labels.append(name)
    return {
        "claim_generator": _text(generator),
        "title": _text(active.get("title")),
        "signer": _text(signer),
        "signed": _text(sig.get("time"), 40),
        "validation": (state or "invalid").lower()[:20],
        "errors": codes[:10],
        "assertions": labels[:24],
        "manifests": min(len(manifests), 1000) if isinstance(manifests, dict) else 0,
    }


def read_c2pa(path: Path, size: int, problems: list[str]) -> C2pa | None:
    """The file's C2PA manifest, if it has one; reading failures add to ``problems``."""
    global _warned
    if size > MAX_BYTES or not has_marker(path):
        return None
    if importlib.util.find_spec("c2pa") is None:  # the child imports it, not the server
        if not _warned:
            log.warning("c2pa-python is not installed: C2PA manifests are not read")
            _warned = True
        return None
    args = [sys.executable, "-I", str(Path(__file__).with_name("c2pa_child.py")), str(path)]
    prlimit = shutil.which("prlimit")
    if prlimit is not None:
        args = [prlimit, f"--as={MAX_MEMORY}", "--", *args]
    try:
        done = subprocess.run(  # an argument list, never a shell
            args, stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        problems.append(f"the C2PA manifest could not be read (over {TIMEOUT:.0f} s); ignored")
        return None
    if done.returncode != 0 or len(done.stdout) > MAX_OUTPUT:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        problems.append(
            f"the C2PA manifest could not be read ({(why[-1] if why else 'no output')[:120]}); "
            "ignored"
        )
        return None
    try:
        found = json.loads(done.stdout)
        if found is None:
            return None
        manifest = C2pa(**summarise(found["store"], found["state"]))
    except (ValueError, TypeError, KeyError, PydanticError) as exc:
        problems.append(f"the C2PA manifest is unreadable ({type(exc).__name__}); ignored")
        return None
    if manifest.validation == "invalid":
        problems.append(
            "the C2PA manifest does not verify ("
            + ", ".join(c for c in manifest.errors if c != "signingCredential.untrusted")[:200]
            + "): the file was changed after it was signed, or the signature is bad"
        )
    return manifest
