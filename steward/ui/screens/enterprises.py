"""The enterprises screen: every enterprise of the profile, searchable by Chinese, pinyin initials or credit code."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget

from steward.services import enterprises, settings
from steward.storage.profile import Profile
from steward.ui.widgets.enterprise_table import EnterpriseTableModel


class EnterprisesScreen(QWidget):
    open_enterprise = Signal(str)

    def __init__(self, profile: Profile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("搜索企业:名称、拼音首字母(如 xjyq)、统一社会信用代码或地址"))
        self.search.setClearButtonEnabled(True)
        self.model = EnterpriseTableModel(settings.get(profile, settings.VISIT_INTERVAL_DAYS))
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortLocaleAware(True)  # names in the user's collation (pinyin order under zh_CN)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(40)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setAlternatingRowColors(True)
        self.table.activated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        # A short pause after the last keystroke: a fast typist costs one query, not one per key.
        self._search_timer = QTimer(self, singleShot=True, interval=120)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self._open_first)
        self.reload()

    def reload(self) -> None:
        self.model.set_rows(enterprises.listing(self.profile, self.search.text().strip()))
        for column in range(1, self.model.columnCount()):
            self.table.resizeColumnToContents(column)

    def _activated(self, index: QModelIndex) -> None:
        self.open_enterprise.emit(self.proxy.data(index, Qt.ItemDataRole.UserRole))

    def _open_first(self) -> None:
        self._search_timer.stop()
        self.reload()
        if self.proxy.rowCount() == 1:
            self._activated(self.proxy.index(0, 0))
