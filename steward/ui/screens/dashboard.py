"""看板: the insurer's figures for a chosen period and group, as the period summary PDF defines them, with charts
whose bars open the findings they count. Counting runs on the pool; the colour chart (a rating per enterprise per
month end) in a task of its own, so the figures never wait for it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from steward.domain import clock
from steward.domain.errors import StewardError
from steward.domain.labels import Severity
from steward.domain.rating import Colour
from steward.services import dashboard, ratings
from steward.services.dashboard import Bar, Dashboard, Group, GroupKind, PeriodKind
from steward.services.documents import PeriodFinding
from steward.storage.profile import Profile
from steward.ui import language
from steward.ui.background import Background
from steward.ui.labels import label
from steward.ui.theme import chosen_day, touch_calendar
from steward.ui.widgets.bar_chart import BarChart, Series

AMBER, GREEN, RED, BLUE, YELLOW = (QColor(c) for c in ("#f9a825", "#2e7d32", "#b3261e", "#37474f", "#f2c200"))
SEVERITY_COLOURS = {Severity.MAJOR: RED, Severity.SERIOUS: QColor("#e65100"), Severity.GENERAL: QColor("#546e7a")}
COLOUR_BARS = ((Colour.RED, RED), (Colour.YELLOW, YELLOW), (Colour.GREEN, GREEN))
COLOUR_CACHE = 8  # figures and colour charts kept (periods and groups looked at)
PAINT_WAIT_MS = 500  # the colour chart is started at the latest this long after the figures arrive
TOP_CATEGORIES = 7  # more would not be legible in the chart: the rest are one bar of their own


class _PaintWatcher(QObject):
    """Says when the widget it watches has been painted."""

    def __init__(self, painted: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self.painted = painted

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.painted()
        return False


class DashboardScreen(QWidget):
    open_finding = Signal(str)

    def __init__(self, profile: Profile, background: Background, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.background = background
        self.data: Dashboard | None = None
        self.colours: tuple[tuple[date, dict[Colour, int]], ...] = ()
        # What the tiles and charts were last drawn from: the same figures again (kept, nothing changed) are not
        # laid out and drawn again, which was most of the GUI thread's time when the dashboard is opened again.
        self._drawn: object = None
        self._drawn_colours: object = None
        self._request = 0  # answers to an earlier request (the period changed meanwhile) are dropped
        self._bars: dict[BarChart, list[list[Bar]]] = {}
        self.dialog: QWidget | None = None
        # Figures counted and colour charts made, by period, group and version of what they read (filled on the
        # pool's threads): opened again with nothing changed, the dashboard shows them without counting again.
        self._figures_cache: dict[tuple[object, ...], tuple[Dashboard, list[Group]]] = {}
        self._colour_cache: dict[tuple[object, ...], tuple[tuple[date, dict[Colour, int]], ...]] = {}

        self.period = QComboBox()
        for kind, name in (
            (PeriodKind.THIS_MONTH, self.tr("本月")),
            (PeriodKind.LAST_MONTH, self.tr("上月")),
            (PeriodKind.THIS_QUARTER, self.tr("本季度")),
            (PeriodKind.THIS_YEAR, self.tr("本年")),
            (PeriodKind.CUSTOM, self.tr("自定义")),
        ):
            self.period.addItem(name, kind.value)
        today = clock.today()
        self.start = touch_calendar(QDateEdit(QDate(today.replace(day=1))))
        self.end = touch_calendar(QDateEdit(QDate(today)))
        self.to_label = QLabel(self.tr("至"))
        for edit in (self.start, self.end):
            edit.setDisplayFormat("yyyy-MM-dd")
        self.group = QComboBox()
        self.group.setMinimumContentsLength(12)
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.as_of = QLabel()
        self.as_of.setWordWrap(True)

        controls = QHBoxLayout()
        controls.addWidget(QLabel(self.tr("期间")))
        controls.addWidget(self.period)
        for widget in (self.start, self.to_label, self.end):
            controls.addWidget(widget)
        controls.addWidget(QLabel(self.tr("范围")))
        controls.addWidget(self.group)
        controls.addWidget(self.refresh_button)
        controls.addWidget(self.as_of, 1)

        from steward.ui.widgets.figure_tile import FigureTile

        self.tile_found = FigureTile(self.tr("发现问题"))
        self.tile_rectified = FigureTile(self.tr("已整改"))
        self.tile_rate = FigureTile(self.tr("整改率"))
        self.tile_open = FigureTile(self.tr("待整改"))
        self.tile_overdue = FigureTile(self.tr("逾期"))
        tiles = QHBoxLayout()
        for tile in (self.tile_found, self.tile_rectified, self.tile_rate, self.tile_open, self.tile_overdue):
            tiles.addWidget(tile, 1)

        self.by_month = BarChart(self.tr("按月:本期发现的问题,及其中已整改者(按整改月份)"))
        self.by_severity = BarChart(self.tr("问题等级"))
        self.by_category = BarChart(self.tr("按检查类别"), horizontal=True)
        self.ageing = BarChart(self.tr("逾期账龄(逾期天数)"))
        self.by_colour = BarChart(self.tr("三色码企业数(月末)"), stacked=True)
        charts = QWidget()
        grid = QGridLayout(charts)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.by_month, 0, 0, 1, 2)
        grid.addWidget(self.by_severity, 0, 2)
        grid.addWidget(self.by_category, 1, 0)
        grid.addWidget(self.ageing, 1, 1)
        grid.addWidget(self.by_colour, 1, 2)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(charts)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addLayout(tiles)
        layout.addWidget(scroll, 1)

        for chart in (self.by_month, self.by_severity, self.by_category, self.ageing):
            chart.bar_clicked.connect(self._opener(chart))
        self.by_colour.bar_clicked.connect(self._open_colour)
        self.period.currentIndexChanged.connect(self._period_chosen)
        self.start.dateChanged.connect(self._custom_changed)
        self.end.dateChanged.connect(self._custom_changed)
        self.group.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh_button.clicked.connect(lambda: self.refresh(force=True))
        self._show_custom(False)

    # -- choosing -------------------------------------------------------------------------------------------------
    def _show_custom(self, on: bool) -> None:
        for widget in (self.start, self.to_label, self.end):
            widget.setVisible(on)

    def chosen_period(self) -> tuple[date, date]:
        kind = PeriodKind(self.period.currentData())
        if kind is PeriodKind.CUSTOM:
            return chosen_day(self.start.date()), chosen_day(self.end.date())
        return dashboard.period_of(kind)

    def chosen_group(self) -> Group:
        value = self.group.currentData()
        return value if isinstance(value, Group) else Group()

    def _period_chosen(self, _index: int) -> None:
        custom = PeriodKind(self.period.currentData()) is PeriodKind.CUSTOM
        self._show_custom(custom)
        if custom:
            return  # the dates shown are the period until they are changed
        first, last = self.chosen_period()
        for edit, day in ((self.start, first), (self.end, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day))
            edit.blockSignals(False)
        self.refresh()

    def _custom_changed(self, _day: QDate) -> None:
        if PeriodKind(self.period.currentData()) is PeriodKind.CUSTOM:
            self.refresh()

    def set_period(self, kind: PeriodKind, start: date | None = None, end: date | None = None) -> None:
        """Choose a period as a person would (the custom one with its dates)."""
        if kind is PeriodKind.CUSTOM and start and end:
            self.period.blockSignals(True)
            self.period.setCurrentIndex(self.period.findData(kind.value))
            self.period.blockSignals(False)
            self._show_custom(True)
            for edit, day in ((self.start, start), (self.end, end)):
                edit.blockSignals(True)
                edit.setDate(QDate(day))
                edit.blockSignals(False)
            self.refresh()
        else:
            self.period.setCurrentIndex(self.period.findData(kind.value))

    def _group_name(self, group: Group) -> str:
        if group.kind is GroupKind.STEWARD:
            return self.tr("环保管家:{name}").format(name=group.value)
        if group.kind is GroupKind.INDUSTRY:
            return self.tr("行业:{name}").format(name=group.value or self.tr("未填"))
        if group.kind is GroupKind.PARK:
            return self.tr("园区:{name}").format(name=group.value) if group.value else self.tr("园区外企业")
        if group.kind is GroupKind.TOWN:
            return self.tr("乡镇:{name}").format(name=group.value)
        return self.tr("全部企业")

    def set_groups(self, groups: list[Group]) -> None:
        """The groups offered, as counted with the figures; the chosen one stays chosen while it exists."""
        if [self.group.itemData(i) for i in range(self.group.count())] == groups:
            return
        chosen = self.chosen_group()
        self.group.blockSignals(True)
        self.group.clear()
        for group in groups:
            self.group.addItem(self._group_name(group), group)
        self.group.setCurrentIndex(max(0, self.group.findData(chosen)))
        self.group.blockSignals(False)

    # -- counting -------------------------------------------------------------------------------------------------
    def refresh(self, force: bool = False) -> None:
        """Count the chosen period and group on the pool; the figures show when counted, and then the colour chart is
        made (or taken from the last ones made while nothing it reads has changed, unless forced: 刷新)."""
        first, last = self.chosen_period()
        group = self.chosen_group()
        self._request += 1
        request = self._request
        self.data, self.colours = None, ()  # bars still drawn open nothing until they are counted again
        self.as_of.setText(self.tr("正在统计 {first} 至 {last}…").format(first=first, last=last))
        self.by_colour.chart_.setTitle(self.tr("三色码企业数(月末)") + " " + self.tr("正在计算…"))
        profile = self.profile

        figures = self._figures_cache

        def count(_progress: object) -> tuple[Dashboard, list[Group]]:
            with profile.reader() as reader:  # its own connection, off the GUI thread
                key = (first, last, group, dashboard.data_version(reader))
                if not force and key in figures:
                    return figures[key]
                made = dashboard.compute(reader, first, last, group, with_colours=False), dashboard.groups(reader)
                if len(figures) >= COLOUR_CACHE:
                    figures.pop(next(iter(figures)))
                figures[key] = made
                return made

        cache = self._colour_cache

        def rate(_progress: object) -> tuple[tuple[date, dict[Colour, int]], ...]:
            with profile.reader() as reader:
                key = (first, last, group, dashboard.data_version(reader))
                if not force and key in cache:
                    return cache[key]
                ids = dashboard.group_enterprise_ids(reader, group)
                start = dashboard.colour_start(first, last)
                made = tuple(ratings.monthly_distribution(reader, start, last, ids))
                if len(cache) >= COLOUR_CACHE:
                    cache.pop(next(iter(cache)))
                cache[key] = made
                return made

        def colours_next() -> None:
            # Rated after the figures are shown, not beside them: both are Python on one interpreter lock, and
            # rating the park at twelve month ends beside the counting made the figures wait seconds for it.
            self.background.run(rate, self._when(request, self.show_colours), self._failed, owner=self)

        def counted(result: object) -> None:
            drawn = self._drawn
            self._counted(result)
            if self._drawn is drawn or not self.by_month.isVisible():
                colours_next()  # nothing new to paint
            else:
                self._after_paint(colours_next)

        def not_counted(error: StewardError) -> None:
            self._failed(error)
            if request == self._request:
                colours_next()

        self.background.run(count, self._when(request, counted), not_counted, owner=self)

    def _after_paint(self, then: Callable[[], None]) -> None:
        """Call `then` once the charts have been painted with the new figures (or after PAINT_WAIT_MS, if they are not
        painted meanwhile): the colour chart's rating is Python on the same interpreter lock as the painting, and
        started at once it made the figures wait for it."""
        chart = self.by_month.viewport()
        done = False

        def once() -> None:
            nonlocal done
            if not done:
                done = True
                chart.removeEventFilter(watcher)
                watcher.deleteLater()
                then()

        watcher = _PaintWatcher(lambda: QTimer.singleShot(0, once), self)
        chart.installEventFilter(watcher)
        QTimer.singleShot(PAINT_WAIT_MS, once)

    def _when(self, request: int, show: Callable[[object], None]) -> Callable[[object], None]:
        def shown(result: object) -> None:
            if request == self._request:
                show(result)

        return shown

    def _failed(self, error: StewardError) -> None:
        self.as_of.setText(language.said(error))

    # -- showing --------------------------------------------------------------------------------------------------
    def _counted(self, result: object) -> None:
        assert isinstance(result, tuple)
        data, groups = result
        self.set_groups(groups)
        self.show_dashboard(data)

    def show_dashboard(self, data: object) -> None:
        assert isinstance(data, Dashboard)
        self.data = data
        d = data
        self.as_of.setText(
            self.tr("统计期间 {first} 至 {last},{group};各项数字截至 {as_of}。").format(
                first=d.first, last=d.last, group=self._group_name(d.group), as_of=d.as_of
            )
        )
        if d is self._drawn:
            return
        self._drawn = d
        self.tile_found.show_figure(str(d.found), self.tr("本期完成的巡查发现的问题(按发现日期计入)"))
        self.tile_rectified.show_figure(str(d.rectified), self.tr("其中截至 {as_of} 已整改").format(as_of=d.as_of))
        self.tile_rate.show_figure(d.rate, self.tr("已整改 ÷ 发现问题,保留一位小数"))
        self.tile_open.show_figure(
            str(d.open),
            self.tr("截至 {as_of} 尚待整改(另有已豁免 {waived} 个)").format(as_of=d.as_of, waived=d.waived),
        )
        self.tile_overdue.show_figure(
            str(d.overdue), self.tr("截至 {as_of} 未整改且已过整改期限").format(as_of=d.as_of)
        )
        keys = [b.key for b in d.found_by_month]
        months = keys if len(keys) <= 6 else self._months(keys)
        self._chart(
            self.by_month,
            months,
            [(self.tr("发现"), AMBER, list(d.found_by_month)), (self.tr("已整改"), GREEN, list(d.rectified_by_month))],
        )
        self._chart(
            self.by_severity,
            [label(Severity(b.key)) for b in d.by_severity],
            [(self.tr("问题数"), RED, list(d.by_severity))],
        )
        categories = list(d.by_category[:TOP_CATEGORIES])
        rest = d.by_category[TOP_CATEGORIES:]
        if rest:
            categories.append(dashboard.gathered(self.tr("其余 {n} 类").format(n=len(rest)), rest))
        categories.reverse()  # the largest at the top of a horizontal chart
        self._chart(self.by_category, [b.key for b in categories], [(self.tr("问题数"), BLUE, categories)])
        ageing_names = {
            "0-7": self.tr("0–7天"),
            "8-30": self.tr("8–30天"),
            "31-90": self.tr("31–90天"),
            ">90": self.tr("90天以上"),
        }
        self._chart(self.ageing, [ageing_names[b.key] for b in d.ageing], [(self.tr("逾期问题"), RED, list(d.ageing))])
        title = self.tr("逾期账龄(逾期天数)")
        self.ageing.chart_.setTitle(title if d.overdue else title + " " + self.tr("— 无逾期问题"))

    @staticmethod
    def _months(keys: list[str]) -> list[str]:
        """Months on a crowded axis: a year or less by short name in the interface's language (Jan, 1月), more by
        yy-mm (a name would repeat)."""
        if len(keys) > 12:
            return [key[2:] for key in keys]
        english = language.current() == language.ENGLISH
        locale = QLocale(QLocale.Language.English if english else QLocale.Language.Chinese)
        return [locale.monthName(int(key[5:7]), QLocale.FormatType.ShortFormat) for key in keys]

    def _chart(self, chart: BarChart, names: list[str], series: list[tuple[str, QColor, list[Bar]]]) -> None:
        self._bars[chart] = [bars for _, _, bars in series]
        chart.set_bars(names, [Series(name, colour, [b.count for b in bars]) for name, colour, bars in series])

    def show_colours(self, colours: object) -> None:
        assert isinstance(colours, tuple)
        self.colours = colours
        names = {Colour.RED: self.tr("红码"), Colour.YELLOW: self.tr("黄码"), Colour.GREEN: self.tr("绿码")}
        self.by_colour.chart_.setTitle(self.tr("三色码企业数(月末)"))
        if colours is self._drawn_colours:
            return
        self._drawn_colours = colours
        self.by_colour.set_bars(
            self._months([day.strftime("%Y-%m") for day, _ in colours]),
            [Series(names[c], q, [counts[c] for _, counts in colours]) for c, q in COLOUR_BARS],
        )

    # -- opening what a bar counts --------------------------------------------------------------------------------
    def bar(self, chart: BarChart, series: int, index: int) -> Bar:
        return self._bars[chart][series][index]

    def _opener(self, chart: BarChart) -> Callable[[int, int], None]:
        def open_bar(series: int, index: int) -> None:
            self.open_bar(chart, series, index)

        return open_bar

    def open_bar(self, chart: BarChart, series: int, index: int) -> None:
        """List the findings behind a bar: read on the pool (each as its events say it stood at the period's end)."""
        from steward.ui.widgets.bar_findings import BarFindingsDialog

        data = self.data
        if data is None:
            return
        bar = self.bar(chart, series, index)
        title = f"{chart.chart_.title()} · {chart.categories[index]}"
        if len(chart.sets) > 1:
            title += f" · {chart.sets[series].label()}"
        profile = self.profile

        def find(_progress: object) -> list[PeriodFinding]:
            with profile.reader() as reader:
                return dashboard.findings_behind(reader, data, bar)

        def show(found: list[PeriodFinding]) -> None:
            dialog = BarFindingsDialog(title, data.as_of, found, self)
            dialog.open_finding.connect(self.open_finding)
            self.dialog = dialog
            dialog.show()

        self.background.run(find, show, self._failed, owner=self)

    def _open_colour(self, series: int, index: int) -> None:
        from steward.ui.widgets.bar_findings import ColourEnterprisesDialog

        if not self.colours:
            return
        day = self.colours[index][0]
        colour = COLOUR_BARS[series][0]
        group = self.chosen_group()
        profile = self.profile
        title = f"{self.by_colour.sets[series].label()} · {day.isoformat()}"

        def find(_progress: object) -> list[ratings.EnterpriseRating]:
            with profile.reader() as reader:
                return dashboard.enterprises_of_colour(
                    reader, day, colour, dashboard.group_enterprise_ids(reader, group)
                )

        def show(rated: list[ratings.EnterpriseRating]) -> None:
            dialog = ColourEnterprisesDialog(title, rated, self)
            self.dialog = dialog
            dialog.show()

        self.background.run(find, show, self._failed, owner=self)
