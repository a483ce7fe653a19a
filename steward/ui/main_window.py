"""The main window: a navigation bar over the screens, the profile's figures, the theme, resuming a visit."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from steward.domain import clock
from steward.domain.errors import StewardError
from steward.services import enterprises, findings, visits
from steward.storage import settings as settings_store
from steward.storage.profile import Profile
from steward.ui import theme
from steward.ui.background import Background
from steward.ui.screens.enterprise_detail import EnterpriseDetail
from steward.ui.screens.enterprises import EnterprisesScreen
from steward.ui.screens.findings import FindingsScreen
from steward.ui.screens.visit import VisitScreen
from steward.ui.widgets.finding_history import FindingHistoryDialog
from steward.ui.widgets.start_visit_dialog import StartVisitDialog

HIGH_CONTRAST_KEY = "ui_high_contrast"
AskResume = Callable[[str], bool]


class MainWindow(QMainWindow):
    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self.profile = profile
        self.background = Background(self)
        self.setWindowTitle(self.tr("环保管家 Steward — 档案:{name}").format(name=profile.name))
        self.resize(1340, 740)

        self.enterprises = EnterprisesScreen(profile)
        self.detail = EnterpriseDetail(profile)
        self.visit = VisitScreen(profile, self.background)
        self.findings = FindingsScreen(profile)
        self.stack = QStackedWidget()
        for screen in (self.enterprises, self.detail, self.visit, self.findings):
            self.stack.addWidget(screen)

        self.nav = QButtonGroup(self)
        self.nav_enterprises = QPushButton(self.tr("企业"), checkable=True)
        self.nav_findings = QPushButton(self.tr("问题清单"), checkable=True)
        self.nav_visit = QPushButton(self.tr("当前巡查"), checkable=True)
        nav_row = QHBoxLayout()
        for button, target in ((self.nav_enterprises, self.show_enterprises), (self.nav_findings, self.show_findings),
                               (self.nav_visit, lambda: self.stack.setCurrentWidget(self.visit))):  # fmt: skip
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

        view = self.menuBar().addMenu(self.tr("视图"))
        self.contrast_action = QAction(self.tr("高对比度(强光下使用)"), self, checkable=True)
        self.contrast_action.setChecked(bool(settings_store.get(profile.db, HIGH_CONTRAST_KEY, False)))
        self.contrast_action.toggled.connect(self.set_high_contrast)
        view.addAction(self.contrast_action)

        self.enterprises.open_enterprise.connect(self.show_enterprise)
        self.detail.back.connect(self.show_enterprises)
        self.detail.start_visit.connect(self.start_visit)
        self.detail.open_visit.connect(self.open_visit)
        self.detail.open_finding.connect(self.open_finding)
        self.findings.open_finding.connect(self.open_finding)
        self.visit.closed.connect(self._visit_closed)
        self.visit.visit_finished.connect(lambda _id: self.refresh_figures())

        self.show_enterprises()
        self.refresh_figures()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply(app, self.contrast_action.isChecked())

    # -- navigation -----------------------------------------------------------------------------------------------
    def show_enterprises(self) -> None:
        self.enterprises.reload()
        self.stack.setCurrentWidget(self.enterprises)
        self.nav_enterprises.setChecked(True)

    def show_findings(self) -> None:
        self.findings.reload()
        self.stack.setCurrentWidget(self.findings)
        self.nav_findings.setChecked(True)

    def show_enterprise(self, enterprise_id: str) -> None:
        self.detail.show_enterprise(enterprise_id)
        self.stack.setCurrentWidget(self.detail)
        self.nav_enterprises.setChecked(True)

    def start_visit(self, enterprise_id: str) -> None:
        enterprise = enterprises.get(self.profile, enterprise_id)
        dialog = StartVisitDialog(self.profile, enterprise, self.detail.is_first_visit(), self)
        if not dialog.exec():
            return
        try:
            visit = visits.start(self.profile, enterprise_id, dialog.chosen_kind(), item_codes=dialog.chosen_codes())
        except StewardError as exc:
            QMessageBox.warning(self, self.tr("无法开始巡查"), exc.zh)
            return
        self.open_visit(visit["id"])

    def open_visit(self, visit_id: str, position: str | None = None) -> None:
        self.visit.open_visit(visit_id, position)
        self.stack.setCurrentWidget(self.visit)
        self.nav_visit.show()
        self.nav_visit.setChecked(True)
        self.visit.setFocus()

    def open_finding(self, finding_id: str) -> None:
        dialog = FindingHistoryDialog(self.profile, self.background, finding_id, self)
        dialog.exec()
        if self.stack.currentWidget() is self.findings:
            self.findings.reload()

    def _visit_closed(self) -> None:
        self.nav_visit.hide()
        self.refresh_figures()
        self.show_enterprise(self.visit.visit["enterprise_id"])

    def refresh_figures(self) -> None:
        f = findings.figures_for(self.profile)
        self.figures.setText(
            self.tr("发现问题 {found} · 已整改 {rect} · 整改率 {rate} · 待整改 {open} · 逾期 {over}").format(
                found=f.found, rect=f.rectified, rate=f"{f.rectification_rate:.1%}", open=f.open, over=f.overdue
            )
        )

    # -- resuming and settings ------------------------------------------------------------------------------------
    def offer_resume(self, ask: AskResume | None = None) -> bool:
        """If a visit was left in progress (closed, crashed, battery), offer to continue exactly there."""
        point = visits.resume_point(self.profile)
        if point is None:
            return False
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

    def offer_resume_later(self) -> None:
        QTimer.singleShot(0, self.offer_resume)

    def set_high_contrast(self, on: bool) -> None:
        settings_store.put(self.profile.db, HIGH_CONTRAST_KEY, on)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply(app, on)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.stack.currentWidget() is self.visit:
            self.visit.item_panel.flush()
            self.visit._remember_position()
        super().closeEvent(event)
