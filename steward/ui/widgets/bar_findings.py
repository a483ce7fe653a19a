"""What a dashboard bar counts, listed: the findings behind it (each as it stood at the period's end), or the
enterprises of a colour with the reasons of their rating. Opening a finding shows its history."""

from __future__ import annotations

from typing import TypedDict

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from steward.domain import clock
from steward.domain.labels import FindingStatus, Severity
from steward.services.documents import PeriodFinding
from steward.services.ratings import EnterpriseRating
from steward.ui import language
from steward.ui.labels import label
from steward.ui.widgets.rows_model import RED, Column, RowsModel
from steward.ui.widgets.tables import fit_columns, make_table


class BarFinding(TypedDict):
    """A finding behind a bar, as its list shows it: found when and where, and how it stood at the period's end."""

    id: str
    enterprise_name: str
    found_on: str  # its local day, ISO
    item_code: str  # '' outside the checklist
    category: str
    severity: str
    deadline: str  # the finding's deadline, '' without one
    status: str
    overdue_days: int
    description: str  # on one line


class ColourEnterprise(TypedDict):
    """An enterprise of a colour, with the reasons of its rating in the interface's language."""

    enterprise_id: str
    name: str
    reasons: str


def finding_row(pf: PeriodFinding) -> BarFinding:
    f = pf.row
    return {
        "id": f["id"],
        "enterprise_name": f["enterprise_name"],
        "found_on": clock.local_day(f["created_at"]),
        "item_code": f["item_code"],
        "category": f["category"],
        "severity": f["severity"],
        "deadline": f["deadline"] or "",
        "status": pf.standing.status.value,
        "overdue_days": pf.standing.overdue_days,
        "description": " ".join(str(f["description"]).split()),
    }


class BarFindingsDialog(QDialog):
    """The findings of one bar; their number is the bar's."""

    open_finding = Signal(str)

    def __init__(self, title: str, as_of: str, findings: list[PeriodFinding], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.model = RowsModel(
            [
                Column(self.tr("企业"), lambda r: r["enterprise_name"]),
                Column(self.tr("发现日期"), lambda r: r["found_on"]),
                Column(self.tr("检查项"), lambda r: r["item_code"]),
                Column(self.tr("类别"), lambda r: r["category"]),
                Column(
                    self.tr("等级"),
                    lambda r: label(Severity(r["severity"])),
                    lambda r: RED if r["severity"] == "major" else None,
                ),
                Column(self.tr("整改期限"), lambda r: r["deadline"]),
                Column(self.tr("期末状态"), lambda r: label(FindingStatus(r["status"]))),
                Column(self.tr("逾期天数"), lambda r: r["overdue_days"] or "", lambda r: RED, numeric=True),
                Column(self.tr("问题描述"), lambda r: r["description"]),
            ]
        )
        self.model.set_rows([finding_row(pf) for pf in findings])
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortLocaleAware(True)
        self.table = make_table(self.proxy, 8)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.table.activated.connect(self._activated)
        fit_columns(self.table, range(8))
        note = QLabel(
            self.tr("共 {n} 个问题;状态和逾期天数为截至 {as_of} 的情况。双击一行查看该问题的整改记录。").format(
                n=len(findings), as_of=as_of
            )
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(1100, 560)

    def _activated(self, index: QModelIndex) -> None:
        self.open_finding.emit(self.proxy.data(index, Qt.ItemDataRole.UserRole))


class ColourEnterprisesDialog(QDialog):
    """The enterprises of one colour at a month's end, each with why it has that colour."""

    def __init__(self, title: str, rated: list[EnterpriseRating], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        english = language.current() == language.ENGLISH
        self.model = RowsModel(
            [
                Column(self.tr("企业"), lambda r: r["name"]),
                Column(self.tr("原因"), lambda r: r["reasons"]),
            ],
            id_key="enterprise_id",
        )
        rows: list[ColourEnterprise] = [
            {
                "enterprise_id": r.enterprise_id,
                "name": r.name,
                "reasons": ";".join(x.en if english else x.zh for x in r.rating.reasons),
            }
            for r in rated
        ]
        self.model.set_rows(rows)
        self.table = make_table(self.model, 1)
        self.table.setWordWrap(False)
        fit_columns(self.table, range(1))
        note = QLabel(self.tr("共 {n} 家企业。").format(n=len(rated)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(1100, 560)
