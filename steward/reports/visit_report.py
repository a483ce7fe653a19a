"""巡查报告： the steward's report of one visit — every item, the new findings, the re-checks, photos, summary.
Printed in the report's language (Chinese, or English on request); the data says which."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from steward.domain.documents import NOT_COMPLIANT_LABELS, RenderResult, VisitReport
from steward.reports.base import MARGIN, Document, column_widths, heading
from steward.reports.photos import photo_grid
from steward.reports.wording import columns

WIDTH = A4[0] - 2 * MARGIN
RED = colors.HexColor("#b3261e")


class VisitReportDocument(Document):
    def __init__(self, report: VisitReport) -> None:
        super().__init__(report.letterhead, "", report.language)
        self.subject = self.w["visit_subject"]
        self.report = report

    def render(self) -> RenderResult:
        r, w = self.report, self.w
        story: list[Flowable] = [
            self.p(r.heading or r.letterhead.title, "title"),
            self.p(f"{r.visit_kind} · {r.visit_time}", "subtitle"),
            self.enterprise_table(r.enterprise, [(w["visit_time"], r.visit_time), (w["steward"], r.steward)]),
            heading(self, w["summary"]),
        ]
        story += [self.p(line) for line in r.summary]
        story.append(heading(self, w["items"]))
        head = columns(self.language, "items_head")
        rows: list[list[object]] = [[self.p(h, "head") for h in head]]
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
            if item.result in NOT_COMPLIANT_LABELS:
                marks.append(("BACKGROUND", (3, i), (3, i), colors.HexColor("#fde7e7")))
        widest_result = max((item.result for item in r.items), key=len, default="")
        story.append(
            self.table(rows, column_widths(head, [0, 8, 50, 0, 22], WIDTH, ["", "", "", widest_result]), extra=marks)
        )
        story.append(heading(self, w["new_findings"]))
        if r.new_findings:
            story.append(self.findings_table(r.new_findings))
        else:
            story.append(self.p(w["no_findings"]))
        story.append(heading(self, w["rechecks"]))
        if r.rechecks:
            head = columns(self.language, "rechecks_head")
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
            story.append(self.p(w["no_rechecks"]))
        if r.photos:
            story += [heading(self, w["photos"]), photo_grid(r.photos, self.guard, WIDTH, language=self.language)]
        story += [
            Spacer(1, 6 * mm),
            KeepTogether(
                [
                    self.p(w["as_of"].format(as_of=r.as_of), "small"),
                    Spacer(1, 2 * mm),
                    self.signature_block(r.signatures),
                ]
            ),
        ]
        return RenderResult(self.build(story), self.guard.warnings())


def render_visit_report(report: VisitReport) -> RenderResult:
    return VisitReportDocument(report).render()
