"""Looks for the field: large type and 40 px touch targets, and a high-contrast theme for sunlight.
In both themes the focus ring, a chosen answer and a disabled button must be unmistakable at a glance."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from PySide6.QtCore import QDate
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDateEdit, QLabel, QPushButton, QTableView, QWidget

TOUCH = 40  # minimum size of anything a gloved finger must hit, in pixels

_BASE = f"""
QPushButton, QToolButton, QComboBox, QLineEdit, QDateEdit, QSpinBox {{ min-height: {TOUCH}px; }}
QPushButton {{ padding: 0 14px; }}
QCheckBox, QRadioButton {{ min-height: {TOUCH}px; spacing: 10px; }}
QCheckBox::indicator, QRadioButton::indicator, QTreeView::indicator, QListView::indicator {{
    width: 28px; height: 28px; }}
QComboBox QAbstractItemView::item, QMenu::item {{ min-height: {TOUCH}px; padding: 0 12px; }}
QCalendarWidget QAbstractItemView {{ font-size: 16px; }}
QCalendarWidget QToolButton {{ min-height: {TOUCH}px; min-width: {TOUCH}px; }}
QListView::item, QTreeView::item {{ min-height: {TOUCH}px; }}
QPushButton:focus, QToolButton:focus, QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QDateEdit:focus,
QCheckBox:focus, QTreeView:focus, QListView:focus, QTableView:focus {{ border: 3px solid #1a73e8; }}
QPushButton:disabled {{ color: #8a8a8a; background: #ececec; border: 1px dashed #9a9a9a; }}
QPushButton#answer {{ min-height: 64px; font-size: 20px; font-weight: bold; border-radius: 6px; }}
QPushButton#answer[answer="compliant"]:checked {{ background: #1e7d32; color: white; }}
QPushButton#answer[answer="not_compliant"]:checked {{ background: #b3261e; color: white; }}
QPushButton#answer[answer="not_applicable"]:checked {{ background: #5f6368; color: white; }}
QPushButton#answer:checked:disabled {{ color: #f0f0f0; border: 1px dashed #333; }}
QPushButton#outcome {{ min-width: 110px; font-weight: bold; }}
QPushButton#outcome[outcome="recheck_rectified"]:checked {{ background: #1e7d32; color: white; }}
QPushButton#outcome[outcome="recheck_partly"]:checked {{ background: #b26a00; color: white; }}
QPushButton#outcome[outcome="recheck_not_rectified"]:checked {{ background: #b3261e; color: white; }}
QLabel#itemText {{ font-size: 20px; }}
QLabel#overdue {{ color: #b3261e; font-weight: bold; }}
QLabel#lockedBanner {{ background: #fff4ce; color: #3d2e00; border: 2px solid #b08800; padding: 8px;
    font-weight: bold; }}
QLabel#linkedFinding {{ background: #fdecea; color: #5f1410; border: 1px solid #b3261e; padding: 6px; }}
QTreeWidget#outline::item {{ min-height: {TOUCH}px; }}
QTreeWidget#outline {{ font-size: 14px; }}
"""

_HIGH_CONTRAST = f"""
QWidget {{ background: #ffffff; color: #000000; }}
QPushButton, QToolButton {{ background: #ffffff; border: 3px solid #000000; font-weight: bold; }}
QLineEdit, QPlainTextEdit, QComboBox, QDateEdit {{ border: 2px solid #000000; }}
QPushButton:focus, QToolButton:focus, QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QDateEdit:focus,
QCheckBox:focus, QTreeView:focus, QListView:focus, QTableView:focus {{ border: 5px solid #0033cc; }}
QPushButton:disabled {{ color: #707070; background: #d8d8d8; border: 3px dashed #707070; }}
QHeaderView::section {{ background: #000000; color: #ffffff; font-weight: bold; }}
QTableView {{ gridline-color: #000000; }}
QTableView::item:selected, QListWidget::item:selected, QTreeView::item:selected {{
    background: #0033cc; color: #ffffff; }}
QPushButton#answer:checked, QPushButton#outcome:checked {{ background: #000000; color: #ffffff;
    border: 5px solid #000000; }}
QPushButton#answer:checked:disabled, QPushButton#outcome:checked:disabled {{ background: #404040; color: #ffffff; }}
QLabel#overdue {{ color: #a00000; }}
QLabel#lockedBanner {{ background: #000000; color: #ffffff; border: 3px solid #000000; padding: 8px; }}
QPushButton, QToolButton, QComboBox, QLineEdit {{ min-height: {TOUCH}px; }}
"""


def apply(app: QApplication, high_contrast: bool) -> None:
    font = QFont(app.font())
    font.setPointSize(12 if high_contrast else 11)
    app.setFont(font)
    app.setStyle("Fusion")
    app.setStyleSheet(_BASE + (_HIGH_CONTRAST if high_contrast else ""))


def touch_calendar(edit: QDateEdit) -> QDateEdit:
    """A date field whose popup calendar has day cells a finger can hit (Qt's are 23 px)."""
    edit.setCalendarPopup(True)
    calendar = edit.calendarWidget()
    calendar.setMinimumSize(8 * (TOUCH + 12), 8 * TOUCH)  # a week column beside 7 days; a header above 6 weeks
    calendar.setGridVisible(True)
    view = calendar.findChild(QTableView, "qt_calendar_calendarview")
    if view is not None:  # Qt's internal name; without it the minimum size above still gives room
        view.verticalHeader().setMinimumSectionSize(TOUCH)
        view.horizontalHeader().setMinimumSectionSize(TOUCH)
    return edit


def chosen_day(value: QDate) -> date:
    """A field's day as a date (QDate.toPython is typed as returning any object)."""
    return date(value.year(), value.month(), value.day())


Styled = TypeVar("Styled", bound=QWidget)


def styled(widget: Styled, name: str) -> Styled:
    """`widget` with the object name the style sheets above select it by (QLabel#overdue, QPushButton#answer).
    A setter, not Qt's `objectName=` keyword: PySide6's type hints list only a class's own properties as keywords."""
    widget.setObjectName(name)
    return widget


def wrapped_label(name: str, text: str = "") -> QLabel:
    """A word-wrapped label styled by `name` ("overdue": an error or warning in a form, red and bold)."""
    label = styled(QLabel(text), name)
    label.setWordWrap(True)
    return label


def toggle_button(text: str, name: str = "") -> QPushButton:
    """A push button that stays down when chosen (a navigation tab, an answer, an outcome)."""
    button = styled(QPushButton(text), name) if name else QPushButton(text)
    button.setCheckable(True)
    return button
