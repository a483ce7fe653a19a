"""Small things a steward notices: 整改率 with nothing found, sync errors that say what to do, a masked token, the
calendar in Chinese whatever the system locale, and the window inside the screen."""

from __future__ import annotations

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QCalendarWidget, QFileDialog, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from steward.domain.findings import Figures
from steward.services import settings
from steward.storage.profile import Profile
from steward.sync.client import SyncError
from steward.ui.app import install_translations
from steward.ui.labels import rate_text
from steward.ui.main_window import MainWindow
from steward.ui.screens.sync import with_advice
from steward.ui.widgets.settings_dialog import SettingsDialog


def test_rate_without_findings_is_a_dash() -> None:
    assert rate_text(Figures(found=0, rectified=0, waived=0, open=0, overdue=0)) == "—"
    assert rate_text(Figures(found=4, rectified=1, waived=0, open=3, overdue=0)) == "25%"


def test_sync_errors_say_what_to_do() -> None:
    bare = with_advice(SyncError("同步服务器返回错误 404。", "The hub answered 404.", 404))
    assert "服务器地址" in bare and "核对" in bare
    assert "令牌" in with_advice(SyncError("同步令牌无效,请核对设置中的令牌。", "bad token", 401))
    assert "稍后再试" in with_advice(SyncError("同步服务器返回错误 502。", "502", 502))


def test_token_masked_in_settings(qtbot: QtBot, profile: Profile) -> None:
    settings.put(profile, settings.HUB_TOKEN, "s3cret-token")
    dialog = SettingsDialog(profile)
    qtbot.addWidget(dialog)
    field = dialog.fields[settings.HUB_TOKEN.key]
    assert field.text() == "s3cret-token" and field.echoMode() == QLineEdit.EchoMode.Password


def test_calendar_and_file_dialog_speak_chinese_whatever_the_system_locale(qtbot: QtBot) -> None:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    app = QApplication.instance()
    translators = install_translations(app)
    try:
        calendar = QCalendarWidget()
        qtbot.addWidget(calendar)
        assert calendar.locale().monthName(12) == "十二月"
        assert calendar.locale().dayName(1, QLocale.FormatType.ShortFormat) in ("周一", "一")
        dialog = QFileDialog()
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        qtbot.addWidget(dialog)
        labels = [label.text() for label in dialog.findChildren(QLabel)]
        assert "查找范围(&L):" in labels and "文件类型(&T):" in labels
        assert not any("Look in" in text or "Files of" in text for text in labels)
    finally:
        for translator in translators:
            app.removeTranslator(translator)
        QLocale.setDefault(before)


def test_window_fits_the_available_screen(window: MainWindow) -> None:
    area = window.screen().availableGeometry()
    assert window.width() <= area.width() and window.height() <= area.height()


def test_search_clear_button_is_a_real_button(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    screen = window.enterprises
    qtbot.keyClicks(screen.search, "xjyq")
    clear = next(b for b in screen.findChildren(QPushButton) if b.text() == "清除")
    qtbot.mouseClick(clear, Qt.MouseButton.LeftButton)
    assert screen.search.text() == "" and clear.height() >= 40


def test_calendar_day_cells_are_touch_sized(qtbot: QtBot) -> None:
    from datetime import date

    from PySide6.QtWidgets import QTableView

    from steward.ui.widgets.period_dialog import PeriodDialog

    dialog = PeriodDialog("期间", date(2026, 11, 1), date(2026, 11, 27))
    qtbot.addWidget(dialog)
    calendar = dialog.start.calendarWidget()
    calendar.show()
    view = calendar.findChild(QTableView)
    qtbot.waitUntil(lambda: view.rowHeight(3) >= 40, timeout=3000)
    assert view.rowHeight(3) >= 40 and view.columnWidth(3) >= 40
    calendar.hide()
