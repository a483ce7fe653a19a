"""Typing as a steward does: ASCII as key presses, Chinese as an input method commits it."""

from __future__ import annotations

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget


def commit_text(widget: QWidget, text: str) -> None:
    """What a pinyin input method sends when the steward picks the characters: one commit string."""
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def type_into(widget: QWidget, text: str) -> None:
    """ASCII runs as real key clicks, every other run as input-method commits."""
    widget.setFocus()
    run = ""
    for char in text + "\0":
        if char != "\0" and char.isascii() == (run[:1].isascii() if run else char.isascii()):
            run += char
            continue
        if run.isascii():
            QTest.keyClicks(widget, run)
        else:
            commit_text(widget, run)
        run = char
