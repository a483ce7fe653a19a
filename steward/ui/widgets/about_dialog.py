"""帮助 → 关于: the version, where the data and the logs are, and the licenses of what Steward ships with."""

from __future__ import annotations

from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from steward import __version__
from steward.ui import language

# What Steward ships inside it, with the license each is used under (the font files carry their license texts), in
# Chinese and in English.
COMPONENTS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "文泉驿微米黑 WenQuanYi Micro Hei",
        "WenQuanYi Micro Hei",
        "",
        "Apache License 2.0(PDF 正文字体;resources/fonts/LICENSE-Apache-2.0.txt)",
        "Apache License 2.0 (the PDFs' text font; resources/fonts/LICENSE-Apache-2.0.txt)",
    ),
    (
        "花园明朝 Hanazono Mincho",
        "Hanazono Mincho",
        "",
        "SIL Open Font License 1.1 或 Hanazono Font License(生僻字;LICENSE-Hanazono.txt)",
        "SIL Open Font License 1.1 or Hanazono Font License (rare characters; LICENSE-Hanazono.txt)",
    ),
    (
        "Qt / PySide6",
        "Qt / PySide6",
        "PySide6-Essentials",
        "GNU LGPL 3.0(动态链接,可替换)",
        "GNU LGPL 3.0 (linked dynamically, replaceable)",
    ),
    ("reportlab", "reportlab", "reportlab", "BSD 许可证", "BSD License"),
    ("Pillow", "Pillow", "pillow", "HPND(MIT-CMU)许可证", "HPND (MIT-CMU) License"),
    (
        "pillow-heif / libheif",
        "pillow-heif / libheif",
        "pillow-heif",
        "BSD 许可证(libheif:LGPL 3.0)",
        "BSD License (libheif: LGPL 3.0)",
    ),
    ("sqlite-utils", "sqlite-utils", "sqlite-utils", "Apache License 2.0", "Apache License 2.0"),
    ("SQLite", "SQLite", "", "公有领域", "Public Domain"),
    ("httpx", "httpx", "httpx", "BSD 许可证", "BSD License"),
    ("keyring", "keyring", "keyring", "MIT 许可证", "MIT License"),
    ("PyYAML", "PyYAML", "PyYAML", "MIT 许可证", "MIT License"),
    ("openpyxl", "openpyxl", "openpyxl", "MIT 许可证", "MIT License"),
    ("pypinyin", "pypinyin", "pypinyin", "MIT 许可证", "MIT License"),
    ("Python", "Python", "", "Python Software Foundation License", "Python Software Foundation License"),
)
_HEADINGS = {False: ("组件", "版本", "许可证"), True: ("Component", "Version", "License")}


def _version_of(package: str) -> str:
    if not package:
        return ""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def licenses_html(english: bool = False) -> str:
    rows = "".join(
        f"<tr><td>{name_en if english else name_zh}</td><td>{_version_of(package)}</td>"
        f"<td>{license_en if english else license_zh}</td></tr>"
        for name_zh, name_en, package, license_zh, license_en in COMPONENTS
    )
    head = "".join(f"<th align='left'>{word}</th>" for word in _HEADINGS[english])
    return f"<table cellpadding='3'><tr>{head}</tr>{rows}</table>"


class AboutDialog(QDialog):
    def __init__(self, data_dir: Path, log_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("关于 环保管家 Steward"))
        self.data_dir, self.log_dir = data_dir, log_dir
        title = QLabel(self.tr("<h2>环保管家 Steward</h2>"))
        self.version = QLabel(self.tr("版本 {version}").format(version=__version__))
        form = QFormLayout()
        for label, folder in ((self.tr("数据文件夹"), data_dir), (self.tr("日志文件夹"), log_dir)):
            shown = QLabel(str(folder), wordWrap=True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            open_button = QPushButton(self.tr("打开"))
            open_button.clicked.connect(self._opener(folder))
            row = QHBoxLayout()
            row.addWidget(shown, 1)
            row.addWidget(open_button)
            form.addRow(label, row)
        self.licenses = QTextBrowser()
        self.licenses.setHtml(licenses_html(language.current() == language.ENGLISH))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.version)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("随软件附带的组件及其许可证:")))
        layout.addWidget(self.licenses, 1)
        layout.addWidget(buttons)
        self.resize(760, 560)

    def _opener(self, folder: Path) -> Callable[[], None]:
        return lambda: self.open_folder(folder)

    def open_folder(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
