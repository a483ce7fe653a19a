"""Starting the desktop app: the QApplication, the profile, the main window."""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QEvent, QObject, Qt, QThreadPool, QTimer, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from steward import app_logging
from steward.domain.errors import StewardError
from steward.resources import MissingResource, resource
from steward.services.profiles import open_profile
from steward.storage.paths import APP_NAME, resolve_data_dir
from steward.ui import language as language_choice
from steward.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def set_application_identity() -> None:
    """Qt derives the data folder from these; storage/paths.py mirrors the result for the Qt-free CLI."""
    QApplication.setApplicationName(APP_NAME)
    QApplication.setOrganizationName("")


def install_translations(app: QApplication, language: str = language_choice.CHINESE) -> list[QTranslator]:
    """The translators of `language` in place of any before (see steward.ui.language)."""
    language_choice.apply(app, language)
    return language_choice.installed()


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    set_application_identity()
    # Qt's own file and colour dialogs, in Chinese; a native one would speak the system's language.
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)
    app = QApplication(argv if argv is not None else sys.argv[:1])
    set_window_icon(app)
    install_translations(app)
    return app


def set_window_icon(app: QApplication) -> None:
    """Every window of the app (dialogs too) carries Steward's icon in its title bar and the task bar."""
    try:
        app.setWindowIcon(QIcon(str(resource("icons", "steward.png"))))
    except MissingResource as exc:
        log.warning("no application icon: %s", exc.en)


def _quit_on_terminate(app: QApplication) -> None:
    """SIGTERM (a shutdown, `kill`) quits like the window's close button, so what is being typed is saved first.
    Python handles signals only between bytecodes: a slow timer lets it run while Qt waits for events."""
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    keep_python_awake = QTimer(app, interval=250)
    keep_python_awake.timeout.connect(lambda: None)
    keep_python_awake.start()


def _show_unexpected(app: QApplication) -> None:
    """An exception in a slot on the GUI thread: logged with its traceback, then said to the user, who carries on."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.error("unexpected error", exc_info=(kind, exc, tb))
        if isinstance(exc, KeyboardInterrupt):
            app.quit()
            return
        QMessageBox.warning(
            app.activeWindow(),
            "环保管家 Steward",
            f"意外错误:{exc}\n已保存的内容不受影响。\n{app_logging.where_to_look_zh()}\n\n"
            f"Unexpected error: {exc}. Saved work is not affected. {app_logging.where_to_look_en()}",
        )

    sys.excepthook = hook


# After the window's first paint: long enough for the start's own counting (figures, colours) to go first, far shorter
# than it takes a person to open a visit and print it.
WARM_UP_AFTER_MS = 800


class _OnFirstPaint(QObject):
    """Calls `then` once, after the widget it watches has first been painted."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self.then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self.then)
        return False


def warm_up_documents(window: MainWindow, after_ms: int = WARM_UP_AFTER_MS) -> None:
    """Once the window has been painted and the start has settled, draw a small notice and report on the pool (never
    on the GUI thread), so that the first document a person prints costs what any later one does: fonts read,
    drawing code loaded, the checklists' wording laid out. Nothing of the start waits for it."""

    def start() -> None:
        from steward.services import documents

        window.background.run(
            lambda _progress: documents.warm_up(),
            on_done=lambda seconds: log.info("documents warmed up in %.2f s", seconds),
            on_failed=lambda exc: log.info("documents not warmed up: %s", exc.en),
        )

    # Bound to the window: never fires once it is gone.
    _OnFirstPaint(window, lambda: QTimer.singleShot(after_ms, window, start))


def start_up(window: MainWindow) -> None:
    """What a steward meets first: the set-up while documents cannot yet be printed, then the unfinished visit."""
    from steward.ui.widgets.first_run_dialog import needs_first_run

    if needs_first_run(window.profile):
        window.first_run()
    window.offer_resume()


def run_app(data_dir: str | None, profile_name: str, quit_after_start: bool = False) -> int:
    """`quit_after_start` opens the main window, says so on standard output and quits: the installer's smoke test
    proves with it that a frozen build can start its GUI (Qt plugins, fonts, resources all found)."""
    app = create_application()
    log_file = app_logging.setup(resolve_data_dir(data_dir))
    log.info("Steward starting, profile %s, log %s", profile_name, log_file)
    _show_unexpected(app)
    try:
        profile = open_profile(data_dir, profile_name)
    except StewardError as exc:
        QMessageBox.critical(None, "环保管家 Steward", exc.bilingual())
        return 2
    install_translations(app, language_choice.chosen(profile))
    window = MainWindow(profile)
    _quit_on_terminate(app)
    window.show()
    if quit_after_start:

        def report_and_quit() -> None:
            size = window.size()
            print(f"主窗口已打开 main window shown: {window.windowTitle()} {size.width()}x{size.height()}", flush=True)
            app.quit()

        QTimer.singleShot(0, report_and_quit)
    else:
        QTimer.singleShot(0, lambda: start_up(window))
        warm_up_documents(window)
    try:
        return app.exec()
    finally:
        QThreadPool.globalInstance().waitForDone()  # nothing may still be writing when the profile closes
        profile.close()
