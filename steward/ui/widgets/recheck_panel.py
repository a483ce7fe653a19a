"""Re-checking every finding still open at the enterprise: rectified, partly or not, with a note and after-photos."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
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
from steward.storage.profile import Profile
from steward.ui.background import Background
from steward.ui.labels import label
from steward.ui.widgets.photo_strip import PhotoStrip

OUTCOMES = (EventKind.RECHECK_RECTIFIED, EventKind.RECHECK_PARTLY, EventKind.RECHECK_NOT_RECTIFIED)
_LABELS = {
    EventKind.RECHECK_RECTIFIED: "已整改",
    EventKind.RECHECK_PARTLY: "部分整改",
    EventKind.RECHECK_NOT_RECTIFIED: "未整改",
}


class RecheckRow(QFrame):
    """One open finding and its re-check in this visit."""

    rechecked = Signal(str, object)  # finding id, EventKind
    failed = Signal(object)

    def __init__(self, profile: Profile, background: Background, visit: dict[str, Any], row: dict[str, Any],
                 editable: bool) -> None:  # fmt: skip
        super().__init__()
        self.profile, self.visit, self.row, self.editable = profile, visit, row, editable
        self.setFrameShape(QFrame.Shape.StyledPanel)
        title = QLabel(f"<b>{row.get('item_code') or ''}</b> {row['description']}", wordWrap=True)
        facts = self.tr("{sev} · {loc} · 发现于 {found} · 期限 {deadline}").format(
            sev=label(Severity(row["severity"])),
            loc=row["location"] or self.tr("未注明位置"),
            found=clock.local_day(row["created_at"]),
            deadline=row["deadline"],
        )
        self.overdue = QLabel(self.tr("已逾期 {n} 天").format(n=row["overdue_days"]), objectName="overdue")
        self.overdue.setVisible(row["overdue_days"] > 0)
        self.note = QLineEdit(row["outcome_note"])
        self.note.setPlaceholderText(self.tr("复查意见(先填写,再选择结果)"))
        self.note.setReadOnly(not editable)
        self.group = QButtonGroup(self)
        buttons = QHBoxLayout()
        self.outcome_buttons: dict[EventKind, QPushButton] = {}
        for kind in OUTCOMES:
            button = QPushButton(self.tr(_LABELS[kind]), checkable=True)
            button.setChecked(row["outcome"] == kind.value)
            button.setEnabled(editable)
            button.clicked.connect(lambda _c=False, k=kind: self.record(k))
            self.group.addButton(button)
            self.outcome_buttons[kind] = button
            buttons.addWidget(button)
        buttons.addStretch()
        self.photos = PhotoStrip(profile, background)
        self.photo_hint = QLabel(self.tr("选择复查结果后,可在此添加整改后照片。"))
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        facts_row = QHBoxLayout()
        facts_row.addWidget(QLabel(facts))
        facts_row.addWidget(self.overdue)
        facts_row.addStretch()
        layout.addLayout(facts_row)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        layout.addWidget(self.photo_hint)
        layout.addWidget(self.photos)
        self._show_photos(row["outcome_event_id"])

    def _show_photos(self, event_id: str | None) -> None:
        self.photo_hint.setVisible(event_id is None and self.editable)
        self.photos.setVisible(event_id is not None)
        if event_id:
            target = LinkTarget(visit_id=self.visit["id"], finding_id=self.row["id"], event_id=event_id)
            self.photos.set_target(target, editable=self.editable)

    def record(self, kind: EventKind) -> None:
        try:
            event = visits.recheck(self.profile, self.visit["id"], self.row["id"], kind, self.note.text())
        except StewardError as exc:
            self.failed.emit(exc)
            return
        self.row = {**self.row, "outcome": kind.value, "outcome_event_id": event["id"]}
        self.overdue.setVisible(kind != EventKind.RECHECK_RECTIFIED and self.row["overdue_days"] > 0)
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

    def show_visit(self, visit: dict[str, Any], editable: bool) -> None:
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

    def pending(self) -> int:
        return sum(1 for r in self.rows if r.row["outcome"] is None)
