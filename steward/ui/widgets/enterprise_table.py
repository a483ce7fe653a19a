"""The enterprises table: every enterprise of the profile, filtered as the steward types, sorted by any column.

The model filters and sorts itself, on values worked out once per reload: a few hundred rows take a millisecond,
where a QSortFilterProxyModel would call data() ten thousand times through Python.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from steward.domain import clock
from steward.domain.pinyin import matches
from steward.domain.rating import Colour
from steward.storage import records

_Index = QModelIndex | QPersistentModelIndex
_RED = QBrush(QColor("#b3261e"))
_NUMBER_ALIGN = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)
COLOUR_COLUMN = 1
# A chip per colour: the word (红码 / Red) carries the meaning, a shape tells them apart without colour vision, and
# the fill is dark enough (or light enough) for its text to pass WCAG AA in either theme's table.
CHIP_SHAPE = {Colour.RED: "▲", Colour.YELLOW: "◆", Colour.GREEN: "●"}
_CHIP_FILL = {
    Colour.RED: (QBrush(QColor("#b3261e")), QBrush(QColor("#ffffff"))),
    Colour.YELLOW: (QBrush(QColor("#ffd54f")), QBrush(QColor("#000000"))),
    Colour.GREEN: (QBrush(QColor("#1e7d32")), QBrush(QColor("#ffffff"))),
}
_COLOUR_ORDER = {Colour.RED: 0, Colour.YELLOW: 1, Colour.GREEN: 2}


def colour_word(colour: Colour) -> str:
    """红码 / Red, through the "labels" translations like the domain's other words."""
    return QCoreApplication.translate("labels", colour.zh)


def chip_text(colour: Colour) -> str:
    return f"{CHIP_SHAPE[colour]} {colour_word(colour)}"


@dataclass(frozen=True)
class _Row:
    id: str
    cells: tuple[Any, ...]
    sort_keys: tuple[Any, ...]
    overdue: bool
    visit_due: bool
    colour: Colour | None
    tooltip: str
    colour_tip: str
    texts: tuple[str, ...]
    pinyin: str


class EnterpriseTableModel(QAbstractTableModel):
    COLUMNS = ("name", "colour", "industry", "open_findings", "overdue_findings", "last_visit", "next_visit")

    def __init__(self, visit_interval_days: int = 7) -> None:
        super().__init__()
        self._all: list[_Row] = []
        self._rows: list[_Row] = []  # those matching the query, in the current order
        self.query = ""
        self.colour_filter: Colour | None = None
        self._sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)
        self._interval = timedelta(days=visit_interval_days)
        self._headers = (
            QCoreApplication.translate("EnterpriseTableModel", "企业名称"),
            QCoreApplication.translate("EnterpriseTableModel", "三色码"),
            QCoreApplication.translate("EnterpriseTableModel", "行业"),
            QCoreApplication.translate("EnterpriseTableModel", "待整改"),
            QCoreApplication.translate("EnterpriseTableModel", "逾期"),
            QCoreApplication.translate("EnterpriseTableModel", "最近巡查"),
            QCoreApplication.translate("EnterpriseTableModel", "下次巡查"),
        )

    def set_rows(
        self, rows: list[records.EnterpriseListed], ratings: dict[str, tuple[Colour, str]] | None = None
    ) -> None:
        """rows: enterprises.listing(); ratings: enterprise id -> (colour, the first reason), as of today."""
        today = clock.today()
        ratings = ratings or {}
        never, soon = (
            QCoreApplication.translate("EnterpriseTableModel", "从未"),
            QCoreApplication.translate("EnterpriseTableModel", "尽快"),
        )
        prepared = []
        for row in rows:
            last = clock.local_date(clock.from_text(row["last_visit_at"])) if row["last_visit_at"] else None
            due = last + self._interval if last else None
            colour, why = ratings.get(row["id"], (None, ""))
            cells = (
                row["name"],
                chip_text(colour) if colour else "—",
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
                _COLOUR_ORDER[colour] if colour else 3,
                row["industry"],
                row["open_findings"],
                row["overdue_findings"],
                cells[5] if last else "",
                cells[6] if due else "",
            )
            prepared.append(
                _Row(
                    row["id"],
                    cells,
                    keys,
                    row["overdue_findings"] > 0,
                    due is None or due < today,
                    colour,
                    f"{row['name']}\n{row['credit_code']}\n{row['address']}",
                    why,
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

    def set_ratings(self, ratings: dict[str, tuple[Colour, str]]) -> None:
        """The colours, worked out after the rows were shown: the rows stay where they are unless they are sorted or
        filtered by colour."""
        self._all = [
            replace(
                r,
                colour=ratings[r.id][0] if r.id in ratings else None,
                colour_tip=ratings[r.id][1] if r.id in ratings else "",
                cells=(r.cells[0], chip_text(ratings[r.id][0]) if r.id in ratings else "—", *r.cells[2:]),
                sort_keys=(r.sort_keys[0], _COLOUR_ORDER[ratings[r.id][0]] if r.id in ratings else 3, *r.sort_keys[2:]),
            )
            for r in self._all
        ]
        if self.colour_filter is not None or self._sort[0] == COLOUR_COLUMN:
            self._refresh()
            return
        by_id = {r.id: r for r in self._all}
        self._rows = [by_id[r.id] for r in self._rows]
        if self._rows:
            self.dataChanged.emit(self.index(0, COLOUR_COLUMN), self.index(len(self._rows) - 1, COLOUR_COLUMN))

    def set_colour_filter(self, colour: Colour | None) -> None:
        if colour != self.colour_filter:
            self.colour_filter = colour
            self._refresh()

    def colour_counts(self) -> dict[Colour, int]:
        """How many enterprises of each colour the whole list has (the filter's choices show them)."""
        counts = dict.fromkeys(Colour, 0)
        for row in self._all:
            if row.colour is not None:
                counts[row.colour] += 1
        return counts

    def colour_at(self, row: int) -> Colour | None:
        return self._rows[row].colour

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self._refresh()

    def _refresh(self) -> None:
        column, order = self._sort
        shown = [r for r in self._all if matches(self.query, r.texts, r.pinyin)] if self.query else list(self._all)
        if self.colour_filter is not None:
            shown = [r for r in shown if r.colour is self.colour_filter]
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
        if column == COLOUR_COLUMN and row.colour is not None:
            if role == Qt.ItemDataRole.BackgroundRole:
                return _CHIP_FILL[row.colour][0]
            if role == Qt.ItemDataRole.ForegroundRole:
                return _CHIP_FILL[row.colour][1]
        if role == Qt.ItemDataRole.ForegroundRole:
            if (column == 4 and row.overdue) or (column == 6 and row.visit_due):
                return _RED
        elif role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (3, 4):
                return _NUMBER_ALIGN
            if column == COLOUR_COLUMN:
                return _CENTRE
        elif role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return row.tooltip
            if column == COLOUR_COLUMN:
                return row.colour_tip or None
        elif role == Qt.ItemDataRole.UserRole:
            return row.id
        return None
