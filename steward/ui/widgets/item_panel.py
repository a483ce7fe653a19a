"""One checklist item: its text, basis and guidance, the three answers (keys 1/2/3), a note and photos.
A not-compliant answer opens the finding form inline. Everything is saved as it happens."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from steward.domain.errors import StewardError
from steward.domain.labels import AnswerResult, EventKind, Severity
from steward.services import findings, visits
from steward.services.photos import LinkTarget
from steward.storage import records
from steward.storage.profile import Profile
from steward.ui.background import Background
from steward.ui.labels import label
from steward.ui.slots import bound
from steward.ui.theme import toggle_button, wrapped_label
from steward.ui.widgets.finding_editor import FindingEditor
from steward.ui.widgets.photo_strip import PhotoStrip


class ItemPanel(QScrollArea):
    answered = Signal(str, object)  # item id, AnswerResult or None
    saved = Signal(dict)  # the item as now stored (its note saved), so the screen's copy never goes stale
    failed = Signal(object)

    def __init__(self, profile: Profile, background: Background, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.visit: records.Visit | None = None
        self.item: records.VisitItem | None = None
        self.finding: records.Finding | None = None
        self.deadline_days: dict[Severity, int] = {}
        self.editable = False
        self.reason: str | None = None
        self._note_timer = QTimer(self, singleShot=True, interval=500)
        self._note_timer.timeout.connect(self.flush)
        self._loading = False
        self.last_results: dict[str, str] = {}  # item code -> answer at the enterprise's last visit

        self.heading = QLabel()
        self.heading.setObjectName("itemHeading")
        self.text = wrapped_label("itemText")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.basis = QLabel(wordWrap=True)
        self.guidance = QLabel(wordWrap=True)
        self.guidance.setStyleSheet("color: #444;")

        self.buttons = QButtonGroup(self)
        self.buttons.setExclusive(True)
        answer_row = QHBoxLayout()
        answer_row.setSpacing(8)
        self.answer_buttons: dict[AnswerResult, QPushButton] = {}
        for key, result in enumerate(AnswerResult, start=1):
            button = toggle_button(f"{label(result)}  ({key})", "answer")
            button.setProperty("answer", result.value)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(bound(self.set_result, result))
            self.buttons.addButton(button)
            self.answer_buttons[result] = button
            answer_row.addWidget(button)

        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(self.tr("备注(现场情况、数据读数等)"))
        self.note.setFixedHeight(70)
        self.note.textChanged.connect(self._note_edited)
        self.note.setTabChangesFocus(True)
        self.note.installEventFilter(self)

        self.photos = PhotoStrip(profile, background)
        self.finding_frame = QFrame()
        self.finding_frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.finding_title = QLabel(self.tr("问题记录"))
        self.finding_title.setStyleSheet("font-weight: bold; color: #b3261e;")
        self.finding_editor = FindingEditor(profile)
        self.finding_editor.failed.connect(self.failed)
        finding_layout = QVBoxLayout(self.finding_frame)
        finding_layout.addWidget(self.finding_title)
        finding_layout.addWidget(self.finding_editor)
        self.finding_frame.hide()
        # Marked 不合格 again on an item whose earlier finding is still open: that finding, re-checked, not a new one.
        self.linked = wrapped_label("linkedFinding")
        self.linked.hide()

        # The finding form stands beside the item, not below it: at 1366x768 it is in view the moment 不合格 is hit.
        item_column = QVBoxLayout()
        item_column.addWidget(self.heading)
        item_column.addWidget(self.text)
        item_column.addWidget(self.basis)
        item_column.addWidget(self.guidance)
        item_column.addLayout(answer_row)
        item_column.addWidget(self.linked)
        item_column.addWidget(self.note)
        item_column.addWidget(QLabel(self.tr("照片")))
        item_column.addWidget(self.photos)
        item_column.addStretch()
        self.finding_frame.setMinimumWidth(400)
        body = QWidget()
        layout = QHBoxLayout(body)
        layout.addLayout(item_column, 3)
        layout.addWidget(self.finding_frame, 2, Qt.AlignmentFlag.AlignTop)
        self.setWidget(body)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def show_item(
        self,
        visit: records.Visit,
        item: records.VisitItem,
        deadline_days: dict[Severity, int],
        editable: bool,
        reason: str | None = None,
    ) -> None:
        self.flush()
        self.visit, self.item, self.deadline_days = visit, item, deadline_days
        self.editable, self.reason = editable, reason
        self.finding_editor.reason = reason
        self._loading = True
        heading = f"{item['code']} · {item['category_zh']}"
        last = self.last_results.get(item["code"])
        if last:
            heading += self.tr("    上次巡查:{r}").format(r=label(AnswerResult(last)))
        self.heading.setText(heading)
        self.text.setText(item["text_zh"])
        self.basis.setText(self.tr("依据:{basis}").format(basis=item["basis"]) if item["basis"] else "")
        self.basis.setVisible(bool(item["basis"]))
        self.guidance.setText(self.tr("检查指引:{g}").format(g=item["guidance"]) if item["guidance"] else "")
        self.guidance.setVisible(bool(item["guidance"]))
        self.buttons.setExclusive(False)
        why = "" if editable else self.tr("巡查已完成并锁定;如需更正请点“修订…”。")
        for result, button in self.answer_buttons.items():
            button.setChecked(item["result"] == result.value)
            button.setEnabled(editable)
            button.setToolTip(why)
        self.note.setToolTip(why)
        self.buttons.setExclusive(True)
        self.note.setPlainText(item["note"] or "")
        self.note.setReadOnly(not editable)
        self._loading = False
        self._show_finding()

    def _show_finding(self) -> None:
        assert self.visit and self.item
        found = visits.findings_for_item(self.profile, self.visit["id"], self.item["id"])
        self.finding = found[0] if found else None
        if self.finding:
            self.finding_editor.show_finding(self.finding, self.deadline_days, self.editable)
        self.finding_frame.setVisible(self.finding is not None)
        rechecked = [
            r
            for r in visits.recheck_list(self.profile, self.visit["id"])
            if r["item_id"] == self.item["id"] and r["outcome"] == EventKind.RECHECK_NOT_RECTIFIED.value
        ]
        if rechecked and self.finding is None and self.item["result"] == AnswerResult.NOT_COMPLIANT.value:
            self.linked.setText(
                self.tr("已记入原问题(发现于 {found},位置:{loc}):复查结果“未整改”,未新建问题。").format(
                    found=rechecked[0]["created_at"][:10], loc=rechecked[0]["location"] or self.tr("未注明")
                )
            )
        self.linked.setVisible(bool(rechecked) and self.finding is None)
        target = LinkTarget(
            visit_id=self.visit["id"], item_id=self.item["id"], finding_id=self.finding["id"] if self.finding else None
        )
        # Photos of a finished visit cannot change, not even in an amendment (they are evidence already printed).
        self.photos.set_target(target, editable=self.editable and self.reason is None)

    def current_result(self) -> AnswerResult | None:
        return AnswerResult(self.item["result"]) if self.item and self.item["result"] else None

    def set_result(self, result: AnswerResult) -> bool:
        """Answer the item; returns False when the steward cancelled (or nothing could be saved)."""
        if not (self.editable and self.visit and self.item):
            return False
        previous = self.current_result()
        if previous == result:
            self._sync_buttons()
            return True
        if previous == AnswerResult.NOT_COMPLIANT and self.finding is not None:
            choice = QMessageBox.question(
                self,
                self.tr("删除问题记录?"),
                self.tr("此项已记录问题。改为“{r}”将删除该问题记录(照片保留在此项下)。是否继续?").format(
                    r=label(result)
                ),
            )
            if choice != QMessageBox.StandardButton.Yes:
                self._sync_buttons()
                return False
        self.flush()
        if result == AnswerResult.NOT_COMPLIANT and self.finding is None:
            earlier = visits.earlier_open_findings_for_item(self.profile, self.visit["id"], self.item["id"])
            if earlier:
                return self._not_compliant_again(earlier[0])
        try:
            if previous == AnswerResult.NOT_COMPLIANT and self.finding is not None:
                findings.delete(self.profile, self.finding["id"])
            answer = visits.answer(self.profile, self.visit["id"], self.item["id"], result, reason=self.reason)
            self.item = {**self.item, "result": answer["result"], "answer_id": answer["id"]}
            if result == AnswerResult.NOT_COMPLIANT and not visits.findings_for_item(
                self.profile, self.visit["id"], self.item["id"]
            ):
                visits.create_finding(self.profile, self.visit["id"], self.item["id"], reason=self.reason)
        except StewardError as exc:
            self.failed.emit(exc)
            self._sync_buttons()
            return False
        self._sync_buttons()
        self._show_finding()
        if result == AnswerResult.NOT_COMPLIANT:
            self.finding_editor.location.setFocus()
        self.answered.emit(self.item["id"], result)
        return True

    def _not_compliant_again(self, earlier: records.FindingOfVisit) -> bool:
        """The item already has an open finding from an earlier visit: ask, never duplicate silently."""
        assert self.visit and self.item
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("此项已有未整改问题"))
        box.setText(
            self.tr("此项在 {found} 已发现问题,至今未整改:\n{desc}\n位置:{loc}\n\n是同一个问题吗?").format(
                found=earlier["created_at"][:10], desc=earlier["description"], loc=earlier["location"] or "—"
            )
        )
        same = box.addButton(self.tr("仍未整改(记入原问题)"), QMessageBox.ButtonRole.AcceptRole)
        new = box.addButton(self.tr("这是新问题"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(same)
        box.exec()
        try:
            if box.clickedButton() is same:
                visits.still_not_rectified(self.profile, self.visit["id"], self.item["id"], earlier["id"])
            elif box.clickedButton() is new:
                visits.answer(
                    self.profile, self.visit["id"], self.item["id"], AnswerResult.NOT_COMPLIANT, reason=self.reason
                )
                visits.create_finding(self.profile, self.visit["id"], self.item["id"], reason=self.reason)
            else:
                self._sync_buttons()
                return False
        except StewardError as exc:
            self.failed.emit(exc)
            self._sync_buttons()
            return False
        answer = visits.items(self.profile, self.visit["id"])
        stored = next(i for i in answer if i["id"] == self.item["id"])
        self.item = {**self.item, "result": stored["result"], "answer_id": stored["answer_id"]}
        self._sync_buttons()
        self._show_finding()
        if self.finding is not None:
            self.finding_editor.location.setFocus()
        self.answered.emit(self.item["id"], AnswerResult.NOT_COMPLIANT)
        return True

    def _sync_buttons(self) -> None:
        current = self.current_result()
        self.buttons.setExclusive(False)
        for result, button in self.answer_buttons.items():
            button.setChecked(result == current)
        self.buttons.setExclusive(True)

    def _note_edited(self) -> None:
        if not self._loading and self.editable:
            self._note_timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.note and event.type() == QEvent.Type.FocusOut:
            self.flush()  # leaving the field saves it, whatever the timer says
        return super().eventFilter(watched, event)

    def flush(self) -> None:
        """Save a note or finding field still being typed (called on every way of leaving it, and by the timer)."""
        self.finding_editor.flush()
        self._note_timer.stop()
        if not (self.visit and self.item and self.editable) or self._loading:
            return
        note = self.note.toPlainText()
        if note.strip() == (self.item["note"] or "").strip():
            return
        try:
            answer = visits.answer(
                self.profile, self.visit["id"], self.item["id"], self.current_result(), note, reason=self.reason
            )
        except StewardError as exc:
            self.failed.emit(exc)
            return
        self.item = {**self.item, "note": answer["note"], "answer_id": answer["id"]}
        self.saved.emit(self.item)
