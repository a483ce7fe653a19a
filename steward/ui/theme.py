"""Looks for the field: large type and 40 px touch targets, and a high-contrast theme for sunlight."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

TOUCH = 40  # minimum size of anything a gloved finger must hit, in pixels

_BASE = f"""
QPushButton, QToolButton, QComboBox, QLineEdit, QDateEdit {{ min-height: {TOUCH}px; }}
QPushButton {{ padding: 0 14px; }}
QPushButton#answer {{ min-height: 64px; font-size: 20px; font-weight: bold; border-radius: 6px; }}
QPushButton#answer[answer="compliant"]:checked {{ background: #1e7d32; color: white; }}
QPushButton#answer[answer="not_compliant"]:checked {{ background: #b3261e; color: white; }}
QPushButton#answer[answer="not_applicable"]:checked {{ background: #5f6368; color: white; }}
QLabel#itemText {{ font-size: 20px; }}
QLabel#overdue {{ color: #b3261e; font-weight: bold; }}
QTreeWidget#outline::item {{ min-height: {TOUCH}px; }}
QTreeWidget#outline {{ font-size: 14px; }}
"""

_HIGH_CONTRAST = f"""
QWidget {{ background: #ffffff; color: #000000; }}
QPushButton, QToolButton {{ background: #ffffff; border: 3px solid #000000; font-weight: bold; }}
QPushButton:focus, QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus {{ border: 4px solid #0033cc; }}
QLineEdit, QPlainTextEdit, QComboBox, QDateEdit {{ border: 2px solid #000000; }}
QHeaderView::section {{ background: #000000; color: #ffffff; font-weight: bold; }}
QTableView {{ gridline-color: #000000; }}
QTableView::item:selected, QListWidget::item:selected {{ background: #0033cc; color: #ffffff; }}
QPushButton#answer:checked {{ border: 4px solid #000000; }}
QLabel#overdue {{ color: #a00000; }}
QPushButton, QToolButton, QComboBox, QLineEdit {{ min-height: {TOUCH}px; }}
"""


def apply(app: QApplication, high_contrast: bool) -> None:
    font = QFont(app.font())
    font.setPointSize(12 if high_contrast else 11)
    app.setFont(font)
    app.setStyle("Fusion")
    app.setStyleSheet(_BASE + (_HIGH_CONTRAST if high_contrast else ""))
