"""The main window reopens at the size the steward left it (QSettings), inside the available screen."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from steward.storage.profile import Profile
from steward.ui.main_window import MainWindow


def test_size_is_remembered(qtbot: QtBot, park: Profile) -> None:
    first = MainWindow(park)
    qtbot.addWidget(first)
    first.show()
    first.resize(760, 540)
    qtbot.waitUntil(lambda: first.size().width() == 760, timeout=2000)
    first.close()
    again = MainWindow(park)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (760, 540)
    area = again.screen().availableGeometry()
    assert again.width() <= area.width() and again.height() <= area.height()
