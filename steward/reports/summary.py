"""Period summary for the insurer: per enterprise and in total, with charts drawn by reportlab."""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import STATE_DEFAULTS, Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer

from steward.domain.documents import PeriodColours, PeriodSummary, RenderResult, SummaryRow
from steward.domain.findings import percent
from steward.reports.base import SHADE, Document, column_widths, heading
from steward.reports.fonts import FONT

# Charts start from reportlab's graphics defaults (Helvetica, never embedded): make ours the default. Here, where the
# charts are: the visit's documents never load reportlab.graphics.
STATE_DEFAULTS["fontName"] = FONT

BLUE, GREEN, RED, AMBER, GREY = (colors.HexColor(c) for c in ("#37474f", "#2e7d32", "#b3261e", "#f9a825", "#90a4ae"))
# A light fill behind each colour's name: the word says it in a black-and-white print, the fill on screen.
_CHIP = {"红码": colors.HexColor("#f4c7c3"), "黄码": colors.HexColor("#fff0b3"), "绿码": colors.HexColor("#c8e6c9")}


class SummaryDocument(Document):
    def __init__(self, summary: PeriodSummary) -> None:
        super().__init__(summary.letterhead, "服务情况汇总")
        self.summary = summary

    def _bars(
        self,
        title: str,
        labels: list[str],
        series: list[list[int]],
        names: list[str],
        fills: list[colors.Color],
        width: float,
        height: float = 62 * mm,
    ) -> Drawing:
        """A bar chart whose every label stays inside its drawing: long category names, set at an angle, used to hang
        below it over what follows and left into the page's margin; the plot moves up and right to make room."""
        drawing = self._bars_at(title, labels, series, names, fills, width, height, 0, 0)
        left, bottom, _right, _top = drawing.getBounds()
        if left >= 0 and bottom >= 0:
            return drawing
        below, beside = max(0.0, -bottom) + 2, max(0.0, -left) + 2
        return self._bars_at(title, labels, series, names, fills, width, height + below, below, beside)

    def _bars_at(
        self,
        title: str,
        labels: list[str],
        series: list[list[int]],
        names: list[str],
        fills: list[colors.Color],
        width: float,
        height: float,
        below: float,
        beside: float,
    ) -> Drawing:
        drawing = Drawing(width, height)
        drawing.add(String(0, height - 10, self.guard.plain(title), fontName=FONT, fontSize=10))
        chart = VerticalBarChart()
        chart.x, chart.y = 28 + beside, 28 + below
        chart.width, chart.height = width - 40 - beside, height - 62 - below
        chart.data = series or [[0]]
        chart.categoryAxis.categoryNames = [self.guard.plain(label) for label in labels] or [""]
        chart.categoryAxis.labels.fontName = FONT
        chart.categoryAxis.labels.fontSize = 7
        chart.categoryAxis.labels.angle = 30 if len(labels) > 6 else 0
        chart.categoryAxis.labels.boxAnchor = "ne" if len(labels) > 6 else "n"
        chart.valueAxis.labels.fontName = FONT
        chart.valueAxis.labels.fontSize = 7
        chart.valueAxis.valueMin = 0
        chart.barLabelFormat = "%d"  # the number on each bar: the same figure as in the text
        chart.barLabels.fontName = FONT
        chart.barLabels.fontSize = 6
        chart.barLabels.nudge = 5
        for i, fill in enumerate(fills):
            chart.bars[i].fillColor = fill
            chart.bars[i].strokeColor = None
        drawing.add(chart)
        if len(names) > 1:
            legend = Legend()
            legend.fontName, legend.fontSize = FONT, 7
            legend.alignment = "right"
            legend.columnMaximum = 1
            legend.deltax = 8 + max(stringWidth(self.guard.plain(n), FONT, 7) for n in names)
            legend.x = width - len(names) * (legend.deltax + legend.dx + 6) - 4  # inside the drawing, never the margin
            legend.y = height - 18
            legend.colorNamePairs = list(zip(fills, [self.guard.plain(n) for n in names], strict=True))
            drawing.add(legend)
        return drawing

    def render(self) -> RenderResult:
        sm = self.summary
        t = sm.total
        story: list[Flowable] = [
            self.p(sm.letterhead.title, "title"),
            self.p(f"统计期间：{sm.period}（各项数字截至 {sm.as_of}）", "subtitle"),
            self.p(
                f"本期共完成巡查 {t.visits} 次，发现问题 {t.found} 个（重大 {t.major}、较重 {t.serious}、一般 {t.general}）。"
                f"对本期发现的问题，截至 {sm.as_of}：已整改 {t.rectified} 个，已豁免 {t.waived} 个，"
                f"尚待整改 {t.open} 个（其中逾期 {t.overdue} 个）；{t.rectified} + {t.waived} + {t.open} = {t.found}。"
                f"整改率 {t.rate}（已整改 ÷ 发现问题）。"
            ),
            self.p(
                "说明：仅统计已完成的巡查；“发现”按发现日期计入本期，“已整改”“已豁免”“待整改”“逾期”"
                f"均为这些问题截至 {sm.as_of} 的状态（逾期：未整改且已过整改期限）。整改率保留一位小数，四舍五入。",
                "small",
            ),
            Spacer(1, 3 * mm),
        ]
        half = self.width / 2
        severity = self._bars(
            "问题等级（本期发现）", ["重大", "较重", "一般"], [[t.major, t.serious, t.general]], ["问题数"], [RED], half
        )
        status = self._bars(
            f"截至 {sm.as_of} 的整改情况",
            ["已整改", "已豁免", "待整改", "其中逾期"],
            [[t.rectified, t.waived, t.open, t.overdue]],
            ["问题数"],
            [GREEN],
            half,
        )
        story.append(
            self.table(
                [[severity, status]], [half, half], header_rows=0, extra=[("GRID", (0, 0), (-1, -1), 0, colors.white)]
            )
        )
        if sm.by_month:
            months = [m for m, _, _ in sm.by_month]
            story.append(
                self._bars(
                    f"按月：本期发现的问题，及其中截至 {sm.as_of} 已整改者（按整改月份）",
                    months,
                    [[f for _, f, _ in sm.by_month], [r for _, _, r in sm.by_month]],
                    ["发现", "已整改"],
                    [AMBER, GREEN],
                    self.width,
                )
            )
        if sm.by_category:
            story.append(
                self._bars(
                    "本期发现的问题按检查类别",
                    [c for c, _ in sm.by_category],
                    [[n for _, n in sm.by_category]],
                    ["问题数"],
                    [BLUE],
                    self.width,
                )
            )
        story.append(heading(self, "各企业情况"))
        head = ("企业", "巡查次数", "重大", "较重", "一般", "发现", "已整改", "已豁免", "待整改", "逾期", "整改率")
        rows: list[list[object]] = [[self.p(h, "head") for h in head]]
        for row in (*sm.rows, t):
            rows.append(self._row(row))
        extra = [("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), SHADE)]
        widths = column_widths(head, [1, *[0] * 10], self.width, ["", "", "", "", "", "", "", "", "", "", "100.0%"])
        story.append(self.table(rows, widths, extra=extra))
        if sm.colours is not None:
            story.extend(self._colours(sm.colours, sm.as_of))
        return RenderResult(self.build(story), self.guard.warnings())

    def _colours(self, pc: PeriodColours, as_of: str) -> list[Flowable]:
        """The park's colours at the period's end and each change within it (from, to, why), as of the end."""
        story: list[Flowable] = [heading(self, "三色码评级")]
        if pc.problem:
            return [*story, self.p(f"三色码无法计算：{pc.problem}")]
        total = sum(n for _, n in pc.counts)
        said = "，".join(f"{name} {n} 家" for name, n in pc.counts)
        story.append(self.p(f"截至 {as_of}：{said}，共 {total} 家（评级规则：{pc.rules}）。"))
        head: tuple[str, ...] = ("三色码", "企业数", "占比")
        rows: list[list[object]] = [[self.p(h, "head") for h in head]]
        fills = []
        for i, (name, n) in enumerate(pc.counts, start=1):
            rows.append([self.p(name, "cell"), self.p(str(n), "cell"), self.p(percent(n, total), "cell")])
            fills.append(("BACKGROUND", (0, i), (0, i), _CHIP[name]))
        widths = column_widths(head, [0, 0, 0], self.width / 2, ["红码", "500", "100.0%"])
        story.append(self.table(rows, widths, extra=fills))
        story.append(Spacer(1, 2 * mm))
        if not pc.changes:
            story.append(self.p("本期没有企业的三色码发生变化。"))
            return story
        story.append(self.p(f"本期三色码变化 {len(pc.changes)} 次（按企业，原因为变化后颜色的评级依据）：", "body"))
        head = ("企业", "日期", "变化", "原因")
        rows = [[self.p(h, "head") for h in head]]
        for c in pc.changes:
            change = f"{c.was} → {c.now}" if c.was else c.now
            rows.append(
                [self.p(c.name, "cell"), self.p(c.on, "cell"), self.p(change, "cell"), self.p("；".join(c.why), "cell")]
            )
        widths = column_widths(
            head, [0, 0, 0, 1], self.width, ["仙居县东方工艺品有限公司", "2026-12-31", "黄码 → 红码", ""]
        )
        story.append(self.table(rows, widths))
        return story

    def _row(self, r: SummaryRow) -> list[object]:
        values = (
            r.name,
            r.visits,
            r.major,
            r.serious,
            r.general,
            r.found,
            r.rectified,
            r.waived,
            r.open,
            r.overdue,
            r.rate,
        )
        return [self.p(str(v), "cell") for v in values]


def render_summary(summary: PeriodSummary) -> RenderResult:
    return SummaryDocument(summary).render()
