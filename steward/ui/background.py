"""Long work off the GUI thread (Anki's habit): a function runs on the pool; its outcome (and progress) is collected
on the GUI thread, so widgets are only ever touched there, and the pool's threads never touch Qt objects."""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, QTimer, Signal

from steward import app_logging
from steward.domain.errors import StewardError

log = logging.getLogger(__name__)
DELIVERY_MS = 20


class _Job:
    """One piece of work: what the GUI thread does with its outcome."""

    def __init__(
        self,
        on_done: Callable[[Any], None],
        on_failed: Callable[[Any], None],
        on_progress: Callable[[int, int, Any], None] | None,
    ) -> None:
        self.on_done, self.on_failed, self.on_progress = on_done, on_failed, on_progress


class _Task(QRunnable):
    """Runs on a pool thread and touches no Qt object there: its outcome goes into the background's outbox, a plain
    Python queue the GUI thread empties. (Emitting a Qt signal from the pool thread deadlocked now and then: PySide6
    takes Qt's connection lock, then waits for the interpreter lock that the GUI thread held while it waited for that
    same lock, closing a dialog.)"""

    def __init__(self, fn: Callable[..., Any], job: _Job, outbox: queue.SimpleQueue[tuple[_Job, str, Any]]) -> None:
        super().__init__()
        self.fn, self.job, self.outbox = fn, job, outbox

    def run(self) -> None:
        try:
            result = self.fn(
                lambda done, total, detail=None: self.outbox.put((self.job, "progress", (done, total, detail)))
            )
        except StewardError as exc:
            log.warning("background work refused: %s", exc.en, exc_info=True)
            self.outbox.put((self.job, "failed", exc))
        except Exception as exc:  # an unexpected failure must still reach the user, not vanish in a thread
            log.exception("background work failed")
            self.outbox.put(
                (
                    self.job,
                    "failed",
                    StewardError(
                        f"操作意外失败:{exc}。已保存的内容不受影响。{app_logging.where_to_look_zh()}",
                        f"The operation failed unexpectedly: {exc}. Saved work is not affected. "
                        f"{app_logging.where_to_look_en()}",
                    ),
                )
            )
        else:
            self.outbox.put((self.job, "done", result))


class Background(QObject):
    """Runs work on the pool and hands its outcomes to callbacks on the GUI thread. Use shared(): one per
    application, owned by it, so its outbox outlives every piece of work that reports into it.

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
        self._running: set[_Job] = set()
        self._outbox: queue.SimpleQueue[tuple[_Job, str, Any]] = queue.SimpleQueue()
        # The GUI thread collects outcomes this often while work runs: quick enough to look immediate.
        self._collect = QTimer(self)
        self._collect.setInterval(DELIVERY_MS)
        self._collect.timeout.connect(self.deliver)

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

        def alive() -> bool:
            return owner is None or shiboken6.isValid(owner)

        def finish(callback: Callable[[Any], None] | None, failure: bool) -> Callable[[Any], None]:
            def handler(value: Any) -> None:
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

        def progress(done: int, total: int, detail: Any) -> None:
            if on_progress and alive():
                on_progress(done, total, detail)

        job = _Job(finish(on_done, failure=False), finish(on_failed, failure=True), progress if on_progress else None)
        self._running.add(job)
        self._collect.start()
        self.pool.start(_Task(fn, job, self._outbox))

    def deliver(self) -> None:
        """Hand every outcome waiting in the outbox to its callbacks, here on the GUI thread."""
        while True:
            try:
                job, kind, value = self._outbox.get_nowait()
            except queue.Empty:
                break
            if kind == "progress":
                if job.on_progress and job in self._running:
                    job.on_progress(*value)
                continue
            self._running.discard(job)
            (job.on_done if kind == "done" else job.on_failed)(value)
        if not self._running:
            self._collect.stop()

    def wait(self, timeout_ms: int = -1) -> bool:
        """Wait for the pool's work to end, then deliver its outcomes now (tests, and whoever must see them before
        going on). False if the work did not end in time."""
        ended = self.pool.waitForDone(timeout_ms)
        self.deliver()
        return ended

    def busy(self) -> bool:
        return bool(self._running)
