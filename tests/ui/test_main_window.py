"""The main window on a demo profile: lists, searches, sorts and shows the figures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QStandardPaths, Qt
from pytestqt.qtbot import QtBot

from steward.services import demo
from steward.storage.paths import default_data_dir
from steward.storage.profile import Profile
from steward.ui.app import set_application_identity
from steward.ui.main_window import MainWindow


@pytest.fixture
def park_size() -> demo.DemoSize:
    return demo.DemoSize(enterprises=20, weeks=6)


@pytest.fixture
def park_today() -> date | None:
    return date(2026, 11, 25)


def _names(win: MainWindow) -> list[str]:
    proxy = win.enterprises.model
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def test_lists_every_enterprise_sorted_by_name(window: MainWindow, qtbot: QtBot) -> None:
    names = _names(window)
    assert len(names) == 20
    from steward.domain.pinyin import name_keys

    assert names == sorted(names, key=lambda n: name_keys(n).split(" ")[-1])  # pinyin order, whatever the locale
    qtbot.waitUntil(lambda: "整改率" in window.figures.text(), timeout=3000)  # counted on the pool
    assert "逾期" in window.figures.text()


def test_search_as_you_type(window: MainWindow, qtbot: QtBot, park: Profile) -> None:
    # Chinese arrives committed from the input method, not as key presses (QTest cannot type it either).
    screen = window.enterprises
    screen.search.insert("源泉")
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=2000)
    assert _names(window) == ["仙居县源泉工艺品有限公司"]
    screen.search.clear()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 20, timeout=2000)
    qtbot.keyClicks(screen.search, "xjyq")  # pinyin initials, typed
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=2000)
    assert _names(window) == ["仙居县源泉工艺品有限公司"]
    screen.search.clear()
    code = park.db.query_one("SELECT credit_code FROM enterprises ORDER BY name LIMIT 1")["credit_code"]
    qtbot.keyClicks(screen.search, code[8:14])  # a typed fragment of a credit code
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=2000)


def test_sort_by_open_findings(window: MainWindow) -> None:
    screen = window.enterprises
    column = screen.model.COLUMNS.index("open_findings")
    screen.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    counts = [screen.model.index(r, column).data() for r in range(screen.model.rowCount())]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0


def test_data_folder_matches_qt(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    name, org = QCoreApplication.applicationName(), QCoreApplication.organizationName()
    set_application_identity()
    try:
        qt_path = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    finally:
        QCoreApplication.setApplicationName(name)
        QCoreApplication.setOrganizationName(org)
    assert Path(qt_path) == default_data_dir() == tmp_path / "Steward"
