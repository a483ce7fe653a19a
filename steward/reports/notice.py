"""整改通知书： the rectification notice printed on site, signed, and left with the enterprise."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from steward.domain.documents import Notice, RenderResult
from steward.reports.base import MARGIN, SHADE, Document, SetCopy
from steward.reports.photos import photo_grid

WIDTH = A4[0] - 2 * MARGIN
CLOSING = (
    "请你单位于上述整改期限内完成整改，并将整改情况（附整改前后对比照片）书面报送我单位。"
    "重大问题须立即停止相关违法行为，并于7日内提交书面整改方案。逾期未整改或整改不到位的，"
    "我单位将报告保险公司，并视情况报告生态环境主管部门。"
)


class NoticeDocument(Document):
    def __init__(self, notice: Notice) -> None:
        super().__init__(notice.letterhead, "整改通知书")
        self.notice = notice

    def recheck_block(self) -> Flowable:
        rows = [
            [self.p("复查栏", "cell"), "", "", ""],
            [self.p("复查日期", "cell"), self.p("", "cell"), self.p("复查人", "cell"), self.p("", "cell")],
            [self.p("复查意见", "cell"), self.p("□ 已整改    □ 部分整改    □ 未整改", "cell"), "", ""],
            [self.p("企业确认", "cell"), self.p("", "cell"), self.p("日期", "cell"), self.p("", "cell")],
        ]
        return self.table(rows, [24 * mm, WIDTH / 2 - 24 * mm, 24 * mm, WIDTH / 2 - 24 * mm], header_rows=0,
                          extra=[("SPAN", (0, 0), (-1, 0)), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                                 ("SPAN", (1, 2), (-1, 2)), ("ROWBACKGROUNDS", (0, 1), (0, -1), [colors.white]),
                                 ("MINROWHEIGHT", (0, 1), (-1, -1), 9 * mm)])  # fmt: skip

    def copy_story(self, label: str) -> list[Flowable]:
        n = self.notice
        story: list[Flowable] = [self.p("整改通知书", "title"), self.p(f"编号：{n.notice_number}", "subtitle")]
        if label:
            story.append(self.p(label, "subtitle"))
        story.append(self.enterprise_table(n.enterprise, [("检查时间", n.visit_time), ("检查来源", n.visit_kind),
                                                          ("检查人员", n.stewards), ("保险公司", n.enterprise.insurer)]))  # fmt: skip
        story += [Spacer(1, 4 * mm), self.p(f"{n.enterprise.name}："),
                  self.p("经现场检查，你单位存在以下环境问题，请按要求限期整改："), Spacer(1, 2 * mm),
                  self.findings_table(n.findings), Spacer(1, 3 * mm), self.p(CLOSING), Spacer(1, 4 * mm),
                  KeepTogether([self.signatures(n.signatures), Spacer(1, 4 * mm), self.recheck_block()])]  # fmt: skip
        if n.photos:
            heading = self.p("现场照片", "h2")
            heading.keepWithNext = True
            story += [heading, photo_grid(n.photos, self.guard, WIDTH)]
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
