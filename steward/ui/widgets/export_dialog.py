"""文件 → 导出 Excel/CSV: choose the table, the format, the period and the file; the export runs on the pool with a
progress bar, and a failure is said in the dialog, which stays open so the steward can pick another place."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QStandardPaths
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QWidget,
)

from steward.domain import clock
from steward.domain.errors import StewardError
from steward.domain.export_kinds import Format, What
from steward.services import exports
from steward.storage.profile import Profile
from steward.ui import language
from steward.ui.background import Background
from steward.ui.theme import chosen_day, touch_calendar

log = logging.getLogger(__name__)


class ExportDialog(QDialog):
    def __init__(self, profile: Profile, background: Background, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.background = background
        self.written: exports.Written | None = None
        self.running = False
        self.setWindowTitle(self.tr("导出 Excel/CSV"))
        self.setMinimumWidth(560)

        self.what = QComboBox()
        for what, label in (
            (What.FINDINGS, self.tr("问题台账(每个问题一行)")),
            (What.ENTERPRISES, self.tr("企业名录(含三色码和本期整改情况)")),
            (What.VISITS, self.tr("巡查记录(每次巡查一行)")),
            (What.RATINGS, self.tr("三色码评级(含原因和月末分布)")),
        ):
            self.what.addItem(label, what.value)
        self.xlsx = QRadioButton(self.tr("Excel 工作簿 (.xlsx)"))
        self.csv = QRadioButton(self.tr("CSV 文本 (.csv,仅第一张表)"))
        self.xlsx.setChecked(True)
        formats = QButtonGroup(self)
        formats.addButton(self.xlsx)
        formats.addButton(self.csv)
        format_row = QHBoxLayout()
        format_row.addWidget(self.xlsx)
        format_row.addWidget(self.csv)
        format_row.addStretch()

        today = clock.today()
        self.from_start = QCheckBox(self.tr("从最早记录起"))
        self.from_start.setChecked(True)
        self.start = touch_calendar(QDateEdit(QDate(today.replace(day=1))))
        self.end = touch_calendar(QDateEdit(QDate(today)))
        for edit in (self.start, self.end):
            edit.setDisplayFormat("yyyy-MM-dd")
        self.start.setEnabled(False)
        self.from_start.toggled.connect(self._from_start_toggled)
        start_row = QHBoxLayout()
        start_row.addWidget(self.start)
        start_row.addWidget(self.from_start)
        start_row.addStretch()

        self.path = QLineEdit()
        choose = QPushButton(self.tr("选择…"))
        choose.clicked.connect(self._choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(choose)

        self.progress = QProgressBar()
        self.progress.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton(self.tr("导出"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout(self)
        form.addRow(self.tr("导出内容"), self.what)
        form.addRow(self.tr("格式"), format_row)
        form.addRow(self.tr("开始日期"), start_row)
        form.addRow(self.tr("结束日期(截至)"), self.end)
        form.addRow(self.tr("保存为"), file_row)
        form.addRow(self.progress)
        form.addRow(self.message)
        form.addRow(
            QLabel(self.tr("各项状态、逾期天数和三色码均截至结束日期当天结束时;只统计已完成的巡查。"), wordWrap=True)
        )
        form.addRow(self.buttons)
        self.what.currentIndexChanged.connect(self._suggest_name)
        self.xlsx.toggled.connect(self._suggest_name)
        self.end.dateChanged.connect(self._suggest_name)
        self._suggest_name()

    # -- choices ------------------------------------------------------------------------------------------------
    def chosen_what(self) -> What:
        return What(self.what.currentData())

    def chosen_format(self) -> Format:
        return Format.XLSX if self.xlsx.isChecked() else Format.CSV

    def chosen_period(self) -> tuple[date | None, date]:
        first = None if self.from_start.isChecked() else chosen_day(self.start.date())
        return first, chosen_day(self.end.date())

    def _from_start_toggled(self, on: bool) -> None:
        self.start.setEnabled(not on)

    def _folder(self) -> Path:
        current = self.path.text().strip()
        if current:
            return Path(current).expanduser().parent
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(documents) if documents and Path(documents).is_dir() else Path.home()

    def _suggest_name(self) -> None:
        """The file name follows the choices (table, format, end date), in the folder last chosen."""
        names = {
            What.FINDINGS: self.tr("问题台账"),
            What.ENTERPRISES: self.tr("企业名录"),
            What.VISITS: self.tr("巡查记录"),
            What.RATINGS: self.tr("三色码评级"),
        }
        end = chosen_day(self.end.date()).strftime("%Y%m%d")
        name = self.tr("{what}_截至{end}").format(what=names[self.chosen_what()], end=end)
        self.path.setText(str(self._folder() / f"{name}.{self.chosen_format().value}"))

    def _choose_file(self) -> None:
        pattern = "Excel (*.xlsx)" if self.chosen_format() is Format.XLSX else "CSV (*.csv)"
        chosen, _ = QFileDialog.getSaveFileName(self, self.tr("保存为"), self.path.text(), pattern)
        if chosen:
            self.path.setText(chosen)

    # -- the export ---------------------------------------------------------------------------------------------
    def start_export(self) -> None:
        if self.running:
            return
        first, last = self.chosen_period()
        text = self.path.text().strip()
        if not text:
            self._say_failure(self.tr("请选择保存的文件。"))
            return
        path = Path(text).expanduser()
        if path.suffix.lower() != f".{self.chosen_format().value}":
            path = path.with_name(f"{path.name}.{self.chosen_format().value}")
            self.path.setText(str(path))
        what, fmt, profile = self.chosen_what(), self.chosen_format(), self.profile
        self._set_running(True)
        self.message.setText(self.tr("正在导出…"))

        def work(report: Callable[..., None]) -> exports.Written:
            with profile.reader() as reader:  # its own connection: the window's belongs to the GUI thread
                return exports.export(reader, what, fmt, path, first, last, lambda done, total: report(done, total))

        self.background.run(work, self._done, self._failed, self._advance, owner=self)

    def reject(self) -> None:
        if self.running:  # the file is being written: it ends whole in a moment, and the dialog says where
            return
        super().reject()

    def _advance(self, done: int, total: int, _detail: object) -> None:
        self.progress.setMaximum(max(1, total))
        self.progress.setValue(min(done, max(1, total)))

    def _done(self, written: exports.Written) -> None:
        self._set_running(False)
        self.written = written
        self.message.setStyleSheet("")
        self.message.setText(self.tr("已导出 {rows} 行到 {path}").format(rows=written.rows, path=written.path))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("关闭"))

    def _failed(self, error: StewardError) -> None:
        self._set_running(False)
        self._say_failure(language.said(error))

    def _say_failure(self, text: str) -> None:
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setText(text)

    def _set_running(self, on: bool) -> None:
        self.running = on
        self.progress.setVisible(on)
        self.progress.setValue(0)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        for widget in (
            self.what,
            self.xlsx,
            self.csv,
            self.from_start,
            self.end,
            self.path,
            self.export_button,
            cancel,
        ):
            widget.setEnabled(not on)
        self.start.setEnabled(not on and not self.from_start.isChecked())
