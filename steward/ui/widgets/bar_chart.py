"""A bar chart (QtCharts) whose bars are buttons: clicking one says which series and which category it was, so that
the screen can open what the bar counts. Fonts follow the application's (larger in the high-contrast theme)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QMargins, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QApplication, QWidget

MAX_LABEL = 10  # characters of a category shown under its bar; the tooltip and the list it opens say it whole


@dataclass(frozen=True)
class Series:
    name: str
    colour: QColor
    values: Sequence[int]


def short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def unique(labels: list[str]) -> list[str]:
    """An axis takes each category once: labels shortened alike are told apart by trailing spaces, unseen."""
    seen: set[str] = set()
    out = []
    for text in labels:
        while text in seen:
            text += " "
        seen.add(text)
        out.append(text)
    return out


class BarChart(QChartView):
    bar_clicked = Signal(int, int)  # series index, category index

    def __init__(
        self, title: str, horizontal: bool = False, stacked: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.horizontal = horizontal
        self.stacked = stacked
        self.chart_ = QChart()
        self.chart_.setTitle(title)
        self.chart_.setMargins(QMargins(4, 4, 4, 4))
        self.chart_.layout().setContentsMargins(0, 0, 0, 0)
        self.chart_.setBackgroundRoundness(0)
        self.chart_.setAnimationOptions(QChart.AnimationOption.NoAnimation)  # figures appear at once, not grow
        self.setChart(self.chart_)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(200)
        self.series: QAbstractBarSeries | None = None
        self.sets: list[QBarSet] = []
        self.categories: list[str] = []
        self._apply_fonts()

    def _make_series(self) -> QAbstractBarSeries:
        if self.horizontal:
            return QHorizontalStackedBarSeries() if self.stacked else QHorizontalBarSeries()
        return QStackedBarSeries() if self.stacked else QBarSeries()

    def set_bars(self, categories: Sequence[str], series: Sequence[Series]) -> None:
        """Replace what the chart shows: one bar per category in each series (a stacked chart stacks the series)."""
        if self._update_in_place(categories, series):
            return
        chart = self.chart_
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        self.categories = list(categories)
        bars = self._make_series()
        self.sets = []
        for index, s in enumerate(series):
            bar_set = QBarSet(s.name)
            bar_set.append([float(v) for v in s.values])
            bar_set.setColor(s.colour)
            bar_set.setBorderColor(s.colour)
            bar_set.setLabelColor(QColor("#ffffff") if self.stacked else QColor("#000000"))
            bar_set.clicked.connect(self._clicked(index))
            bars.append(bar_set)
            self.sets.append(bar_set)
        bars.setLabelsVisible(True)  # the number on each bar: the same figure as the list it opens
        bars.setLabelsFormat("@value")
        bars.setLabelsPosition(
            QAbstractBarSeries.LabelsPosition.LabelsCenter
            if self.stacked
            else QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd
        )
        chart.addSeries(bars)
        self.series = bars
        names = QBarCategoryAxis()
        names.append(unique([short(c) for c in categories]) or [""])
        values = QValueAxis()
        values.setLabelFormat("%d")
        self._scale(values, categories, series)
        names.setTruncateLabels(False)  # short() keeps them short; Qt's own "…" left nothing readable
        chart.addAxis(names, Qt.AlignmentFlag.AlignLeft if self.horizontal else Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom if self.horizontal else Qt.AlignmentFlag.AlignLeft)
        bars.attachAxis(names)
        bars.attachAxis(values)
        chart.legend().setVisible(len(series) > 1)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        self.setToolTip("\n".join(categories))
        self._apply_fonts()

    def _scale(self, values: QValueAxis, categories: Sequence[str], series: Sequence[Series]) -> None:
        totals = [
            sum(s.values[i] for s in series) if self.stacked else max((s.values[i] for s in series), default=0)
            for i in range(len(categories))
        ]
        top = max(totals, default=0)
        values.setRange(0, max(4, top * 1.15))  # room above the tallest bar for its number
        values.applyNiceNumbers()  # ticks at round numbers

    def _update_in_place(self, categories: Sequence[str], series: Sequence[Series]) -> bool:
        """New figures for the bars already drawn (the same series, as many categories): their values and labels
        changed where they stand. Building the series and axes again and laying the chart out anew cost most of
        the dashboard's painting."""
        names = [a for a in self.chart_.axes() if isinstance(a, QBarCategoryAxis)]
        values = [a for a in self.chart_.axes() if isinstance(a, QValueAxis)]
        same = (
            self.series is not None
            and len(names) == 1
            and len(values) == 1
            and len(categories) == len(self.categories) > 0
            and [b.label() for b in self.sets] == [s.name for s in series]
            and [b.color() for b in self.sets] == [s.colour for s in series]
        )
        if not same:
            return False
        labels = unique([short(c) for c in categories])
        if names[0].categories() != labels:
            names[0].setCategories(labels)
        for bar_set, s in zip(self.sets, series, strict=True):
            for i, v in enumerate(s.values):
                if bar_set.at(i) != float(v):
                    bar_set.replace(i, float(v))
        self._scale(values[0], categories, series)
        self.categories = list(categories)
        self.setToolTip("\n".join(categories))
        return True

    def _clicked(self, series_index: int) -> Callable[[int], None]:
        def clicked(category_index: int) -> None:
            self.bar_clicked.emit(series_index, category_index)

        return clicked

    def value(self, series_index: int, category_index: int) -> int:
        return int(self.sets[series_index].at(category_index))

    def bar_centre(self, series_index: int, category_index: int) -> QPointF:
        """Where a bar's middle lies in the view's coordinates (a click there opens it)."""
        assert self.series is not None
        below = sum(self.value(i, category_index) for i in range(series_index)) if self.stacked else 0
        middle = below + self.value(series_index, category_index) / 2
        position = float(category_index)
        if not self.stacked and len(self.sets) > 1:  # side by side bars share their category's width
            width = self.series.barWidth() / len(self.sets)
            position += (series_index - (len(self.sets) - 1) / 2) * width
        point = QPointF(middle, position) if self.horizontal else QPointF(position, middle)
        scene = self.chart_.mapToScene(self.chart_.mapToPosition(point, self.series))
        return QPointF(self.mapFromScene(scene))

    def _apply_fonts(self) -> None:
        base = QFont(QApplication.font())
        title = QFont(base)
        title.setBold(True)
        self.chart_.setTitleFont(title)
        self.chart_.setTitleBrush(QColor("#000000"))  # Qt's light theme draws it grey: too faint in the sun
        small = QFont(base)
        small.setPointSize(max(8, base.pointSize() - 2))
        self.chart_.legend().setFont(small)
        for axis in self.chart_.axes():
            axis.setLabelsFont(small)
            axis.setLabelsColor(QColor("#000000"))
        for bar_set in self.sets:
            bar_set.setLabelFont(small)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._apply_fonts()  # the theme changed the application's font
        super().changeEvent(event)
