"""A test process that dies without its teardown (a crashed xdist worker: it happened, a segmentation fault) leaves
its throwaway PostgreSQL cluster serving. The next cluster the tests make stops it and removes its folder, so no
run leaves a PostgreSQL behind for good."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import processes
from tests.postgres import Cluster, pg_bin, unavailable_reason

OWNER_OF_A_CLUSTER = (
    "import sys, time\n"
    "from tests.postgres import Cluster, pg_bin\n"
    "cluster = Cluster(pg_bin()).start()\n"
    "print(cluster.root, flush=True)\n"
    "time.sleep(600)\n"  # killed long before: a guard, not a wait
)


def _postmaster(root: Path) -> int:
    return int((root / "data" / "postmaster.pid").read_text().splitlines()[0])


def _running(pid: int) -> bool:
    """Alive and not a zombie (a stopped postmaster is the init process's to reap, whenever it does)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


@pytest.mark.skipif(unavailable_reason() is not None and os.environ.get("CI") != "true", reason="no PostgreSQL")
def test_the_cluster_of_a_killed_test_process_is_stopped_and_removed_by_the_next() -> None:
    root_dir = Path(__file__).resolve().parent.parent
    owner = processes.spawn([sys.executable, "-c", OWNER_OF_A_CLUSTER], cwd=root_dir, stdout=subprocess.PIPE, text=True)
    try:
        assert owner.stdout is not None
        orphan = Path(owner.stdout.readline().strip())
        postmaster = _postmaster(orphan)
    finally:
        processes.kill(owner)  # as a crash would: no teardown runs
    assert _running(postmaster), "SIGKILL of its owner must leave the cluster running (what is cleaned up)"
    bin_dir = pg_bin()
    assert bin_dir is not None
    fresh = Cluster(bin_dir)  # ends the orphans before it makes its own folder
    try:
        assert not _running(postmaster)
        assert not orphan.exists()
        assert fresh.root.exists()
    finally:
        fresh.stop()
