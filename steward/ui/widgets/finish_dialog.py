"""Finishing a visit: the summary, both signatures (or a refusal with a witness), then the visit is locked."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from steward.domain.errors import StewardError
from steward.services import settings, visits
from steward.storage import records
from steward.storage.profile import Profile
from steward.ui import language
from steward.ui.screen_fit import fit_to_screen
from steward.ui.theme import wrapped_label
from steward.ui.widgets.signature_pad import SignaturePad


class SignatureBox(QGroupBox):
    def __init__(self, title: str, name: str, can_refuse: bool, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.name = QLineEdit(name)
        self.pad = SignaturePad()
        clear = QPushButton(self.tr("重签"))
        clear.clicked.connect(self.pad.clear)
        self.refused = QCheckBox(self.tr("拒绝签字"))
        self.witness = QLineEdit()
        self.witness.setPlaceholderText(self.tr("见证人姓名及身份"))
        self.witness.setEnabled(False)
        self.refused.toggled.connect(self._refusal_toggled)
        form = QFormLayout(self)
        form.addRow(self.tr("姓名"), self.name)
        row = QHBoxLayout()
        row.addWidget(self.pad, 1)
        row.addWidget(clear)
        form.addRow(row)
        if can_refuse:
            form.addRow(self.refused, self.witness)
        else:
            self.refused.hide()
            self.witness.hide()

    def _refusal_toggled(self, refused: bool) -> None:
        self.witness.setEnabled(refused)
        self.pad.setEnabled(not refused)


class FinishDialog(QDialog):
    def __init__(
        self, profile: Profile, visit: records.VisitOfEnterprise, representative: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.profile, self.visit = profile, visit
        self.setWindowTitle(self.tr("完成巡查 — {name}").format(name=visit["enterprise_name"]))
        summary = visits.summary(profile, visit["id"])
        text = self.tr(
            "检查项:已答 {answered}/{total},不合格 {nc} 项\n"
            "新发现问题 {new} 个;本次复查已整改 {closed} 个;企业仍有待整改问题 {open} 个"
        ).format(
            answered=summary.items_answered,
            total=summary.items_total,
            nc=summary.not_compliant,
            new=summary.findings_new,
            closed=summary.findings_closed,
            open=summary.findings_still_open,
        )
        self.summary = QLabel(text)
        self.summary.setStyleSheet("font-size: 16px;")
        self.unanswered = QLabel()
        if summary.items_answered < summary.items_total:
            self.unanswered.setText(
                self.tr("注意:还有 {n} 项未检查。").format(n=summary.items_total - summary.items_answered)
            )
            self.unanswered.setObjectName("overdue")
        self.steward_box = SignatureBox(self.tr("检查人员签名"), settings.get(profile, settings.STEWARD_NAME), False)
        self.representative_box = SignatureBox(self.tr("企业负责人签收"), representative, True)
        self.error = wrapped_label("overdue")
        buttons = QDialogButtonBox()
        self.finish_button = buttons.addButton(self.tr("签字并完成(锁定)"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("返回继续检查"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.finish)
        buttons.rejected.connect(self.reject)
        # On a small screen the signatures scroll; the buttons stay in view below them.
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(self.summary)
        body_layout.addWidget(self.unanswered)
        body_layout.addWidget(self.steward_box)
        body_layout.addWidget(self.representative_box)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        fit_to_screen(self, 780, 900)  # roomy for two signatures; never beyond the screen

    def _problem(self) -> str | None:
        if self.steward_box.pad.is_empty() or not self.steward_box.name.text().strip():
            return self.tr("请检查人员填写姓名并签名。")
        rep = self.representative_box
        if rep.refused.isChecked():
            if not rep.witness.text().strip():
                return self.tr("企业拒绝签字时,请填写见证人。")
        elif rep.pad.is_empty() or not rep.name.text().strip():
            return self.tr("请企业负责人填写姓名并签名,或勾选“拒绝签字”并填写见证人。")
        return None

    def finish(self) -> None:
        problem = self._problem()
        if problem:
            self.error.setText(problem)
            return
        rep = self.representative_box
        try:
            visits.sign(
                self.profile,
                self.visit["id"],
                "steward",
                self.steward_box.name.text(),
                png=self.steward_box.pad.to_png(),
            )
            if rep.refused.isChecked():
                visits.sign(
                    self.profile,
                    self.visit["id"],
                    "representative",
                    rep.name.text(),
                    refused=True,
                    witness=rep.witness.text(),
                )
            else:
                visits.sign(self.profile, self.visit["id"], "representative", rep.name.text(), png=rep.pad.to_png())
            visits.finish(self.profile, self.visit["id"])
        except StewardError as exc:
            self.error.setText(language.said(exc))
            return
        self.accept()
