"""The main window: the profile's enterprises, searchable, with the profile's rectification figures."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from steward.services import enterprises, findings, settings
from steward.storage.profile import Profile
from steward.ui.enterprise_table import EnterpriseTableModel


def _tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


class MainWindow(QMainWindow):
    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self.profile = profile
        self.setWindowTitle(_tr("环保管家 Steward — 档案:{name}").format(name=profile.name))
        self.resize(1280, 720)

        self.search = QLineEdit()
        self.search.setPlaceholderText(_tr("搜索企业名称、统一社会信用代码或地址"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumHeight(40)

        self.model = EnterpriseTableModel(settings.get(profile, settings.VISIT_INTERVAL_DAYS))
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.DisplayRole)
        self.proxy.setSortLocaleAware(True)  # names by the user's collation (pinyin order under zh_CN)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(36)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setAlternatingRowColors(True)

        self.figures = QLabel()
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        layout.addWidget(self.figures)
        self.setCentralWidget(central)

        # Typing restarts a short timer so a fast typist costs one query, not one per keystroke.
        self._search_timer = QTimer(self, singleShot=True, interval=120)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(self._search_timer.start)
        self.reload()

    def reload(self) -> None:
        rows = enterprises.listing(self.profile, self.search.text().strip())
        self.model.set_rows(rows)
        for column in range(1, self.model.columnCount()):
            self.table.resizeColumnToContents(column)
        totals = findings.figures_for(self.profile)
        self.figures.setText(
            _tr(
                "共 {count} 家企业 · 发现问题 {found} 个 · 已整改 {rectified} 个 · 整改率 {rate} · 待整改 {open} 个 · 逾期 {overdue} 个"
            ).format(
                count=len(rows),
                found=totals.found,
                rectified=totals.rectified,
                rate=f"{totals.rectification_rate:.1%}",
                open=totals.open,
                overdue=totals.overdue,
            )
        )
