"""First-run set-up: who issues the documents (steward, firm, insurer and policy), the letterhead, the notice numbers
and, if the firm runs one, the hub — tested on the spot. Shown at start until the steward's name, the firm and the
insurer are set; reachable later from 视图 → 基本信息设置. Skipping it is allowed: documents then keep refusing to
print with their own clear message."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from steward.domain.errors import StewardError
from steward.services import documents, settings
from steward.storage.profile import Profile
from steward.ui.background import Background
from steward.ui.theme import wrapped_label

if TYPE_CHECKING:  # the sync client (httpx) is imported only when a connection is tested
    from steward.sync.client import Hello

FIELDS = (
    settings.STEWARD_NAME,
    settings.FIRM_NAME,
    settings.INSURER_NAME,
    settings.POLICY_NUMBER,
    settings.LOGO_PATH,
    settings.NOTICE_PREFIX,
    settings.HUB_URL,
    settings.HUB_TOKEN,
)


def needs_first_run(profile: Profile) -> bool:
    """The documents' own rule: a profile that cannot yet print a document still needs setting up."""
    return bool(documents.missing_settings(profile))


class FirstRunDialog(QDialog):
    def __init__(self, profile: Profile, background: Background, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile, self.background = profile, background
        self.setWindowTitle(self.tr("基本信息设置"))
        intro = QLabel(
            self.tr(
                "打印巡查报告和整改通知书之前,请填写检查人员、服务机构和保险公司。"
                "同步服务器可以以后再填。也可以先跳过,以后在“视图 → 基本信息设置…”中填写。"
            ),
            wordWrap=True,
        )
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for setting in FIELDS:
            # A never-set name shows empty, not the default a document would refuse ("环保管家").
            value = settings.get(profile, setting)
            if setting in documents.REQUIRED_SETTINGS and setting in documents.missing_settings(profile):
                value = ""
            field = QLineEdit(str(value))
            if setting in settings.SECRET:
                field.setEchoMode(QLineEdit.EchoMode.Password)
            self.fields[setting.key] = field
            # The settings' names are translated once, with the settings dialog (installer/translations.py).
            name = QCoreApplication.translate("SettingsDialog", setting.label_zh)
            label = name + (" *" if setting in documents.REQUIRED_SETTINGS else "")
            if setting is settings.LOGO_PATH:
                choose = QPushButton(self.tr("选择…"))
                choose.clicked.connect(self._choose_logo)
                row = QHBoxLayout()
                row.addWidget(field, 1)
                row.addWidget(choose)
                form.addRow(label, row)
            elif setting is settings.HUB_TOKEN:
                self.test_button = QPushButton(self.tr("测试连接"))
                self.test_button.clicked.connect(self.test_connection)
                row = QHBoxLayout()
                row.addWidget(field, 1)
                row.addWidget(self.test_button)
                form.addRow(label, row)
            else:
                form.addRow(label, field)
        self.connection = QLabel(wordWrap=True)
        self.error = wrapped_label("overdue")
        skip = QPushButton(self.tr("以后再说"))
        skip.clicked.connect(self.reject)
        save = QPushButton(self.tr("保存"))
        save.setDefault(True)
        save.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(skip)
        buttons.addWidget(save)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.connection)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(620, 0)

    def _choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择标志图片"), "", self.tr("图片") + " (*.png *.jpg)")
        if path:
            self.fields[settings.LOGO_PATH.key].setText(path)

    def test_connection(self) -> None:
        """GET /v1/hello with what is typed (nothing is saved by testing), on the pool: a slow network never
        freezes the window."""
        from steward.sync import engine
        from steward.sync.client import HubClient

        url = self.fields[settings.HUB_URL.key].text().strip()
        token = self.fields[settings.HUB_TOKEN.key].text().strip()
        if not url:
            self.connection.setText(self.tr("请先填写同步服务器地址。"))
            return
        try:
            ca_bundle = settings.get(self.profile, settings.HUB_CA_BUNDLE) or None
            client = HubClient(url, token, engine.profile_id(self.profile), timeout=15, ca_bundle=ca_bundle)
        except StewardError as exc:
            self.connection.setText(exc.zh)
            return
        self.test_button.setEnabled(False)
        self.connection.setText(self.tr("正在连接 {url}…").format(url=url))

        def hello(_progress: Any) -> Hello:
            with client:
                return client.hello()

        self.background.run(hello, self._connected, self._not_connected, owner=self)

    def _connected(self, answer: Hello) -> None:
        self.test_button.setEnabled(True)
        self.connection.setText(self.tr("连接成功:同步服务器认出您是“{name}”。").format(name=answer.get("steward", "")))

    def _not_connected(self, error: StewardError) -> None:
        self.test_button.setEnabled(True)
        self.connection.setText(self.tr("连接失败:{reason}").format(reason=error.zh))

    def save(self) -> None:
        try:
            values = [(s, settings.parse(s, self.fields[s.key].text())) for s in FIELDS]
        except StewardError as exc:
            self.error.setText(exc.zh)
            return
        for setting, value in values:
            # An empty required name is left unset, so that documents keep saying what is missing.
            if setting in documents.REQUIRED_SETTINGS and not value:
                continue
            settings.put(self.profile, setting, value)
        self.accept()
