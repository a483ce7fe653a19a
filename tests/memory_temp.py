"""The suite's temporary folders in memory (/dev/shm) where the machine has room for them.

Every profile, hub and photo a test makes is written with fsync, as Steward writes it; on a shared virtual disk each
fsync waits for the disk, and the suite made tens of thousands of them: test_rating_kept, test_records and
test_visits took 30-60 s on the disk of the machine they were measured on and 7-10 s in memory, with a fifth of the
system CPU. No test relies on data surviving a power cut (the crash tests kill processes, and the order of fsync and
rename is proven by counting the calls), so memory proves the same.

A run's folder is /dev/shm/steward-tests-<user>/run-<pid of pytest's main process>: removed when the run passes,
kept when it failed (to look at) until the next run starts, which removes every folder whose run has ended. Without
the room (a container's /dev/shm is often 64 MB), or with --basetemp given, pytest's own place is used."""

from __future__ import annotations

import getpass
import os
import shutil
from pathlib import Path

from tests.processes import alive

SHM = Path("/dev/shm")
ROOM = 6 << 30  # a run writes ~1 GB; the PostgreSQL cluster (tests/postgres.py) may want 2 GB there too


def run_folder() -> Path | None:
    """A new folder for this run's temporary files in memory, or None where there is no room for one."""
    try:
        if shutil.disk_usage(SHM).free < ROOM or not os.access(SHM, os.W_OK):
            return None
    except OSError:
        return None
    root = SHM / f"steward-tests-{getpass.getuser()}"
    root.mkdir(mode=0o700, exist_ok=True)
    for old in root.glob("run-*"):
        pid = old.name.removeprefix("run-")
        if not (pid.isdigit() and alive(int(pid))):
            shutil.rmtree(old, ignore_errors=True)
    return root / f"run-{os.getpid()}"


def finish(folder: Path, passed: bool) -> None:
    if passed:
        shutil.rmtree(folder, ignore_errors=True)
