"""Long work off the GUI thread (Anki's habit): a function runs on the pool; its outcome returns as signals,
delivered on the GUI thread, so widgets are only ever touched there."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal

from steward import app_logging
from steward.domain.errors import StewardError

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int, object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[..., Any], signals: _Signals) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.fn(lambda done, total, detail=None: self.signals.progress.emit(done, total, detail))
        except StewardError as exc:
            log.warning("background work refused: %s", exc.en, exc_info=True)
            self.signals.failed.emit(exc)
        except Exception as exc:  # an unexpected failure must still reach the user, not vanish in a thread
            log.exception("background work failed")
            self.signals.failed.emit(
                StewardError(
                    f"操作意外失败:{exc}。已保存的内容不受影响。{app_logging.where_to_look_zh()}",
                    f"The operation failed unexpectedly: {exc}. Saved work is not affected. "
                    f"{app_logging.where_to_look_en()}",
                )
            )
        else:
            self.signals.done.emit(result)


class Background(QObject):
    """Owns the signal objects of running tasks so they live until delivered. Use shared(): one per application,
    owned by it, so that no signal object can be destroyed while a worker thread still emits on it.

    A failure nobody asked to handle (no on_failed, or its owner already gone) is never dropped: it is logged and
    emitted as `unhandled`, which the main window shows to the user."""

    unhandled = Signal(object)  # StewardError

    _shared: Background | None = None

    @classmethod
    def shared(cls) -> Background:
        if cls._shared is None or not shiboken6.isValid(cls._shared):
            cls._shared = cls(QCoreApplication.instance())
        return cls._shared

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool.globalInstance()
        self._running: set[_Signals] = set()

    def run(
        self,
        fn: Callable[[Callable[..., None]], Any],
        on_done: Callable[[Any], None] | None = None,
        on_failed: Callable[[StewardError], None] | None = None,
        on_progress: Callable[[int, int, Any], None] | None = None,
        owner: QObject | None = None,
    ) -> None:
        """Run fn(progress) on the pool; progress(done, total, detail) may be called from it.
        With an owner, the callbacks are dropped if the owner is destroyed before the work ends."""
        signals = _Signals(self)
        self._running.add(signals)

        def alive() -> bool:
            return owner is None or shiboken6.isValid(owner)

        def finish(callback: Callable[[Any], None] | None, failure: bool) -> Callable[[Any], None]:
            def handler(value: Any) -> None:
                self._running.discard(signals)
                signals.deleteLater()
                if callback and alive():
                    try:
                        callback(value)
                    except Exception as exc:  # a callback's own failure is shown too, not lost in the event loop
                        log.exception("callback of background work failed")
                        self.unhandled.emit(
                            StewardError(
                                f"显示结果时出错:{exc}。{app_logging.where_to_look_zh()}",
                                f"Showing the result failed: {exc}. {app_logging.where_to_look_en()}",
                            )
                        )
                elif failure:
                    self.unhandled.emit(value)

            return handler

        signals.done.connect(finish(on_done, failure=False))
        signals.failed.connect(finish(on_failed, failure=True))
        if on_progress:
            signals.progress.connect(lambda d, t, x: on_progress(d, t, x) if alive() else None)
        self.pool.start(_Task(fn, signals))

    def busy(self) -> bool:
        return bool(self._running)
