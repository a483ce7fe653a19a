"""看板 (issue 11): the period summary's figures one click away, for a period and a group, with bars that open exactly
the findings they count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from steward.domain import clock
from steward.domain.rating import Colour
from steward.services import dashboard, demo, documents, enterprises, findings, ratings
from steward.services.dashboard import Group, GroupKind, PeriodKind
from steward.storage.profile import Profile
from steward.ui.main_window import MainWindow
from steward.ui.screens.dashboard import DashboardScreen
from steward.ui.widgets.bar_chart import BarChart
from steward.ui.widgets.bar_findings import BarFindingsDialog, ColourEnterprisesDialog
from steward.ui.widgets.finding_history import FindingHistoryDialog
from tests.conftest import make_code
from tests.pdf_helpers import text

WAIT_MS = 60_000  # counting runs on the pool; a busy machine may take seconds


@pytest.fixture
def park_size() -> demo.DemoSize:
    return demo.DemoSize(enterprises=6, weeks=20)


def _shown(qtbot: QtBot, screen: DashboardScreen, first: date, last: date, group: Group | None = None) -> None:
    """Wait until the screen shows the figures of this period and group, and the colour chart."""

    def ready() -> bool:
        d = screen.data
        return (
            d is not None and (d.first, d.last, d.group) == (first, last, group or Group()) and bool(screen.colours)
        ) and screen.colours[-1][0] == last

    qtbot.waitUntil(ready, timeout=WAIT_MS)


def _tiles(screen: DashboardScreen) -> tuple[str, ...]:
    return tuple(
        t.number.text()
        for t in (screen.tile_found, screen.tile_rectified, screen.tile_rate, screen.tile_open, screen.tile_overdue)
    )


def _summary_figures(profile: Profile, first: date, last: date) -> tuple[str, ...]:
    t = documents.build_summary(profile, first, last).total
    return (str(t.found), str(t.rectified), t.rate, str(t.open), str(t.overdue))


def test_figures_equal_the_summary_pdf_for_the_same_period(park: Profile) -> None:
    today = clock.today()
    periods = [dashboard.period_of(kind, today) for kind in PeriodKind if kind is not PeriodKind.CUSTOM]
    periods.append((today - timedelta(days=150), today - timedelta(days=20)))
    seen_overdue = False
    for first, last in periods:
        summary = documents.build_summary(park, first, last)
        d = dashboard.compute(park, first, last)
        t = summary.total
        assert (d.found, d.rectified, d.waived, d.open, d.overdue, d.rate, d.as_of) == (
            t.found,
            t.rectified,
            t.waived,
            t.open,
            t.overdue,
            t.rate,
            summary.as_of,
        )
        by_month = {m: (f, r) for m, f, r in summary.by_month}
        for found, rectified in zip(d.found_by_month, d.rectified_by_month, strict=True):
            assert by_month.get(found.key, (0, 0)) == (found.count, rectified.count)
        assert sorted((b.key, b.count) for b in d.by_category) == sorted(summary.by_category)
        assert [b.count for b in d.by_severity] == [t.major, t.serious, t.general]
        assert sum(b.count for b in d.ageing) == t.overdue
        seen_overdue |= t.overdue > 0
    assert seen_overdue, "the demo park must have overdue findings in some period, or ageing is untested"

    # The PDF itself says the same numbers.
    first, last = periods[-1]
    d = dashboard.compute(park, first, last)
    body = text(documents.render(documents.build_summary(park, first, last)).pdf).replace(" ", "")  # lines rejoined
    said = (
        f"发现问题{d.found}个",
        f"截至{d.as_of}：已整改{d.rectified}个，已豁免{d.waived}个，尚待整改{d.open}个（其中逾期{d.overdue}个）",
        f"整改率{d.rate}",
    )
    assert all(s in body for s in said), body


def test_groups_split_the_park_without_losing_a_finding(park: Profile) -> None:
    rows = enterprises.listing(park)
    for row in rows[:2]:
        enterprises.update(park, row["id"], industry="橡塑", park="", address="浙江省台州市仙居县白塔镇工业区12号")
    with park.db.write() as conn:  # a colleague's visits, as a sync brings them
        conn.execute("UPDATE visits SET steward = '王伟' WHERE enterprise_id = ?", [rows[3]["id"]])
    offered = dashboard.groups(park)
    industries = [g for g in offered if g.kind is GroupKind.INDUSTRY]
    parks = [g for g in offered if g.kind is GroupKind.PARK]
    towns = [g for g in offered if g.kind is GroupKind.TOWN]
    stewards = [g for g in offered if g.kind is GroupKind.STEWARD]
    assert {g.value for g in industries} == {"工艺品", "橡塑"} and {g.value for g in parks} == {"", rows[2]["park"]}
    assert {g.value for g in towns} == {"白塔镇", "安岭乡"} and {g.value for g in stewards} == {"李明", "王伟"}
    first, last = clock.today() - timedelta(days=150), clock.today()
    whole = dashboard.compute(park, first, last)
    assert whole.found > 0
    # Every enterprise has one industry, park and town; a steward's enterprises are those visited (not every one).
    for split, every_enterprise in ((industries, True), (parks, True), (towns, True), (stewards, False)):
        parts = [dashboard.compute(park, first, last, g) for g in split]
        assert all(p.found > 0 for p in parts)
        for field in ("found", "rectified", "waived", "open", "overdue"):
            assert sum(getattr(p, field) for p in parts) == getattr(whole, field)
        ids = [{pf.row["id"] for pf in dashboard.counted(park, p)} for p in parts]
        assert set().union(*ids) == {pf.row["id"] for pf in dashboard.counted(park, whole)}
        if every_enterprise:
            colours = [p.colours[-1][1] for p in parts]
            assert {c: sum(x[c] for x in colours) for c in Colour} == whole.colours[-1][1]
    rubber = dashboard.compute(park, first, last, Group(GroupKind.INDUSTRY, "橡塑"))
    assert {pf.row["enterprise_id"] for pf in dashboard.counted(park, rubber)} <= {r["id"] for r in rows[:2]}
    assert sum(rubber.colours[-1][1].values()) == 2
    colleague = dashboard.compute(park, first, last, Group(GroupKind.STEWARD, "王伟"))
    assert {pf.row["enterprise_id"] for pf in dashboard.counted(park, colleague)} == {rows[3]["id"]}
    assert sum(colleague.colours[-1][1].values()) == 1


def _click(qtbot: QtBot, chart: BarChart, series: int, index: int) -> None:
    point = chart.bar_centre(series, index).toPoint()
    assert chart.viewport().rect().contains(point), f"bar {series}/{index} lies outside its chart at {point}"
    QTest.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)


def _opened(qtbot: QtBot, screen: DashboardScreen, before: object) -> BarFindingsDialog | ColourEnterprisesDialog:
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog is not before, timeout=WAIT_MS)
    dialog = screen.dialog
    assert isinstance(dialog, BarFindingsDialog | ColourEnterprisesDialog)
    return dialog


def test_a_bar_click_shows_exactly_its_findings(window: MainWindow, qtbot: QtBot, park: Profile) -> None:
    window.nav_dashboard.click()  # one click from anywhere
    screen = window.dashboard
    assert window.stack.currentWidget() is screen
    today = clock.today()
    first = today - timedelta(days=150)
    screen.set_period(PeriodKind.CUSTOM, first, today)
    _shown(qtbot, screen, first, today)
    d = screen.data
    assert d is not None
    qtbot.wait(50)  # laid out and painted: the bars have their places

    period = documents.period_findings(park, first, today)  # counted again here, each bar's set by its own rule
    serious = {pf.row["id"] for pf in period.findings if pf.row["severity"] == "serious"}
    latest = d.rectified_by_month[-2]  # last month: the current one may have none yet
    rectified_then = {pf.row["id"] for pf in period.findings if pf.rectified_month == latest.key}
    top = d.by_category[0]
    in_top = {pf.row["id"] for pf in period.findings if pf.row["category"] == top.key}
    late = {pf.row["id"] for pf in period.findings if 8 <= pf.standing.overdue_days <= 30}
    months = len(d.found_by_month)
    categories = len(screen.by_category.categories)
    cases = [
        (screen.by_severity, 0, 1, serious),
        (screen.by_month, 1, months - 2, rectified_then),
        (screen.by_category, 0, categories - 1, in_top),  # the largest category is drawn at the top
        (screen.ageing, 0, 1, late),
    ]
    assert all(expected for *_, expected in cases), "every bar clicked must count something"
    histories: list[str] = []

    def close_history() -> None:  # the finding's history opens as a modal dialog: note which, then close it
        modal = QApplication.activeModalWidget()
        if isinstance(modal, FindingHistoryDialog):
            histories.append(modal.finding_id)
            modal.reject()
        else:
            QTimer.singleShot(20, close_history)

    for chart, series, index, expected in cases:
        before = screen.dialog
        _click(qtbot, chart, series, index)
        dialog = _opened(qtbot, screen, before)
        assert isinstance(dialog, BarFindingsDialog)
        shown = {dialog.model.rows[i]["id"] for i in range(dialog.model.rowCount())}
        assert dialog.model.rowCount() == chart.value(series, index) == len(expected)
        assert shown == expected
        histories.clear()
        QTimer.singleShot(0, close_history)
        first_row = dialog.proxy.index(0, 0)
        dialog.table.activated.emit(first_row)  # a double click or Enter on the row
        assert histories == [dialog.proxy.data(first_row, Qt.ItemDataRole.UserRole)] and histories[0] in expected
        dialog.close()

    # A colour bar lists the enterprises of that colour at that month's end, each with why.
    colours = screen.colours
    day, counts = colours[-1]
    colour_index, colour = next((i, c) for i, c in enumerate((Colour.RED, Colour.YELLOW, Colour.GREEN)) if counts[c])
    before = screen.dialog
    _click(qtbot, screen.by_colour, colour_index, len(colours) - 1)
    dialog = _opened(qtbot, screen, before)
    assert isinstance(dialog, ColourEnterprisesDialog)
    expected_ids = {r.enterprise_id for r in ratings.ratings(park, day) if r.rating.colour is colour}
    assert dialog.model.rowCount() == counts[colour] == screen.by_colour.value(colour_index, len(colours) - 1)
    assert {r["enterprise_id"] for r in dialog.model.rows} == expected_ids
    assert all(r["reasons"] for r in dialog.model.rows)
    dialog.close()


def test_changing_the_period_updates_the_figures(window: MainWindow, qtbot: QtBot, park: Profile) -> None:
    window.show_dashboard()
    screen = window.dashboard
    today = clock.today()
    first, last = dashboard.period_of(PeriodKind.THIS_MONTH, today)
    _shown(qtbot, screen, first, last)
    assert _tiles(screen) == _summary_figures(park, first, last)
    assert f"截至 {last.isoformat()}" in screen.as_of.text()

    screen.period.setCurrentIndex(screen.period.findData(PeriodKind.LAST_MONTH.value))  # as a person picks it
    first, last = dashboard.period_of(PeriodKind.LAST_MONTH, today)
    _shown(qtbot, screen, first, last)
    last_month = _tiles(screen)
    assert last_month == _summary_figures(park, first, last)
    assert f"截至 {last.isoformat()}" in screen.tile_open.definition.text()

    screen.period.setCurrentIndex(screen.period.findData(PeriodKind.CUSTOM.value))
    assert screen.start.isVisible() and screen.end.isVisible()
    first = today - timedelta(days=120)
    screen.start.setDate(first)  # typed into the date field: counted again at once
    _shown(qtbot, screen, first, last)
    assert _tiles(screen) == _summary_figures(park, first, last) != last_month
    assert int(_tiles(screen)[0]) > int(last_month[0])


def test_the_group_chooser_counts_one_group(window: MainWindow, qtbot: QtBot, park: Profile) -> None:
    rows = enterprises.listing(park)
    enterprises.update(park, rows[0]["id"], industry="机械")
    window.show_dashboard()
    screen = window.dashboard
    first, last = dashboard.period_of(PeriodKind.THIS_MONTH)
    _shown(qtbot, screen, first, last)  # the groups offered come with the first figures
    names = [screen.group.itemText(i) for i in range(screen.group.count())]
    assert names[0] == "全部企业" and "行业:机械" in names and "行业:工艺品" in names
    machinery = Group(GroupKind.INDUSTRY, "机械")
    screen.set_period(PeriodKind.CUSTOM, last - timedelta(days=120), last)
    screen.group.setCurrentIndex(names.index("行业:机械"))
    _shown(qtbot, screen, last - timedelta(days=120), last, machinery)
    expected = dashboard.compute(park, last - timedelta(days=120), last, machinery)
    assert expected.found > 0 and _tiles(screen)[0] == str(expected.found)
    assert {pf.row["enterprise_id"] for pf in dashboard.counted(park, expected)} == {rows[0]["id"]}
    assert "行业:机械" in screen.as_of.text()
    # The colours come from their own background job: the previous group's chart ends on the same day.
    qtbot.waitUntil(lambda: sum(screen.colours[-1][1].values()) == 1, timeout=WAIT_MS)


def test_period_kinds() -> None:
    day = date(2026, 11, 25)
    assert dashboard.period_of(PeriodKind.THIS_MONTH, day) == (date(2026, 11, 1), day)
    assert dashboard.period_of(PeriodKind.LAST_MONTH, day) == (date(2026, 10, 1), date(2026, 10, 31))
    assert dashboard.period_of(PeriodKind.LAST_MONTH, date(2026, 1, 5)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert dashboard.period_of(PeriodKind.THIS_QUARTER, day) == (date(2026, 10, 1), day)
    assert dashboard.period_of(PeriodKind.THIS_QUARTER, date(2026, 3, 31)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert dashboard.period_of(PeriodKind.THIS_YEAR, day) == (date(2026, 1, 1), day)
    assert dashboard.colour_start(date(2026, 11, 1), day) == date(2025, 12, 1)
    assert dashboard.colour_start(date(2024, 1, 1), day) == date(2024, 1, 1)


def test_the_colour_chart_is_made_again_only_when_what_it_reads_changed(
    window: MainWindow, qtbot: QtBot, park: Profile
) -> None:
    window.show_dashboard()
    screen = window.dashboard
    first, last = dashboard.period_of(PeriodKind.THIS_MONTH)
    _shown(qtbot, screen, first, last)
    made = screen.colours
    window.show_enterprises()
    screen.data, screen.colours = None, ()
    window.show_dashboard()
    _shown(qtbot, screen, first, last)
    assert screen.colours is made  # kept, not rated again

    enterprises.create(park, name="仙居县新入保工艺品有限公司", credit_code=make_code(31))
    window.show_enterprises()
    screen.data, screen.colours = None, ()
    window.show_dashboard()
    _shown(qtbot, screen, first, last)
    assert sum(screen.colours[-1][1].values()) == sum(made[-1][1].values()) + 1


def test_a_custom_period_ending_before_it_starts_is_said_not_counted(window: MainWindow, qtbot: QtBot) -> None:
    window.show_dashboard()
    screen = window.dashboard
    first, last = dashboard.period_of(PeriodKind.THIS_MONTH)
    _shown(qtbot, screen, first, last)
    screen.set_period(PeriodKind.CUSTOM, last, last - timedelta(days=3))
    qtbot.waitUntil(lambda: "晚于结束日期" in screen.as_of.text(), timeout=WAIT_MS)
    assert screen.data is None  # nothing shown as if it were this period's figures


def test_the_figures_are_counted_again_only_when_what_they_count_changed(
    window: MainWindow, qtbot: QtBot, park: Profile
) -> None:
    window.show_dashboard()
    screen = window.dashboard
    first, last = dashboard.period_of(PeriodKind.THIS_YEAR)
    screen.set_period(PeriodKind.THIS_YEAR)
    _shown(qtbot, screen, first, last)
    made = screen.data
    assert made is not None and made.found
    window.show_enterprises()
    screen.data, screen.colours = None, ()
    window.show_dashboard()
    _shown(qtbot, screen, first, last)
    assert screen.data is made  # kept, not counted again

    # An amendment (as a sync pull or the CLI would write it too) moves a finding to another severity: counted again.
    finding = dashboard.counted(park, made)[0]
    finding_id, was = finding.row["id"], finding.row["severity"]
    other = "general" if was != "general" else "major"
    findings.update(park, finding_id, reason="等级定错", severity=other)
    window.show_enterprises()
    screen.data, screen.colours = None, ()
    window.show_dashboard()
    _shown(qtbot, screen, first, last)
    assert screen.data is not made
    counts = {b.key: b.count for b in screen.data.by_severity}
    assert counts[other] == {b.key: b.count for b in made.by_severity}[other] + 1
    assert counts[was] == {b.key: b.count for b in made.by_severity}[was] - 1


def test_a_chart_given_new_figures_of_the_same_shape_shows_them(qtbot: QtBot) -> None:
    """New figures for the same series and as many bars change the bars where they stand (not built again): the
    values, the names under them and the scale are the new ones."""
    from PySide6.QtCharts import QBarCategoryAxis, QValueAxis
    from PySide6.QtGui import QColor

    from steward.ui.widgets.bar_chart import Series

    chart = BarChart("t")
    qtbot.addWidget(chart)
    chart.set_bars(["甲", "乙"], [Series("发现", QColor("#f9a825"), [3, 5])])
    series = chart.series
    chart.set_bars(["丙", "乙"], [Series("发现", QColor("#f9a825"), [40, 0])])
    assert chart.series is series  # changed in place
    assert [chart.value(0, i) for i in range(2)] == [40, 0] and chart.categories == ["丙", "乙"]
    (names,) = [a for a in chart.chart_.axes() if isinstance(a, QBarCategoryAxis)]
    (scale,) = [a for a in chart.chart_.axes() if isinstance(a, QValueAxis)]
    assert names.categories() == ["丙", "乙"] and scale.max() >= 40
    chart.set_bars(["甲", "乙", "丙"], [Series("发现", QColor("#f9a825"), [1, 2, 3])])  # another shape: built anew
    assert chart.series is not series and [chart.value(0, i) for i in range(3)] == [1, 2, 3]
