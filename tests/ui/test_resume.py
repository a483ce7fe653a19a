"""Kill the app in the middle of a visit; starting it again offers to continue exactly there."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from steward.services import enterprises, visits
from steward.services.profiles import open_profile
from steward.ui.main_window import MainWindow
from tests.conftest import make_code

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(sys.platform.startswith("win"), reason="SIGKILL is POSIX")
def test_killed_mid_visit_then_resumed_exactly_there(qtbot: QtBot, tmp_path: Path) -> None:
    with open_profile(tmp_path, "field") as profile:
        ent = enterprises.create(profile, name="仙居县鑫达工艺品有限公司", credit_code=make_code(11))
        visit = visits.start(profile, ent["id"], "routine", item_codes=["A1", "B1", "B2", "B7", "D2"])
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.resume_worker", str(tmp_path), visit["id"]],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line.startswith("ready"), child.stderr.read() if child.stderr else ""
    position = line.split()[1]
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)

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
        assert answered == {"A1": "compliant", "B1": "compliant", "B2": "not_applicable", "B7": "not_compliant",
                            "D2": None}  # fmt: skip
        assert screen.item_panel.finding_editor.location.text() == "调漆间"
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
