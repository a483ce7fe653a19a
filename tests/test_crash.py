"""Kill a process that is recording, many times, at random moments: nothing acknowledged is ever lost and the
profile stays consistent (`steward check` clean; leftover files of the killed writes are reclaimable)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from steward.services.check import check_profile
from steward.services.profiles import open_profile

ROOT = Path(__file__).resolve().parent.parent
KILLS = 30


def _acknowledged(ack: Path) -> list[list[str]]:
    text = ack.read_text(encoding="utf-8") if ack.exists() else ""
    complete = text[: text.rfind("\n") + 1]  # a line torn by the kill was never acknowledged
    return [line.split("\t") for line in complete.splitlines()]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform.startswith("win"), reason="SIGKILL is POSIX")
def test_sigkill_at_random_moments_loses_nothing_acknowledged(tmp_path: Path) -> None:
    rng = random.Random(int(os.environ.get("STEWARD_CRASH_SEED", "7")))
    ack = tmp_path / "ack.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for run in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.crash_worker", str(tmp_path), str(run), str(ack)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        ready = child.stdout.readline()
        assert ready.strip() == "ready", child.stderr.read() if child.stderr else ""
        time.sleep(rng.uniform(0.02, 0.6))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)

    lines = _acknowledged(ack)
    assert sum(1 for line in lines if line[0] == "photo") >= KILLS  # the test exercised what it claims to
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
