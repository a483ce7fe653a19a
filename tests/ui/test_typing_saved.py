"""Nothing typed is lost: notes, finding fields and re-check comments are saved on every way of leaving them,
then read back from the profile on disk by a new window."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog
from pytestqt.qtbot import QtBot

from steward.domain.labels import AnswerResult
from steward.services import enterprises, visits
from steward.services.profiles import open_profile
from steward.storage.profile import Profile
from steward.ui.main_window import MainWindow
from tests.conftest import make_code
from tests.ui.test_visit_e2e import activate, when_modal
from tests.ui.typing import commit_text, type_into


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Profile, str]]:
    """An enterprise with one finding open from an earlier visit, and today's visit of four items started."""
    profile = open_profile(tmp_path, "field")
    ent = enterprises.create(profile, name="仙居县源泉工艺品有限公司", credit_code=make_code(3), template_code="craft")
    then = datetime(2026, 10, 20, 2, tzinfo=UTC)
    first = visits.start(profile, ent["id"], "first", at=then)
    b6 = next(i for i in visits.items(profile, first["id"]) if i["code"] == "B6")
    visits.create_finding(profile, first["id"], b6["id"], location="喷漆房", at=then)
    visits.finish(profile, first["id"], at=then)
    visit = visits.start(profile, ent["id"], "routine", item_codes=["A1", "B1", "B2", "D2"])
    yield profile, visit["id"]
    profile.close()


def open_window(qtbot: QtBot, profile: Profile, visit_id: str, position: str | None = None) -> MainWindow:
    window = MainWindow(profile)
    qtbot.addWidget(window)
    window.show()
    activate(window, qtbot)
    window.open_visit(visit_id, position)
    return window


def reopened(tmp_path: Path, visit_id: str) -> dict[str, dict]:
    """The visit's items as a restarted app reads them from the profile on disk."""
    with open_profile(tmp_path, "field") as again:
        return {i["code"]: i for i in visits.items(again, visit_id)}


def item_position(profile: Profile, visit_id: str, code: str) -> str:
    return "item:" + next(i["id"] for i in visits.items(profile, visit_id) if i["code"] == code)


def test_a_note_is_kept_after_esc_and_1_then_after_a_restart(qtbot: QtBot, site, tmp_path: Path) -> None:
    profile, visit_id = site
    window = open_window(qtbot, profile, visit_id, item_position(profile, visit_id, "A1"))
    screen, panel = window.visit, window.visit.item_panel
    type_into(panel.note, "pH 7.5 排放口有异味")
    qtbot.keyClick(panel.note, Qt.Key.Key_Escape)  # back to the checklist, the note saved on the way
    assert screen.hasFocus()
    qtbot.keyClick(screen, Qt.Key.Key_1)  # A1 合格, on to B1
    assert panel.item["code"] == "B1"
    qtbot.keyClick(screen, Qt.Key.Key_PageUp)
    assert panel.item["code"] == "A1" and panel.note.toPlainText() == "pH 7.5 排放口有异味"
    assert reopened(tmp_path, visit_id)["A1"]["note"] == "pH 7.5 排放口有异味"
    assert reopened(tmp_path, visit_id)["A1"]["result"] == "compliant"


def test_a_note_saved_by_the_timer_alone(qtbot: QtBot, site, tmp_path: Path) -> None:
    profile, visit_id = site
    window = open_window(qtbot, profile, visit_id, item_position(profile, visit_id, "B2"))
    type_into(window.visit.item_panel.note, "风机未开")
    qtbot.waitUntil(lambda: reopened(tmp_path, visit_id)["B2"]["note"] == "风机未开", timeout=5000)


def test_a_note_saved_by_clicking_another_item(qtbot: QtBot, site, tmp_path: Path) -> None:
    profile, visit_id = site
    window = open_window(qtbot, profile, visit_id, item_position(profile, visit_id, "B2"))
    screen = window.visit
    type_into(screen.item_panel.note, "Fan off 风机未开")
    target = screen._tree_items[item_position(profile, visit_id, "D2")]
    rect = screen.outline.visualItemRect(target)
    qtbot.mouseClick(screen.outline.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert screen.item_panel.item["code"] == "D2"
    assert reopened(tmp_path, visit_id)["B2"]["note"] == "Fan off 风机未开"


def test_finding_fields_saved_when_the_screen_changes_and_when_the_app_quits(
    qtbot: QtBot, site, tmp_path: Path
) -> None:
    profile, visit_id = site
    window = open_window(qtbot, profile, visit_id, item_position(profile, visit_id, "B1"))
    screen, editor = window.visit, window.visit.item_panel.finding_editor
    qtbot.keyClick(screen, Qt.Key.Key_2)
    assert editor.location.hasFocus()
    type_into(editor.location, "调漆间 east")
    qtbot.mouseClick(window.nav_enterprises, Qt.MouseButton.LeftButton)  # another screen, at once
    [finding] = visits.findings_of_visit(profile, visit_id)
    with open_profile(tmp_path, "field") as again:
        assert visits.findings_of_visit(again, visit_id)[0]["location"] == "调漆间 east"

    window.open_visit(visit_id, item_position(profile, visit_id, "B1"))
    editor.requirement.setFocus()
    qtbot.keyClick(editor.requirement, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    commit_text(editor.requirement, "三日内更换过滤棉")
    QApplication.instance().aboutToQuit.emit()  # the app is asked to quit
    with open_profile(tmp_path, "field") as again:
        assert visits.findings_of_visit(again, visit_id)[0]["requirement"].endswith("三日内更换过滤棉")
    assert finding["id"] == visits.findings_of_visit(profile, visit_id)[0]["id"]


def test_tab_leaves_the_description_and_esc_returns_to_the_checklist(qtbot: QtBot, site) -> None:
    profile, visit_id = site
    window = open_window(qtbot, profile, visit_id, item_position(profile, visit_id, "B1"))
    screen, editor = window.visit, window.visit.item_panel.finding_editor
    qtbot.keyClick(screen, Qt.Key.Key_2)
    editor.description.setFocus()
    before = editor.description.toPlainText()
    qtbot.keyClick(editor.description, Qt.Key.Key_Tab)
    assert editor.description.toPlainText() == before and not editor.description.hasFocus()
    editor.location.setFocus()
    qtbot.keyClicks(editor.location, "east")
    qtbot.keyClick(editor.location, Qt.Key.Key_Escape)
    assert screen.hasFocus()
    qtbot.keyClick(screen, Qt.Key.Key_PageDown)
    qtbot.keyClick(screen, Qt.Key.Key_1)  # not typed into 位置: it answers B2
    assert visits.findings_of_visit(profile, visit_id)[0]["location"] == "east"
    assert {i["code"]: i["result"] for i in visits.items(profile, visit_id)}["B2"] == "compliant"


def test_a_recheck_comment_typed_after_the_result_is_kept(qtbot: QtBot, site, tmp_path: Path) -> None:
    profile, visit_id = site
    window = open_window(qtbot, profile, visit_id)
    screen = window.visit
    assert screen.position == "recheck"
    [row] = screen.recheck_panel.rows
    qtbot.mouseClick(row.outcome_buttons[next(iter(row.outcome_buttons))], Qt.MouseButton.LeftButton)
    type_into(row.note, "filter 已更换")
    qtbot.keyClick(screen, Qt.Key.Key_PageDown)
    window.close()
    with open_profile(tmp_path, "field") as again:
        events = again.db.query("SELECT kind, note FROM finding_events WHERE visit_id = ?", [visit_id])
    assert events == [{"kind": "recheck_rectified", "note": "filter 已更换"}]


def test_a_recheck_comment_typed_before_the_result_survives_a_restart(qtbot: QtBot, site, tmp_path: Path) -> None:
    profile, visit_id = site
    window = open_window(qtbot, profile, visit_id)
    [row] = window.visit.recheck_panel.rows
    type_into(row.note, "仍在整改中")
    window.close()
    with open_profile(tmp_path, "field") as again:
        [listed] = visits.recheck_list(again, visit_id)
        assert listed["outcome_note"] == "仍在整改中" and listed["outcome"] is None


def test_amend_button_asks_for_a_reason_and_unlocks(qtbot: QtBot, site) -> None:
    profile, visit_id = site
    a1 = next(i for i in visits.items(profile, visit_id) if i["code"] == "A1")
    visits.answer(profile, visit_id, a1["id"], AnswerResult.COMPLIANT)
    visits.finish(profile, visit_id)
    window = open_window(qtbot, profile, visit_id, f"item:{a1['id']}")
    screen = window.visit

    def give_reason(dialog: QInputDialog) -> None:
        dialog.setTextValue("现场复核:该工序已停用")
        dialog.accept()

    when_modal(QInputDialog, give_reason)
    qtbot.mouseClick(screen.amend_button, Qt.MouseButton.LeftButton)
    assert screen.reason == "现场复核:该工序已停用"
    assert screen.item_panel.answer_buttons[AnswerResult.NOT_APPLICABLE].isEnabled()


def test_closing_the_window_keeps_the_place_and_leaves_no_timer_to_fire_on_a_closed_profile(
    qtbot: QtBot, site, tmp_path: Path
) -> None:
    profile, visit_id = site
    window = open_window(qtbot, profile, visit_id, item_position(profile, visit_id, "A1"))
    screen = window.visit
    qtbot.keyClick(screen, Qt.Key.Key_PageDown)  # moving starts the timer that remembers the place
    assert screen._position_timer.isActive()
    window.close()
    assert not screen._position_timer.isActive()  # it fired on a closed profile ("closed database") before
    with open_profile(tmp_path, "field") as again:
        point = visits.resume_point(again)
    assert point is not None and point[1] == item_position(profile, visit_id, "B1")
