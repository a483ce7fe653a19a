"""Choosing a period (from, to): for the insurer's summary and for exporting many visits at once."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QWidget

from steward.ui.theme import chosen_day, touch_calendar


class PeriodDialog(QDialog):
    def __init__(self, title: str, start: date, end: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.start = touch_calendar(QDateEdit(QDate(start)))
        self.end = touch_calendar(QDateEdit(QDate(end)))
        for edit in (self.start, self.end):
            edit.setDisplayFormat("yyyy-MM-dd")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("开始日期"), self.start)
        form.addRow(self.tr("结束日期"), self.end)
        form.addRow(buttons)

    def period(self) -> tuple[date, date]:
        return chosen_day(self.start.date()), chosen_day(self.end.date())
