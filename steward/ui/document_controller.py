"""The documents and exports the main window offers: a visit's report and notice, an enterprise's ledger, the period
summary (each previewed), the batch export of a period's visits and the Excel/CSV tables.

A document is gathered and drawn on the pool, through a read-only connection opened there: a year's summary reads
much, and the window must not freeze meanwhile (the window's own connection belongs to the GUI thread)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QProgressDialog

from steward.domain import clock
from steward.domain.documents import Ledger, Notice, PeriodSummary, RenderResult, VisitReport
from steward.domain.errors import StewardError
from steward.storage.profile import Profile
from steward.ui import language
from steward.ui.background import Background
from steward.ui.slots import bound

if TYPE_CHECKING:
    from steward.ui.widgets.document_preview import DocumentPreview
    from steward.ui.widgets.export_dialog import ExportDialog

Document = Notice | VisitReport | Ledger | PeriodSummary
# Gathers a document's data from the profile it is given: a read-only one opened on the pool thread.
Build = Callable[[Profile], Document]


class DocumentController(QObject):
    def __init__(self, window: QMainWindow, profile: Profile, background: Background) -> None:
        super().__init__(window)
        self.window, self.profile, self.background = window, profile, background
        self.preview: DocumentPreview | None = None
        self.export_dialog: ExportDialog | None = None

    def ledger(self, enterprise_id: str) -> None:
        from steward.services import documents

        self.show_document(self.tr("问题台账"), lambda p: documents.build_ledger(p, enterprise_id))

    def visit_document(self, kind: str, visit_id: str) -> None:
        from steward.services import documents

        if kind == "notice":
            try:
                # Numbering a notice is the one write: done here, so that gathering it on the pool only reads.
                documents.assign_notice_numbers(self.profile, [visit_id])
            except StewardError as exc:
                QMessageBox.information(self.window, self.tr("整改通知书"), language.said(exc))
                return
            self.show_document(self.tr("整改通知书"), lambda p: documents.build_notice(p, visit_id))
        else:
            self.show_document(
                self.tr("巡查报告"),
                lambda p: documents.build_visit_report(p, visit_id),
                english=lambda p: documents.build_visit_report(p, visit_id, "en"),
            )

    def show_document(self, title: str, build: Build, english: Build | None = None) -> None:
        """Gather the document's data and draw its PDF on the pool, then preview it. A document that cannot be made
        (a notice for a visit without findings) is said, as information. english: the same document in English (the
        visit report), offered from the preview."""
        from steward.services import documents

        profile = self.profile
        status = self.window.statusBar()
        status.showMessage(self.tr("正在生成 {title}…").format(title=title))

        def work(_progress: object) -> tuple[str, RenderResult] | StewardError:
            with profile.reader() as reader:  # its own connection, opened on this thread
                try:
                    document = build(reader)
                except StewardError as exc:
                    return exc  # the document cannot be made: not a failure of the app
            subject = (isinstance(document, Notice | VisitReport | Ledger) and document.enterprise.name) or (
                document.letterhead.title
            )
            return documents.default_name(title, subject), documents.render(document)

        def done(outcome: tuple[str, RenderResult] | StewardError) -> None:
            from steward.ui.widgets.document_preview import DocumentPreview

            status.clearMessage()
            if isinstance(outcome, StewardError):
                QMessageBox.information(self.window, title, language.said(outcome))
                return
            name, result = outcome
            other = (
                (self.tr("英文版 English"), bound(self.show_document, self.tr("巡查报告(英文)"), english))
                if english
                else None
            )
            self.preview = DocumentPreview(title, result, name, self.window, other)
            self.preview.show()

        def failed(error: StewardError) -> None:
            status.clearMessage()
            QMessageBox.warning(self.window, title, language.said(error))

        self.background.run(work, done, failed, owner=self)

    def period_summary(self) -> None:
        from steward.services import documents
        from steward.ui.widgets.period_dialog import PeriodDialog

        today = clock.today()
        dialog = PeriodDialog(self.tr("期间汇总"), today.replace(day=1), today, self.window)
        if dialog.exec():
            start, end = dialog.period()
            self.show_document(self.tr("期间汇总"), lambda p: documents.build_summary(p, start, end))

    def batch_export(self, folder: str | None = None, since: date | None = None) -> None:
        from steward.services import documents, visits
        from steward.ui.widgets.period_dialog import PeriodDialog

        if since is None:
            today = clock.today()
            dialog = PeriodDialog(self.tr("导出哪段时间的巡查"), today - timedelta(days=7), today, self.window)
            if not dialog.exec():
                return
            since, until = dialog.period()
        else:
            until = clock.today()
        folder = folder or QFileDialog.getExistingDirectory(self.window, self.tr("导出到文件夹"))
        if not folder:
            return
        chosen = [
            v["id"]
            for v in visits.listing(self.profile, status="finished")
            if since.isoformat() <= clock.local_day(v["started_at"]) <= until.isoformat()
        ]
        documents.assign_notice_numbers(self.profile, chosen)  # the one write, here; drawing then only reads
        progress = QProgressDialog(self.tr("正在导出…"), self.tr("取消"), 0, max(1, len(chosen)), self.window)
        progress.setWindowTitle(self.tr("批量导出"))
        progress.setMinimumDuration(0)
        profile = self.profile
        stop = threading.Event()
        progress.canceled.connect(stop.set)

        def work(report: Callable[..., None]) -> list[Path]:
            with profile.reader() as reader:  # drawing many documents must not hold the window's connection
                return documents.export_visit_reports(
                    reader,
                    chosen,
                    Path(folder),
                    progress=lambda n, total, name: report(n, total, name),
                    cancel=stop.is_set,
                )

        def done(written: list[Path]) -> None:
            progress.close()
            self.window.statusBar().showMessage(
                self.tr("已导出 {n} 个文件到 {folder}").format(n=len(written), folder=folder)
            )

        def failed(error: StewardError) -> None:
            progress.close()
            QMessageBox.warning(self.window, self.tr("批量导出"), language.said(error))

        self.background.run(work, done, failed, lambda n, total, _name: progress.setValue(n), owner=self)

    def export_tables(self) -> None:
        """文件 → 导出 Excel/CSV…: findings, enterprises, visits or ratings over a period, for the insurer's Excel."""
        from steward.ui.widgets.export_dialog import ExportDialog

        self.export_dialog = ExportDialog(self.profile, self.background, self.window)
        self.export_dialog.open()
