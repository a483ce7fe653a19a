"""Read-only tables as every screen shows them: whole rows selected, touch-height rows, quick column sizing."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QCoreApplication, Qt
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLineEdit, QPushButton, QTableView

ROW_HEIGHT = 40
# Columns are sized from the header and the first rows only: measuring every row of a long list through the model
# costs a quarter of a second at 500 rows.
SIZE_FROM_ROWS = 40


def make_table(model: QAbstractItemModel, stretch_column: int) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    header = table.horizontalHeader()
    header.setResizeContentsPrecision(SIZE_FROM_ROWS)
    header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    return table


def fit_columns(table: QTableView, columns: range) -> None:
    for column in columns:
        table.resizeColumnToContents(column)


def with_clear_button(search: QLineEdit) -> QHBoxLayout:
    """A search field with a 清除 button a gloved finger can hit (Qt's own clear icon is 14 px)."""
    clear = QPushButton(QCoreApplication.translate("tables", "清除"))
    clear.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    clear.clicked.connect(search.clear)
    clear.clicked.connect(search.setFocus)
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(search, 1)
    row.addWidget(clear)
    return row
