"""What every Steward PDF shares: A4, the bundled fonts, a letterhead, page x of y (per copy), metadata, a footer."""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from steward.domain.documents import EnterpriseBlock, Letterhead, NoticeFinding, Signature
from steward.reports.fonts import FONT, TextGuard, draw_lines, fit_lines, readable_image, register
from steward.reports.typeset import CJKParagraph
from steward.reports.wording import ZH, columns, words

MARGIN = 16 * mm
GRID = colors.HexColor("#555555")
SHADE = colors.HexColor("#eeeeee")
PAD = 3  # cell padding, left and right (points)
CanvasState = dict[str, Any]  # a page's canvas attributes: reportlab's own state, saved and restored whole


@cache
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
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
    }


def label_width(labels: Sequence[str], size: float = 9) -> float:
    """A column as wide as its longest label on one line (never "序|号" or "法定代表人/负责|人")."""
    widest: float = max(stringWidth(label, FONT, size) for label in labels)
    return widest + 2 * PAD + 2


def column_widths(
    headers: Sequence[str], weights: Sequence[float], total: float, samples: Sequence[str] = ()
) -> list[float]:
    """Each column at least as wide as its header and its sample (a date that must stay on one line); the rest of
    the width shared by weight."""
    padded = list(samples) + [""] * (len(headers) - len(samples))
    least = [label_width([h, s]) for h, s in zip(headers, padded, strict=True)]
    spare = total - sum(least)
    if spare <= 0 or not sum(weights):
        return [w * total / sum(least) for w in least]
    return [m + spare * w / sum(weights) for m, w in zip(least, weights, strict=True)]


@lru_cache(maxsize=8192)
def _parsed(markup: str, style: str) -> tuple[ParagraphStyle, tuple[Any, ...]]:
    """reportlab parses every paragraph's markup with an HTML parser (a sixth of a document's time); the same
    cell text ("未检查", "合格", a label) is parsed once. The fragments are only read when drawing."""
    paragraph = CJKParagraph(markup, styles()[style])
    return paragraph.style, tuple(paragraph.frags)


TABLE_TEXT = ("cell", "head")  # the styles of table cells: 9 pt, leading 12, left; "head" white on the header


def _plain(guard: TextGuard, text: str) -> bool:
    """Text a string draws as its paragraph would: one font, one line, no spaces a paragraph would fold."""
    if not text or text != text.strip() or "  " in text or "\n" in text or "\t" in text:
        return False
    runs = guard.runs(text)
    return len(runs) == 1 and runs[0][0] == FONT


def _as_string(cell: Any, width: float) -> Any:
    text = getattr(cell, "plain_text", None)
    if text is None:
        return cell
    style = cell.style
    fits = stringWidth(text, style.fontName, style.fontSize) <= width - 2 * PAD
    return text if fits and style.fontSize == styles()["cell"].fontSize else cell


class NumberedCanvas(Canvas):
    """Keeps every page until the end, so each can say 第 x 页 / 共 y 页 — counted within its copy (联), each copy
    padded to an even number of pages when printed on both sides."""

    footer_left = ""
    page_label = words(ZH)["page"]
    duplex = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Start every page in our font: reportlab's default (Helvetica) would be referenced but not embedded.
        kwargs["initialFontName"] = kwargs.get("initialFontName") or FONT
        kwargs["initialFontSize"] = kwargs.get("initialFontSize") or 10
        super().__init__(*args, **kwargs)
        self._pages: list[CanvasState] = []  # each page's, kept until save() knows how many pages each copy has
        self.copy_key = ""

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        groups: list[list[CanvasState]] = []
        for state in self._pages:
            if groups and groups[-1][0].get("copy_key") == state.get("copy_key"):
                groups[-1].append(state)
            else:
                groups.append([state])
        for group in groups:
            blank = 1 if self.duplex and len(group) % 2 else 0
            total = len(group) + blank
            for number, state in enumerate(group, start=1):
                self.__dict__.update(state)
                self._footer(number, total)
                super().showPage()
            if blank:
                self.setFont(FONT, 10)
                self.setFillColor(colors.HexColor("#888888"))
                self.drawCentredString(A4[0] / 2, A4[1] / 2, "（本页空白 This page is intentionally blank）")
                self._footer(total, total)
                super().showPage()
        super().save()

    def _footer(self, number: int, total: float) -> None:
        self.setFont(FONT, 8)
        self.setFillColor(colors.HexColor("#444444"))
        self.drawString(MARGIN, 9 * mm, self.footer_left)
        self.drawRightString(A4[0] - MARGIN, 9 * mm, self.page_label.format(number=number, total=total))


class Document:
    """A4 document with the letterhead on every page. Subclasses add their story."""

    duplex = False  # copies padded to an even page count (a notice's 联 are printed on both sides)

    def __init__(self, letterhead: Letterhead, subject: str, language: str = ZH) -> None:
        self.letterhead = letterhead
        self.subject = subject
        self.language = language
        self.w = words(language)
        self.guard = TextGuard()
        self.s = styles()
        self.copy_label = ""
        self.width = A4[0] - 2 * MARGIN

    # -- text -------------------------------------------------------------------------------------------------
    def p(self, text: str, style: str = "body") -> Paragraph:
        markup = self.guard.markup(text)
        parsed_style, frags = _parsed(markup, style)
        paragraph = CJKParagraph(markup, parsed_style, frags=list(frags))
        paragraph.plain_text = text if style in TABLE_TEXT and _plain(self.guard, text) else None
        return paragraph

    def table(
        self,
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        header_rows: int = 1,
        extra: Sequence[tuple[Any, ...]] = (),
    ) -> Table:
        """A bordered table whose header rows repeat on every page it spans. A cell of one short line of plain text is
        drawn as a string, where it lands exactly as its paragraph would (the same font, size, leading and padding):
        a paragraph per cell was most of a document's time."""
        cells = [[_as_string(cell, widths[c]) for c, cell in enumerate(row)] for row in rows]
        table = Table(cells, colWidths=list(widths), repeatRows=header_rows)
        cell_style, head_style = self.s["cell"], self.s["head"]
        style = [
            ("GRID", (0, 0), (-1, -1), 0.5, GRID),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), cell_style.fontSize),
            ("LEADING", (0, 0), (-1, -1), cell_style.leading),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ]
        if header_rows:
            style.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#37474f")))
            style.append(("TEXTCOLOR", (0, 0), (-1, header_rows - 1), head_style.textColor))
        table.setStyle(TableStyle(style + list(extra)))
        return table

    def enterprise_table(self, e: EnterpriseBlock, extra_rows: Sequence[tuple[str, str]] = ()) -> Table:
        w = self.w
        rows = [
            (w["enterprise"], e.name, w["credit_code"], e.credit_code),
            (w["representative"], e.legal_representative, w["contact"], e.contact),
            (w["address"], e.address, w["policy_number"], e.policy_number),
            *((a, b, c, d) for a, b, c, d in _pairs(extra_rows)),
        ]
        cells = [[self.p(a, "cell"), self.p(b, "cell"), self.p(c, "cell"), self.p(d, "cell")] for a, b, c, d in rows]
        left = label_width([r[0] for r in rows])
        right = label_width([r[2] for r in rows])
        value = (self.width - left - right) / 2
        return self.table(
            cells,
            [left, value, right, value],
            header_rows=0,
            extra=[("BACKGROUND", (0, 0), (0, -1), SHADE), ("BACKGROUND", (2, 0), (2, -1), SHADE)],
        )

    def findings_table(self, findings: Sequence[NoticeFinding]) -> Flowable:
        head = columns(self.language, "findings_head")
        rows: list[list[object]] = [[self.p(h, "head") for h in head]]
        for f in findings:
            photos = "、".join(str(n) for n in f.photo_numbers) or "—"
            rows.append(
                [
                    self.p(str(f.number), "cell"),
                    self.p(f.location, "cell"),
                    self.p(f.description, "cell"),
                    self.p(f.basis, "cell"),
                    self.p(f.severity, "cell"),
                    self.p(f.requirement, "cell"),
                    self.p(f.deadline, "cell"),
                    self.p(photos, "cell"),
                ]
            )
        widths = column_widths(head, [0, 12, 34, 24, 0, 30, 0, 0], self.width, ["", "", "", "", "", "", "2026-12-31"])
        return self.table(rows, widths)

    def signature_block(self, signatures: Sequence[Signature]) -> Table:
        """Two inspectors (the norm is two), then the enterprise's receipt — or, if it refused, the refusal and the
        witness who signs and dates on a line of its own."""
        w = self.w
        line = w["sign_line"]
        # Roles are data (检查人员 / 企业负责人, as recorded), whatever language the page is printed in.
        inspectors = [s for s in signatures if s.role == "检查人员"][:2]
        rows: list[list[object]] = []
        for n in range(2):
            s = inspectors[n] if n < len(inspectors) else None
            rows.append([self.p(w["inspector"].format(n=w["inspector_numbers"][n]), "cell"), self._signed(s, line)])
        rep = next((s for s in signatures if s.role == "企业负责人"), None)
        if rep and rep.refused:
            rows.append([self.p(w["receipt"], "cell"), self.p(w["refused"].format(name=rep.name), "cell")])
            rows.append([self.p(w["witness"], "cell"), self.p(f"{rep.witness}    {line}", "cell")])
        else:
            rows.append([self.p(w["receipt"], "cell"), self._signed(rep, line)])
        left = label_width([w["receipt"]])
        return self.table(
            rows,
            [left, self.width - left],
            header_rows=0,
            extra=[("MINROWHEIGHT", (0, 0), (-1, -1), 11 * mm), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")],
        )

    def _signed(self, signature: Signature | None, line: str) -> list[Flowable]:
        if signature and signature.image_path and readable_image(signature.image_path):
            return [
                signature_image(signature.image_path, 40 * mm, 12 * mm),
                self.p(self.w["signed_on"].format(name=signature.name, signed_at=signature.signed_at), "small"),
            ]
        if signature and signature.image_path is None and signature.image_sha256:
            self.guard.note(
                f"{signature.name}的签名图片缺失，无法打印。", f"{signature.name}'s signature image is missing."
            )
        elif signature and signature.image_path:
            self.guard.note(
                f"{signature.role}的签名图片已损坏,无法打印。", f"The {signature.role} signature image is damaged."
            )
            return [self.p(self.w["signature_damaged"].format(name=signature.name), "cell"), self.p(line, "cell")]
        name = f"{signature.name}    " if signature and signature.name else ""
        return [self.p(name + line, "cell")]

    # -- pages ------------------------------------------------------------------------------------------------
    def _decorate(self, canvas: Canvas, doc: SimpleDocTemplate) -> None:
        lh = self.letterhead
        canvas.copy_key = self.copy_label
        canvas.saveState()
        top = A4[1] - 10 * mm
        x = MARGIN
        if lh.logo_path and Path(lh.logo_path).exists():
            canvas.drawImage(
                lh.logo_path, MARGIN, top - 9 * mm, height=10 * mm, width=10 * mm, preserveAspectRatio=True, mask="auto"
            )
            x += 12 * mm
        canvas.setFillColor(colors.HexColor("#222222"))
        policy = self.w["policy"].format(policy=lh.insurer_policy) if lh.insurer_policy else ""
        # The firm on the left, the insurer, policy and copy on the right, each set in its half (smaller, then on two
        # lines): never over each other, and never a name or a policy number cut off.
        half = (A4[0] - MARGIN - x) / 2 - 3 * mm
        left, left_size = _header_lines(self.guard, (lh.firm_name,), half)
        right, right_size = _header_lines(self.guard, (lh.insurer_name, policy, self.copy_label), half)
        draw_lines(canvas, self.guard, x, top - 5 * mm, left, left_size)
        draw_lines(canvas, self.guard, A4[0] - MARGIN, top - 5 * mm, right, right_size, anchor="right")
        canvas.setStrokeColor(colors.HexColor("#37474f"))
        canvas.setLineWidth(0.8)
        canvas.line(MARGIN, top - 8 * mm, A4[0] - MARGIN, top - 8 * mm)
        canvas.restoreState()

    def build(self, story: list[Flowable]) -> bytes:
        lh = self.letterhead
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=24 * mm,
            bottomMargin=16 * mm,
            title=lh.title,
            author=lh.author,
            subject=self.subject,
            creator="环保管家 Steward",
            initialFontName=FONT,
        )
        footer = self.guard.plain(self.w["footer"].format(document_id=lh.document_id, generated_at=lh.generated_at))
        duplex = self.duplex
        page = self.w["page"]

        class Numbered(NumberedCanvas):
            footer_left = footer
            page_label = page

        Numbered.duplex = duplex
        doc.build(story, onFirstPage=self._decorate, onLaterPages=self._decorate, canvasmaker=Numbered)
        return buffer.getvalue()


@lru_cache(maxsize=256)
def _header_lines(guard: TextGuard, pieces: tuple[str, ...], width: float) -> tuple[list[str], float]:
    """The letterhead is the same on every page of a document: set once."""
    return fit_lines(guard, pieces, 9, width)


def _pairs(rows: Sequence[tuple[str, str]]) -> list[tuple[str, str, str, str]]:
    out = []
    for i in range(0, len(rows), 2):
        a, b = rows[i]
        c, d = rows[i + 1] if i + 1 < len(rows) else ("", "")
        out.append((a, b, c, d))
    return out


def heading(document: Document, text: str) -> Flowable:
    return KeepWithRoom(document.p(text, "h2"))


class KeepWithRoom(Flowable):
    """Wraps a heading: if the room left under it on this page is less than a few lines, it asks for the next page
    (by reporting it cannot fit), so that a heading never stays alone at a page's foot."""

    room = 32 * mm

    def __init__(self, inner: Paragraph) -> None:
        super().__init__()
        self.inner = inner

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        width, height = self.inner.wrap(availWidth, availHeight)
        self.width, self.height = width, height
        if availHeight < height + self.room:
            return width, availHeight + 1  # does not fit here: the frame moves it to the next page
        return width, height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []

    def getSpaceBefore(self) -> float:
        space: float = self.inner.getSpaceBefore()
        return space

    def getSpaceAfter(self) -> float:
        space: float = self.inner.getSpaceAfter()
        return space

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        self.inner.drawOn(canvas, x, y, _sW)


def signature_image(path: str, width: float = 45 * mm, height: float = 16 * mm) -> Image:
    return Image(path, width=width, height=height, kind="proportional")


def spacer(height_mm: float) -> Spacer:
    return Spacer(1, height_mm * mm)


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
