"""The finding form that opens inline when an item is not compliant. Every field is saved as it is edited."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from steward.domain import clock
from steward.domain.errors import InvalidInput, StewardError
from steward.domain.labels import Severity
from steward.services import findings
from steward.storage import records
from steward.storage.profile import Profile
from steward.ui.labels import label
from steward.ui.theme import chosen_day, touch_calendar, wrapped_label


class FindingEditor(QWidget):
    changed = Signal()
    failed = Signal(object)

    def __init__(self, profile: Profile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.finding: records.Finding | None = None
        self.deadline_days: dict[Severity, int] = {}
        self.reason: str | None = None
        self.editable = False
        self._loading = False
        self._pending: dict[str, str | date] = {}  # field -> what was typed, not saved yet (a deadline as a day)
        self._save_timer = QTimer(self, singleShot=True, interval=400)
        self._save_timer.timeout.connect(self.flush)

        self.location = QLineEdit()
        self.location.setPlaceholderText(self.tr("如:喷漆车间东侧"))
        self.description = QPlainTextEdit()
        self.description.setFixedHeight(84)
        self.description.setTabChangesFocus(True)  # Tab moves on, as in every other field; no tab characters
        self.basis = QLineEdit()
        self.severity = QComboBox()
        for sev in Severity:
            self.severity.addItem(label(sev), sev.value)
        self.requirement = QPlainTextEdit()
        self.requirement.setFixedHeight(84)
        self.requirement.setTabChangesFocus(True)
        self.deadline = touch_calendar(QDateEdit())
        self.deadline.setDisplayFormat("yyyy-MM-dd")

        # The description starts as the checklist's wording of the problem: the steward confirms or edits it.
        self.confirm_hint = wrapped_label("overdue", self.tr("请核对问题描述:属实请确认,否则直接修改。"))
        self.confirm_button = QPushButton(self.tr("描述属实"))
        self.confirm_button.clicked.connect(self.confirm_description)
        confirm_row = QHBoxLayout()
        confirm_row.setContentsMargins(0, 0, 0, 0)
        confirm_row.addWidget(self.confirm_hint, 1)
        confirm_row.addWidget(self.confirm_button)
        self.confirm_box = QWidget()
        self.confirm_box.setLayout(confirm_row)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.tr("位置"), self.location)
        form.addRow(self.tr("问题描述"), self.description)
        form.addRow("", self.confirm_box)
        form.addRow(self.tr("依据"), self.basis)
        form.addRow(self.tr("等级"), self.severity)
        form.addRow(self.tr("整改要求"), self.requirement)
        form.addRow(self.tr("整改期限"), self.deadline)

        self.location.textEdited.connect(lambda t: self._queue("location", t))
        self.description.textChanged.connect(lambda: self._queue("description", self.description.toPlainText()))
        self.basis.textEdited.connect(lambda t: self._queue("basis", t))
        self.requirement.textChanged.connect(lambda: self._queue("requirement", self.requirement.toPlainText()))
        self.deadline.dateChanged.connect(lambda d: self._queue("deadline", chosen_day(d)))
        self.severity.currentIndexChanged.connect(self._severity_changed)
        for widget in (self.location, self.description, self.basis, self.requirement, self.deadline):
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self.flush()  # leaving a field saves it, whatever the timer says
        return super().eventFilter(watched, event)

    def show_finding(self, finding: records.Finding, deadline_days: dict[Severity, int], editable: bool) -> None:
        self.flush()
        self.finding = finding
        self.deadline_days = deadline_days
        self._loading = True
        self.location.setText(finding["location"])
        self.description.setPlainText(finding["description"])
        self.basis.setText(finding["basis"])
        self.severity.setCurrentIndex(self.severity.findData(finding["severity"]))
        self.requirement.setPlainText(finding["requirement"])
        # Its own deadline is what is edited here (a later 部分整改 may have agreed another: see its history).
        own = finding["original_deadline"] or finding["deadline"]
        # One without any (never made on a laptop) is offered today rather than keeping the last finding's date.
        self.deadline.setDate(QDate.fromString(own, "yyyy-MM-dd") if own else QDate.currentDate())
        self._loading = False
        for widget in (self.location, self.basis):
            widget.setReadOnly(not editable)
        for text in (self.description, self.requirement):
            text.setReadOnly(not editable)
        self.severity.setEnabled(editable)
        self.deadline.setEnabled(editable)
        self.editable = editable
        self._show_confirmation()

    def _show_confirmation(self) -> None:
        untouched = (
            self.finding is not None and self.editable and findings.description_untouched(self.profile, self.finding)
        )
        self.confirm_box.setVisible(untouched)

    def confirm_description(self) -> None:
        if not self.finding:
            return
        self.flush()
        try:
            self.finding = findings.confirm_description(self.profile, self.finding["visit_id"], self.finding["id"])
        except StewardError as exc:
            self.failed.emit(exc)
        self._show_confirmation()

    def _severity_changed(self) -> None:
        if self._loading or not self.finding:
            return
        severity = Severity(self.severity.currentData())
        self._queue("severity", severity.value)
        created = clock.local_date(clock.from_text(self.finding["created_at"]))
        default_before = created + timedelta(days=self.deadline_days.get(Severity(self.finding["severity"]), 7))
        if chosen_day(self.deadline.date()) == default_before:
            # The deadline still follows the severity: move it with the new one.
            self.deadline.setDate(QDate(created + timedelta(days=self.deadline_days.get(severity, 7))))
        self.finding = {**self.finding, "severity": severity.value}

    def _queue(self, field: str, value: str | date) -> None:
        if self._loading or not self.finding:
            return
        self._pending[field] = value
        self._save_timer.start()

    def flush(self) -> None:
        """Save what was typed now (also called before leaving the item)."""
        self._save_timer.stop()
        if not (self._pending and self.finding):
            return
        changes, self._pending = self._pending, {}
        if "description" in changes and not str(changes["description"]).strip():
            # A description being retyped is not saved empty; everything else typed with it still is.
            del changes["description"]
            self.failed.emit(InvalidInput("问题描述不能为空。", "The description must not be empty."))
            if not changes:
                return
        try:
            self.finding = findings.update(self.profile, self.finding["id"], reason=self.reason, **changes)
        except StewardError as exc:
            self.failed.emit(exc)
        else:
            self.changed.emit()
            self._show_confirmation()

    def deadline_value(self) -> date:
        return chosen_day(self.deadline.date())
