"""Findings across all enterprises: filter by status, severity, overdue and enterprise; open one's history."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from steward.domain.labels import FindingStatus, Severity
from steward.services import enterprises, findings
from steward.storage.profile import Profile
from steward.ui.labels import label
from steward.ui.widgets.rows_model import RED, Column, RowsModel
from steward.ui.widgets.tables import fit_columns, make_table, with_clear_button

PAGE = 2000  # more than a county has open; the count below says when a filter would show more


class FindingsScreen(QWidget):
    open_finding = Signal(str)

    def __init__(self, profile: Profile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.status = QComboBox()
        self.status.addItem(self.tr("未关闭(待整改/待复查/部分整改)"), "open")
        self.status.addItem(self.tr("全部"), None)
        for status in FindingStatus:
            self.status.addItem(label(status), status.value)
        self.severity = QComboBox()
        self.severity.addItem(self.tr("全部等级"), None)
        for severity in Severity:
            self.severity.addItem(label(severity), severity.value)
        self.enterprise = QComboBox()
        self.enterprise.setEditable(True)
        self.enterprise.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.overdue = QCheckBox(self.tr("只看逾期"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("搜索问题描述、整改要求、位置或复查意见"))
        self.count = QLabel()

        self.model = RowsModel(
            [
                Column(self.tr("整改期限"), lambda r: r["deadline"]),
                Column(self.tr("企业"), lambda r: r["enterprise_name"]),
                Column(self.tr("检查项"), lambda r: r["item_code"] or ""),
                Column(
                    self.tr("等级"),
                    lambda r: label(Severity(r["severity"])),
                    lambda r: RED if r["severity"] == "major" else None,
                ),
                Column(self.tr("状态"), lambda r: label(FindingStatus(r["status"]))),
                Column(self.tr("逾期天数"), lambda r: r["overdue_days"] or "", lambda r: RED, numeric=True),
                Column(self.tr("问题描述"), lambda r: r["description"]),
            ]
        )
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortLocaleAware(True)
        self.table = make_table(self.proxy, 6)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # earliest deadline (most overdue) first
        self.table.activated.connect(self._activated)

        filters = QHBoxLayout()
        for widget in (self.status, self.severity, self.enterprise, self.overdue):
            filters.addWidget(widget)
        filters.addLayout(with_clear_button(self.search), 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)

        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.reload)
        for signal in (
            self.status.currentIndexChanged,
            self.severity.currentIndexChanged,
            self.enterprise.currentIndexChanged,
            self.overdue.toggled,
            self.search.textChanged,
        ):
            signal.connect(self._timer.start)
        self.loaded = False  # filled the first time it is shown: start-up does not pay for a screen not yet seen

    def ensure_loaded(self) -> None:
        if not self.loaded:
            self.loaded = True
            self.reload_enterprises()

    def reload_enterprises(self) -> None:
        self.enterprise.blockSignals(True)
        self.enterprise.clear()
        self.enterprise.addItem(self.tr("全部企业"), None)
        for row in enterprises.listing(self.profile):
            self.enterprise.addItem(row["name"], row["id"])
        self.enterprise.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        status = self.status.currentData()
        rows = findings.listing(
            self.profile,
            query=self.search.text().strip(),
            open_only=status == "open",
            status=status if status not in (None, "open") else None,
            overdue_only=self.overdue.isChecked(),
            severity=self.severity.currentData(),
            enterprise_id=self.enterprise.currentData(),
            limit=PAGE + 1,
        )
        more = len(rows) > PAGE
        self.model.set_rows(rows[:PAGE])
        text = self.tr("共 {n} 个问题").format(n=len(rows[:PAGE]))
        if more:
            text += self.tr("(只显示前 {n} 个,请加筛选条件)").format(n=PAGE)
        self.count.setText(text)
        fit_columns(self.table, range(6))

    def _activated(self, index: QModelIndex) -> None:
        self.open_finding.emit(self.proxy.data(index, Qt.ItemDataRole.UserRole))
