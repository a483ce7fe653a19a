"""The enterprises table: every enterprise of the profile, filtered as the steward types, sorted by any column.

The model filters and sorts itself, on values worked out once per reload: a few hundred rows take a millisecond,
where a QSortFilterProxyModel would call data() ten thousand times through Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from steward.domain import clock
from steward.domain.pinyin import matches

_Index = QModelIndex | QPersistentModelIndex
_RED = QBrush(QColor("#b3261e"))
_NUMBER_ALIGN = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class _Row:
    id: str
    cells: tuple[Any, ...]
    sort_keys: tuple[Any, ...]
    overdue: bool
    visit_due: bool
    tooltip: str
    texts: tuple[str, ...]
    pinyin: str


class EnterpriseTableModel(QAbstractTableModel):
    COLUMNS = ("name", "industry", "open_findings", "overdue_findings", "last_visit", "next_visit")

    def __init__(self, visit_interval_days: int = 7) -> None:
        super().__init__()
        self._all: list[_Row] = []
        self._rows: list[_Row] = []  # those matching the query, in the current order
        self.query = ""
        self._sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)
        self._interval = timedelta(days=visit_interval_days)
        self._headers = (
            QCoreApplication.translate("EnterpriseTableModel", "企业名称"),
            QCoreApplication.translate("EnterpriseTableModel", "行业"),
            QCoreApplication.translate("EnterpriseTableModel", "待整改"),
            QCoreApplication.translate("EnterpriseTableModel", "逾期"),
            QCoreApplication.translate("EnterpriseTableModel", "最近巡查"),
            QCoreApplication.translate("EnterpriseTableModel", "下次巡查"),
        )

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        today = clock.today()
        never, soon = (
            QCoreApplication.translate("EnterpriseTableModel", "从未"),
            QCoreApplication.translate("EnterpriseTableModel", "尽快"),
        )
        prepared = []
        for row in rows:
            last = clock.local_date(clock.from_text(row["last_visit_at"])) if row["last_visit_at"] else None
            due = last + self._interval if last else None
            cells = (
                row["name"],
                row["industry"],
                row["open_findings"],
                row["overdue_findings"],
                last.isoformat() if last else never,
                due.isoformat() if due else soon,
            )
            # Names sort by their pinyin (as Chinese users expect, whatever the laptop's locale); "never" first.
            pinyin = row.get("name_pinyin", "").split(" ")[-1] or row["name"]
            keys = (
                pinyin,
                row["industry"],
                row["open_findings"],
                row["overdue_findings"],
                cells[4] if last else "",
                cells[5] if due else "",
            )
            prepared.append(
                _Row(
                    row["id"],
                    cells,
                    keys,
                    row["overdue_findings"] > 0,
                    due is None or due < today,
                    f"{row['name']}\n{row['credit_code']}\n{row['address']}",
                    (row["name"], row["credit_code"], row["address"]),
                    row.get("name_pinyin", ""),
                )
            )
        self._all = prepared
        self._refresh()

    def set_query(self, query: str) -> None:
        query = query.strip()
        if query != self.query:
            self.query = query
            self._refresh()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self._refresh()

    def _refresh(self) -> None:
        column, order = self._sort
        shown = [r for r in self._all if matches(self.query, r.texts, r.pinyin)] if self.query else list(self._all)
        shown.sort(key=lambda r: r.sort_keys[column], reverse=order == Qt.SortOrder.DescendingOrder)
        self.beginResetModel()
        self._rows = shown
        self.endResetModel()

    def id_at(self, row: int) -> str:
        return self._rows[row].id

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            if (column == 3 and row.overdue) or (column == 5 and row.visit_due):
                return _RED
        elif role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (2, 3):
                return _NUMBER_ALIGN
        elif role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return row.tooltip
        elif role == Qt.ItemDataRole.UserRole:
            return row.id
        return None
