"""Windows and dialogs fit the screen they open on (a 1280x720 laptop included)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

FRAME_WIDTH, FRAME_HEIGHT = 16, 40  # a window manager's borders and title bar, until the real ones are known


def available(widget: QWidget) -> QRect:
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit_to_screen(widget: QWidget, width: int | None = None, height: int | None = None) -> None:
    """Resize to the wanted (or hinted) size, never beyond the available screen."""
    area = available(widget)
    hint = widget.sizeHint()
    widget.resize(
        min(width or hint.width(), area.width() - FRAME_WIDTH),
        min(height or hint.height(), area.height() - FRAME_HEIGHT),
    )


def restore_geometry(widget: QWidget, key: str, width: int, height: int) -> None:
    """Size and position as last left (QSettings), else the wanted size; always inside the available screen."""
    saved = QSettings().value(key)
    if saved is not None and widget.restoreGeometry(saved):
        frame = widget.frameGeometry()
        if available(widget).contains(frame):
            return
    area = available(widget)
    # The title bar and borders come on top of the size asked for; before the first show they are not known yet.
    frame = widget.frameGeometry()
    extra_w, extra_h = (
        (frame.width() - widget.width(), frame.height() - widget.height())
        if widget.isVisible()
        else (FRAME_WIDTH, FRAME_HEIGHT)
    )
    widget.resize(min(width, area.width() - extra_w), min(height, area.height() - extra_h))
    widget.move(area.x() + max(0, (area.width() - widget.width() - extra_w) // 2), area.y())


def save_geometry(widget: QWidget, key: str) -> None:
    QSettings().setValue(key, widget.saveGeometry())
