"""A disk that refuses an append (full, or a file-size limit) leaves nothing half-written.

The writer runs with ``RLIMIT_FSIZE`` set (and SIGXFSZ ignored), so that the kernel refuses a
write past the limit with EFBIG exactly as a full disk refuses it with ENOSPC. The append must
fail with a one-line error, every batch acknowledged before it must be intact, and the log must
reopen and verify at exactly the acknowledged size.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from truce.ledger.log import Ledger
from truce.ledger.verify import verify_ledger

WRITER = r"""
import base64, resource, signal, sys
from pathlib import Path
from truce.errors import StorageError
from truce.ledger.entry import Entry
from truce.ledger.keys import SigningKey
from truce.ledger.log import Ledger

directory = Path(sys.argv[1])
log = Ledger.create(directory, "disk.test/log")
key = SigningKey.from_seed(b"\x05" * 32)
body = {"id": "ru", "public_key": base64.b64encode(key.public_key.raw).decode()}
e = Entry.sign(key, origin=log.origin, kind="party.registered", author="ru", seq=1, prev=None,
               body=body)
log.append([e])
seq, prev = 2, e.hash.hex()
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = (directory / "entries.log").stat().st_size + 60_000
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
acknowledged = log.size
try:
    while True:
        batch = []
        for _ in range(20):
            e = Entry.sign(key, origin=log.origin, kind="report.filed", author="ru", seq=seq,
                           prev=prev, body={"n": seq, "pad": "x" * 300})
            batch.append(e); seq += 1; prev = e.hash.hex()
        log.append(batch)
        acknowledged = log.size
except StorageError as exc:
    print(acknowledged)
    print(exc)
"""


def test_a_refused_append_leaves_the_acknowledged_log_intact(tmp_path: Path) -> None:
    directory = tmp_path / "ledger"
    proc = subprocess.run(
        [sys.executable, "-c", WRITER, str(directory)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    acknowledged, message = proc.stdout.strip().split("\n", 1)
    assert "the disk refused the append" in message and "nothing was appended" in message
    assert int(acknowledged) > 1
    with Ledger.open(directory) as log:
        assert log.size == int(acknowledged)
        assert log.repairs == [] or all("torn tail" not in r for r in log.repairs)
        verify_ledger(log)
