"""Kill the app while the steward types; starting it again offers to continue exactly there, with at most the
keystroke still in its debounce window lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from steward.services import enterprises, visits
from steward.services.profiles import open_profile
from steward.ui.main_window import MainWindow
from tests.conftest import make_code
from tests.ui.resume_worker import KEYSTROKES

ROOT = Path(__file__).resolve().parents[2]


def _progress_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line for line in path.read_text(encoding="utf-8").split("\n")[:-1]]  # only whole lines


@pytest.mark.slow
@pytest.mark.skipif(sys.platform.startswith("win"), reason="SIGKILL is POSIX")
@pytest.mark.parametrize("kill_after", [1, 8])
def test_killed_while_typing_loses_at_most_the_last_keystroke(qtbot: QtBot, tmp_path: Path, kill_after: int) -> None:
    with open_profile(tmp_path, "field") as profile:
        ent = enterprises.create(profile, name="仙居县鑫达工艺品有限公司", credit_code=make_code(11))
        visit = visits.start(profile, ent["id"], "routine", item_codes=["A1", "B1", "B2", "B7", "D2"])
    progress = tmp_path / "progress.txt"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.resume_worker", str(tmp_path), visit["id"], str(progress)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The moment is chosen by the child's progress, never by a clock: the kill lands while it types on.
        while len(_progress_lines(progress)) < kill_after:
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
            time.sleep(0.005)
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=10)
        if child.stderr:
            child.stderr.close()
    lines = _progress_lines(progress)
    assert kill_after <= len(lines) < len(KEYSTROKES)  # killed while typing, not after
    position, committed = lines[-1].split("\t")
    # The keystroke after the last one reported on disk may or may not have been saved; nothing before it is lost.
    next_text = "".join(KEYSTROKES[: len(lines) + 1])

    profile = open_profile(tmp_path, "field")
    window = MainWindow(profile)
    try:
        window.show()
        questions: list[str] = []
        assert window.offer_resume(ask=lambda q: questions.append(q) or True)
        assert "仙居县鑫达工艺品有限公司" in questions[0] and "尚未完成" in questions[0]
        screen = window.visit
        assert window.stack.currentWidget() is screen
        assert screen.position == position
        assert screen.item_panel.item["code"] == "B7"
        answered = {i["code"]: i["result"] for i in visits.items(profile, visit["id"])}
        assert answered == {
            "A1": "compliant",
            "B1": "compliant",
            "B2": "not_applicable",
            "B7": "not_compliant",
            "D2": None,
        }
        shown = screen.item_panel.finding_editor.location.text()
        assert shown in (committed.strip(), next_text.strip())
    finally:
        window.close()
        window.deleteLater()
        profile.close()


def test_nothing_to_resume_asks_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    with open_profile(tmp_path, "quiet") as profile:
        window = MainWindow(profile)
        assert window.offer_resume(ask=lambda q: pytest.fail("asked")) is False
        window.close()
        window.deleteLater()
