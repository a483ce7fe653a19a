"""The three-colour rating where a steward looks: the chip and the colour filter of the enterprise list, and in the
enterprise detail the reasons, the timeline, and complaints entered, changed and deleted with the colour following."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog, QTableView
from pytestqt.qtbot import QtBot

from steward.domain.rating import Colour
from steward.services import demo, enterprise_events, ratings, visits
from steward.storage.profile import Profile
from steward.ui.main_window import MainWindow
from steward.ui.screens.enterprise_detail import EnterpriseDetail
from steward.ui.widgets.enterprise_table import COLOUR_COLUMN, chip_text
from steward.ui.widgets.event_dialog import DeleteEventDialog, EventDialog
from tests.ui.test_visit_e2e import when_modal
from tests.ui.typing import type_into


@pytest.fixture
def park_size() -> demo.DemoSize:
    return demo.DemoSize(enterprises=20, weeks=12)


def _rated(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: window.enterprises.rated, timeout=20000)


def _double_click_row(qtbot: QtBot, table: QTableView, row: int) -> None:
    index = table.model().index(row, 0)
    table.scrollTo(index)
    rect = table.visualRect(index)
    assert table.viewport().rect().contains(rect.center())
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a double click is a press,
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # then the second press


def test_the_list_shows_each_colour_as_a_worded_chip_and_filters_by_colour(
    window: MainWindow, qtbot: QtBot, park: Profile
) -> None:
    _rated(window, qtbot)
    expected = {r.enterprise_id: r.rating for r in ratings.ratings(park)}
    screen = window.enterprises
    model = screen.model
    assert model.rowCount() == len(expected) == 20
    for row in range(model.rowCount()):
        rating = expected[model.id_at(row)]
        cell = model.index(row, COLOUR_COLUMN)
        assert cell.data() == chip_text(rating.colour)  # the word and a shape, not colour alone
        assert cell.data(Qt.ItemDataRole.BackgroundRole) is not None
        assert cell.data(Qt.ItemDataRole.ToolTipRole) == rating.reasons[0].zh
    counts = {c: sum(1 for r in expected.values() if r.colour is c) for c in Colour}
    assert all(0 < n < 20 for n in counts.values()), counts  # the demo park has every colour, so filtering shows

    for colour in Colour:
        screen.colour.setCurrentIndex(screen.colour.findData(colour.value))
        shown = {model.id_at(r) for r in range(model.rowCount())}
        assert shown == {eid for eid, r in expected.items() if r.colour is colour}
        assert screen.colour.currentText() == f"{chip_text(colour)} ({counts[colour]})"
    type_into(screen.search, "xj")  # typing works within the chosen colour (every demo name starts 仙居)
    assert model.rowCount() == counts[Colour.GREEN]
    assert {model.colour_at(r) for r in range(model.rowCount())} == {Colour.GREEN}
    screen.search.clear()
    screen.colour.setCurrentIndex(0)
    assert model.rowCount() == 20
    screen.table.sortByColumn(COLOUR_COLUMN, Qt.SortOrder.AscendingOrder)
    order = [model.colour_at(r) for r in range(model.rowCount())]
    assert order == sorted(order, key=list(Colour).index) and order[0] is Colour.RED


def _green_for_a_while(park: Profile) -> str:
    """An enterprise green now and rated green before (visited a month ago, nothing found), so that a complaint
    added is a change from green."""
    eid = next(r.enterprise_id for r in ratings.ratings(park) if r.rating.colour is Colour.GREEN)
    then = datetime.now().astimezone() - timedelta(days=30)
    visit = visits.start(park, eid, at=then)
    visits.finish(park, visit["id"], at=then + timedelta(hours=2))
    assert [c.rating.colour for c in ratings.enterprise_timeline(park, eid)][-1] is Colour.GREEN
    return eid


def _select(detail: EnterpriseDetail, source: str) -> dict:
    row = next(i for i, r in enumerate(detail.records.rows) if r["source"] == source)
    detail.records_table.selectRow(row)
    return detail.records.rows[row]


def _save(qtbot: QtBot, fill: Callable[[EventDialog], None], first_try: str | None = None) -> Callable[[QDialog], None]:
    """Fill the dialog as a steward would; with `first_try`, save once before filling and expect that refusal."""

    def act(dialog: QDialog) -> None:
        assert isinstance(dialog, EventDialog)
        if first_try is not None:
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
            assert dialog.isVisible() and first_try in dialog.error.text()
        fill(dialog)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    return act


def test_a_complaint_entered_changed_and_deleted_in_the_detail_moves_the_colour(
    window: MainWindow, qtbot: QtBot, park: Profile
) -> None:
    eid = _green_for_a_while(park)
    before = len(enterprise_events.listing(park, eid))
    _rated(window, qtbot)
    screen = window.enterprises
    row = next(r for r in range(screen.model.rowCount()) if screen.model.id_at(r) == eid)
    detail = window.detail
    with qtbot.waitSignal(detail.rating.timeline_shown, timeout=20000):
        _double_click_row(qtbot, screen.table, row)
    assert window.stack.currentWidget() is detail and detail.enterprise["id"] == eid
    assert detail.rating.current is not None and detail.rating.current.colour is Colour.GREEN
    assert "绿码" in detail.chip.text() and "对照红码规则" in detail.rating.reasons.text()  # what green checked
    qtbot.mouseClick(detail.tabs.tabBar(), Qt.MouseButton.LeftButton, pos=detail.tabs.tabBar().tabRect(3).center())
    assert detail.tabs.currentWidget() is detail.records_page

    first_day = date.today() - timedelta(days=20)

    def first(dialog: EventDialog) -> None:
        dialog.on.setDate(QDate(first_day))
        type_into(dialog.source, "12345热线")
        type_into(dialog.note, "夜间喷漆异味")

    when_modal(EventDialog, _save(qtbot, first, first_try="投诉来源"))
    with qtbot.waitSignal(detail.rating.timeline_shown, timeout=20000):
        qtbot.mouseClick(detail.add_buttons[enterprise_events.RecordKind.COMPLAINT], Qt.MouseButton.LeftButton)
    assert detail.rating.current.colour is Colour.YELLOW and "黄码" in detail.chip.text()
    assert f"{first_day.isoformat()}〔12345热线〕" in detail.rating.reasons.text()
    newest = detail.rating.changes[-1]
    assert (newest.on, newest.previous, newest.rating.colour) == (first_day, Colour.GREEN, Colour.YELLOW)
    assert detail.rating.timeline.topLevelItem(0).text(0) == first_day.isoformat()
    assert "12345热线" in detail.rating.timeline.topLevelItem(0).text(2)

    second_day = date.today() - timedelta(days=3)

    def second(dialog: EventDialog) -> None:
        dialog.on.setDate(QDate(second_day))
        type_into(dialog.source, "信访局")

    when_modal(EventDialog, _save(qtbot, second))
    with qtbot.waitSignal(detail.rating.timeline_shown, timeout=20000):
        qtbot.mouseClick(detail.add_buttons[enterprise_events.RecordKind.COMPLAINT], Qt.MouseButton.LeftButton)
    assert detail.rating.current.colour is Colour.RED and "红码" in detail.chip.text()
    assert detail.rating.changes[-1].on == second_day and detail.rating.changes[-1].previous is Colour.YELLOW
    assert detail.records.rowCount() == before + 2 and detail.records.rows[0]["source"] == "信访局"  # newest first

    # The second complaint turns out unfounded: changed, with its reason, and the colour goes back to yellow.
    assert not detail.edit_record_button.isEnabled()  # two records, none chosen: 修改 would not know which
    second_id = _select(detail, "信访局")["id"]
    assert detail.edit_record_button.isEnabled() and detail.delete_record_button.isEnabled()

    def edit(dialog: QDialog) -> None:
        assert isinstance(dialog, EventDialog) and dialog.source.text() == "信访局"
        box = dialog.substantiated
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(12, box.height() // 2))  # on its tick box
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert dialog.isVisible() and "修改理由" in dialog.error.text()  # no reason: refused, nothing lost
        assert not dialog.substantiated.isChecked()
        type_into(dialog.reason, "复核不属实")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    when_modal(EventDialog, edit)
    with qtbot.waitSignal(detail.rating.timeline_shown, timeout=20000):
        qtbot.mouseClick(detail.edit_record_button, Qt.MouseButton.LeftButton)
    assert detail.rating.current.colour is Colour.YELLOW
    changed = enterprise_events.get(park, second_id)
    assert changed["substantiated"] == 0 and changed["revision"] == 2
    (edit_audit,) = enterprise_events.history(park, second_id)
    assert edit_audit["reason"] == "复核不属实" and edit_audit["detail"]["after"] == {"substantiated": 0}

    # The first one was entered against the wrong enterprise: deleted, and the colour is green again.
    first_id = _select(detail, "12345热线")["id"]

    def delete(dialog: QDialog) -> None:
        assert isinstance(dialog, DeleteEventDialog) and "12345热线" in dialog.findChildren(type(detail.chip))[0].text()
        type_into(dialog.reason, "录错企业")
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)

    when_modal(DeleteEventDialog, delete)
    with qtbot.waitSignal(detail.rating.timeline_shown, timeout=20000):
        qtbot.mouseClick(detail.delete_record_button, Qt.MouseButton.LeftButton)
    assert detail.rating.current.colour is Colour.GREEN and "绿码" in detail.chip.text()
    assert first_id not in {r["id"] for r in detail.records.rows} and detail.records.rowCount() == before + 1
    assert enterprise_events.history(park, first_id)[0]["action"] == "delete"
    assert QApplication.activeModalWidget() is None

    # Back in the list, the enterprise is green there too.
    qtbot.mouseClick(window.nav_enterprises, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.rated, timeout=20000)
    row = next(r for r in range(screen.model.rowCount()) if screen.model.id_at(r) == eid)
    assert screen.model.colour_at(row) is Colour.GREEN
