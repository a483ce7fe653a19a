"""The period's figures (steward.domain.period): one definition for the summary PDF and the hub's page."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest

from steward.domain.clock import STEWARDS_ZONE
from steward.domain.errors import InvalidInput
from steward.domain.findings import FindingEvent
from steward.domain.labels import EventKind
from steward.domain.period import Months, Period, Tally, months_between, standing_at

NOV = Period(date(2026, 11, 1), date(2026, 11, 30), STEWARDS_ZONE)


def event(kind: EventKind, at: datetime) -> FindingEvent:
    return FindingEvent(f"e-{at.isoformat()}-{kind.value}", "f", kind, at, "李明")


def test_a_period_runs_from_midnight_to_midnight_where_the_stewards_are() -> None:
    assert NOV.start == datetime(2026, 10, 31, 16, tzinfo=UTC)  # 00:00 on 1 Nov in China
    assert NOV.end == datetime(2026, 11, 30, 16, tzinfo=UTC)
    assert NOV.contains(datetime(2026, 11, 30, 15, 59, 59, 999000, tzinfo=UTC))
    assert not NOV.contains(datetime(2026, 11, 30, 16, tzinfo=UTC))
    assert not NOV.contains(datetime(2026, 10, 31, 15, 59, tzinfo=UTC))
    assert NOV.month(datetime(2026, 10, 31, 16, 30, tzinfo=UTC)) == "2026-11"
    assert NOV.label == "2026-11-01 至 2026-11-30"


def test_default_period_is_the_month_so_far_and_a_reversed_one_is_refused() -> None:
    assert Period.of(None, None, date(2026, 11, 17)) == Period(date(2026, 11, 1), date(2026, 11, 17))
    with pytest.raises(InvalidInput) as err:
        Period.of(date(2026, 12, 1), date(2026, 11, 1), date(2026, 11, 17))
    assert "晚于" in err.value.zh


def test_standing_is_taken_at_the_period_end_and_overdue_only_while_open() -> None:
    later = event(EventKind.RECHECK_RECTIFIED, datetime(2026, 12, 3, 2, tzinfo=UTC))
    s = standing_at(date(2026, 11, 20), [later], NOV.closing, NOV.last)
    assert s.bucket == "open" and s.overdue_days == 10  # the December re-check did not happen yet
    inside = event(EventKind.RECHECK_RECTIFIED, datetime(2026, 11, 25, 2, tzinfo=UTC))
    s = standing_at(date(2026, 11, 20), [inside], NOV.closing, NOV.last)
    assert s.bucket == "rectified" and s.overdue_days == 0
    on_time = standing_at(date(2026, 11, 30), [], NOV.closing, NOV.last)
    assert on_time.bucket == "open" and on_time.overdue_days == 0  # due on the last day: not yet overdue


def test_tally_and_months_count_like_the_summary() -> None:
    tally, months = Tally(), Months()
    found = datetime(2026, 11, 2, 2, tzinfo=UTC)
    rectified = standing_at(None, [event(EventKind.RECHECK_RECTIFIED, found)], NOV.closing, NOV.last)
    waived = standing_at(None, [event(EventKind.WAIVED, found)], NOV.closing, NOV.last)
    late = standing_at(date(2026, 11, 5), [], NOV.closing, NOV.last)
    for s in (rectified, waived, late):
        tally.add(s)
        months.add(NOV, found, s)
    assert (tally.found, tally.rectified, tally.waived, tally.open, tally.overdue) == (3, 1, 1, 1, 1)
    assert tally.rate_text == "33.3%" and Tally().rate_text == "—" and Tally().rate is None
    assert months.rows() == [("2026-11", 3, 1)]
    assert months_between(date(2025, 11, 5), date(2026, 2, 1)) == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_chart_axes_and_month_labels_stay_readable() -> None:
    from steward.domain.rating import Colour
    from steward.hub.web.charts import by_colour, found_vs_rectified, nice_top

    assert [nice_top(v) for v in (0, 3, 4, 5, 7, 9, 21, 99, 101, 1001)] == [4, 4, 4, 8, 8, 20, 40, 100, 200, 2000]
    months = [(f"{2024 + m // 12}-{m % 12 + 1:02d}", m, m // 2) for m in range(36)]
    chart = found_vs_rectified(months)
    month_labels = [label for label in chart.labels if label.css != "axis"]
    assert 6 <= len(month_labels) < 36  # thinned, never one per month on 36 months
    gaps = [b.x - a.x for a, b in itertools.pairwise(month_labels)]
    assert min(gaps) >= 40  # about 44 px apart: no two overlap
    assert month_labels[0].text == "24年1月"
    tallest = max(chart.bars, key=lambda b: b.height)
    assert tallest.title == "2026-12 发现 35 个" and tallest.y >= 0
    assert found_vs_rectified([("2026-11", 0, 0)]).empty
    colours = by_colour({Colour.RED: 2, Colour.YELLOW: 0, Colour.GREEN: 6})
    assert [b.title for b in colours.bars] == ["红码 2 家", "黄码 0 家", "绿码 6 家"]
    assert colours.bars[2].width > colours.bars[0].width > colours.bars[1].width == 0
