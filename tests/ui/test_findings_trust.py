"""Findings a steward can trust, through the widgets: no silent duplicate, a description confirmed or edited,
部分整改 with a new deadline, 重新打开 only when closed, camera imports without duplicates, one draft per enterprise."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from steward.domain.errors import InvalidInput
from steward.domain.labels import AnswerResult, EventKind
from steward.services import enterprises, findings, visits
from steward.services.profiles import open_profile
from steward.storage.profile import Profile
from steward.ui.main_window import MainWindow
from steward.ui.widgets.finding_history import FindingHistoryDialog
from tests.conftest import make_code
from tests.images import write_jpeg
from tests.ui.test_visit_e2e import activate, when_modal


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Profile, dict, dict]]:
    """B6 found at the last visit and still open; today's visit covers B6 and B1."""
    profile = open_profile(tmp_path, "field")
    ent = enterprises.create(profile, name="仙居县源泉工艺品有限公司", credit_code=make_code(3), template_code="craft")
    then = datetime(2026, 10, 20, 2, tzinfo=UTC)
    first = visits.start(profile, ent["id"], "first", at=then)
    b6 = next(i for i in visits.items(profile, first["id"]) if i["code"] == "B6")
    earlier = visits.create_finding(profile, first["id"], b6["id"], location="喷漆房", at=then)
    visits.finish(profile, first["id"], at=then)
    visit = visits.start(profile, ent["id"], "routine", item_codes=["B6", "B1"])
    yield profile, visit, earlier
    profile.close()


def open_at(qtbot: QtBot, profile: Profile, visit_id: str, code: str | None = None) -> MainWindow:
    window = MainWindow(profile)
    qtbot.addWidget(window)
    window.show()
    activate(window, qtbot)
    position = None
    if code:
        position = "item:" + next(i["id"] for i in visits.items(profile, visit_id) if i["code"] == code)
    window.open_visit(visit_id, position)
    return window


def click_button(text: str):
    def act(box: QMessageBox) -> None:
        next(b for b in box.buttons() if b.text() == text).click()

    return act


def test_not_compliant_again_offers_still_not_rectified(qtbot: QtBot, site) -> None:
    profile, visit, _earlier = site
    window = open_at(qtbot, profile, visit["id"], "B6")
    screen = window.visit
    open_before = findings.figures_for(profile).open
    when_modal(QMessageBox, click_button("仍未整改(记入原问题)"))
    qtbot.keyClick(screen, Qt.Key.Key_2)
    assert visits.findings_of_visit(profile, visit["id"]) == []  # no duplicate
    assert findings.figures_for(profile).open == open_before
    events = profile.db.query("SELECT kind FROM finding_events WHERE visit_id = ?", [visit["id"]])
    assert events == [{"kind": "recheck_not_rectified"}]
    assert {i["code"]: i["result"] for i in visits.items(profile, visit["id"])}["B6"] == "not_compliant"
    assert screen.item_panel.linked.isVisible() and "未新建问题" in screen.item_panel.linked.text()
    assert not screen.item_panel.finding_frame.isVisible()


def test_not_compliant_again_can_be_a_new_problem_or_cancelled(qtbot: QtBot, site) -> None:
    profile, visit, _earlier = site
    window = open_at(qtbot, profile, visit["id"], "B6")
    screen = window.visit
    when_modal(QMessageBox, click_button("取消"))
    qtbot.keyClick(screen, Qt.Key.Key_2)
    assert visits.findings_of_visit(profile, visit["id"]) == []
    assert not any(b.isChecked() for b in screen.item_panel.answer_buttons.values())
    activate(window, qtbot)  # a window manager gives activation back after a dialog; offscreen Qt does not
    when_modal(QMessageBox, click_button("这是新问题"))
    qtbot.keyClick(screen, Qt.Key.Key_2)
    assert len(visits.findings_of_visit(profile, visit["id"])) == 1
    assert screen.item_panel.finding_frame.isVisible()


def test_description_must_be_confirmed_or_edited(qtbot: QtBot, site) -> None:
    profile, visit, _earlier = site
    window = open_at(qtbot, profile, visit["id"], "B1")
    screen, editor = window.visit, window.visit.item_panel.finding_editor
    qtbot.keyClick(screen, Qt.Key.Key_2)
    assert editor.confirm_box.isVisible()
    warnings = visits.finish_warnings(profile, visit["id"])
    assert any("未确认或修改:B1" in w for w in warnings) and any("问题未填写位置:B1" in w for w in warnings)
    qtbot.mouseClick(editor.confirm_button, Qt.MouseButton.LeftButton)
    assert not editor.confirm_box.isVisible()
    assert not any("未确认或修改" in w for w in visits.finish_warnings(profile, visit["id"]))


def test_an_edited_description_needs_no_confirmation(qtbot: QtBot, site) -> None:
    profile, visit, _earlier = site
    window = open_at(qtbot, profile, visit["id"], "B1")
    screen, editor = window.visit, window.visit.item_panel.finding_editor
    qtbot.keyClick(screen, Qt.Key.Key_2)
    editor.description.setFocus()
    qtbot.keyClicks(editor.description, " door open")
    editor.location.setFocus()  # leaving the field saves it
    assert not editor.confirm_box.isVisible()
    assert not any("未确认或修改" in w for w in visits.finish_warnings(profile, visit["id"]))


def test_partly_rectified_asks_for_the_new_deadline(qtbot: QtBot, site) -> None:
    profile, visit, _earlier = site
    window = open_at(qtbot, profile, visit["id"])
    [row] = window.visit.recheck_panel.rows
    new_deadline = date.today() + timedelta(days=10)

    def set_deadline(dialog) -> None:
        row.deadline_edit.setDate(QDate(new_deadline))
        dialog.accept()

    when_modal(QDialog, set_deadline)
    qtbot.mouseClick(row.outcome_buttons[EventKind.RECHECK_PARTLY], Qt.MouseButton.LeftButton)
    [event] = profile.db.query("SELECT kind, note, new_deadline FROM finding_events WHERE visit_id = ?", [visit["id"]])
    assert event == {"kind": "recheck_partly", "note": "", "new_deadline": new_deadline.isoformat()}
    assert row.outcome_buttons[EventKind.RECHECK_PARTLY].isChecked()
    # The finding is due from the agreed date now; the row says so, and no longer shows it overdue.
    assert findings.get(profile, _earlier["id"])["deadline"] == new_deadline.isoformat()
    assert new_deadline.isoformat() in row.facts.text() and _earlier["deadline"] in row.facts.text()
    assert not row.overdue.isVisible()
    # The finding's history says the same: due on the agreed date, first due on its own, the event names the date.
    history = FindingHistoryDialog(profile, window_background(), _earlier["id"])
    qtbot.addWidget(history)
    shown = [history.facts.itemAt(i).widget().text() for i in range(history.facts.count()) if history.facts.itemAt(i)]
    assert any(new_deadline.isoformat() in t and _earlier["deadline"] in t for t in shown)
    notes = [history.events.data(history.events.index(i, 3)) for i in range(history.events.rowCount())]
    assert f"新整改期限:{new_deadline.isoformat()}" in notes


def test_reopen_only_a_closed_finding(qtbot: QtBot, site) -> None:
    profile, _visit, earlier = site
    with pytest.raises(InvalidInput, match="只有已闭环"):
        findings.add_event(profile, earlier["id"], EventKind.REOPENED, note="x")
    dialog = FindingHistoryDialog(profile, window_background(), earlier["id"])
    qtbot.addWidget(dialog)
    assert not dialog.event_buttons[EventKind.REOPENED].isEnabled()
    assert dialog.event_buttons[EventKind.WAIVED].isEnabled()
    findings.add_event(profile, earlier["id"], EventKind.WAIVED, note="工序已停用")
    dialog.reload()
    assert dialog.event_buttons[EventKind.REOPENED].isEnabled()
    assert not dialog.event_buttons[EventKind.WAIVED].isEnabled()
    assert dialog.event_buttons[EventKind.WAIVED].toolTip()


def window_background():
    from steward.ui.background import Background

    return Background.shared()


def test_camera_folder_twice_skips_what_the_visit_has(qtbot: QtBot, site, tmp_path: Path) -> None:
    profile, visit, _earlier = site
    folder = tmp_path / "DCIM"
    folder.mkdir()
    write_jpeg(folder / "IMG_0001.jpg", colour=(200, 30, 30))
    write_jpeg(folder / "IMG_0002.jpg", colour=(30, 200, 30))
    (folder / "IMG_0003.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    window = open_at(qtbot, profile, visit["id"], "B1")
    screen = window.visit
    screen.import_camera_folder(str(folder))
    qtbot.waitUntil(lambda: bool(screen.last_import_summary), timeout=10000)
    first = screen.last_import_summary
    screen.import_summary_box.close()
    assert "已导入 2 张" in first and "IMG_0003.jpg" in first and "无法读取" in first
    b1 = next(i for i in visits.items(profile, visit["id"]) if i["code"] == "B1")
    link = profile.db.query("SELECT id FROM photo_links WHERE visit_id = ? ORDER BY id", [visit["id"]])[0]
    from steward.services import photos

    photos.assign_to_item(profile, link["id"], visit["id"], b1["id"])  # one already given to an item
    screen.last_import_summary = ""
    screen.import_camera_folder(str(folder))
    qtbot.waitUntil(lambda: bool(screen.last_import_summary), timeout=10000)
    second = screen.last_import_summary
    screen.import_summary_box.close()
    assert "已导入 0 张" in second and "未重复导入 2 张" in second and "IMG_0001.jpg" in second
    assert profile.db.scalar("SELECT count(*) FROM photo_links WHERE visit_id = ?", [visit["id"]]) == 2


def test_one_draft_per_enterprise(qtbot: QtBot, site) -> None:
    profile, visit, _earlier = site
    window = open_at(qtbot, profile, visit["id"], "B1")
    window.show_enterprises()
    asked: list[str] = []

    def continue_it(box: QMessageBox) -> None:
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Yes).click()

    when_modal(QMessageBox, continue_it)
    window.start_visit(visit["enterprise_id"])
    assert "已有一次未完成的巡查" in asked[0]
    assert len(visits.in_progress(profile)) == 1
    assert window.stack.currentWidget() is window.visit and window.visit.visit["id"] == visit["id"]


def test_a_draft_started_elsewhere_while_choosing_the_checklist_is_offered_not_doubled(qtbot: QtBot, site) -> None:
    from steward.ui.widgets.start_visit_dialog import StartVisitDialog

    profile, visit, _earlier = site
    other = enterprises.create(profile, name="仙居县永安机械有限公司", credit_code=make_code(7), template_code="craft")
    window = open_at(qtbot, profile, visit["id"])
    window.show_enterprises()
    elsewhere: list[dict] = []
    asked: list[str] = []

    def started_from_the_command_line_meanwhile(dialog: StartVisitDialog) -> None:
        elsewhere.append(visits.start(profile, other["id"], "first"))
        when_modal(QMessageBox, continue_it)
        dialog.accept()

    def continue_it(box: QMessageBox) -> None:
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Yes).click()

    when_modal(StartVisitDialog, started_from_the_command_line_meanwhile)
    window.start_visit(other["id"])
    assert "已有一次未完成的巡查" in asked[0] and "继续这次巡查吗" in asked[0]
    assert [v["id"] for v in visits.in_progress(profile) if v["enterprise_id"] == other["id"]] == [elsewhere[0]["id"]]
    assert window.visit.visit["id"] == elsewhere[0]["id"]


def test_every_draft_listed_and_current_visit_never_a_finished_one(qtbot: QtBot, site) -> None:
    profile, visit, _earlier = site
    other = enterprises.create(profile, name="仙居县永安机械有限公司", credit_code=make_code(7), template_code="craft")
    second = visits.start(profile, other["id"], "routine", item_codes=["A1"])
    window = MainWindow(profile)
    qtbot.addWidget(window)
    window.show()
    offered: list[list[str]] = []
    assert window.offer_resume(choose=lambda options: offered.append(options) or 1)
    assert len(offered[0]) == 2 and any("永安机械" in o for o in offered[0])
    chosen = visits.in_progress(profile)[1]["id"]
    assert window.visit.visit["id"] == chosen
    # View a finished visit: 当前巡查 then goes back to the draft, not to the finished visit.
    finished = visits.listing(profile, status="finished")[0]
    window.open_visit(finished["id"])
    assert window.visit.locked_banner.isVisible() and "锁定" in window.visit.locked_banner.text()
    answer_button = window.visit.item_panel.answer_buttons[AnswerResult.COMPLIANT]
    assert not answer_button.isEnabled() and "修订" in answer_button.toolTip()
    assert not window.nav_visit.isVisible()
    window.show_current_visit()
    assert window.visit.visit["status"] == "in_progress"
    assert window.visit.visit["id"] in {visit["id"], second["id"]}


def test_recheck_shows_the_photos_from_when_it_was_found(qtbot: QtBot, tmp_path: Path) -> None:
    from steward.services import photos
    from steward.services.photos import LinkTarget

    profile = open_profile(tmp_path, "field")
    try:
        ent = enterprises.create(profile, name="仙居县源泉工艺品有限公司", credit_code=make_code(3))
        first = visits.start(profile, ent["id"], "routine", item_codes=["B6"])
        b6 = visits.items(profile, first["id"])[0]
        found = visits.create_finding(profile, first["id"], b6["id"], location="喷漆房")
        photos.import_photos(
            profile,
            [write_jpeg(tmp_path / "before.jpg", colour=(160, 40, 40))],
            LinkTarget(visit_id=first["id"], item_id=b6["id"], finding_id=found["id"]),
        )
        visits.finish(profile, first["id"])
        second = visits.start(profile, ent["id"], "routine", item_codes=["B1"])
        window = open_at(qtbot, profile, second["id"])
        [row] = window.visit.recheck_panel.rows
        assert row.before.count() == 1 and not row.no_before.isVisible()
        assert row.photos.count() == 0
        window.close()
    finally:
        profile.close()
