"""What every Steward PDF shares: A4, the bundled font, a letterhead, page x of y, metadata and a footer."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from steward.domain.documents import EnterpriseBlock, Letterhead, NoticeFinding, Signature
from steward.reports.fonts import FONT, TextGuard, readable_image, register

MARGIN = 16 * mm
GRID = colors.HexColor("#555555")
SHADE = colors.HexColor("#eeeeee")


def styles() -> dict[str, ParagraphStyle]:
    register()
    base = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=15, wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
        "head": ParagraphStyle("head", parent=base, fontSize=9, leading=12, textColor=colors.white),
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=10.5, alignment=TA_CENTER, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12.5, leading=18, spaceBefore=8, spaceAfter=4),
    }


class NumberedCanvas(Canvas):
    """Keeps every page until the end, so each can say 第 x 页 / 共 y 页."""

    footer_left = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Start every page in our font: reportlab's default (Helvetica) would be referenced but not embedded.
        kwargs["initialFontName"] = kwargs.get("initialFontName") or FONT
        kwargs["initialFontSize"] = kwargs.get("initialFontSize") or 10
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(FONT, 8)
            self.setFillColor(colors.HexColor("#444444"))
            self.drawString(MARGIN, 9 * mm, self.footer_left)
            self.drawRightString(A4[0] - MARGIN, 9 * mm, f"第 {number} 页 / 共 {total} 页")
            super().showPage()
        super().save()


class Document:
    """A4 document with the letterhead on every page. Subclasses add their story."""

    def __init__(self, letterhead: Letterhead, subject: str) -> None:
        self.letterhead = letterhead
        self.subject = subject
        self.guard = TextGuard()
        self.s = styles()
        self.copy_label = ""
        self.width = A4[0] - 2 * MARGIN

    # -- text -------------------------------------------------------------------------------------------------
    def p(self, text: str, style: str = "body") -> Paragraph:
        return Paragraph(self.guard.markup(text), self.s[style])

    def table(self, rows: Sequence[Sequence[Any]], widths: Sequence[float], header_rows: int = 1,
              extra: Sequence[tuple[Any, ...]] = ()) -> Table:  # fmt: skip
        """A bordered table whose header rows repeat on every page it spans."""
        table = Table(list(rows), colWidths=list(widths), repeatRows=header_rows)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.5, GRID),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]
        if header_rows:
            style.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#37474f")))
        table.setStyle(TableStyle(style + list(extra)))
        return table

    def enterprise_table(self, e: EnterpriseBlock, extra_rows: Sequence[tuple[str, str]] = ()) -> Table:
        width = A4[0] - 2 * MARGIN
        rows = [
            ("被检查单位", e.name, "统一社会信用代码", e.credit_code),
            ("法定代表人/负责人", e.legal_representative, "联系方式", e.contact),
            ("地址", e.address, "保单号", e.policy_number),
            *((a, b, c, d) for a, b, c, d in _pairs(extra_rows)),
        ]
        cells = [[self.p(a, "cell"), self.p(b, "cell"), self.p(c, "cell"), self.p(d, "cell")] for a, b, c, d in rows]
        return self.table(cells, [28 * mm, width / 2 - 28 * mm, 30 * mm, width / 2 - 30 * mm], header_rows=0,
                          extra=[("BACKGROUND", (0, 0), (0, -1), SHADE), ("BACKGROUND", (2, 0), (2, -1), SHADE)])  # fmt: skip

    def findings_table(self, findings: Sequence[NoticeFinding]) -> Flowable:
        head = ["序号", "位置", "问题描述", "依据", "等级", "整改要求", "整改期限", "照片编号"]
        rows: list[list[object]] = [[self.p(h, "head") for h in head]]
        for f in findings:
            photos = "、".join(str(n) for n in f.photo_numbers) or "—"
            rows.append([self.p(str(f.number), "cell"), self.p(f.location, "cell"), self.p(f.description, "cell"),
                         self.p(f.basis, "cell"), self.p(f.severity, "cell"), self.p(f.requirement, "cell"),
                         self.p(f.deadline, "cell"), self.p(photos, "cell")])  # fmt: skip
        widths = [10 * mm, 19 * mm, 40 * mm, 27 * mm, 11 * mm, 37 * mm, 21 * mm, 13 * mm]
        return self.table(rows, [w * self.width / sum(widths) for w in widths])

    def signature_cell(self, signature: Signature | None, role: str) -> list[Flowable]:
        parts: list[Flowable] = [self.p(role, "cell")]
        if signature and signature.refused:
            parts.append(self.p(f"企业拒绝签字。见证人：{signature.witness}", "cell"))
        elif signature and signature.image_path and readable_image(signature.image_path):
            parts.append(Image(signature.image_path, width=45 * mm, height=16 * mm, kind="proportional"))
            parts.append(self.p(f"{signature.name}  {signature.signed_at}", "small"))
        elif signature and signature.image_path:
            self.guard.note(f"{role}的签名图片已损坏,无法打印。", f"The {role} signature image is damaged.")
            parts.append(self.p(f"(签名图片已损坏,请手工签字){signature.name}", "cell"))
            parts.append(self.p("签字：________________  日期：____年__月__日", "cell"))
        else:
            parts.append(Spacer(1, 14 * mm))
            parts.append(self.p("签字：________________  日期：____年__月__日", "cell"))
        return parts

    def signatures(self, signatures: Sequence[Signature]) -> Flowable:
        by_role = {s.role: s for s in signatures}
        cells = [[self.signature_cell(by_role.get("检查人员"), "检查人员："),
                  self.signature_cell(by_role.get("企业负责人"), "企业负责人签收：")]]  # fmt: skip
        return self.table(cells, [self.width / 2, self.width / 2], header_rows=0)

    # -- pages ------------------------------------------------------------------------------------------------
    def _decorate(self, canvas: Canvas, doc: SimpleDocTemplate) -> None:
        lh = self.letterhead
        canvas.saveState()
        top = A4[1] - 10 * mm
        x = MARGIN
        if lh.logo_path and Path(lh.logo_path).exists():
            canvas.drawImage(lh.logo_path, MARGIN, top - 9 * mm, height=10 * mm, width=10 * mm,
                             preserveAspectRatio=True, mask="auto")  # fmt: skip
            x += 12 * mm
        canvas.setFont(FONT, 9)
        canvas.setFillColor(colors.HexColor("#222222"))
        canvas.drawString(x, top - 5 * mm, self.guard.plain(lh.firm_name))
        right = self.guard.plain("  ".join(t for t in (lh.insurer_name, self.copy_label) if t))
        canvas.drawRightString(A4[0] - MARGIN, top - 5 * mm, right)
        canvas.setStrokeColor(colors.HexColor("#37474f"))
        canvas.setLineWidth(0.8)
        canvas.line(MARGIN, top - 8 * mm, A4[0] - MARGIN, top - 8 * mm)
        canvas.restoreState()

    def build(self, story: list[Flowable]) -> bytes:
        lh = self.letterhead
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=24 * mm, bottomMargin=16 * mm,
            title=lh.title, author=lh.author, subject=self.subject, creator="环保管家 Steward", initialFontName=FONT,
        )  # fmt: skip
        footer = self.guard.plain(f"文档编号 {lh.document_id} · 生成于 {lh.generated_at} · 环保管家 Steward")

        class Numbered(NumberedCanvas):
            footer_left = footer

        doc.build(story, onFirstPage=self._decorate, onLaterPages=self._decorate, canvasmaker=Numbered)
        return buffer.getvalue()


def _pairs(rows: Sequence[tuple[str, str]]) -> list[tuple[str, str, str, str]]:
    out = []
    for i in range(0, len(rows), 2):
        a, b = rows[i]
        c, d = rows[i + 1] if i + 1 < len(rows) else ("", "")
        out.append((a, b, c, d))
    return out


class SetCopy(Flowable):
    """Switches the copy label (第一联…) printed in the letterhead from this point on."""

    def __init__(self, document: Document, label: str) -> None:
        super().__init__()
        self.document, self.label = document, label
        self.width = self.height = 0

    def draw(self) -> None:
        self.document.copy_label = self.label

    def wrap(self, *_args: Any) -> tuple[float, float]:
        self.document.copy_label = self.label
        return 0, 0
