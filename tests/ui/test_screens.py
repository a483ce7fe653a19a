"""The findings screen's filters and history, and amending a finished visit, through the widgets."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from steward.domain import clock
from steward.domain.labels import FindingStatus
from steward.services import enterprises, visits
from steward.storage import audit
from steward.storage.profile import Profile
from steward.ui.main_window import MainWindow


def _rows(window: MainWindow) -> list[dict]:
    return window.findings.model.rows


def _ids(rows: list[dict]) -> set[str]:
    return {r["id"] for r in rows}


def test_findings_filters(window: MainWindow, qtbot: QtBot) -> None:
    # Each filter must show exactly the rows it names, worked out here from the unfiltered list; every expected set
    # is checked to be non-empty and smaller than what it is taken from, so no step can pass by showing nothing.
    window.show_findings()
    screen = window.findings
    open_rows = list(_rows(window))
    assert open_rows and not any(FindingStatus(r["status"]).closed for r in open_rows)
    screen.status.setCurrentIndex(screen.status.findData(None))
    qtbot.waitUntil(lambda: len(_rows(window)) > len(open_rows), timeout=2000)
    every = list(_rows(window))
    major = _ids([r for r in every if r["severity"] == "major"])
    assert 0 < len(major) < len(every)
    screen.severity.setCurrentIndex(screen.severity.findData("major"))
    qtbot.waitUntil(lambda: _ids(_rows(window)) == major, timeout=2000)
    screen.severity.setCurrentIndex(0)
    screen.status.setCurrentIndex(screen.status.findData("open"))
    screen.overdue.setChecked(True)
    overdue = [r for r in open_rows if r["overdue_days"] > 0]
    assert 0 < len(overdue) < len(open_rows)
    qtbot.waitUntil(lambda: _ids(_rows(window)) == _ids(overdue), timeout=2000)
    target = overdue[0]["enterprise_id"]
    screen.enterprise.setCurrentIndex(screen.enterprise.findData(target))
    of_target = _ids([r for r in overdue if r["enterprise_id"] == target])
    qtbot.waitUntil(lambda: _ids(_rows(window)) == of_target, timeout=2000)
    assert "共" in screen.count.text()


@pytest.mark.dates
def test_amending_a_finished_visit_records_the_reason(window: MainWindow, park: Profile, qtbot: QtBot) -> None:
    began = date.today()
    ent = enterprises.listing(park)[0]
    visit = visits.start(park, ent["id"], "routine", item_codes=["A1", "B1"])
    a1 = visits.items(park, visit["id"])[0]
    visits.answer(park, visit["id"], a1["id"], "compliant")
    visits.finish(park, visit["id"])
    window.open_visit(visit["id"], f"item:{a1['id']}")
    screen = window.visit
    assert screen.amend_button.isVisible() and not screen.finish_button.isVisible()
    button = screen.item_panel.answer_buttons[
        next(r for r in screen.item_panel.answer_buttons if r.value == "not_applicable")
    ]
    assert not button.isEnabled()
    screen.start_amendment("现场复核:该工序已停用")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert visits.items(park, visit["id"])[0]["result"] == "not_applicable"
    answer_id = visits.items(park, visit["id"])[0]["answer_id"]
    [entry] = audit.for_entity(park.db, "answer", answer_id)
    assert entry["reason"] == "现场复核:该工序已停用" and entry["detail"]["before"]["result"] == "compliant"
    assert visits.get(park, visit["id"])["status"] == "finished"  # still locked; the change is on the record
    assert began <= clock.local_date(clock.from_text(entry["at"])) <= date.today()  # the local date, not the UTC one


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
