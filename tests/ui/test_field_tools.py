"""Tools for the walk: 其余全部合格 (asks first), each item's result at the last visit, a live score, jump to an item."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from steward.services import enterprises, visits
from steward.services.profiles import open_profile
from steward.storage.profile import Profile
from steward.ui.main_window import MainWindow
from tests.conftest import make_code
from tests.ui.test_visit_e2e import activate, when_modal


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[MainWindow, Profile, str]]:
    profile = open_profile(tmp_path, "field")
    ent = enterprises.create(profile, name="仙居县源泉工艺品有限公司", credit_code=make_code(3), template_code="craft")
    then = datetime(2026, 10, 20, 2, tzinfo=UTC)
    first = visits.start(profile, ent["id"], "routine", item_codes=["B1", "D2"], at=then)
    codes = {i["code"]: i["id"] for i in visits.items(profile, first["id"])}
    visits.answer(profile, first["id"], codes["B1"], "compliant", at=then)
    visits.answer(profile, first["id"], codes["D2"], "not_applicable", at=then)
    visits.finish(profile, first["id"], at=then)
    visit = visits.start(profile, ent["id"], "routine", item_codes=["A1", "B1", "B2", "D2"])
    win = MainWindow(profile)
    qtbot.addWidget(win)
    win.show()
    activate(win, qtbot)
    win.open_visit(visit["id"])
    yield win, profile, visit["id"]
    win.close()
    profile.close()


def test_rest_compliant_asks_first_then_answers_only_the_unanswered(qtbot: QtBot, window) -> None:
    win, profile, visit_id = window
    screen = win.visit
    qtbot.keyClick(screen, Qt.Key.Key_3)  # A1 不适用
    asked: list[str] = []

    def refuse(box: QMessageBox) -> None:
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.No).click()

    when_modal(QMessageBox, refuse)
    qtbot.mouseClick(screen.rest_button, Qt.MouseButton.LeftButton)
    assert "3 项" in asked[0] and "B1、B2、D2" in asked[0]
    assert [i["result"] for i in visits.items(profile, visit_id)] == ["not_applicable", None, None, None]
    when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    qtbot.mouseClick(screen.rest_button, Qt.MouseButton.LeftButton)
    results = [i["result"] for i in visits.items(profile, visit_id)]
    assert results == ["not_applicable", "compliant", "compliant", "compliant"]
    assert "4/4" in screen.progress.text()


def test_last_result_live_score_and_jump(qtbot: QtBot, window) -> None:
    win, _profile, _visit_id = window
    screen = win.visit
    assert screen.jump_to("d2")
    assert screen.item_panel.item["code"] == "D2" and "上次巡查:不适用" in screen.item_panel.heading.text()
    assert screen.jump_to("喷漆房门窗")  # words of B2's text
    assert screen.item_panel.item["code"] == "B2" and "上次巡查" not in screen.item_panel.heading.text()
    assert not screen.jump_to("no such thing") and "没有找到" in screen.error.text()
    qtbot.keyClick(screen, Qt.Key.Key_2)  # B2 不合格: the score counts it by severity
    assert "不合格 1 项" in screen.progress.text()
