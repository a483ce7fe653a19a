"""The enterprises screen: every enterprise of the profile, searchable by Chinese, pinyin initials or credit code."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from steward.services import enterprises, settings
from steward.storage.profile import Profile
from steward.ui.widgets.enterprise_table import EnterpriseTableModel
from steward.ui.widgets.tables import fit_columns, make_table, with_clear_button


class EnterprisesScreen(QWidget):
    open_enterprise = Signal(str)

    def __init__(self, profile: Profile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("搜索企业:名称、拼音首字母(如 xjyq)、统一社会信用代码或地址"))
        self.model = EnterpriseTableModel(settings.get(profile, settings.VISIT_INTERVAL_DAYS))
        self.table = make_table(self.model, 0)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.activated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(with_clear_button(self.search))
        layout.addWidget(self.table)
        self.search.textChanged.connect(self.model.set_query)
        self.search.returnPressed.connect(self._open_first)

    def reload(self) -> None:
        """Load every enterprise with its figures; typing filters this list in memory."""
        self.model.set_rows(enterprises.listing(self.profile))
        fit_columns(self.table, range(1, self.model.columnCount()))

    def _activated(self, index: QModelIndex) -> None:
        self.open_enterprise.emit(self.model.id_at(index.row()))

    def _open_first(self) -> None:
        if self.model.rowCount() == 1:
            self._activated(self.model.index(0, 0))
