"""A modal dialog that no test answers would wait offscreen for a click forever (a hung CI run). The guard closes one
left open too long, as if cancelled, and names it so the test fails with what the dialog said."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox


class ModalGuard:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.closed: list[str] = []
        self._seen: dict[int, float] = {}
        self._timer = QTimer()
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._check)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _check(self) -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            self._seen.clear()
            return
        first = self._seen.setdefault(id(modal), time.monotonic())
        if time.monotonic() - first < self.seconds:
            return
        text = modal.text() if isinstance(modal, QMessageBox) else ""
        self.closed.append(f"{type(modal).__name__} {modal.windowTitle()!r} {text!r}")
        if isinstance(modal, QDialog):
            modal.reject()
        else:
            modal.close()
