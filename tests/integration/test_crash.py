"""A writer killed with SIGKILL mid-batch loses no acknowledged entry; the log still verifies."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from truce.ledger.log import Ledger
from truce.ledger.verify import verify_ledger

WRITER = r"""
import base64, sys
from pathlib import Path
from truce.ledger.entry import Entry
from truce.ledger.keys import SigningKey
from truce.ledger.log import Ledger

directory = Path(sys.argv[1])
if (directory / "log.key").exists():
    log = Ledger.open(directory)
else:
    log = Ledger.create(directory, "crash.test/log")
key = SigningKey.from_seed(b"\x07" * 32)
seq, prev = log.next_position("ru")
if seq == 1:
    body = {"id": "ru", "public_key": base64.b64encode(key.public_key.raw).decode()}
    e = Entry.sign(key, origin=log.origin, kind="party.registered", author="ru", seq=1,
                   prev=None, body=body)
    log.append([e]); seq, prev = 2, e.hash.hex()
while True:
    batch = []
    for _ in range(50):
        e = Entry.sign(key, origin=log.origin, kind="report.filed", author="ru", seq=seq, prev=prev,
                       body={"n": seq, "pad": "x" * 300})
        batch.append(e); seq += 1; prev = e.hash.hex()
    log.append(batch)
    print(log.size, flush=True)
"""


@pytest.mark.parametrize("run", range(4))
def test_kill_9_keeps_every_acknowledged_entry(tmp_path: Path, run: int) -> None:
    directory = tmp_path / "ledger"
    acknowledged = 0
    for round_ in range(3):  # kill, reopen and keep writing, three times
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(directory)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        deadline = time.monotonic() + 30
        seen = 0
        while seen < 3 + run + round_ and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            acknowledged = int(line)
            seen += 1
        time.sleep(0.001 * (run * 7 % 5))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        # Anything printed after our last read was acknowledged too.
        for line in proc.stdout.read().split():
            acknowledged = int(line)
        proc.stdout.close()
        assert seen > 0, "the writer never acknowledged a batch"
        with Ledger.open(directory) as log:
            assert log.size >= acknowledged
            result = verify_ledger(log)
            assert result.size == log.size
