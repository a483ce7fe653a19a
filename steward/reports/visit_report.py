"""巡查报告： the steward's report of one visit — every item, the new findings, the re-checks, photos, summary."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from steward.domain.documents import RenderResult, VisitReport
from steward.reports.base import MARGIN, Document, column_widths, heading
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
            self.p(r.heading or r.letterhead.title, "title"),
            self.p(f"{r.visit_kind} · {r.visit_time}", "subtitle"),
            self.enterprise_table(r.enterprise, [("检查时间", r.visit_time), ("检查人员", r.steward)]),
            heading(self, "一、检查结果汇总"),
        ]
        story += [self.p(line) for line in r.summary]
        story.append(heading(self, "二、检查项目"))
        rows: list[list[object]] = [[self.p(h, "head") for h in ("编号", "类别", "检查内容", "结果", "备注")]]
        marks = []
        for i, item in enumerate(r.items, start=1):
            rows.append(
                [
                    self.p(item.code, "cell"),
                    self.p(item.category, "cell"),
                    self.p(item.text, "cell"),
                    self.p(item.result, "cell"),
                    self.p(item.note, "cell"),
                ]
            )
            if item.result == "不合格":
                marks.append(("BACKGROUND", (3, i), (3, i), colors.HexColor("#fde7e7")))
        head = ("编号", "类别", "检查内容", "结果", "备注")
        story.append(
            self.table(rows, column_widths(head, [0, 8, 50, 0, 22], WIDTH, ["", "", "", "不合格"]), extra=marks)
        )
        story.append(heading(self, "三、本次发现的问题"))
        if r.new_findings:
            story.append(self.findings_table(r.new_findings))
        else:
            story.append(self.p("本次检查未发现问题。"))
        story.append(heading(self, "四、以往问题复查情况"))
        if r.rechecks:
            head = ("问题", "发现日期", "整改期限", "复查结论", "逾期天数", "复查意见")
            rows = [[self.p(h, "head") for h in head]]
            for line in r.rechecks:
                overdue = str(line.overdue_days) if line.overdue_days else ""
                rows.append(
                    [
                        self.p(line.description, "cell"),
                        self.p(line.found_on, "cell"),
                        self.p(line.deadline, "cell"),
                        self.p(line.outcome, "cell"),
                        self.p(overdue, "cell"),
                        self.p(line.note, "cell"),
                    ]
                )
            story.append(
                self.table(rows, column_widths(head, [40, 0, 0, 0, 0, 20], WIDTH, ["", "2026-12-31", "2026-12-31"]))
            )
        else:
            story.append(self.p("没有需要复查的以往问题。"))
        if r.photos:
            story += [heading(self, "五、现场照片"), photo_grid(r.photos, self.guard, WIDTH)]
        story += [
            Spacer(1, 6 * mm),
            KeepTogether(
                [self.p(f"以上情况截至 {r.as_of}。", "small"), Spacer(1, 2 * mm), self.signature_block(r.signatures)]
            ),
        ]
        return RenderResult(self.build(story), self.guard.warnings())


def render_visit_report(report: VisitReport) -> RenderResult:
    return VisitReportDocument(report).render()
