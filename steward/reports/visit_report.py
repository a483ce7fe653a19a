"""巡查报告： the steward's report of one visit — every item, the new findings, the re-checks, photos, summary."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from steward.domain.documents import RenderResult, VisitReport
from steward.reports.base import MARGIN, Document
from steward.reports.photos import photo_grid

WIDTH = A4[0] - 2 * MARGIN
RED = colors.HexColor("#b3261e")


class VisitReportDocument(Document):
    def __init__(self, report: VisitReport) -> None:
        super().__init__(report.letterhead, "巡查报告")
        self.report = report

    def render(self) -> RenderResult:
        r = self.report
        story: list[Flowable] = [
            self.p(r.letterhead.title, "title"),
            self.p(f"{r.visit_kind} · {r.visit_time}", "subtitle"),
            self.enterprise_table(r.enterprise, [("检查时间", r.visit_time), ("检查人员", r.steward)]),
            self.p("一、检查结果汇总", "h2"),
        ]
        story += [self.p(line) for line in r.summary]
        story.append(self.p("二、检查项目", "h2"))
        rows: list[list[object]] = [[self.p(h, "head") for h in ("编号", "类别", "检查内容", "结果", "备注")]]
        marks = []
        for i, item in enumerate(r.items, start=1):
            rows.append([self.p(item.code, "cell"), self.p(item.category, "cell"), self.p(item.text, "cell"),
                         self.p(item.result, "cell"), self.p(item.note, "cell")])  # fmt: skip
            if item.result == "不合格":
                marks.append(("BACKGROUND", (3, i), (3, i), colors.HexColor("#fde7e7")))
        story.append(self.table(rows, [12 * mm, 22 * mm, 70 * mm, 16 * mm, WIDTH - 120 * mm], extra=marks))
        story.append(self.p("三、本次发现的问题", "h2"))
        if r.new_findings:
            story.append(self.findings_table(r.new_findings))
        else:
            story.append(self.p("本次检查未发现问题。"))
        story.append(self.p("四、以往问题复查情况", "h2"))
        if r.rechecks:
            head = ("问题", "发现日期", "整改期限", "复查结论", "逾期天数", "复查意见")
            rows = [[self.p(h, "head") for h in head]]
            for line in r.rechecks:
                overdue = str(line.overdue_days) if line.overdue_days else ""
                rows.append([self.p(line.description, "cell"), self.p(line.found_on, "cell"),
                             self.p(line.deadline, "cell"), self.p(line.outcome, "cell"), self.p(overdue, "cell"),
                             self.p(line.note, "cell")])  # fmt: skip
            story.append(self.table(rows, [52 * mm, 20 * mm, 20 * mm, 18 * mm, 16 * mm, WIDTH - 126 * mm]))
        else:
            story.append(self.p("没有需要复查的以往问题。"))
        if r.photos:
            story += [self.p("五、现场照片", "h2"), photo_grid(r.photos, self.guard, WIDTH)]
        story += [Spacer(1, 6 * mm), self.signatures(r.signatures)]
        return RenderResult(self.build(story), self.guard.warnings())


def render_visit_report(report: VisitReport) -> RenderResult:
    return VisitReportDocument(report).render()
