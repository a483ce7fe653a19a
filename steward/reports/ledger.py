"""问题台账： every finding of one enterprise over a period, with status, deadline, days to close, photos."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Spacer

from steward.domain.documents import Ledger, RenderResult
from steward.reports.base import Document, column_widths, heading
from steward.reports.fonts import FONT
from steward.reports.photos import photo_grid


class LedgerDocument(Document):
    def __init__(self, ledger: Ledger) -> None:
        super().__init__(ledger.letterhead, "问题台账")
        self.ledger = ledger

    def render(self) -> RenderResult:
        lg = self.ledger
        story: list[Flowable] = [
            self.p("问题台账", "title"),
            self.p(f"统计期间：{lg.period}", "subtitle"),
            self.enterprise_table(lg.enterprise),
            Spacer(1, 3 * mm),
            self.p(lg.totals),
            Spacer(1, 3 * mm),
        ]
        head = ("序号", "发现日期", "检查项", "位置", "问题描述", "等级", "整改期限", "状态", "完成日期", "用时（天）")
        rows: list[list[object]] = [[self.p(h, "head") for h in head]]
        marks = []
        for i, e in enumerate(lg.entries, start=1):
            status = e.status + (f"\n逾期{e.overdue_days}天" if e.overdue_days else "")
            rows.append(
                [
                    self.p(str(e.number), "cell"),
                    self.p(e.found_on, "cell"),
                    self.p(e.item_code, "cell"),
                    self.p(e.location, "cell"),
                    self.p(e.description, "cell"),
                    self.p(e.severity, "cell"),
                    self.p(e.deadline, "cell"),
                    self.p(status, "cell"),
                    self.p(e.closed_on, "cell"),
                    self.p(e.days_to_close, "cell"),
                ]
            )
            if e.overdue_days:
                marks.append(("BACKGROUND", (7, i), (7, i), colors.HexColor("#fde7e7")))
        # A status and its overdue days each stay on one line ("部分整|改" wrapped in a column sized to 状态).
        status_sample = max(("部分整改", "逾期999天"), key=lambda t: stringWidth(t, FONT, self.s["cell"].fontSize))
        widths = column_widths(
            head,
            [0, 0, 0, 10, 40, 0, 0, 0, 0, 0],
            self.width,
            ["", "2026-12-31", "", "", "", "", "2026-12-31", status_sample, "2026-12-31"],
        )
        story.append(self.table(rows, widths, extra=marks))
        with_photos = [e for e in lg.entries if e.before or e.after]
        if with_photos:
            story.append(heading(self, "整改前后照片"))
            for e in with_photos:
                pair = [*e.before[:2], *e.after[:2]]
                story.append(
                    KeepTogether(
                        [
                            self.p(
                                f"序号 {e.number}:{e.description}（整改前 {len(e.before)} 张，整改后 {len(e.after)} 张）",
                                "small",
                            ),
                            photo_grid(pair, self.guard, self.width, columns=4, cell_height=44 * mm),
                        ]
                    )
                )
        return RenderResult(self.build(story), self.guard.warnings())


def render_ledger(ledger: Ledger) -> RenderResult:
    return LedgerDocument(ledger).render()
