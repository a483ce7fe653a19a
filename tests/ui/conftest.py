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

from steward.services import backup, demo
from steward.services.profiles import open_profile
from steward.storage.profile import Profile
from steward.ui.main_window import MainWindow
from tests.shared_build import copy_of, demo_key, link_photos
from tests.ui.modal_guard import ModalGuard


@pytest.fixture(autouse=True, scope="session")
def private_qsettings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Window geometry and the like go to a folder of the test run, never to the user's own settings."""
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path_factory.mktemp("qs")))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path_factory.mktemp("qsi")))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "daily_backup: closing the main window makes the day's backup (see below)")


@pytest.fixture(autouse=True)
def daily_backup_on_close(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first close of the main window in a day backs the whole profile up, photos and all, under a progress
    dialog (MainWindow.closeEvent): a third to half a second of CPU in each test that closes a window, for a backup
    no test but the ones marked `daily_backup` looks at. Elsewhere none is due, so closing runs the rest of closeEvent
    (typing saved, geometry kept, the pool drained) and skips only the copy. The backup itself: tests/ui/test_shipping.py
    (made on the first close of the day, not the second) and tests/test_backup.py."""
    if request.node.get_closest_marker("daily_backup") is None:
        monkeypatch.setattr(backup, "daily_backup_due", lambda _profile, _today=None: False)


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
def park_folder(
    tmp_path: Path,
    park_size: demo.DemoSize,
    park_today: date | None,
    time_zone: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """A data folder holding a demo park of the module's size as the profile "park", each test its own copy. The demo
    is deterministic for its size, day and zone, so it is made once per test run, whatever the number of workers
    (tests/shared_build.py; `time_zone` is asked for first so it is made in the test's zone), and copied: files only, a
    few milliseconds, where making it takes seconds. The copy is the folder `steward demo` leaves. Its photo files are
    hard links (shared_build.link_photos): a test that would change a photo file in place copies it first."""

    def build(folder: Path) -> None:
        with open_profile(folder, "park") as made:
            demo.make_demo(made, park_size, today=park_today)

    copy_of(tmp_path_factory, demo_key("ui-park", park_size, park_today), build, tmp_path, link_photos)
    return tmp_path


@pytest.fixture
def park(park_folder: Path) -> Iterator[Profile]:
    """The test's copy of the demo park, opened as the app opens it."""
    profile = open_profile(park_folder, "park")
    yield profile
    profile.close()


@pytest.fixture
def window(qtbot: QtBot, park: Profile) -> MainWindow:
    win = MainWindow(park)
    qtbot.addWidget(win)
    win.show()
    return win
