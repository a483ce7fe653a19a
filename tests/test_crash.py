"""Kill a process that is recording, many times, at moments chosen by its progress: nothing acknowledged is ever
lost and the profile stays consistent (`steward check` clean; leftover files of the killed writes are reclaimable)."""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from steward.services.check import check_profile
from steward.services.profiles import open_profile
from tests import processes

ROOT = Path(__file__).resolve().parent.parent
KILLS = 30


def _acknowledged(ack: Path) -> list[list[str]]:
    text = ack.read_text(encoding="utf-8") if ack.exists() else ""
    complete = text[: text.rfind("\n") + 1]  # a line torn by the kill was never acknowledged
    return [line.split("\t") for line in complete.splitlines()]


def _photos_acknowledged(ack: Path) -> int:
    return sum(1 for line in _acknowledged(ack) if line[0] == "photo")


class _Children:
    """The fork server of tests/crash_worker.py: started once, a child forked per run (see there why)."""

    def __init__(self, errors: Path) -> None:
        self.errors = errors
        with errors.open("w") as stderr:
            self.server = processes.spawn(
                [sys.executable, "-m", "tests.crash_worker"],
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )

    def _line(self, timeout: float) -> str | None:
        """The server's next line, or None if it has none within `timeout` seconds."""
        assert self.server.stdout is not None
        if not select.select([self.server.stdout], [], [], timeout)[0]:
            return None
        line = self.server.stdout.readline()
        assert line, f"the fork server ended: {self.errors.read_text()}"
        return line.rstrip("\n")

    def start(self, data_dir: Path, run: int, ack: Path) -> int:
        assert self.server.stdin is not None
        self.server.stdin.write(f"{data_dir}\t{run}\t{ack}\n")
        self.server.stdin.flush()
        line = self._line(60)  # a guard against a hung server, not a measure of speed
        assert line is not None and line.startswith("started\t"), (line, self.errors.read_text())
        return int(line.split("\t")[1])

    def assert_alive(self, pid: int) -> None:
        """The child has not ended by itself (the server says so the moment it does)."""
        line = self._line(0)
        assert line is None, f"child {pid} ended before it was killed ({line}): {self.errors.read_text()}"

    def kill(self, pid: int) -> None:
        """SIGKILL, as a power cut would; returns once the server has reaped the child."""
        os.kill(pid, signal.SIGKILL)
        line = self._line(30)
        assert line == f"ended\t{pid}\t{signal.SIGKILL}", (line, self.errors.read_text())

    def stop(self) -> None:
        processes.end(self.server)  # its children are in its process group: ended with it


@pytest.mark.slow
@pytest.mark.skipif(sys.platform.startswith("win"), reason="SIGKILL and fork are POSIX")
def test_sigkill_at_random_moments_loses_nothing_acknowledged(tmp_path: Path) -> None:
    # When to kill is chosen by progress, never by time: each child is killed once it has acknowledged 1-3 more
    # photos, then after a short random pause that spreads the kills over every step of the next use case. How fast
    # the machine is changes how long this takes, never what it proves.
    rng = random.Random(int(os.environ.get("STEWARD_CRASH_SEED", "7")))
    ack = tmp_path / "ack.log"
    children = _Children(tmp_path / "children.err")
    try:
        for run in range(KILLS):
            wanted = _photos_acknowledged(ack) + rng.randint(1, 3)
            child = children.start(tmp_path, run, ack)
            give_up = time.monotonic() + 300  # only a guard against a hung child: the test waits for progress
            while _photos_acknowledged(ack) < wanted:
                children.assert_alive(child)
                assert time.monotonic() < give_up, f"run {run}: no progress in 300 s"
                time.sleep(0.01)
            time.sleep(rng.uniform(0, 0.08))
            children.kill(child)
    finally:
        children.stop()

    lines = _acknowledged(ack)
    assert sum(1 for line in lines if line[0] == "photo") >= KILLS  # holds by construction: one more photo a run
    with open_profile(tmp_path, "crash") as profile:
        report = check_profile(profile)
        assert report.clean, [p.en for p in report.remaining]

        last_answer: dict[tuple[str, str], int] = {}
        for line in lines:
            if line[0] == "answer":
                last_answer[(line[1], line[2])] = int(line[3])
            elif line[0] == "finding":
                assert profile.db.scalar("SELECT count(*) FROM findings WHERE id = ?", [line[1]]) == 1
                assert profile.db.scalar("SELECT count(*) FROM finding_events WHERE finding_id = ?", [line[1]]) == 1
            elif line[0] == "photo":
                assert profile.db.scalar("SELECT count(*) FROM photo_links WHERE id = ?", [line[2]]) == 1
                row = profile.db.query_one("SELECT original_ext FROM photos WHERE sha256 = ?", [line[1]])
                assert row is not None and profile.photos.original_path(line[1], row["original_ext"]).exists()
        for (visit_id, item_id), index in last_answer.items():
            note = profile.db.scalar("SELECT note FROM answers WHERE visit_id = ? AND item_id = ?", [visit_id, item_id])
            assert note is not None and int(note.rsplit("-", 1)[1]) >= index  # that answer or a later one

        # Leftovers of killed writes (files without rows, temp files) are reclaimed, leaving nothing behind.
        check_profile(profile, repair=True)
        final = check_profile(profile)
        assert final.clean and final.leftovers == []
