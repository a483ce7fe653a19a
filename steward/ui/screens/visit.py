"""The visit walk-through: categories with progress on the left, one item (or the re-checks) in the centre.

Keys: 1 合格 · 2 不合格 · 3 不适用 · PageDown/→ next · PageUp/← previous. 合格 and 不适用 move on by themselves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from steward.domain.errors import StewardError
from steward.domain.labels import AnswerResult, Severity, VisitKind, VisitStatus
from steward.services import enterprises, photos, templates, visits
from steward.services.photos import ImportReport, LinkTarget, Outcome
from steward.storage import records
from steward.storage import templates as template_store
from steward.storage.profile import Profile
from steward.ui import language
from steward.ui.background import Background
from steward.ui.labels import label
from steward.ui.theme import wrapped_label
from steward.ui.widgets.finish_dialog import FinishDialog
from steward.ui.widgets.item_panel import ItemPanel
from steward.ui.widgets.recheck_panel import RecheckPanel

_KEY = Qt.ItemDataRole.UserRole
_MARKS = {None: "○", "compliant": "✓", "not_compliant": "✗", "not_applicable": "–"}


class UnassignedPanel(QWidget):
    """Photos from a camera folder waiting to be given to items."""

    assigned = Signal()
    failed = Signal(object)

    def __init__(self, profile: Profile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.visit_id = ""
        self.list = QListWidget()
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(QSize(160, 160))
        self.list.setGridSize(QSize(180, 200))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.items = QComboBox()
        assign = QPushButton(self.tr("分配到所选检查项"))
        assign.clicked.connect(self.assign)
        row = QHBoxLayout()
        row.addWidget(self.items, 1)
        row.addWidget(assign)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("从相机导入、尚未分配的照片:选中照片,再选择检查项。")))
        layout.addWidget(self.list, 1)
        layout.addLayout(row)

    def show_visit(self, visit_id: str, items: list[records.VisitItem]) -> None:
        from PySide6.QtGui import QIcon, QPixmap

        self.visit_id = visit_id
        self.items.clear()
        for item in items:
            self.items.addItem(f"{item['code']} {item['text_zh'][:30]}", item["id"])
        self.list.clear()
        for row in photos.unassigned(self.profile, visit_id):
            entry = QListWidgetItem(row["original_name"])
            entry.setData(_KEY, row["id"])
            thumb = self.profile.photos.thumb_path(row["sha256"])
            if thumb.exists():
                entry.setIcon(QIcon(QPixmap(str(thumb))))
            self.list.addItem(entry)

    def assign(self) -> None:
        item_id = self.items.currentData()
        try:
            for entry in self.list.selectedItems():
                photos.assign_to_item(self.profile, entry.data(_KEY), self.visit_id, item_id)
        except StewardError as exc:
            self.failed.emit(exc)
        self.assigned.emit()


class VisitScreen(QWidget):
    closed = Signal()
    visit_finished = Signal(str)
    document_requested = Signal(str, str)  # "notice" or "visit", visit id

    def __init__(self, profile: Profile, background: Background, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile, self.background = profile, background
        self.visit: records.VisitOfEnterprise | None = None  # None until open_visit
        self.items: list[records.VisitItem] = []
        self.index_of: dict[str, int] = {}
        self.position = ""
        self.reason: str | None = None
        self.deadline_days: dict[Severity, int] = {}
        self.last_import_summary = ""
        self._position_timer = QTimer(self, singleShot=True, interval=300)
        self._position_timer.timeout.connect(self._remember_position)

        self.title = QLabel()
        self.title.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.camera_button = QPushButton(self.tr("导入相机文件夹…"))
        self.camera_button.clicked.connect(self.import_camera_folder)
        self.finish_button = QPushButton(self.tr("完成巡查…"))
        self.finish_button.clicked.connect(self.finish)
        self.amend_button = QPushButton(self.tr("修订…"))
        self.amend_button.clicked.connect(lambda: self.start_amendment())  # not clicked(bool) into `reason`
        self.notice_button = QPushButton(self.tr("整改通知书"))
        self.notice_button.clicked.connect(lambda: self._request("notice"))
        self.report_button = QPushButton(self.tr("巡查报告"))
        self.report_button.clicked.connect(lambda: self._request("visit"))
        back = QPushButton(self.tr("返回"))
        back.clicked.connect(self.leave)
        self.import_progress = QProgressBar()
        self.import_progress.hide()
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.import_progress)
        for button in (
            self.camera_button,
            self.notice_button,
            self.report_button,
            self.amend_button,
            self.finish_button,
            back,
        ):
            header.addWidget(button)

        self.outline = QTreeWidget()
        self.outline.setHeaderHidden(True)
        self.outline.setObjectName("outline")
        self.outline.setMinimumWidth(260)
        self.outline.currentItemChanged.connect(self._outline_selected)
        # Jump within the checklist: an item code (B7) or words of its text; Enter goes to the first match.
        self.jump = QLineEdit(placeholderText=self.tr("跳转:输入编号或关键词,回车"))
        self.jump.returnPressed.connect(lambda: self.jump_to(self.jump.text()))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.jump)
        left_layout.addWidget(self.outline, 1)

        self.item_panel = ItemPanel(profile, background)
        self.item_panel.answered.connect(self._answered)
        self.item_panel.saved.connect(self._item_saved)
        self.recheck_panel = RecheckPanel(profile, background)
        self.recheck_panel.changed.connect(self._refresh_outline)
        self.unassigned_panel = UnassignedPanel(profile)
        self.unassigned_panel.assigned.connect(self._after_assign)
        self.centre = QStackedWidget()
        for panel in (self.item_panel, self.recheck_panel, self.unassigned_panel):
            self.centre.addWidget(panel)
            panel.failed.connect(self.show_error)

        self.prev_button = QPushButton(self.tr("◀ 上一项"))
        self.prev_button.clicked.connect(self.previous)
        self.next_button = QPushButton(self.tr("下一项 ▶"))
        self.next_button.clicked.connect(self.next)
        self.progress = QLabel()
        self.rest_button = QPushButton(self.tr("其余全部合格…"))
        self.rest_button.clicked.connect(lambda: self.answer_rest_compliant())
        self.error = wrapped_label("overdue")
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.progress, 1, Qt.AlignmentFlag.AlignCenter)
        nav.addWidget(self.rest_button)
        nav.addWidget(self.next_button)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.centre, 1)
        right_layout.addWidget(self.error)
        right_layout.addLayout(nav)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 1000])
        self.locked_banner = wrapped_label("lockedBanner")
        self.locked_banner.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.locked_banner)
        layout.addWidget(splitter, 1)

        # The screen itself takes focus, so that 1/2/3 and paging work as soon as a visit opens.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for key, result in (
            ("1", AnswerResult.COMPLIANT),
            ("2", AnswerResult.NOT_COMPLIANT),
            ("3", AnswerResult.NOT_APPLICABLE),
        ):
            QShortcut(QKeySequence(key), self, lambda r=result: self.answer(r), context=context)
        for key in ("PgDown", "Right"):
            QShortcut(QKeySequence(key), self, self.next, context=context)
        for key in ("PgUp", "Left"):
            QShortcut(QKeySequence(key), self, self.previous, context=context)
        # Esc leaves whatever field has focus (saving it) and gives the keys back to the checklist.
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.back_to_checklist, context=context)

    # -- opening --------------------------------------------------------------------------------------------------
    @property
    def shown(self) -> records.VisitOfEnterprise:
        """The visit on screen: the screen is shown only through open_visit, which sets it first."""
        if self.visit is None:
            raise RuntimeError("no visit is open on the visit screen")
        return self.visit

    @property
    def editable(self) -> bool:
        in_progress = self.visit is not None and self.visit["status"] == VisitStatus.IN_PROGRESS
        return in_progress or self.reason is not None

    def open_visit(self, visit_id: str, position: str | None = None) -> None:
        self.reason = None
        self.visit = visits.get(self.profile, visit_id)
        template = template_store.get(self.profile.db, self.shown["template_id"])
        self.deadline_days = {s: templates.deadline_days(template, s) for s in Severity} if template else {}
        self.items = visits.items(self.profile, visit_id)
        self.item_panel.last_results = visits.last_results(self.profile, visit_id)
        self.index_of = {item["id"]: i for i, item in enumerate(self.items)}
        kind = label(VisitKind(self.shown["kind"]))
        started = self.shown["started_at"][:16].replace("T", " ")
        self.title.setText(f"{self.shown['enterprise_name']} · {kind} · {started}")
        self._apply_mode()
        self._build_outline()
        self.go_to(position or self._first_position())
        self.setFocus()

    def _apply_mode(self) -> None:
        in_progress = self.shown["status"] == VisitStatus.IN_PROGRESS
        self.rest_button.setVisible(in_progress)
        self.finish_button.setVisible(in_progress)
        self.camera_button.setVisible(in_progress)
        self.amend_button.setVisible(not in_progress and self.reason is None)
        if in_progress:
            self.locked_banner.hide()
            return
        finished = (self.shown["finished_at"] or "")[:16].replace("T", " ")
        if self.reason is None:
            text = self.tr("已锁定 · 本次巡查已于 {at} 完成,内容不能再更改。如确需更正,请点“修订…”并填写理由。")
        else:
            text = self.tr("修订中 · 正在修订已锁定的巡查(理由:{reason})。每项更改都记入审计日志;照片不能更改。")
        self.locked_banner.setText(text.format(at=finished, reason=self.reason))
        self.locked_banner.show()

    def _first_position(self) -> str:
        if visits.recheck_list(self.profile, self.shown["id"]) and self.shown["status"] == VisitStatus.IN_PROGRESS:
            return "recheck"
        unanswered = next((i for i in self.items if not i["result"]), None)
        return f"item:{(unanswered or self.items[0])['id']}" if self.items else "recheck"

    def _build_outline(self) -> None:
        self.outline.blockSignals(True)
        self.outline.clear()
        self._tree_items: dict[str, QTreeWidgetItem] = {}
        self._categories: dict[str, QTreeWidgetItem] = {}
        recheck = QTreeWidgetItem([""])
        recheck.setData(0, _KEY, "recheck")
        self.outline.addTopLevelItem(recheck)
        self._tree_items["recheck"] = recheck
        for item in self.items:
            category = self._categories.get(item["category_code"])
            if category is None:
                category = QTreeWidgetItem([""])
                category.setData(0, _KEY, f"category:{item['category_code']}")
                category.setFlags(category.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                self.outline.addTopLevelItem(category)
                self._categories[item["category_code"]] = category
            child = QTreeWidgetItem(category, [""])
            child.setData(0, _KEY, f"item:{item['id']}")
            child.setToolTip(0, item["text_zh"])
            self._tree_items[f"item:{item['id']}"] = child
        unassigned = QTreeWidgetItem([""])
        unassigned.setData(0, _KEY, "unassigned")
        self.outline.addTopLevelItem(unassigned)
        self._tree_items["unassigned"] = unassigned
        self.outline.expandAll()
        self.outline.blockSignals(False)
        self._refresh_outline()

    def _refresh_outline(self) -> None:
        """Marks and counts: answered / total and problems per category, and the overall progress."""
        pending = len(visits.recheck_list(self.profile, self.shown["id"]))
        self._tree_items["recheck"].setText(0, self.tr("复查未整改问题 ({n})").format(n=pending))
        loose = len(photos.unassigned(self.profile, self.shown["id"]))
        self._tree_items["unassigned"].setText(0, self.tr("未分配照片 ({n})").format(n=loose))
        self._tree_items["unassigned"].setHidden(loose == 0)
        counts: dict[str, list[int]] = {}
        for item in self.items:
            answered, total, problems = counts.setdefault(item["category_code"], [0, 0, 0])
            counts[item["category_code"]] = [
                answered + bool(item["result"]),
                total + 1,
                problems + (item["result"] == "not_compliant"),
            ]
            self._tree_items[f"item:{item['id']}"].setText(
                0, f"{_MARKS[item['result']]} {item['code']} {item['text_zh'][:16]}"
            )
        names = {i["category_code"]: i["category_zh"] for i in self.items}
        for code, (answered, total, problems) in counts.items():
            text = f"{code} {names[code]}  {answered}/{total}"
            if problems:
                text += self.tr("  问题 {n}").format(n=problems)
            self._categories[code].setText(0, text)
        done = sum(1 for i in self.items if i["result"])
        text = self.tr("已检查 {done}/{total} 项").format(done=done, total=len(self.items))
        failed = [Severity(i["severity"]) for i in self.items if i["result"] == "not_compliant"]
        if failed:  # the live score: problems so far by severity
            parts = [f"{label(s)} {failed.count(s)}" for s in Severity if failed.count(s)]
            text += self.tr(" · 不合格 {n} 项({parts})").format(n=len(failed), parts="、".join(parts))
        self.progress.setText(text)

    # -- moving -----------------------------------------------------------------------------------------------------
    def save_typing(self) -> None:
        """Save every field still being typed: called on each way of leaving (item, screen, window, app)."""
        if not self.visit:
            return
        self.item_panel.flush()
        self.recheck_panel.flush()

    def back_to_checklist(self) -> None:
        self.save_typing()
        self.setFocus()

    def hideEvent(self, event: QHideEvent) -> None:
        self.save_typing()  # another screen, a minimised or closing window
        super().hideEvent(event)

    def go_to(self, position: str) -> None:
        if position not in self._tree_items:
            position = self._first_position()
        self.save_typing()
        self.position = position
        self.error.clear()
        if position.startswith("item:"):
            item = self.items[self.index_of[position[5:]]]
            self.item_panel.show_item(self.shown, item, self.deadline_days, self.editable, self.reason)
            self.centre.setCurrentWidget(self.item_panel)
        elif position == "recheck":
            self.recheck_panel.show_visit(self.shown, self.shown["status"] == VisitStatus.IN_PROGRESS)
            self.centre.setCurrentWidget(self.recheck_panel)
        else:
            self.unassigned_panel.show_visit(self.shown["id"], self.items)
            self.centre.setCurrentWidget(self.unassigned_panel)
        tree_item = self._tree_items[position]
        if self.outline.currentItem() is not tree_item:
            self.outline.blockSignals(True)
            self.outline.setCurrentItem(tree_item)
            self.outline.blockSignals(False)
        if self.shown["status"] == VisitStatus.IN_PROGRESS:
            self._position_timer.start()

    def _remember_position(self) -> None:
        if self.visit is not None and self.visit["status"] == VisitStatus.IN_PROGRESS:
            visits.remember_position(self.profile, self.shown["id"], self.position)

    def _outline_selected(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        key = current.data(0, _KEY) if current else None
        if key and not key.startswith("category:"):
            self.go_to(key)

    def _order(self) -> list[str]:
        return ["recheck"] + [f"item:{i['id']}" for i in self.items]

    def next(self) -> None:
        order = self._order()
        if self.position in order and order.index(self.position) + 1 < len(order):
            self.go_to(order[order.index(self.position) + 1])

    def previous(self) -> None:
        order = self._order()
        if self.position in order and order.index(self.position) > 0:
            self.go_to(order[order.index(self.position) - 1])

    def jump_to(self, text: str) -> bool:
        text = text.strip().lower()
        if not text:
            return False
        match = next((i for i in self.items if i["code"].lower() == text), None) or next(
            (i for i in self.items if text in i["text_zh"].lower() or text in i["code"].lower()), None
        )
        if match is None:
            self.error.setText(self.tr("没有找到“{t}”。").format(t=text))
            return False
        self.go_to(f"item:{match['id']}")
        self.jump.clear()
        self.setFocus()
        return True

    def answer_rest_compliant(self, ask: bool = True) -> int:
        """其余全部合格: asks first, naming how many items it will mark."""
        rest = [i for i in self.items if not i["result"]]
        if not rest or not self.editable or self.reason is not None:
            return 0
        if ask:
            answer = QMessageBox.question(
                self,
                self.tr("其余全部合格"),
                self.tr("将把尚未检查的 {n} 项全部记为“合格”:\n{codes}\n确定这些项都已现场看过且合格吗?").format(
                    n=len(rest), codes="、".join(i["code"] for i in rest)
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return 0
        self.save_typing()
        try:
            count = visits.answer_rest_compliant(self.profile, self.shown["id"])
        except StewardError as exc:
            self.show_error(exc)
            return 0
        self.items = visits.items(self.profile, self.shown["id"])
        self._refresh_outline()
        self.go_to(self.position)
        return count

    # -- answering --------------------------------------------------------------------------------------------------
    def answer(self, result: AnswerResult) -> None:
        # 合格 and 不适用 move on; 不合格 stays for the finding form.
        if (
            self.position.startswith("item:")
            and self.item_panel.set_result(result)
            and result != AnswerResult.NOT_COMPLIANT
        ):
            self.next()

    def _answered(self, item_id: str, _result: AnswerResult | None) -> None:
        self.items[self.index_of[item_id]] = self.item_panel.item or self.items[self.index_of[item_id]]
        self._refresh_outline()

    def _item_saved(self, item: records.VisitItem) -> None:
        if item["id"] in self.index_of:
            self.items[self.index_of[item["id"]]] = item

    def show_error(self, error: Exception) -> None:
        self.error.setText(language.said(error))

    # -- camera folder ----------------------------------------------------------------------------------------------
    def import_camera_folder(self, folder: str | None = None) -> None:
        folder = folder or QFileDialog.getExistingDirectory(self, self.tr("选择相机文件夹(如 DCIM)"))
        if not folder:
            return
        visit_id = self.shown["id"]
        self.import_progress.setRange(0, 0)
        self.import_progress.show()

        def work(progress: Any) -> ImportReport:
            return photos.import_photos(
                self.profile,
                [Path(folder)],
                LinkTarget(visit_id=visit_id),
                progress=lambda d, t, _r: progress(d, t),
                skip_already_in_visit=True,
            )

        def progress(done: int, total: int, _detail: Any) -> None:
            self.import_progress.setRange(0, total)
            self.import_progress.setValue(done)

        def done(report: ImportReport) -> None:
            self.import_progress.hide()
            self._refresh_outline()
            if photos.unassigned(self.profile, visit_id):
                self.go_to("unassigned")
            self.show_import_summary(report)

        def failed(error: StewardError) -> None:
            self.import_progress.hide()
            self.show_error(error)

        self.background.run(work, done, failed, progress, owner=self)

    def import_summary(self, report: ImportReport) -> str:
        imported = report.names(Outcome.IMPORTED, Outcome.ALREADY_STORED)
        there = report.names(Outcome.ALREADY_IN_VISIT)
        lines = [self.tr("已导入 {n} 张照片。").format(n=len(imported))]
        if there:
            lines.append(
                self.tr("本次巡查中已有、未重复导入 {n} 张:{names}").format(n=len(there), names="、".join(there))
            )
        for result in report.rejected:
            reason = language.said(result.error) if result.error else ""
            lines.append(self.tr("无法读取,未导入:{name}({reason})").format(name=result.path.name, reason=reason))
        return "\n".join(lines)

    def show_import_summary(self, report: ImportReport) -> None:
        self.last_import_summary = self.import_summary(report)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("导入相机照片"),
            self.last_import_summary,
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setModal(False)  # the steward keeps working; the summary stays readable
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()
        self.import_summary_box = box

    def _after_assign(self) -> None:
        self._refresh_outline()
        if photos.unassigned(self.profile, self.shown["id"]):
            self.unassigned_panel.show_visit(self.shown["id"], self.items)
        else:
            self.go_to(self._first_position())

    # -- finishing and amending -------------------------------------------------------------------------------------
    def finish(self) -> None:
        self.save_typing()
        warnings = visits.finish_warnings(self.profile, self.shown["id"])
        if warnings and not self.confirm_finish_despite(warnings):
            return
        enterprise = enterprises.get(self.profile, self.shown["enterprise_id"])
        representative = enterprise["legal_representative"] or enterprise["contact_person"]
        dialog = FinishDialog(self.profile, self.shown, representative, self)
        if dialog.exec():
            self.visit_finished.emit(self.shown["id"])
            self.open_visit(self.shown["id"], self.position)
            self._archive(self.shown["id"])
            self.offer_notice()

    def confirm_finish_despite(self, warnings: list[str]) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("完成前请检查"),
            self.tr("完成后巡查将锁定。以下内容请先核对:"),
            parent=self,
        )
        box.setInformativeText("\n".join(f"• {w}" for w in warnings))
        back = box.addButton(self.tr("返回修改"), QMessageBox.ButtonRole.RejectRole)
        box.addButton(self.tr("仍然完成"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(back)
        box.exec()
        return box.clickedButton() is not back

    def offer_notice(self) -> None:
        if not visits.findings_of_visit(self.profile, self.shown["id"]):
            return
        answer = QMessageBox.question(
            self, self.tr("巡查已完成"), self.tr("巡查已完成并锁定。现在打印整改通知书交给企业吗?")
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._request("notice")

    def _archive(self, visit_id: str) -> None:
        """The finished visit's report and notice as PDF, made now on the pool, ready for the next sync."""
        from steward.services.documents import archive_visit

        profile = self.profile
        self.background.run(lambda _progress: archive_visit(profile, visit_id), owner=self)

    def start_amendment(self, reason: str | None = None) -> None:
        if reason is None:
            reason, ok = QInputDialog.getText(self, self.tr("修订已完成的巡查"), self.tr("修订理由(将记入审计日志):"))
            if not ok:
                return
        if not reason.strip():
            QMessageBox.information(self, self.tr("修订"), self.tr("修订必须填写理由。"))
            return
        self.reason = reason.strip()
        self._apply_mode()
        self.go_to(self.position)

    def _request(self, kind: str) -> None:
        self.save_typing()
        self.document_requested.emit(kind, self.shown["id"])

    def leave(self) -> None:
        self.save_typing()
        self.save_position()
        self.closed.emit()

    def save_position(self) -> None:
        """Where the steward is, kept now; the pending timer is stopped so it never fires after the profile closed."""
        self._position_timer.stop()
        self._remember_position()
