"""文件 → 导出 Excel/CSV: the dialog from the menu to the file on disk, and a failure said in the dialog."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox, QMenu
from pytestqt.qtbot import QtBot

from steward.services import demo
from steward.storage.profile import Profile
from steward.ui.main_window import MainWindow
from steward.ui.widgets.export_dialog import ExportDialog


@pytest.fixture
def park_size() -> demo.DemoSize:
    return demo.DemoSize(enterprises=3, weeks=6, photos=False)


def _menu_action(window: MainWindow, text: str):
    for menu in window.menuBar().findChildren(QMenu):
        for action in menu.actions():
            if action.text() == text:
                return action
    raise AssertionError(f"no menu entry {text!r}")


def test_export_from_the_file_menu_writes_the_chosen_table(qtbot: QtBot, window: MainWindow, park: Profile, tmp_path):
    _menu_action(window, "导出 Excel/CSV…").trigger()
    dialog = window.documents.export_dialog
    assert isinstance(dialog, ExportDialog) and dialog.isVisible()
    dialog.what.setCurrentIndex(dialog.what.findData("visits"))
    dialog.from_start.setChecked(False)
    dialog.start.setDate(QDate(2000, 1, 1))
    dialog.end.setDate(QDate(2030, 12, 31))
    assert dialog.path.text().endswith("巡查记录_截至20301231.xlsx")
    target = tmp_path / "巡查.xlsx"
    dialog.path.setText(str(target))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=60_000)
    finished = park.db.scalar("SELECT count(*) FROM visits WHERE status = 'finished'")
    assert finished > 0 and dialog.written.rows == finished
    rows = list(openpyxl.load_workbook(target)["巡查记录"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == finished
    assert f"已导出 {finished} 行" in dialog.message.text() and not dialog.running
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "关闭"
    dialog.close()


def test_a_failed_export_is_said_in_the_dialog_and_leaves_no_file(qtbot: QtBot, park: Profile, tmp_path: Path):
    from steward.ui.background import Background

    dialog = ExportDialog(park, Background.shared())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.csv.setChecked(True)
    assert dialog.path.text().endswith(".csv")
    dialog.path.setText(str(tmp_path / "missing" / "问题台账"))  # no such folder; no suffix either
    dialog.start_export()
    assert dialog.path.text().endswith("问题台账.csv")
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert "保存位置不存在" in dialog.message.text() and dialog.written is None
    assert not (tmp_path / "missing").exists()
    assert dialog.isVisible() and dialog.export_button.isEnabled()  # the steward can choose another place

    dialog.from_start.setChecked(False)
    dialog.start.setDate(QDate(2026, 5, 2))
    dialog.end.setDate(QDate(2026, 5, 1))
    dialog.path.setText(str(tmp_path / "x.csv"))
    dialog.start_export()
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert "晚于结束日期" in dialog.message.text() and not (tmp_path / "x.csv").exists()
    assert dialog.chosen_period() == (date(2026, 5, 2), date(2026, 5, 1))
    dialog.close()
