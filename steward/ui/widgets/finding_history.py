"""A finding's whole story: what was found, every event since (who, when, note), and its photos."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from steward.domain import clock
from steward.domain.errors import StewardError
from steward.domain.labels import EventKind, Severity
from steward.services import findings
from steward.services.photos import LinkTarget
from steward.storage import records
from steward.storage.profile import Profile
from steward.ui import language
from steward.ui.background import Background
from steward.ui.labels import label
from steward.ui.slots import bound
from steward.ui.theme import styled
from steward.ui.widgets.photo_strip import PhotoStrip
from steward.ui.widgets.rows_model import Column, Row, RowsModel
from steward.ui.widgets.tables import make_table


def _local(text: str) -> str:
    return clock.from_text(text).astimezone().strftime("%Y-%m-%d %H:%M")


class FindingHistoryDialog(QDialog):
    def __init__(
        self, profile: Profile, background: Background, finding_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.profile, self.finding_id = profile, finding_id
        self.setWindowTitle(self.tr("问题记录"))
        self.resize(900, 640)
        self.facts = QFormLayout()
        self.status = QLabel()
        self.events = RowsModel(
            [
                Column(self.tr("时间"), lambda r: _local(r["at"])),
                Column(self.tr("事件"), lambda r: label(EventKind(r["kind"]))),
                Column(self.tr("记录人"), lambda r: r["by"]),
                Column(self.tr("说明"), self._event_note),
            ]
        )
        self.table = table = make_table(self.events, 3)
        self.photos = PhotoStrip(profile, background)
        self.error = styled(QLabel(), "overdue")
        actions = QHBoxLayout()
        self.event_buttons: dict[EventKind, QPushButton] = {}
        for caption, kind in (
            (self.tr("企业报告已整改…"), EventKind.RECTIFICATION_REPORTED),
            (self.tr("免于整改…"), EventKind.WAIVED),
            (self.tr("重新打开…"), EventKind.REOPENED),
        ):
            button = QPushButton(caption)
            button.clicked.connect(bound(self.add_event, kind))
            self.event_buttons[kind] = button
            actions.addWidget(button)
        actions.addStretch()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.facts)
        layout.addWidget(self.status)
        layout.addWidget(table, 1)
        layout.addWidget(QLabel(self.tr("照片(含整改后照片)")))
        layout.addWidget(self.photos)
        layout.addLayout(actions)
        layout.addWidget(self.error)
        layout.addWidget(close)
        self.reload()

    def _event_note(self, row: Row) -> str:
        if not row.get("new_deadline"):
            return str(row["note"])
        moved = self.tr("新整改期限:{d}").format(d=row["new_deadline"])
        return f"{row['note']}({moved})" if row["note"] else moved

    def _deadline_text(self, f: records.Finding) -> str:
        own = f.get("original_deadline")
        if own and f["deadline"] and own != f["deadline"]:
            return self.tr("{now}(部分整改后约定;原期限 {was})").format(now=f["deadline"], was=own)
        return str(f["deadline"] or "")

    def reload(self) -> None:
        detail = findings.detail(self.profile, self.finding_id)
        f = detail.finding
        while self.facts.rowCount():
            self.facts.removeRow(0)
        for caption, value in (
            (self.tr("企业"), f["enterprise_name"]),
            (self.tr("检查项"), f.get("item_code") or ""),
            (self.tr("位置"), f["location"]),
            (self.tr("问题描述"), f["description"]),
            (self.tr("依据"), f["basis"]),
            (self.tr("等级"), label(Severity(f["severity"]))),
            (self.tr("整改要求"), f["requirement"]),
            (self.tr("整改期限"), self._deadline_text(f)),
        ):
            text = QLabel(value, wordWrap=True)
            self.facts.addRow(caption, text)
        status = self.tr("状态:{s}").format(s=label(detail.status))
        if detail.overdue_days:
            status += self.tr(" · 逾期 {n} 天").format(n=detail.overdue_days)
        if detail.days_to_close is not None:
            status += self.tr(" · 用时 {n} 天闭环").format(n=detail.days_to_close)
        self.status.setText(status)
        # 重新打开 only once closed; reporting or waiving only while open. A disabled button says why.
        closed = detail.status.closed
        for kind, button in self.event_buttons.items():
            allowed = closed if kind == EventKind.REOPENED else not closed
            button.setEnabled(allowed)
            button.setToolTip(
                ""
                if allowed
                else self.tr("问题尚未闭环,无需重新打开。")
                if kind == EventKind.REOPENED
                else self.tr("问题已闭环;如需继续跟踪,请先重新打开。")
            )
        self.events.set_rows(detail.events)
        for column in range(3):
            self.table.resizeColumnToContents(column)
        self.photos.set_target(LinkTarget(finding_id=self.finding_id), editable=False)

    def add_event(self, kind: EventKind, note: str | None = None) -> None:
        if note is None:
            prompt = self.tr("理由(必填):") if kind == EventKind.WAIVED else self.tr("说明:")
            note, ok = QInputDialog.getText(self, label(kind), prompt)
            if not ok:
                return
        try:
            findings.add_event(self.profile, self.finding_id, kind, note=note)
        except StewardError as exc:
            self.error.setText(language.said(exc))
            return
        self.error.clear()
        self.reload()
