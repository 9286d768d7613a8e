"""The child process of :mod:`truce.evidence.c2pa`: reads one file's C2PA manifest store with
c2pa-python and prints ``{"state": ..., "store": ...}`` (``null`` if the file has none).

Run by path (``python -I .../c2pa_child.py FILE``), so it imports only the standard library and
``c2pa``, not truce: a second's start-up less per file. Remote manifests and OCSP are never
fetched.
"""

from __future__ import annotations

import json
import sys

SETTINGS = {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: c2pa_child.py FILE", file=sys.stderr)
        return 2
    import c2pa

    try:
        ctx = c2pa.Context(c2pa.Settings.from_dict(SETTINGS))
        with c2pa.Reader(argv[0], context=ctx) as reader:
            found = {"state": reader.get_validation_state(), "store": json.loads(reader.json())}
    except c2pa.C2paError as exc:
        if "ManifestNotFound" in f"{type(exc).__name__} {exc}":
            found = None
        else:
            print(f"{type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)
            return 1
    except Exception as exc:  # the reader's own failures on hostile bytes
        print(f"{type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)
        return 1
    sys.stdout.write(json.dumps(found))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
