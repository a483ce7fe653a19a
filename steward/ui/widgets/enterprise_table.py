"""The enterprises table: a read-only Qt model over the enterprise listing use case."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from steward.domain import clock

_Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("EnterpriseTableModel", text)


class EnterpriseTableModel(QAbstractTableModel):
    COLUMNS = ("name", "industry", "open_findings", "overdue_findings", "last_visit", "next_visit")

    def __init__(self, visit_interval_days: int = 7) -> None:
        super().__init__()
        self._rows: list[dict[str, Any]] = []
        self._interval = timedelta(days=visit_interval_days)
        self._today = clock.today()
        self._headers = (_tr("企业名称"), _tr("行业"), _tr("待整改"), _tr("逾期"), _tr("最近巡查"), _tr("下次巡查"))

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = rows
        self._today = clock.today()
        self.endResetModel()

    def row_data(self, row: int) -> dict[str, Any]:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def _last_visit(self, row: dict[str, Any]) -> date | None:
        return clock.local_date(clock.from_text(row["last_visit_at"])) if row["last_visit_at"] else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        last = self._last_visit(row)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "name":
                return row["name"]
            if column == "industry":
                return row["industry"]
            if column in ("open_findings", "overdue_findings"):
                return row[column]
            if column == "last_visit":
                return last.isoformat() if last else _tr("从未")
            if column == "next_visit":
                return (last + self._interval).isoformat() if last else _tr("尽快")
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == "overdue_findings" and row["overdue_findings"]:
                return QBrush(QColor("#b3261e"))
            if column == "next_visit" and (last is None or last + self._interval < self._today):
                return QBrush(QColor("#b3261e"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("open_findings", "overdue_findings"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == "name":
            return f"{row['name']}\n{row['credit_code']}\n{row['address']}"
        if role == Qt.ItemDataRole.UserRole:
            return row["id"]
        return None
