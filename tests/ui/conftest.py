"""GUI tests fail if a test leaves a window behind (napari's habit), and fail, never hang, on a modal dialog nobody
answers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from steward.services import demo
from steward.services.profiles import open_profile
from steward.storage.profile import Profile
from steward.ui.main_window import MainWindow
from tests.ui.modal_guard import ModalGuard


@pytest.fixture(autouse=True, scope="session")
def private_qsettings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Window geometry and the like go to a folder of the test run, never to the user's own settings."""
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path_factory.mktemp("qs")))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path_factory.mktemp("qsi")))


@pytest.fixture(autouse=True)
def no_leaked_windows(qapp: QApplication) -> Iterator[None]:
    before = set(map(id, QApplication.topLevelWidgets()))
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    leaked = [w for w in QApplication.topLevelWidgets() if id(w) not in before and w.isVisible() and not w.isHidden()]
    for widget in leaked:
        widget.close()
    assert not leaked, f"windows left open: {[type(w).__name__ for w in leaked]}"


# A test answers its dialogs within moments (tests/ui/test_visit_e2e.py `when_modal`); one still open after this long
# is a dialog the test did not expect, which offscreen would wait for a click forever.
UNANSWERED_MODAL_SECONDS = 90


@pytest.fixture(autouse=True)
def no_unanswered_modal(qapp: QApplication) -> Iterator[None]:
    guard = ModalGuard(UNANSWERED_MODAL_SECONDS)
    guard.start()
    yield
    guard.stop()
    assert not guard.closed, f"a modal dialog waited for an answer the test never gave: {guard.closed}"


@pytest.fixture
def park_size() -> demo.DemoSize:
    """How big a demo park a module's tests want; a module overrides this fixture."""
    return demo.DemoSize(enterprises=8, weeks=12)


@pytest.fixture
def park_today() -> date | None:
    return None


@pytest.fixture
def park(tmp_path: Path, park_size: demo.DemoSize, park_today: date | None) -> Iterator[Profile]:
    profile = open_profile(tmp_path, "park")
    demo.make_demo(profile, park_size, today=park_today)
    yield profile
    profile.close()


@pytest.fixture
def window(qtbot: QtBot, park: Profile) -> MainWindow:
    win = MainWindow(park)
    qtbot.addWidget(win)
    win.show()
    return win
