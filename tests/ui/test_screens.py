"""The findings screen's filters and history, and amending a finished visit, through the widgets."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from steward.domain.labels import FindingStatus
from steward.services import enterprises, visits
from steward.storage import audit
from steward.storage.profile import Profile
from steward.ui.main_window import MainWindow


def _rows(window: MainWindow) -> list[dict]:
    return window.findings.model.rows


def test_findings_filters(window: MainWindow, qtbot: QtBot) -> None:
    window.show_findings()
    screen = window.findings
    open_rows = list(_rows(window))
    assert open_rows and all(not FindingStatus(r["status"]).closed for r in open_rows)
    screen.status.setCurrentIndex(screen.status.findData(None))
    qtbot.waitUntil(lambda: len(_rows(window)) > len(open_rows), timeout=2000)
    screen.severity.setCurrentIndex(screen.severity.findData("major"))
    qtbot.waitUntil(lambda: all(r["severity"] == "major" for r in _rows(window)), timeout=2000)
    screen.severity.setCurrentIndex(0)
    screen.status.setCurrentIndex(screen.status.findData("open"))
    screen.overdue.setChecked(True)
    qtbot.waitUntil(lambda: all(r["overdue_days"] > 0 for r in _rows(window)), timeout=2000)
    target = _rows(window)[0]["enterprise_id"]
    screen.enterprise.setCurrentIndex(screen.enterprise.findData(target))
    qtbot.waitUntil(lambda: {r["enterprise_id"] for r in _rows(window)} == {target}, timeout=2000)
    assert "共" in screen.count.text()


def test_amending_a_finished_visit_records_the_reason(window: MainWindow, park: Profile, qtbot: QtBot) -> None:
    ent = enterprises.listing(park)[0]
    visit = visits.start(park, ent["id"], "routine", item_codes=["A1", "B1"])
    a1 = visits.items(park, visit["id"])[0]
    visits.answer(park, visit["id"], a1["id"], "compliant")
    visits.finish(park, visit["id"])
    window.open_visit(visit["id"], f"item:{a1['id']}")
    screen = window.visit
    assert screen.amend_button.isVisible() and not screen.finish_button.isVisible()
    button = screen.item_panel.answer_buttons[next(r for r in screen.item_panel.answer_buttons
                                                   if r.value == "not_applicable")]  # fmt: skip
    assert not button.isEnabled()
    screen.start_amendment("现场复核:该工序已停用")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert visits.items(park, visit["id"])[0]["result"] == "not_applicable"
    answer_id = visits.items(park, visit["id"])[0]["answer_id"]
    [entry] = audit.for_entity(park.db, "answer", answer_id)
    assert entry["reason"] == "现场复核:该工序已停用" and entry["detail"]["before"]["result"] == "compliant"
    assert visits.get(park, visit["id"])["status"] == "finished"  # still locked; the change is on the record
    assert date.fromisoformat(entry["at"][:10]) <= date.today()


def test_settings_dialog(qtbot: QtBot, park: Profile) -> None:
    from steward.services import settings
    from steward.ui.widgets.settings_dialog import SettingsDialog

    dialog = SettingsDialog(park)
    qtbot.addWidget(dialog)
    dialog.fields["notice_prefix"].setText("XJ 2")
    dialog.save()
    assert "前缀" in dialog.error.text() and settings.get(park, settings.NOTICE_PREFIX) == "XJ"
    dialog.fields["notice_prefix"].setText("LY")
    dialog.fields["insurer_name"].setText("人保财险仙居支公司")
    dialog.save()
    assert settings.get(park, settings.NOTICE_PREFIX) == "LY"
    assert settings.get(park, settings.INSURER_NAME) == "人保财险仙居支公司"
