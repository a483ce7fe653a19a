"""Starting the desktop app: the QApplication, the profile, the main window."""

from __future__ import annotations

import signal
import sys

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QThreadPool, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from steward.domain.errors import StewardError
from steward.services.profiles import open_profile
from steward.storage.paths import APP_NAME
from steward.ui.main_window import MainWindow
from steward.ui.qt_gaps import QtGaps


def set_application_identity() -> None:
    """Qt derives the data folder from these; storage/paths.py mirrors the result for the Qt-free CLI."""
    QApplication.setApplicationName(APP_NAME)
    QApplication.setOrganizationName("")


def install_translations(app: QApplication, language: str = "zh_CN") -> list[QTranslator]:
    """Chinese is the default language: Qt's own buttons and dialogs (取消, 确定, 是/否) speak it too, and the
    calendar's months and weekdays follow the Chinese locale whatever the system's is."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    gaps = QtGaps(app)  # installed first, so asked last: Qt's own translation wins wherever it has a word
    app.installTranslator(gaps)
    translator = QTranslator(app)
    if translator.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    return [gaps, translator]


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    set_application_identity()
    # Qt's own file and colour dialogs, in Chinese; a native one would speak the system's language.
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationDisplayName("环保管家 Steward")
    install_translations(app)
    return app


def _quit_on_terminate(app: QApplication) -> None:
    """SIGTERM (a shutdown, `kill`) quits like the window's close button, so what is being typed is saved first.
    Python handles signals only between bytecodes: a slow timer lets it run while Qt waits for events."""
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    keep_python_awake = QTimer(app, interval=250)
    keep_python_awake.timeout.connect(lambda: None)
    keep_python_awake.start()


def run_app(data_dir: str | None, profile_name: str) -> int:
    app = create_application()
    try:
        profile = open_profile(data_dir, profile_name)
    except StewardError as exc:
        QMessageBox.critical(None, "环保管家 Steward", exc.bilingual())
        return 2
    window = MainWindow(profile)
    _quit_on_terminate(app)
    window.show()
    window.offer_resume_later()
    try:
        return app.exec()
    finally:
        QThreadPool.globalInstance().waitForDone()  # nothing may still be writing when the profile closes
        profile.close()
