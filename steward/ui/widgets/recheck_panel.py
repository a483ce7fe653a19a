"""Re-checking every finding still open at the enterprise: rectified, partly or not, with a note and after-photos."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, QEvent, QLocale, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from steward.domain import clock
from steward.domain.errors import StewardError
from steward.domain.labels import EventKind, Severity
from steward.services import visits
from steward.services.photos import LinkTarget
from steward.storage import records
from steward.storage.profile import Profile
from steward.ui.background import Background
from steward.ui.labels import label
from steward.ui.slots import bound
from steward.ui.theme import chosen_day, styled, toggle_button, touch_calendar
from steward.ui.widgets.photo_strip import PhotoStrip

OUTCOMES = (EventKind.RECHECK_RECTIFIED, EventKind.RECHECK_PARTLY, EventKind.RECHECK_NOT_RECTIFIED)
_LABELS = {  # str(): PySide6 types the translation marker's result as object
    EventKind.RECHECK_RECTIFIED: str(QT_TRANSLATE_NOOP("RecheckRow", "已整改")),
    EventKind.RECHECK_PARTLY: str(QT_TRANSLATE_NOOP("RecheckRow", "部分整改")),
    EventKind.RECHECK_NOT_RECTIFIED: str(QT_TRANSLATE_NOOP("RecheckRow", "未整改")),
}


class RecheckRow(QFrame):
    """One open finding and its re-check in this visit."""

    rechecked = Signal(str, object)  # finding id, EventKind
    failed = Signal(object)

    def __init__(
        self, profile: Profile, background: Background, visit: records.Visit, row: visits.Recheck, editable: bool
    ) -> None:
        super().__init__()
        self.profile, self.visit, self.row, self.editable = profile, visit, row, editable
        self.setFrameShape(QFrame.Shape.StyledPanel)
        title = QLabel(f"<b>{row.get('item_code') or ''}</b> {row['description']}", wordWrap=True)
        self.facts = QLabel()
        self.overdue = styled(QLabel(), "overdue")
        self._show_facts()
        self.note = QLineEdit(row["outcome_note"])
        self.note.setPlaceholderText(self.tr("复查意见(选择结果前后均可填写)"))
        self.note.setReadOnly(not editable)
        self._saved_note = row["outcome_note"]
        self._note_timer = QTimer(self, singleShot=True, interval=500)
        self._note_timer.timeout.connect(self.flush)
        self.note.textEdited.connect(lambda _t: self._note_timer.start())
        self.note.editingFinished.connect(self.flush)
        self.note.installEventFilter(self)
        self.group = QButtonGroup(self)
        buttons = QHBoxLayout()
        self.outcome_buttons: dict[EventKind, QPushButton] = {}
        for kind in OUTCOMES:
            button = toggle_button(self.tr(_LABELS[kind]), "outcome")
            button.setProperty("outcome", kind.value)
            button.setChecked(row["outcome"] == kind.value)
            button.setEnabled(editable)
            button.clicked.connect(bound(self.record, kind))
            self.group.addButton(button)
            self.outcome_buttons[kind] = button
            buttons.addWidget(button)
        buttons.addStretch()
        self.photos = PhotoStrip(profile, background)
        self.photo_hint = QLabel(self.tr("选择复查结果后,可在此添加整改后照片。"))
        # Side by side: the photos taken when the problem was found, next to today's, so 已整改 rests on evidence.
        self.before = PhotoStrip(profile, background)
        self.before.set_target(LinkTarget(visit_id=row["visit_id"], finding_id=row["id"]), editable=False)
        before_column = QVBoxLayout()
        before_column.addWidget(QLabel(self.tr("发现时的照片")))
        self.no_before = QLabel(self.tr("发现时没有拍照。"))
        self.no_before.setVisible(self.before.count() == 0)
        self.before.setVisible(self.before.count() > 0)
        before_column.addWidget(self.before)
        before_column.addWidget(self.no_before)
        before_column.addStretch()
        after_column = QVBoxLayout()
        after_column.addWidget(QLabel(self.tr("今日复查照片")))
        after_column.addWidget(self.photo_hint)
        after_column.addWidget(self.photos)
        after_column.addStretch()
        side_by_side = QHBoxLayout()
        side_by_side.addLayout(before_column, 1)
        side_by_side.addLayout(after_column, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        facts_row = QHBoxLayout()
        facts_row.addWidget(self.facts)
        facts_row.addWidget(self.overdue)
        facts_row.addStretch()
        layout.addLayout(facts_row)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        layout.addLayout(side_by_side)
        self._show_photos(row["outcome_event_id"])

    def _show_facts(self) -> None:
        row = self.row
        deadline = row["deadline"] or ""
        if row.get("original_deadline") and row["original_deadline"] != row["deadline"]:
            deadline = self.tr("{now}(原期限 {was})").format(now=row["deadline"], was=row["original_deadline"])
        self.facts.setText(
            self.tr("{sev} · {loc} · 发现于 {found} · 期限 {deadline}").format(
                sev=label(Severity(row["severity"])),
                loc=row["location"] or self.tr("未注明位置"),
                found=clock.local_day(row["created_at"]),
                deadline=deadline,
            )
        )
        self.overdue.setText(self.tr("已逾期 {n} 天").format(n=row["overdue_days"]))
        self.overdue.setVisible(row["overdue_days"] > 0 and row["outcome"] != EventKind.RECHECK_RECTIFIED)

    def _show_photos(self, event_id: str | None) -> None:
        self.photo_hint.setVisible(event_id is None and self.editable)
        self.photos.setVisible(event_id is not None)
        if event_id:
            target = LinkTarget(visit_id=self.visit["id"], finding_id=self.row["id"], event_id=event_id)
            self.photos.set_target(target, editable=self.editable)

    def _restore_buttons(self) -> None:
        self.group.setExclusive(False)
        for kind, button in self.outcome_buttons.items():
            button.setChecked(self.row["outcome"] == kind.value)
        self.group.setExclusive(True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.note and event.type() == QEvent.Type.FocusOut:
            self.flush()
        return super().eventFilter(watched, event)

    def flush(self) -> None:
        """Save the comment now: typed before or after the result, it is kept."""
        self._note_timer.stop()
        text = self.note.text().strip()
        if not self.editable or text == self._saved_note:
            return
        try:
            visits.save_recheck_note(self.profile, self.visit["id"], self.row["id"], text)
        except StewardError as exc:
            self.failed.emit(exc)
            return
        self._saved_note = text

    def ask_new_deadline(self) -> date | None:
        """部分整改: the rest needs a new deadline, agreed on the spot."""
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("部分整改:新的整改期限"))
        edit = touch_calendar(QDateEdit())
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setLocale(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        today = clock.today()
        edit.setMinimumDate(QDate(today))
        edit.setDate(QDate(today + timedelta(days=7)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel(self.tr("尚未整改的部分,企业须在何日前完成?")))
        layout.addWidget(edit)
        layout.addWidget(buttons)
        self.deadline_dialog = dialog
        self.deadline_edit = edit
        if not dialog.exec():
            return None
        return chosen_day(edit.date())

    def record(self, kind: EventKind) -> None:
        self._note_timer.stop()
        note = self.note.text().strip()
        new_deadline = None
        if kind == EventKind.RECHECK_PARTLY:
            new_deadline = self.ask_new_deadline()
            if new_deadline is None:
                self._restore_buttons()
                return
        try:
            event = visits.recheck(
                self.profile, self.visit["id"], self.row["id"], kind, note, new_deadline=new_deadline
            )
        except StewardError as exc:
            self._restore_buttons()
            self.failed.emit(exc)
            return
        self._saved_note = note
        # The finding is due from the new deadline now (or again from its own, if the result changed).
        fresh = next(
            (r for r in visits.recheck_list(self.profile, self.visit["id"]) if r["id"] == self.row["id"]), None
        )
        self.row = {**(fresh or self.row), "outcome": kind.value, "outcome_event_id": event["id"]}
        self._show_facts()
        self._show_photos(event["id"])
        self.rechecked.emit(self.row["id"], kind)


class RecheckPanel(QScrollArea):
    changed = Signal()
    failed = Signal(object)

    def __init__(self, profile: Profile, background: Background, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile, self.background = profile, background
        self.rows: list[RecheckRow] = []
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def show_visit(self, visit: records.Visit, editable: bool) -> None:
        self.flush()
        body = QWidget()
        layout = QVBoxLayout(body)
        listed = visits.recheck_list(self.profile, visit["id"])
        heading = QLabel(self.tr("复查:本企业尚未整改的问题共 {n} 个").format(n=len(listed)))
        heading.setStyleSheet("font-size: 18px; font-weight: bold;")
        layout.addWidget(heading)
        if not listed:
            layout.addWidget(QLabel(self.tr("没有需要复查的问题。")))
        self.rows = []
        for row in listed:
            widget = RecheckRow(self.profile, self.background, visit, row, editable)
            widget.rechecked.connect(lambda *_: self.changed.emit())
            widget.failed.connect(self.failed)
            self.rows.append(widget)
            layout.addWidget(widget)
        layout.addStretch()
        self.setWidget(body)

    def flush(self) -> None:
        for row in self.rows:
            row.flush()

    def pending(self) -> int:
        return sum(1 for r in self.rows if r.row["outcome"] is None)
