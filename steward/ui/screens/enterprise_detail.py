"""One enterprise: who it is, its colour (三色码) with every reason and the timeline of its changes, its visits, its
findings with their status, its complaints / penalties / hazardous-waste records (entered, changed and deleted here);
and the button to start a visit."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from steward.domain import clock
from steward.domain.errors import StewardError
from steward.domain.labels import FindingStatus, Severity, VisitKind, VisitStatus
from steward.domain.rating import RecordKind
from steward.services import enterprise_events, enterprises, findings, visits
from steward.storage import records
from steward.storage.profile import Profile
from steward.ui import language
from steward.ui.labels import label
from steward.ui.slots import bound
from steward.ui.widgets.event_dialog import DeleteEventDialog, EventDialog
from steward.ui.widgets.rating_view import RatingView, colour_chip
from steward.ui.widgets.rows_model import RED, Column, Row, RowsModel
from steward.ui.widgets.tables import fit_columns, make_table


class EnterpriseDetail(QWidget):
    back = Signal()
    start_visit = Signal(str)
    open_visit = Signal(str)
    open_finding = Signal(str)
    ledger_requested = Signal(str)

    def __init__(self, profile: Profile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.enterprise: records.Enterprise | None = None  # None until show_enterprise
        self.name = QLabel()
        self.name.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.figures = QLabel()
        back = QPushButton(self.tr("◀ 企业列表"))
        back.clicked.connect(self.back)
        self.start_button = QPushButton(self.tr("开始巡查"))
        self.start_button.setStyleSheet("font-weight: bold;")
        self.start_button.clicked.connect(lambda: self.start_visit.emit(self.enterprise_id))
        self.ledger_button = QPushButton(self.tr("问题台账"))
        self.ledger_button.clicked.connect(lambda: self.ledger_requested.emit(self.enterprise_id))
        self.continue_button = QPushButton(self.tr("继续未完成的巡查"))
        self.continue_button.clicked.connect(self._continue)
        self.chip = QLabel()
        header = QHBoxLayout()
        header.addWidget(back)
        header.addWidget(self.name)
        header.addWidget(self.chip)
        header.addStretch(1)
        header.addWidget(self.ledger_button)
        header.addWidget(self.continue_button)
        header.addWidget(self.start_button)
        self.facts = QFormLayout()

        self.visits = RowsModel(
            [
                Column(
                    self.tr("开始时间"),
                    lambda r: clock.from_text(r["started_at"]).astimezone().strftime("%Y-%m-%d %H:%M"),
                ),
                Column(self.tr("类型"), lambda r: label(VisitKind(r["kind"]))),
                Column(self.tr("检查人员"), lambda r: r["steward"]),
                Column(
                    self.tr("状态"),
                    lambda r: label(VisitStatus(r["status"])),
                    lambda r: RED if r["status"] == VisitStatus.IN_PROGRESS else None,
                ),
                Column(self.tr("已检查"), lambda r: f"{r['answered']}/{r['item_count']}", numeric=True),
                Column(self.tr("新问题"), lambda r: r["new_findings"], numeric=True),
            ]
        )
        self.findings = RowsModel(
            [
                Column(self.tr("整改期限"), lambda r: r["deadline"]),
                Column(self.tr("状态"), lambda r: label(FindingStatus(r["status"]))),
                Column(self.tr("等级"), lambda r: label(Severity(r["severity"]))),
                Column(self.tr("逾期天数"), lambda r: r["overdue_days"] or "", lambda r: RED, numeric=True),
                Column(self.tr("位置"), lambda r: r["location"]),
                Column(self.tr("问题描述"), lambda r: r["description"]),
            ]
        )
        self.visits_table = make_table(self.visits, 0)
        self.visits_table.activated.connect(lambda i: self.open_visit.emit(self._id(self.visits, i)))
        self.findings_table = make_table(self.findings, 5)
        self.findings_table.activated.connect(lambda i: self.open_finding.emit(self._id(self.findings, i)))
        self.rating = RatingView()
        self.records = RowsModel(
            [
                Column(self.tr("日期"), lambda r: r["on_date"]),
                Column(self.tr("类型"), lambda r: label(RecordKind(r["kind"]))),
                Column(self.tr("查实"), self._substantiated),
                Column(
                    self.tr("来源 / 机关 / 文号"),
                    lambda r: " ".join(p for p in (r["source"], r["authority"], r["number"]) if p),
                ),
                Column(self.tr("说明"), lambda r: " ".join(r["note"].split())),
                Column(self.tr("录入"), lambda r: r["updated_by"] or r["created_by"]),
            ]
        )
        self.records_table = make_table(self.records, 4)
        self.records_table.activated.connect(self._edit_record)
        self.records_table.selectionModel().selectionChanged.connect(self._record_buttons)
        self.add_buttons: dict[RecordKind, QPushButton] = {}
        record_buttons = QHBoxLayout()
        for kind, caption in (
            (RecordKind.COMPLAINT, self.tr("新增信访投诉")),
            (RecordKind.PENALTY, self.tr("新增行政处罚/立案")),
            (RecordKind.HAZWASTE, self.tr("新增危废违法")),
        ):
            button = QPushButton(caption)
            button.clicked.connect(bound(self.add_record, kind))
            record_buttons.addWidget(button)
            self.add_buttons[kind] = button
        record_buttons.addStretch(1)
        self.edit_record_button = QPushButton(self.tr("修改"))
        self.edit_record_button.clicked.connect(self._edit_selected)
        self.delete_record_button = QPushButton(self.tr("删除"))
        self.delete_record_button.clicked.connect(self._delete_selected)
        record_buttons.addWidget(self.edit_record_button)
        record_buttons.addWidget(self.delete_record_button)
        self.records_page = QWidget()
        records_layout = QVBoxLayout(self.records_page)
        records_layout.setContentsMargins(0, 0, 0, 0)
        records_layout.addLayout(record_buttons)
        records_layout.addWidget(self.records_table, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.findings_table, self.tr("问题"))
        self.tabs.addTab(self.visits_table, self.tr("巡查记录"))
        self.tabs.addTab(self.rating, self.tr("三色码"))
        self.tabs.addTab(self.records_page, self.tr("投诉·处罚·危废"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.figures)
        layout.addLayout(self.facts)
        layout.addWidget(self.tabs, 1)

    @property
    def enterprise_id(self) -> str:
        """The shown enterprise's: the screen is shown only through show_enterprise, which sets it first."""
        if self.enterprise is None:
            raise RuntimeError("no enterprise is shown on the enterprise screen")
        return self.enterprise["id"]

    @staticmethod
    def _id(model: RowsModel, index: QModelIndex) -> str:
        return model.data(index, Qt.ItemDataRole.UserRole)

    def show_enterprise(self, enterprise_id: str) -> None:
        e = enterprises.get(self.profile, enterprise_id)
        self.enterprise = e
        self.name.setText(e["name"])
        while self.facts.rowCount():
            self.facts.removeRow(0)
        contact = " ".join(x for x in (e["contact_person"], e["contact_phone"]) if x)
        for caption, value in (
            (self.tr("统一社会信用代码"), e["credit_code"]),
            (self.tr("法定代表人/负责人"), e["legal_representative"]),
            (self.tr("地址"), e["address"]),
            (self.tr("联系人"), contact),
            (self.tr("保单号 · 保险公司"), " · ".join(x for x in (e["policy_number"], e["insurer"]) if x)),
        ):
            self.facts.addRow(caption, QLabel(value or "—", wordWrap=True))
        merged = enterprises.merged_here(self.profile, enterprise_id)
        if merged:
            merged_label = QLabel(self._merged_text(merged))
            merged_label.setWordWrap(True)
            self.facts.addRow(self.tr("已合并"), merged_label)
        f = findings.figures_for(self.profile, enterprise_id)
        self.figures.setText(
            self.tr(
                "发现问题 {found} 个 · 已整改 {rect} 个 · 整改率 {rate} · 待整改 {open} 个 · 逾期 {over} 个"
            ).format(found=f.found, rect=f.rectified, rate=f.rate_text, open=f.open, over=f.overdue)
        )
        history = visits.listing(self.profile, enterprise_id=enterprise_id)
        self.visits.set_rows(history)
        rows = findings.listing(self.profile, enterprise_id=enterprise_id)
        rows.sort(key=lambda r: (FindingStatus(r["status"]).closed, r["deadline"] or ""))  # open ones first
        self.findings.set_rows(rows)
        self._in_progress = next((v for v in history if v["status"] == VisitStatus.IN_PROGRESS), None)
        self.continue_button.setVisible(self._in_progress is not None)
        fit_columns(self.findings_table, range(5))
        fit_columns(self.visits_table, range(5))
        self.show_rating()

    def _merged_text(self, merged: list[enterprises.MergedHere]) -> str:
        """What was merged into this enterprise on this laptop (the hub's id won; nothing of ours was dropped)."""
        parts = []
        for m in merged:
            day = clock.from_text(m["merged_at"]).astimezone().strftime("%Y-%m-%d")
            name = self.tr("(原名“{name}”)").format(name=m["name"]) if m["name"] else ""
            parts.append(
                self.tr("本机原编号 {id}{name} 于 {day} 并入服务器上的同一企业").format(
                    id=m["old_id"][:8], name=name, day=day
                )
            )
        return ";".join(parts)

    def show_rating(self) -> None:
        """The colour as of today with its reasons, the timeline, and the records; again after each change."""
        enterprise_id = self.enterprise_id
        self.records.set_rows(list(reversed(enterprise_events.listing(self.profile, enterprise_id))))  # newest first
        fit_columns(self.records_table, range(4))
        self._record_buttons()
        try:
            self.rating.show_enterprise(self.profile, enterprise_id)
        except StewardError as exc:  # a malformed rules file: say so where the colour would be
            self.rating.show_problem(language.said(exc))
            self.chip.setText("")
            self.chip.setStyleSheet("")
            return
        current = self.rating.current
        if current is not None:
            colour_chip(self.chip, current.colour)
            self.chip.setToolTip(self.rating.reasons.text())

    def _substantiated(self, row: Row) -> str:
        if row["kind"] != RecordKind.COMPLAINT:
            return ""
        return self.tr("属实") if row["substantiated"] else self.tr("不属实")

    def _record_buttons(self) -> None:
        """修改 and 删除 act on the chosen record (the only one, when there is one): usable only when there is one
        and it was entered here; one pulled from the hub is read-only, and the buttons' tooltip says why."""
        row = self._selected_record()
        locked = enterprise_events.read_only_reason(row) if row is not None else None
        why = f"{locked[0]}\n{locked[1]}" if locked else ""
        for button in (self.edit_record_button, self.delete_record_button):
            button.setEnabled(row is not None and locked is None)
            button.setToolTip(why)

    def _selected_record(self) -> Row | None:
        rows = self.records_table.selectionModel().selectedRows()
        if not rows and self.records.rowCount() == 1:
            return self.records.rows[0]
        return self.records.rows[rows[0].row()] if rows else None

    def _run(self, dialog: QDialog) -> None:
        """A record's dialog, modal; the rating, timeline and records shown again once it saved."""
        saved = dialog.exec()
        dialog.deleteLater()
        if saved:
            self.show_rating()

    def add_record(self, kind: RecordKind) -> None:
        self._run(EventDialog(self.profile, self.enterprise_id, kind, parent=self))

    def _edit_record(self, index: QModelIndex) -> None:
        self.edit_record(self.records.rows[index.row()])

    def edit_record(self, row: Row) -> None:
        if enterprise_events.read_only_reason(row) is not None:
            return  # read-only here: the disabled 修改 button's tooltip says why
        self._run(EventDialog(self.profile, self.enterprise_id, RecordKind(row["kind"]), row, parent=self))

    def _edit_selected(self) -> None:
        row = self._selected_record()
        if row is not None:
            self.edit_record(row)

    def _delete_selected(self) -> None:
        row = self._selected_record()
        if row is not None:
            self._run(DeleteEventDialog(self.profile, row, self))

    def _continue(self) -> None:
        if self._in_progress:
            self.open_visit.emit(self._in_progress["id"])

    def is_first_visit(self) -> bool:
        return self.visits.rowCount() == 0
