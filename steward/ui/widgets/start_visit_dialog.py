"""Starting a visit: its kind, and for a routine visit the items to check today."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from steward.domain.labels import VisitKind
from steward.services import templates
from steward.services.visits import DEFAULT_TEMPLATE
from steward.storage import records
from steward.storage import templates as template_store
from steward.storage.profile import Profile
from steward.ui.labels import label


class StartVisitDialog(QDialog):
    def __init__(
        self, profile: Profile, enterprise: records.Enterprise, first_visit: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("开始巡查 — {name}").format(name=enterprise["name"]))
        self.kind = QComboBox()
        for kind in VisitKind:
            self.kind.addItem(label(kind), kind.value)
        self.kind.setCurrentIndex(self.kind.findData((VisitKind.FIRST if first_visit else VisitKind.ROUTINE).value))
        template = templates.latest(profile, enterprise["template_code"] or DEFAULT_TEMPLATE)
        self.items = QListWidget()
        for item in template_store.items(profile.db, template["id"]):
            entry = QListWidgetItem(f"{item['code']}  {item['text_zh']}")
            entry.setData(Qt.ItemDataRole.UserRole, item["code"])
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Checked)
            self.items.addItem(entry)
        select_all = QPushButton(self.tr("全选"))
        select_all.clicked.connect(lambda: self._check_all(True))
        select_none = QPushButton(self.tr("全不选"))
        select_none.clicked.connect(lambda: self._check_all(False))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.start_button = buttons.addButton(self.tr("开始"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        picks = QHBoxLayout()
        picks.addWidget(QLabel(self.tr("本次检查的项目:")), 1)
        picks.addWidget(select_all)
        picks.addWidget(select_none)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("巡查类型")))
        layout.addWidget(self.kind)
        layout.addLayout(picks)
        layout.addWidget(self.items, 1)
        layout.addWidget(buttons)
        self.resize(720, 600)
        self._kind_changed()

    def _check_all(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        for row in range(self.items.count()):
            self.items.item(row).setCheckState(state)

    def _kind_changed(self) -> None:
        # A first full check covers every item; other visits may pick.
        full = self.kind.currentData() == VisitKind.FIRST.value
        if full:
            self._check_all(True)
        self.items.setEnabled(not full)

    def chosen_kind(self) -> VisitKind:
        return VisitKind(self.kind.currentData())

    def chosen_codes(self) -> list[str] | None:
        codes = [
            self.items.item(r).data(Qt.ItemDataRole.UserRole)
            for r in range(self.items.count())
            if self.items.item(r).checkState() == Qt.CheckState.Checked
        ]
        return None if len(codes) == self.items.count() else codes
