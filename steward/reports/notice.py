"""整改通知书: one story per copy (联), each copy numbered from its page 1 and padded to an even page count, so that
printing on both sides never puts 第二联 on the back of 第一联. Each copy ends with the issuer's sign-off (落款, 盖章,
date), the signatures, the re-check block and a tear-off 送达回执."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Table, TableStyle

from steward.domain.documents import Notice, RenderResult
from steward.reports.base import MARGIN, SHADE, Document, SetCopy, heading, label_width, spacer
from steward.reports.fonts import FONT
from steward.reports.photos import photo_grid

WIDTH = A4[0] - 2 * MARGIN
CHINESE_NUMBERS = "一二三"
CLOSING = "请你单位于上述整改期限内完成整改，并将整改情况（附整改前后对比照片）书面报送我单位。"
MAJOR = "重大问题须立即停止相关违法行为，并于7日内提交书面整改方案。"
CONSEQUENCE = "逾期未整改或整改不到位的，我单位将报告保险公司，并视情况报告生态环境主管部门。"


def copies_statement(labels: tuple[str, ...]) -> str:
    named = [label for label in labels if label]
    if not named:
        return "本通知书一式一联，由被检查单位留存。"
    parts = "，".join(label.replace(" ", "") for label in named)
    return f"本通知书一式{CHINESE_NUMBERS[len(named) - 1]}联（{parts}），各联内容相同。"


class NoticeDocument(Document):
    duplex = True

    def __init__(self, notice: Notice) -> None:
        super().__init__(notice.letterhead, "整改通知书")
        self.notice = notice

    def closing(self) -> list[Flowable]:
        n = self.notice
        major = any(f.severity == "重大" for f in n.findings)
        text = CLOSING + (MAJOR if major else "") + CONSEQUENCE
        return [self.p(text), spacer(1), self.p(copies_statement(n.copies), "small")]

    def sign_off(self) -> Table:
        """落款: the issuing firm, a box for its seal, and the issue date, on the right as on any official letter."""
        n = self.notice
        seal = Table([[self.p("（盖章）", "small")]], colWidths=[32 * mm], rowHeights=[24 * mm])
        seal.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("FONTNAME", (0, 0), (-1, -1), FONT),
                    ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ]
            )
        )
        text = [
            self.p(f"签发单位：{n.letterhead.firm_name}", "right"),
            spacer(2),
            self.p(f"签发日期：{n.issued_on}", "right"),
        ]
        table = Table([[text, seal]], colWidths=[WIDTH - 36 * mm, 36 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), FONT),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return table

    def recheck_block(self) -> Flowable:
        labels = ["复查日期", "复查意见", "企业确认"]
        left = label_width(labels)
        right = label_width(["复查人", "日期"])
        rows = [
            [self.p("复查栏", "cell"), "", "", ""],
            [self.p("复查日期", "cell"), self.p("", "cell"), self.p("复查人", "cell"), self.p("", "cell")],
            [self.p("复查意见", "cell"), self.p("□ 已整改    □ 部分整改    □ 未整改", "cell"), "", ""],
            [self.p("企业确认", "cell"), self.p("", "cell"), self.p("日期", "cell"), self.p("", "cell")],
        ]
        value = (WIDTH - left - right) / 2
        return self.table(
            rows,
            [left, value, right, value],
            header_rows=0,
            extra=[
                ("SPAN", (0, 0), (-1, 0)),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("SPAN", (1, 2), (-1, 2)),
                ("MINROWHEIGHT", (0, 1), (-1, -1), 9 * mm),
            ],
        )

    def receipt(self) -> list[Flowable]:
        """送达回执: cut off along the line, signed by the enterprise and returned to the firm."""
        n = self.notice
        cut = Table([[self.p("沿此线剪下，签收后交回服务机构", "small")]], colWidths=[WIDTH])
        cut.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), FONT),
                    ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                    ("LINEABOVE", (0, 0), (-1, 0), 0.5, colors.HexColor("#999999"), 0, (3, 3)),
                ]
            )
        )
        text = (
            f"兹收到{n.letterhead.firm_name}于{n.issued_on}开具的整改通知书（编号：{n.notice_number}，"
            f"问题 {len(n.findings)} 项）。"
        )
        rows = [
            [self.p("送达回执", "cell"), ""],
            [self.p("通知书编号", "cell"), self.p(n.notice_number, "cell")],
            [self.p("受送达单位", "cell"), self.p(n.enterprise.name, "cell")],
            [self.p("签收内容", "cell"), self.p(text, "cell")],
            [self.p("签收人", "cell"), self.p("签字：________________    日期：______年____月____日", "cell")],
        ]
        left = label_width(["通知书编号", "受送达单位"])
        table = self.table(
            rows,
            [left, WIDTH - left],
            header_rows=0,
            extra=[
                ("SPAN", (0, 0), (-1, 0)),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("MINROWHEIGHT", (0, 4), (-1, 4), 11 * mm),
                ("VALIGN", (0, 4), (-1, 4), "MIDDLE"),
            ],
        )
        return [spacer(4), KeepTogether([cut, spacer(2), table])]

    def copy_story(self, label: str) -> list[Flowable]:
        n = self.notice
        story: list[Flowable] = [self.p("整改通知书", "title"), self.p(f"编号：{n.notice_number}", "subtitle")]
        if label:
            story.append(self.p(label, "subtitle"))
        story.append(
            self.enterprise_table(
                n.enterprise,
                [
                    ("检查时间", n.visit_time),
                    ("检查来源", n.visit_kind),
                    ("检查人员", n.stewards),
                    ("保险公司", n.enterprise.insurer),
                ],
            )
        )
        story += [
            spacer(4),
            self.p(f"{n.enterprise.name}："),
            self.p("经现场检查，你单位存在以下环境问题，请按要求限期整改："),
            spacer(2),
            self.findings_table(n.findings),
            spacer(3),
        ]
        # The closing text stays with the sign-off and the signatures: a page of signatures alone proves nothing.
        story.append(
            KeepTogether([*self.closing(), spacer(3), self.sign_off(), spacer(3), self.signature_block(n.signatures)])
        )
        story += [spacer(4), self.recheck_block()]
        if n.photos:
            story += [heading(self, "现场照片"), photo_grid(n.photos, self.guard, WIDTH)]
        story += self.receipt()
        return story

    def render(self) -> RenderResult:
        labels = self.notice.copies or ("",)
        self.copy_label = labels[0]
        story: list[Flowable] = []
        for index, label in enumerate(labels):
            if index:
                story += [SetCopy(self, label), PageBreak()]
            story += self.copy_story(label)
        pdf = self.build(story)
        return RenderResult(pdf, self.guard.warnings())


def render_notice(notice: Notice) -> RenderResult:
    return NoticeDocument(notice).render()
