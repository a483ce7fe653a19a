"""The dashboard counts in SQL from each finding's kept state (storage.period_counts) what the summary PDF counts from
every finding's events (services.documents.period_findings): the same figures, bars and findings behind each bar,
on the demo park and on the cases where the two could part (a deadline moved by a 部分整改 before or after the
period's end, an amended finding, a finding re-opened, a re-check after the period, a period across a year end)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

import pytest

from steward.domain.period import Period
from steward.services import dashboard, demo, documents, enterprises, findings, visits
from steward.services.dashboard import Bar, Group, GroupKind
from steward.storage.profile import Profile

END = date(2026, 11, 20)
CHARTS = ("found_by_month", "rectified_by_month", "by_category", "by_severity", "ageing")


def at(y: int, m: int, d: int, h: int = 2) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


def _full(profile: Profile, first: date, last: date, group: Group | None = None) -> dict[str, Any]:
    """The figures as the summary PDF's definition gives them: every finding of the period read from its events."""
    group = group or Group()
    chosen = [pf for pf in documents.period_findings(profile, first, last).findings if group.holds(pf.row)]
    buckets = Counter(pf.standing.bucket for pf in chosen)
    by: dict[str, dict[str, set[str]]] = {}
    for dimension in ("found_month", "rectified_month", "category", "severity", "ageing"):
        keyed: dict[str, set[str]] = {}
        for pf in chosen:
            value = dashboard._key(pf, dimension)
            if value is not None:
                keyed.setdefault(value, set()).add(pf.row["id"])
        by[dimension] = keyed
    return {
        "figures": (
            len(chosen),
            buckets["rectified"],
            buckets["waived"],
            buckets["open"],
            sum(pf.standing.overdue_days > 0 for pf in chosen),
        ),
        "by": by,
        "standings": {pf.row["id"]: pf.standing for pf in chosen},
    }


def assert_same(profile: Profile, first: date, last: date, group: Group | None = None) -> dashboard.Dashboard:
    """The fast path's figures, every bar's count, and the findings each bar opens equal the full path's."""
    group = group or Group()
    d = dashboard.compute(profile, first, last, group, with_colours=False)
    full = _full(profile, first, last, group)
    assert (d.found, d.rectified, d.waived, d.open, d.overdue) == full["figures"]
    for chart in CHARTS:
        bars: tuple[Bar, ...] = getattr(d, chart)
        for bar in bars:
            expected = full["by"][bar.dimension].get(bar.key, set())
            assert bar.count == len(expected), (chart, bar.key)
            if bar.count:
                behind = dashboard.findings_behind(profile, d, bar)
                assert [pf.row["id"] for pf in behind] == sorted(expected, key=[*full["standings"]].index)
                assert all(pf.standing == full["standings"][pf.row["id"]] for pf in behind)
        if chart not in ("found_by_month", "rectified_by_month"):  # months are every month of the period
            assert {b.key for b in bars if b.count} == set(full["by"][bars[0].dimension] if bars else ())
    return d


@pytest.fixture(scope="module")
def demo_park(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with Profile(tmp_path_factory.mktemp("park") / "park") as profile:
        demo.make_demo(profile, demo.DemoSize(enterprises=6, weeks=30, photos=False), today=END)
        yield profile


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2026, 11, 1), END),  # this month
        (date(2026, 1, 1), END),  # this year
        (date(2026, 10, 1), date(2026, 10, 31)),  # last month: re-checks recorded after it
        (date(2025, 12, 10), date(2026, 2, 14)),  # across a year end, starting and ending mid-month
        (date(2026, 6, 15), date(2026, 6, 15)),  # one day
    ],
)
def test_the_fast_counts_equal_the_summary_definition_on_the_demo(demo_park: Profile, first: date, last: date) -> None:
    d = assert_same(demo_park, first, last)
    if (first, last) == (date(2026, 1, 1), END):
        assert d.found > 100 and d.rectified and d.open and d.overdue  # the demo exercises every figure
        summary = documents.build_summary(demo_park, first, last).total
        assert (d.found, d.rectified, d.waived, d.open, d.overdue) == (
            summary.found,
            summary.rectified,
            summary.waived,
            summary.open,
            summary.overdue,
        )


def test_the_fast_counts_equal_the_summary_definition_for_each_group(demo_park: Profile) -> None:
    rows = enterprises.listing(demo_park)
    enterprises.update(demo_park, rows[0]["id"], industry="橡塑", address="浙江省台州市仙居县白塔镇工业区12号")
    with demo_park.db.write() as conn:  # a colleague's visits, as a sync brings them
        conn.execute("UPDATE visits SET steward = '王伟' WHERE enterprise_id = ?", [rows[1]["id"]])
    offered = dashboard.groups(demo_park)
    assert {g.kind for g in offered} >= {GroupKind.ALL, GroupKind.STEWARD, GroupKind.INDUSTRY, GroupKind.TOWN}
    for group in offered:
        assert_same(demo_park, date(2026, 5, 1), date(2026, 10, 31), group)


@pytest.fixture
def found(profile: Profile, enterprise: dict) -> dict:
    """A finding found on 2026-03-02 in a finished visit, due by its checklist's deadline."""
    visit = visits.start(profile, enterprise["id"], "routine", item_codes=["B1"], at=at(2026, 3, 2))
    item = visits.items(profile, visit["id"])[0]
    finding = visits.create_finding(profile, visit["id"], item["id"], at=at(2026, 3, 2))
    visits.finish(profile, visit["id"], at=at(2026, 3, 2, 4))
    return dict(finding)


def test_a_deadline_moved_by_a_partial_rectification(profile: Profile, found: dict) -> None:
    own = date.fromisoformat(found["deadline"])
    moved = date(2026, 7, 31)
    findings.add_event(profile, found["id"], "recheck_partly", note="部分完成", at=at(2026, 6, 1), new_deadline=moved)
    spring = assert_same(profile, date(2026, 3, 1), date(2026, 5, 20))  # the move came after: the own deadline
    late = (date(2026, 5, 20) - own).days
    assert spring.overdue == 1 and [b.key for b in spring.ageing if b.count] == [dashboard._ageing_key(late)]
    summer = assert_same(profile, date(2026, 3, 1), date(2026, 7, 15))  # moved, and not yet due
    assert summer.open == 1 and summer.overdue == 0
    autumn = assert_same(profile, date(2026, 3, 1), date(2026, 8, 10))  # the moved deadline passed 10 days ago
    assert autumn.overdue == 1 and [b.key for b in autumn.ageing if b.count] == ["8-30"]


def test_a_partial_rectification_after_a_rectification_moves_nothing(profile: Profile, found: dict) -> None:
    findings.add_event(profile, found["id"], "recheck_rectified", at=at(2026, 4, 1))
    with profile.db.write() as conn:  # a late report from the enterprise's side, as a sync could bring it
        conn.execute(
            "INSERT INTO finding_events (id, finding_id, kind, at, by, note, visit_id, new_deadline) "
            "VALUES ('late-partly', ?, 'recheck_partly', ?, '企业', '', NULL, '2026-12-31')",
            [found["id"], "2026-04-05T02:00:00.000Z"],
        )
        findings.refresh_state(profile, found["id"])
    d = assert_same(profile, date(2026, 3, 1), date(2026, 6, 30))
    assert d.rectified == 1 and [b.key for b in d.rectified_by_month if b.count] == ["2026-04"]


def test_an_amended_finding_is_counted_as_it_now_reads(profile: Profile, found: dict) -> None:
    findings.update(profile, found["id"], reason="等级定错", severity="major", deadline=date(2026, 3, 9))
    d = assert_same(profile, date(2026, 3, 1), date(2026, 3, 31))
    assert [b.count for b in d.by_severity] == [1, 0, 0] and d.overdue == 1
    assert [b.key for b in d.ageing if b.count] == ["8-30"]  # 22 days past the amended deadline


def test_a_finding_reopened(profile: Profile, found: dict) -> None:
    findings.add_event(profile, found["id"], "recheck_rectified", at=at(2026, 4, 1))
    findings.add_event(profile, found["id"], "reopened", note="又发现", at=at(2026, 5, 6))
    april = assert_same(profile, date(2026, 3, 1), date(2026, 4, 30))  # rectified then: the reopening came after
    assert april.rectified == 1 and april.open == 0
    may = assert_same(profile, date(2026, 3, 1), date(2026, 5, 31))
    assert may.rectified == 0 and may.open == 1 and may.overdue == 1
    assert all(b.count == 0 for b in may.rectified_by_month)


def test_a_period_across_a_year_end_counts_by_local_month(profile: Profile, enterprise: dict) -> None:
    """Found at 17:00 UTC on 31 December: 1 January in Shanghai, where the stewards are."""
    visit = visits.start(profile, enterprise["id"], "routine", item_codes=["B1"], at=at(2025, 12, 31, 17))
    item = visits.items(profile, visit["id"])[0]
    finding = visits.create_finding(profile, visit["id"], item["id"], at=at(2025, 12, 31, 17))
    visits.finish(profile, visit["id"], at=at(2025, 12, 31, 18))
    findings.add_event(profile, finding["id"], "recheck_rectified", at=at(2026, 1, 31, 16))  # 1 February there
    d = assert_same(profile, date(2025, 12, 1), date(2026, 2, 28))
    assert [(b.key, b.count) for b in d.found_by_month] == [("2025-12", 0), ("2026-01", 1), ("2026-02", 0)]
    assert [(b.key, b.count) for b in d.rectified_by_month] == [("2025-12", 0), ("2026-01", 0), ("2026-02", 1)]
    assert assert_same(profile, date(2025, 12, 1), date(2025, 12, 31)).found == 0


def test_an_unfinished_visits_finding_is_not_counted(profile: Profile, enterprise: dict, found: dict) -> None:
    draft = visits.start(profile, enterprise["id"], "routine", item_codes=["B2"], at=at(2026, 3, 3))
    visits.create_finding(profile, draft["id"], visits.items(profile, draft["id"])[0]["id"], at=at(2026, 3, 3))
    assert assert_same(profile, date(2026, 3, 1), date(2026, 3, 31)).found == 1


def test_the_period_indexes_are_used(profile: Profile) -> None:
    """The counts read the covering index, never the findings' rows (a year of a big profile took seconds so)."""
    scope = dashboard._scope(profile, Period.of(date(2026, 1, 1), END, END), Group())
    plan = profile.db.query(
        "EXPLAIN QUERY PLAN SELECT count(*) FROM findings f INDEXED BY findings_period WHERE f.created_at >= ? "
        "AND f.created_at < ?",
        [scope.start, scope.end],
    )
    assert any("COVERING INDEX findings_period" in r["detail"] for r in plan)
