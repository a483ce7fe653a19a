"""Entering, changing and deleting a complaint (信访投诉), a penalty or case (行政处罚/立案) or a hazardous-waste
violation (危险废物违法) of one enterprise. The dialog saves through the service and stays open, with everything typed,
when the service refuses; a change or deletion asks for its reason, which the audit log keeps."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, TypedDict

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from steward.domain import clock
from steward.domain.errors import StewardError
from steward.domain.rating import RecordKind
from steward.services import enterprise_events
from steward.storage import records
from steward.storage.profile import Profile
from steward.ui import language
from steward.ui.labels import label
from steward.ui.theme import chosen_day, touch_calendar, wrapped_label


def record_summary(row: Mapping[str, Any]) -> str:
    """One line naming a record as a steward recognises it: date, kind, and its source / authority / number."""
    said = " ".join(p for p in (row["source"], row["authority"], row["number"]) if p) or row["note"][:30]
    return f"{row['on_date']}  {label(RecordKind(row['kind']))}  {said}"


class _Typed(TypedDict):
    """What the dialog's fields hold, as the service's add and edit take it."""

    on: date
    source: str
    authority: str
    number: str
    substantiated: bool
    note: str


class EventDialog(QDialog):
    """A new record of `kind` (row None), or a change to `row`."""

    def __init__(
        self,
        profile: Profile,
        enterprise_id: str,
        kind: RecordKind,
        row: Mapping[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.profile = profile
        self.enterprise_id = enterprise_id
        self.kind = kind
        self.row = row
        self.saved: records.EnterpriseEventOfEnterprise | None = None
        title = self.tr("修改:{kind}") if row else self.tr("新增:{kind}")
        self.setWindowTitle(title.format(kind=label(kind)))
        on = date.fromisoformat(row["on_date"]) if row else clock.today()
        self.on = touch_calendar(QDateEdit(QDate(on)))
        self.on.setDisplayFormat("yyyy-MM-dd")
        self.source = QLineEdit(row["source"] if row else "")
        self.source.setPlaceholderText(self.tr("如 12345 热线、信访局、群众来电"))
        self.substantiated = QCheckBox(self.tr("经核查属实"))
        self.substantiated.setChecked(bool(row["substantiated"]) if row else True)
        self.authority = QLineEdit(row["authority"] if row else "")
        self.authority.setPlaceholderText(self.tr("如 台州市生态环境局仙居分局"))
        self.number = QLineEdit(row["number"] if row else "")
        self.number.setPlaceholderText(self.tr("如 台环仙罚〔2026〕12号"))
        self.note = QPlainTextEdit(row["note"] if row else "")
        self.note.setPlaceholderText(
            self.tr("发现的情况,如 废漆渣露天堆放、转移未执行联单")
            if kind is RecordKind.HAZWASTE
            else self.tr("补充说明(可不填)")
        )
        self.note.setFixedHeight(96)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("为何修改,如 复核结果、录入有误"))
        self.error = wrapped_label("overdue")
        self.error.hide()

        form = QFormLayout()
        form.addRow(self.tr("日期"), self.on)
        if kind is RecordKind.COMPLAINT:
            form.addRow(self.tr("投诉来源"), self.source)
            form.addRow("", self.substantiated)
        if kind is RecordKind.PENALTY:
            form.addRow(self.tr("处罚或立案机关"), self.authority)
            form.addRow(self.tr("文书编号"), self.number)
        form.addRow(self.tr("情况说明") if kind is RecordKind.HAZWASTE else self.tr("备注"), self.note)
        if row:
            form.addRow(self.tr("修改理由"), self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.addButton(self.tr("保存"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(620, 0)

    def accept(self) -> None:
        """Saved, or the service's words shown and the dialog kept open with what was typed."""
        fields: _Typed = {
            "on": chosen_day(self.on.date()),
            "source": self.source.text(),
            "authority": self.authority.text(),
            "number": self.number.text(),
            "substantiated": self.substantiated.isChecked(),
            "note": self.note.toPlainText(),
        }
        try:
            if self.row is None:
                self.saved = enterprise_events.add(self.profile, self.enterprise_id, self.kind, **fields)
            else:
                self.saved = enterprise_events.edit(self.profile, self.row["id"], reason=self.reason.text(), **fields)
        except StewardError as exc:
            self.error.setText(language.said(exc))
            self.error.show()
            return
        super().accept()


class DeleteEventDialog(QDialog):
    """Deleting a record, with its reason; the record leaves the rating, the audit log keeps what it said."""

    def __init__(self, profile: Profile, row: Mapping[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.row = row
        self.setWindowTitle(self.tr("删除记录"))
        what = QLabel(
            self.tr("删除这条记录?它将不再计入三色码评级;审计记录保留其内容。\n{record}").format(
                record=record_summary(row)
            ),
            wordWrap=True,
        )
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("为何删除,如 重复录入、录错企业"))
        self.error = wrapped_label("overdue")
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.delete_button = buttons.addButton(self.tr("删除"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(what)
        form = QFormLayout()
        form.addRow(self.tr("删除理由"), self.reason)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(560, 0)

    def accept(self) -> None:
        try:
            enterprise_events.delete(self.profile, self.row["id"], self.reason.text())
        except StewardError as exc:
            self.error.setText(language.said(exc))
            self.error.show()
            return
        super().accept()
