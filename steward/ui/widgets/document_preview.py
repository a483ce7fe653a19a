"""Previewing a PDF made by Steward, printing it through the system's dialog (copies, duplex), saving it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from steward.domain.documents import RenderResult
from steward.domain.errors import StewardError
from steward.services import documents
from steward.ui import language
from steward.ui.slots import bound
from steward.ui.theme import wrapped_label


class DocumentPreview(QDialog):
    def __init__(
        self,
        title: str,
        result: RenderResult,
        suggested_name: str,
        parent: QWidget | None = None,
        other_version: tuple[str, Callable[[], None]] | None = None,
    ) -> None:
        """other_version: a button's label and what it opens (the visit report in English, say)."""
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.rendered = result  # not `result`: that is QDialog.result(), the code the dialog closed with
        self.suggested_name = suggested_name
        self._bytes = QByteArray(result.pdf)
        self._buffer = QBuffer(self._bytes)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView()
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.warnings = wrapped_label("overdue", "\n".join(result.warnings))
        self.warnings.setVisible(bool(result.warnings))
        self.status = QLabel(self.tr("共 {n} 页").format(n=self.document.pageCount()))
        print_button = QPushButton(self.tr("打印…"))
        print_button.clicked.connect(self.print_document)
        save_button = QPushButton(self.tr("另存为PDF…"))
        save_button.clicked.connect(bound(self.save_as))  # clicked's `checked` must not reach `path`
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        if other_version:
            label, open_it = other_version
            self.other_version_button = QPushButton(label)
            self.other_version_button.clicked.connect(bound(open_it))
            buttons.addWidget(self.other_version_button)
        for button in (print_button, save_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warnings)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.resize(900, 720)

    def save_as(self, path: str | None = None) -> Path | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("另存为PDF"), self.suggested_name, "PDF (*.pdf)")
            if not path:
                return None
        try:
            saved = documents.save_pdf(self.rendered, Path(path))
        except documents.FileInUse as exc:
            self.status.setText(exc.zh)
            if not self.offer_other_name(exc):
                return None
            return self.save_as(str(exc.other))
        except StewardError as exc:
            self.status.setText(language.said(exc))
            return None
        self.status.setText(self.tr("已保存:{path}").format(path=saved))
        return saved

    def offer_other_name(self, exc: documents.FileInUse) -> bool:
        """The old file is open in a PDF viewer: say so, and offer the next free name instead."""
        answer = QMessageBox.question(
            self,
            self.tr("文件正被其他程序打开"),
            self.tr("文件正被其他程序打开(例如 PDF 阅读器),无法覆盖:\n{path}\n\n另存为“{other}”吗?").format(
                path=exc.path, other=exc.other.name
            ),
        )
        return answer == QMessageBox.StandardButton.Yes

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Each page rendered at the printer's resolution; copies and duplex come from the printer settings."""
        painter = QPainter()
        if not painter.begin(printer):
            self.status.setText(self.tr("无法开始打印,请检查打印机。"))
            return 0
        pages = self.document.pageCount()
        first, last = printer.fromPage() or 1, printer.toPage() or pages
        printed = 0
        for index in range(first - 1, min(last, pages)):
            if printed:
                printer.newPage()
            target = painter.viewport()
            size = self.document.pagePointSize(index).toSize().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            image: QImage = self.document.render(index, QSize(size.width(), size.height()))
            painter.drawImage(0, 0, image)
            printed += 1
        painter.end()
        self.status.setText(self.tr("已发送 {n} 页到打印机。").format(n=printed))
        return printed
