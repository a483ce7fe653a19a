"""The profile's settings, each declared once in steward.services.settings, edited in one form."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from steward.domain.errors import StewardError
from steward.services import settings
from steward.storage.profile import Profile
from steward.ui import language
from steward.ui.theme import wrapped_label


class SettingsDialog(QDialog):
    def __init__(self, profile: Profile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.setWindowTitle(self.tr("设置"))
        self.fields: dict[str, QLineEdit] = {}
        # The form scrolls: at 1280x720 with large high-contrast fonts every setting still fits, buttons in view.
        # The language has its own menu (视图 → 语言), which switches the screens at once.
        self.shown = [s for s in settings.ALL if s is not settings.LANGUAGE]
        inner = QWidget()
        form = QFormLayout(inner)
        for setting in self.shown:
            field = QLineEdit(str(settings.get(profile, setting)))
            if setting in settings.SECRET:
                field.setEchoMode(QLineEdit.EchoMode.Password)
            self.fields[setting.key] = field
            if setting is settings.LOGO_PATH:
                choose = QPushButton(self.tr("选择…"))
                choose.clicked.connect(self._choose_logo)
                row = QHBoxLayout()
                row.addWidget(field, 1)
                row.addWidget(choose)
                form.addRow(self.tr(setting.label_zh), row)
            else:
                form.addRow(self.tr(setting.label_zh), field)
        self.error = wrapped_label("overdue")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(inner)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        screen = self.screen().availableGeometry().height() if self.screen() else 720
        height = min(inner.sizeHint().height() + buttons.sizeHint().height() + 60, screen - 80)
        self.resize(max(600, inner.sizeHint().width() + 40), height)

    def _choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择标志图片"), "", self.tr("图片") + " (*.png *.jpg)")
        if path:
            self.fields[settings.LOGO_PATH.key].setText(path)

    def save(self) -> None:
        try:
            values = [(s, settings.parse(s, self.fields[s.key].text())) for s in self.shown]
        except StewardError as exc:
            self.error.setText(language.said(exc))
            return
        for setting, value in values:
            settings.put(self.profile, setting, value)
        self.accept()
