"""The main window: a navigation bar over the screens, the profile's figures, the theme, resuming a visit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from steward import app_logging
from steward.domain import clock
from steward.domain.errors import StewardError
from steward.domain.findings import Figures
from steward.services import backup as backups
from steward.services import enterprises
from steward.storage import records
from steward.storage import settings as settings_store
from steward.storage.backup import BackupInfo
from steward.storage.profile import Profile
from steward.ui import language, theme
from steward.ui.background import Background
from steward.ui.document_controller import DocumentController
from steward.ui.screen_fit import restore_geometry, save_geometry
from steward.ui.screens.enterprises import EnterprisesScreen
from steward.ui.theme import toggle_button

if TYPE_CHECKING:
    from steward.ui.screens.dashboard import DashboardScreen
    from steward.ui.screens.enterprise_detail import EnterpriseDetail
    from steward.ui.screens.findings import FindingsScreen
    from steward.ui.screens.sync import SyncScreen
    from steward.ui.screens.visit import VisitScreen

log = logging.getLogger(__name__)
HIGH_CONTRAST_KEY = "ui_high_contrast"
GEOMETRY_KEY = "main_window/geometry"
AskResume = Callable[[str], bool]
ChooseDraft = Callable[[list[str]], "int | None"]


class MainWindow(QMainWindow):
    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self.profile = profile
        self._closed = False
        self._backing_up = False
        self.background = Background.shared()
        self.background.unhandled.connect(self.show_failure)
        self.documents = DocumentController(self, profile, self.background)
        restore_geometry(self, GEOMETRY_KEY, 1340, 740)  # as last left, never beyond the available screen
        self._build()
        self.show_enterprises()
        self.refresh_figures()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply(app, self.contrast_action.isChecked())
            app.aboutToQuit.connect(self._app_quitting)
            app.commitDataRequest.connect(self._session_ending)

    def _build(self) -> None:
        """The screens, navigation and menus, in the interface's language (built again when it changes)."""
        self.setWindowTitle(self.tr("环保管家 Steward — 档案:{name}").format(name=self.profile.name))
        # Only the enterprise list is built now; the other screens (and their modules) on first use.
        self.enterprises = EnterprisesScreen(self.profile)
        self.enterprises.open_enterprise.connect(self.show_enterprise)
        self._detail: EnterpriseDetail | None = None
        self._visit: VisitScreen | None = None
        self._findings: FindingsScreen | None = None
        self._sync: SyncScreen | None = None
        self._dashboard: DashboardScreen | None = None
        self.stack = QStackedWidget()
        self.stack.addWidget(self.enterprises)

        self.nav = QButtonGroup(self)
        self.nav_enterprises = toggle_button(self.tr("企业"))
        self.nav_findings = toggle_button(self.tr("问题清单"))
        self.nav_visit = toggle_button(self.tr("当前巡查"))
        self.nav_sync = toggle_button(self.tr("同步"))
        self.nav_dashboard = toggle_button(self.tr("看板"))
        nav_row = QHBoxLayout()
        for button, target in (
            (self.nav_enterprises, self.show_enterprises),
            (self.nav_findings, self.show_findings),
            (self.nav_dashboard, self.show_dashboard),
            (self.nav_visit, self.show_current_visit),
            (self.nav_sync, self.show_sync),
        ):
            self.nav.addButton(button)
            button.clicked.connect(target)
            nav_row.addWidget(button)
        self.nav_visit.hide()
        nav_row.addStretch()
        self.figures = QLabel()
        nav_row.addWidget(self.figures)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(nav_row)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        file_menu = self.menuBar().addMenu(self.tr("文件"))
        file_menu.addAction(self.tr("备份到…"), lambda: self.back_up_to())  # not triggered's `checked` as a folder
        file_menu.addAction(self.tr("导出 Excel/CSV…"), self.documents.export_tables)
        view = self.menuBar().addMenu(self.tr("视图"))
        self.contrast_action = QAction(self.tr("高对比度(强光下使用)"), self, checkable=True)
        self.contrast_action.setChecked(bool(settings_store.get(self.profile.db, HIGH_CONTRAST_KEY, False)))
        self.contrast_action.toggled.connect(self.set_high_contrast)
        view.addAction(self.contrast_action)
        view.addAction(self.tr("设置…"), self.edit_settings)
        view.addAction(self.tr("基本信息设置(首次使用)…"), self.first_run)
        languages = view.addMenu(self.tr("语言 Language"))
        self.language_actions: dict[str, QAction] = {}
        for code, name in ((language.CHINESE, "中文"), (language.ENGLISH, "English")):
            action = languages.addAction(name)
            action.triggered.connect(self._language_chooser(code))
            action.setCheckable(True)
            action.setChecked(code == language.current())
            action.setObjectName("language")  # each language named in itself, whatever the interface speaks
            self.language_actions[code] = action
        visits_menu = self.menuBar().addMenu(self.tr("巡查"))
        visits_menu.addAction(self.tr("未完成的巡查…"), lambda: self.choose_draft())
        reports = self.menuBar().addMenu(self.tr("报告"))
        reports.addAction(self.tr("期间汇总(给保险公司)…"), self.documents.period_summary)
        reports.addAction(self.tr("批量导出巡查报告和整改通知书…"), self.documents.batch_export)
        help_menu = self.menuBar().addMenu(self.tr("帮助"))
        help_menu.addAction(self.tr("导出诊断信息…"), lambda: self.export_diagnostics())
        help_menu.addAction(self.tr("关于"), self.about)

    def _language_chooser(self, code: str) -> Callable[[], None]:
        """A slot taking no arguments: a lambda with a default would receive QAction.triggered's `checked`."""

        def choose() -> None:
            self.set_language(code)

        return choose

    def set_language(self, code: str) -> None:
        """Switch the interface's language without losing work: what is typed is saved, the screens are built again
        in the new language and the window returns to the same place (the same item of the same visit). A sync that
        is running is let finish first."""
        from steward.services import settings

        if self._sync is not None and self._sync.running:
            QMessageBox.information(self, self.tr("语言 Language"), self.tr("同步进行中,完成后再切换语言。"))
            self.language_actions[language.current()].setChecked(True)
            self.language_actions[code].setChecked(code == language.current())
            return
        settings.put(self.profile, settings.LANGUAGE, code)
        if code == language.current():
            return
        self.save_typing()
        place = self._place()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            language.apply(app, code)
        self.nav.deleteLater()
        self.menuBar().clear()
        self._build()  # the old screens go with the old central widget
        self._return_to(place)
        self.refresh_figures()

    def _place(self) -> tuple[str, str, str | None]:
        current = self.stack.currentWidget()
        if self._visit is not None and current is self._visit and self._visit.visit:
            return ("visit", self._visit.visit["id"], self._visit.position)
        if self._detail is not None and current is self._detail and self._detail.enterprise:
            return ("enterprise", self._detail.enterprise["id"], None)
        if self._findings is not None and current is self._findings:
            return ("findings", "", None)
        if self._sync is not None and current is self._sync:
            return ("sync", "", None)
        if self._dashboard is not None and current is self._dashboard:
            return ("dashboard", "", None)
        return ("enterprises", "", None)

    def _return_to(self, place: tuple[str, str, str | None]) -> None:
        where, key, position = place
        if where == "visit":
            self.open_visit(key, position)
        elif where == "enterprise":
            self.show_enterprise(key)
        elif where == "findings":
            self.show_findings()
        elif where == "sync":
            self.show_sync()
        elif where == "dashboard":
            self.show_dashboard()
        else:
            self.show_enterprises()

    # -- screens, made on first use ---------------------------------------------------------------------------------
    @property
    def detail(self) -> EnterpriseDetail:
        if self._detail is None:
            from steward.ui.screens.enterprise_detail import EnterpriseDetail

            self._detail = EnterpriseDetail(self.profile)
            self._detail.back.connect(self.show_enterprises)
            self._detail.start_visit.connect(self.start_visit)
            self._detail.open_visit.connect(self.open_visit)
            self._detail.open_finding.connect(self.open_finding)
            self._detail.ledger_requested.connect(self.documents.ledger)
            self.stack.addWidget(self._detail)
        return self._detail

    @property
    def visit(self) -> VisitScreen:
        if self._visit is None:
            from steward.ui.screens.visit import VisitScreen

            self._visit = VisitScreen(self.profile, self.background)
            self._visit.closed.connect(self._visit_closed)
            self._visit.visit_finished.connect(lambda _id: self.refresh_figures())
            self._visit.document_requested.connect(self.documents.visit_document)
            self.stack.addWidget(self._visit)
        return self._visit

    @property
    def findings(self) -> FindingsScreen:
        if self._findings is None:
            from steward.ui.screens.findings import FindingsScreen

            self._findings = FindingsScreen(self.profile)
            self._findings.open_finding.connect(self.open_finding)
            self.stack.addWidget(self._findings)
        return self._findings

    @property
    def sync_screen(self) -> SyncScreen:
        if self._sync is None:
            from steward.ui.screens.sync import SyncScreen

            self._sync = SyncScreen(self.profile, self.background)
            self._sync.synced.connect(self.refresh_figures)
            self.stack.addWidget(self._sync)
        return self._sync

    @property
    def dashboard(self) -> DashboardScreen:
        if self._dashboard is None:
            from steward.ui.screens.dashboard import DashboardScreen

            self._dashboard = DashboardScreen(self.profile, self.background)
            self._dashboard.open_finding.connect(self.open_finding)
            self.stack.addWidget(self._dashboard)
        return self._dashboard

    def show_dashboard(self) -> None:
        self.dashboard.refresh()
        self.stack.setCurrentWidget(self.dashboard)
        self.nav_dashboard.setChecked(True)

    def show_sync(self) -> None:
        self.sync_screen.refresh()
        self.stack.setCurrentWidget(self.sync_screen)
        self.nav_sync.setChecked(True)

    # -- navigation -----------------------------------------------------------------------------------------------
    def show_enterprises(self) -> None:
        self.enterprises.reload()
        self.stack.setCurrentWidget(self.enterprises)
        self.nav_enterprises.setChecked(True)

    def show_findings(self) -> None:
        if self.findings.loaded:
            self.findings.reload()
        else:
            self.findings.ensure_loaded()
        self.stack.setCurrentWidget(self.findings)
        self.nav_findings.setChecked(True)

    def show_enterprise(self, enterprise_id: str) -> None:
        self.detail.show_enterprise(enterprise_id)
        self.stack.setCurrentWidget(self.detail)
        self.nav_enterprises.setChecked(True)

    def start_visit(self, enterprise_id: str) -> None:
        from steward.services import visits
        from steward.ui.widgets.start_visit_dialog import StartVisitDialog

        enterprise = enterprises.get(self.profile, enterprise_id)
        try:
            visits.require_no_draft(self.profile, enterprise_id)  # asked before the checklist is chosen
            dialog = StartVisitDialog(self.profile, enterprise, self.detail.is_first_visit(), self)
            if not dialog.exec():
                return
            visit = visits.start(self.profile, enterprise_id, dialog.chosen_kind(), item_codes=dialog.chosen_codes())
        except visits.DraftExists as exc:  # one draft per enterprise: continue it rather than start a second one
            self.offer_draft(exc)
            return
        except StewardError as exc:
            QMessageBox.warning(self, self.tr("无法开始巡查"), language.said(exc))
            return
        self.open_visit(visit["id"])

    def offer_draft(self, exc: StewardError) -> None:
        draft = getattr(exc, "draft", None)
        answer = QMessageBox.question(
            self, self.tr("已有未完成的巡查"), language.said(exc) + "\n\n" + self.tr("继续这次巡查吗?")
        )
        if draft is not None and answer == QMessageBox.StandardButton.Yes:
            self.open_visit(draft["id"])

    def open_visit(self, visit_id: str, position: str | None = None) -> None:
        self.visit.open_visit(visit_id, position)
        self.stack.setCurrentWidget(self.visit)
        # 当前巡查 is the visit in progress; a finished one viewed from history is not "current".
        in_progress = self.visit.shown["status"] == "in_progress"
        self.nav_visit.setVisible(in_progress)
        (self.nav_visit if in_progress else self.nav_enterprises).setChecked(True)
        self.visit.setFocus()

    def show_current_visit(self) -> None:
        """The visit in progress on screen, else the draft last worked on; never a finished visit."""
        from steward.services import visits

        shown = self._visit.visit if self._visit is not None else None
        if self._visit is not None and shown is not None and shown["status"] == "in_progress":
            self.stack.setCurrentWidget(self._visit)
            self.nav_visit.setChecked(True)
            return
        point = visits.resume_point(self.profile)
        if point is None:
            self.nav_visit.hide()
            self.show_enterprises()
            return
        self.open_visit(point[0]["id"], point[1])

    def open_finding(self, finding_id: str) -> None:
        from steward.ui.widgets.finding_history import FindingHistoryDialog

        dialog = FindingHistoryDialog(self.profile, self.background, finding_id, self)
        dialog.exec()
        if self._findings is not None and self.stack.currentWidget() is self._findings:
            self._findings.reload()

    def _visit_closed(self) -> None:
        from steward.services import visits

        self.nav_visit.setVisible(bool(visits.in_progress(self.profile)))
        self.refresh_figures()
        self.show_enterprise(self.visit.shown["enterprise_id"])

    def refresh_figures(self) -> None:
        """Figures are counted on the pool (a quarter of a second's work on a big profile never blocks the list)."""
        if self._closed:
            return
        from steward.services import findings

        profile = self.profile

        def count(_progress: object) -> Figures:
            with profile.reader() as reader:  # its own connection: the window's may close meanwhile
                return findings.figures_for(reader)

        self.background.run(count, on_done=self._show_figures, owner=self)

    def _show_figures(self, f: Figures) -> None:
        if self._closed:
            return
        self.figures.setText(
            self.tr("发现问题 {found} · 已整改 {rect} · 整改率 {rate} · 待整改 {open} · 逾期 {over}").format(
                found=f.found, rect=f.rectified, rate=f.rate_text, open=f.open, over=f.overdue
            )
        )

    def show_failure(self, error: StewardError) -> None:
        """A failure of work nobody was waiting for (archiving a PDF, counting figures): said in words, not lost."""
        if self._closed:
            return
        self.statusBar().showMessage(language.said(error))
        box = QMessageBox(
            QMessageBox.Icon.Warning, self.tr("出错了"), language.said(error), QMessageBox.StandardButton.Ok, self
        )
        box.setModal(False)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()
        self.failure_box = box

    # -- resuming and settings ------------------------------------------------------------------------------------
    def offer_resume(self, ask: AskResume | None = None, choose: ChooseDraft | None = None) -> bool:
        """If a visit was left in progress (closed, crashed, battery), offer to continue exactly there; with several,
        list every one to choose from."""
        from steward.services import visits

        point = visits.resume_point(self.profile)
        if point is None:
            return False
        drafts = visits.in_progress(self.profile)
        if len(drafts) > 1:
            return self.choose_draft(choose)
        visit, position = point
        started = clock.from_text(visit["started_at"]).astimezone().strftime("%Y-%m-%d %H:%M")
        question = self.tr("{name} 的巡查({started} 开始)尚未完成。是否继续?").format(
            name=visit["enterprise_name"], started=started
        )
        if ask is None:

            def ask(text: str) -> bool:
                answer = QMessageBox.question(self, self.tr("继续巡查"), text)
                return answer == QMessageBox.StandardButton.Yes

        if not ask(question):
            return False
        self.open_visit(visit["id"], position)
        return True

    def draft_caption(self, visit: records.VisitListed) -> str:
        started = clock.from_text(visit["started_at"]).astimezone().strftime("%Y-%m-%d %H:%M")
        return self.tr("{name} · {started} 开始 · 已检查 {n}/{total} 项").format(
            name=visit["enterprise_name"], started=started, n=visit["answered"], total=visit["item_count"]
        )

    def choose_draft(self, choose: ChooseDraft | None = None) -> bool:
        """Every unfinished visit, to pick one and continue it (menu 巡查 → 未完成的巡查…, and at start)."""
        from steward.services import visits

        drafts = visits.in_progress(self.profile)
        if not drafts:
            QMessageBox.information(self, self.tr("未完成的巡查"), self.tr("没有未完成的巡查。"))
            return False
        captions = [self.draft_caption(v) for v in drafts]
        if choose is None:

            def choose(options: list[str]) -> int | None:
                text, ok = QInputDialog.getItem(
                    self, self.tr("未完成的巡查"), self.tr("以下巡查尚未完成,选择一个继续:"), options, 0, False
                )
                return options.index(text) if ok else None

        index = choose(captions)
        if index is None:
            return False
        saved = visits.resume_point(self.profile)
        position = saved[1] if saved and saved[0]["id"] == drafts[index]["id"] else None
        self.open_visit(drafts[index]["id"], position)
        return True

    def offer_resume_later(self) -> None:
        QTimer.singleShot(0, self.offer_resume)

    def edit_settings(self) -> None:
        from steward.ui.widgets.settings_dialog import SettingsDialog

        SettingsDialog(self.profile, self).exec()

    def first_run(self) -> bool:
        from steward.ui.widgets.first_run_dialog import FirstRunDialog

        return bool(FirstRunDialog(self.profile, self.background, self).exec())

    # -- backups, diagnostics, about ---------------------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return backups.data_dir_of(self.profile.folder)

    @property
    def log_dir(self) -> Path:
        current = app_logging.current_log()
        return current.parent if current is not None else app_logging.log_path(self.data_dir).parent

    def _run_backup(self, title: str, text: str, destination: Path | None, reason: str) -> BackupInfo | StewardError:
        """One backup on the pool, a progress dialog meanwhile; waits (the window stays drawn) until it is done."""
        progress = QProgressDialog(text, "", 0, 0, self)
        progress.setCancelButton(None)  # a backup half made is thrown away anyway; stopping it gains nothing
        progress.setWindowTitle(title)
        progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.show()
        outcome: list[BackupInfo | StewardError] = []
        loop = QEventLoop()
        profile = self.profile

        def work(report: Callable[..., None]) -> BackupInfo:
            try:
                return backups.back_up(profile, destination, reason, lambda done, total: report(done, total))
            except OSError as exc:
                raise StewardError(
                    f"备份未完成:{exc.strerror or exc}({exc.filename or ''})。档案本身没有任何改动。",
                    f"The backup was not made: {exc}. The profile itself is untouched.",
                ) from exc

        def finished(result: BackupInfo | StewardError) -> None:
            outcome.append(result)
            loop.quit()

        def advance(done: int, total: int, _detail: object) -> None:
            progress.setMaximum(total)
            progress.setValue(done)

        self.background.run(work, finished, finished, advance)
        if not outcome:  # the result arrives as a queued signal: only once this loop runs
            loop.exec()
        progress.close()
        progress.deleteLater()
        return outcome[0]

    def back_up_to(self, folder: str | None = None) -> BackupInfo | None:
        """文件 → 备份到…: a whole backup into a folder the steward chooses (a USB stick); kept there as made."""
        folder = folder or QFileDialog.getExistingDirectory(self, self.tr("选择备份位置(例如U盘)"))
        if not folder:
            return None
        self.save_typing()
        result = self._run_backup(
            self.tr("备份"), self.tr("正在备份档案“{name}”…").format(name=self.profile.name), Path(folder), "manual"
        )
        if isinstance(result, StewardError):
            QMessageBox.warning(self, self.tr("备份失败"), result.zh)
            return None
        self.statusBar().showMessage(self.tr("已备份到 {path}").format(path=result.path))
        QMessageBox.information(
            self,
            self.tr("备份完成"),
            self.tr("档案已备份到:\n{path}\n\n照片 {n} 个,共 {mb:.1f} MB。恢复时使用命令 steward restore。").format(
                path=result.path, n=result.files, mb=result.bytes / 1e6
            ),
        )
        return result

    def daily_backup(self) -> BackupInfo | None:
        """The first close of a day backs the profile up into DATA/backups (the newest few kept): a lost or broken
        laptop then costs at most a day's work."""
        try:
            if not backups.daily_backup_due(self.profile):
                return None
        except OSError:
            log.exception("cannot tell whether a daily backup is due")
            return None
        result = self._run_backup(self.tr("每日备份"), self.tr("正在进行每日自动备份,请稍候…"), None, "daily")
        if isinstance(result, StewardError):
            log.warning("daily backup failed: %s", result.en)
            QMessageBox.warning(self, self.tr("每日备份失败"), result.zh)
            return None
        log.info("daily backup made: %s", result.path)
        return result

    def export_diagnostics(self, path: str | None = None) -> Path | None:
        from steward.services import diagnostics

        if path is None:
            suggested = str(Path.home() / f"steward-诊断-{date.today().isoformat()}.zip")
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("导出诊断信息"), suggested, self.tr("压缩包") + " (*.zip)"
            )
            if not path:
                return None
        try:
            written = diagnostics.write_zip(self.profile, self.log_dir, Path(path))
        except (OSError, StewardError) as exc:
            log.exception("diagnostics export failed")
            reason = exc.zh if isinstance(exc, StewardError) else str(exc)
            QMessageBox.warning(self, self.tr("导出诊断信息"), self.tr("导出失败:{reason}").format(reason=reason))
            return None
        self.statusBar().showMessage(self.tr("诊断信息已保存:{path}").format(path=written))
        QMessageBox.information(
            self,
            self.tr("导出诊断信息"),
            self.tr("诊断信息已保存到:\n{path}\n\n其中有日志和检查结果,不含照片、签名和同步令牌。").format(
                path=written
            ),
        )
        return written

    def about(self) -> None:
        from steward.ui.widgets.about_dialog import AboutDialog

        AboutDialog(self.data_dir, self.log_dir, self).exec()

    def set_high_contrast(self, on: bool) -> None:
        settings_store.put(self.profile.db, HIGH_CONTRAST_KEY, on)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply(app, on)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._backing_up:  # a second close while the daily backup runs: the first one is finishing it
            event.ignore()
            return
        self._closed = True
        if self._sync is not None:
            self._sync.cancel()  # a sync stops after its current chunk and resumes next time
        self.save_typing()
        save_geometry(self, GEOMETRY_KEY)
        # Work still running on the pool (a photo import writing its rows) ends before the profile may close.
        self.background.pool.waitForDone()
        self._backing_up = True
        try:
            self.daily_backup()
        finally:
            self._backing_up = False
        super().closeEvent(event)

    def save_typing(self) -> None:
        """Whatever is being typed in a visit is saved now (window closing, app quitting, session ending)."""
        if self._visit is not None and self._visit.visit:
            self._visit.save_typing()
            self._visit.save_position()

    def _session_ending(self, _manager: object) -> None:
        self._app_quitting()  # the desktop session is logging out or shutting down

    def _app_quitting(self) -> None:
        if not self._closed:  # a closed window saved everything already (and its profile may be closed since)
            self.save_typing()
