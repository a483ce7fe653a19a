"""The suite's own guard: a modal dialog no test answers ends, and is named, instead of hanging the run."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox

from tests.ui.modal_guard import ModalGuard


def test_an_unexpected_message_box_is_closed_and_named(qapp: QApplication) -> None:
    guard = ModalGuard(seconds=0.1)  # named once seen open past this: at the second check, half a second in
    guard.start()
    try:
        box = QMessageBox(QMessageBox.Icon.Warning, "同步失败", "无法连接到服务器")
        box.exec()  # offscreen nobody clicks: without the guard this never returns
    finally:
        guard.stop()
    assert guard.closed == ["QMessageBox '同步失败' '无法连接到服务器'"]
