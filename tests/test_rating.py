"""The three-colour rating: each rule with its reason, as-of dates, window edges, the timeline, the rules file."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward.domain.errors import InvalidInput
from steward.domain.findings import FindingEvent
from steward.domain.labels import EventKind, Severity
from steward.domain.rating import (
    Colour,
    Facts,
    RatedFinding,
    RatedRecord,
    RatedVisit,
    RecordKind,
    add_months,
    month_ends,
    parse_rules,
    rate,
    timeline,
)
from steward.services.ratings import default_rules_path, load_rules
from tests.conftest import local

RULES = load_rules(default_rules_path())
VISIT = RatedVisit("v1", local(2026, 3, 1, 16))


def finding(
    severity: Severity = Severity.MAJOR,
    found: date = date(2026, 3, 1),
    deadline: date | None = date(2026, 4, 1),
    closed: date | None = None,
    fid: str = "f1",
    label: str = "B1 喷漆废气直排",
) -> RatedFinding:
    events = [FindingEvent(f"{fid}-o", fid, EventKind.OPENED, local(found.year, found.month, found.day, 10), "王")]
    if closed is not None:
        events.append(
            FindingEvent(
                f"{fid}-c", fid, EventKind.RECHECK_RECTIFIED, local(closed.year, closed.month, closed.day, 11), "王"
            )
        )
    return RatedFinding(
        fid, label, severity, local(found.year, found.month, found.day, 10), deadline, "v1", tuple(events)
    )


def record(kind: RecordKind, on: date, rid: str = "r1", **fields: object) -> RatedRecord:
    return RatedRecord(rid, kind, on, **fields)  # type: ignore[arg-type]


def facts(*items: RatedFinding | RatedRecord, visits: tuple[RatedVisit, ...] = (VISIT,)) -> Facts:
    return Facts(
        [i for i in items if isinstance(i, RatedFinding)], [i for i in items if isinstance(i, RatedRecord)], visits
    )


def test_open_major_finding_is_red_and_says_which_and_its_deadline() -> None:
    r = rate(facts(finding()), RULES, date(2026, 12, 5))
    assert r.colour is Colour.RED
    assert [x.zh for x in r.reasons] == ["红码:重大问题〔B1 喷漆废气直排〕未整改,期限 2026-04-01 已过"]
    assert r.reasons[0].refs == (("finding", "f1", "2026-03-01"),)
    before = rate(facts(finding()), RULES, date(2026, 3, 20))
    assert before.reasons[0].zh == "红码:重大问题〔B1 喷漆废气直排〕未整改(发现于 2026-03-01,期限 2026-04-01)"


def test_serious_finding_is_yellow_while_due_and_red_the_day_after_its_deadline() -> None:
    f = facts(finding(Severity.SERIOUS, label="C2 台账缺失"))
    on_deadline = rate(f, RULES, date(2026, 4, 1))
    assert on_deadline.colour is Colour.YELLOW
    assert on_deadline.reasons[0].zh == "黄码:较重问题〔C2 台账缺失〕未整改(发现于 2026-03-01,期限 2026-04-01)"
    after = rate(f, RULES, date(2026, 4, 2))
    assert after.colour is Colour.RED
    assert after.reasons[0].zh == "红码:较重问题〔C2 台账缺失〕未整改,期限 2026-04-01 已过"


def test_general_finding_is_green_while_due_and_yellow_once_overdue() -> None:
    f = facts(finding(Severity.GENERAL, label="E1 标识不全"))
    assert rate(f, RULES, date(2026, 4, 1)).colour is Colour.GREEN
    late = rate(f, RULES, date(2026, 4, 2))
    assert late.colour is Colour.YELLOW
    assert late.reasons[0].zh == "黄码:一般问题〔E1 标识不全〕未整改,期限 2026-04-01 已过"


def test_a_penalty_is_red_for_twelve_months_to_the_day() -> None:
    p = record(RecordKind.PENALTY, date(2026, 2, 10), number="仙环罚〔2026〕12号", authority="台州市生态环境局")
    red = rate(facts(p), RULES, date(2027, 2, 9))
    assert red.colour is Colour.RED
    assert red.reasons[0].zh == (
        "红码:12 个月内行政处罚/立案 1 次(阈值 1):2026-02-10〔仙环罚〔2026〕12号、台州市生态环境局〕"
    )
    assert red.reasons[0].refs == (("penalty", "r1", "2026-02-10"),)
    assert rate(facts(p), RULES, date(2027, 2, 10)).colour is Colour.GREEN
    assert rate(facts(p), RULES, date(2026, 2, 9)).colour is Colour.GREEN  # not yet happened


def test_complaints_one_is_yellow_two_are_red_unsubstantiated_never_count() -> None:
    c1 = record(RecordKind.COMPLAINT, date(2026, 1, 5), "c1", source="12345热线")
    c2 = record(RecordKind.COMPLAINT, date(2026, 6, 1), "c2", source="信访局")
    unfounded = record(RecordKind.COMPLAINT, date(2026, 5, 1), "c3", source="匿名", substantiated=False)
    one = rate(facts(c1, unfounded), RULES, date(2026, 7, 1))
    assert one.colour is Colour.YELLOW
    assert one.reasons[0].zh == "黄码:12 个月内查实信访投诉 1 次(阈值 1):2026-01-05〔12345热线〕"
    two = rate(facts(c1, c2, unfounded), RULES, date(2026, 7, 1))
    assert two.colour is Colour.RED
    assert two.reasons[0].zh == (
        "红码:12 个月内查实信访投诉 2 次(阈值 2):2026-01-05〔12345热线〕、2026-06-01〔信访局〕"
    )
    # the first leaves its window on 2027-01-05: one left, yellow
    assert rate(facts(c1, c2), RULES, date(2027, 1, 5)).colour is Colour.YELLOW


def test_hazardous_waste_violation_is_red() -> None:
    h = record(RecordKind.HAZWASTE, date(2026, 8, 8), "h1", note="废漆桶露天堆放")
    r = rate(facts(h), RULES, date(2026, 8, 8))
    assert r.colour is Colour.RED
    assert r.reasons[0].zh == "红码:12 个月内危险废物违法 1 次(阈值 1):2026-08-08〔废漆桶露天堆放〕"


def test_green_names_what_it_was_checked_against() -> None:
    f = finding(Severity.GENERAL, closed=date(2026, 3, 20))
    r = rate(facts(f), RULES, date(2026, 5, 1))
    assert r.colour is Colour.GREEN
    assert r.reasons[0].zh == (
        "绿码:对照红码规则 5 条、黄码规则 3 条,均未触发;近 1 次巡查(2026-03-01 至 2026-03-01)的 1 个问题均按期整改或未到期"
    )


def test_a_finding_of_the_last_visits_closed_late_keeps_it_yellow() -> None:
    f = finding(Severity.GENERAL, closed=date(2026, 4, 10))
    r = rate(facts(f), RULES, date(2026, 5, 1))
    assert r.colour is Colour.YELLOW
    assert r.reasons[0].zh == "黄码:近 1 次巡查的问题〔B1 喷漆废气直排〕未按期整改(期限 2026-04-01,整改 2026-04-10)"
    # four later visits push that visit out of the last four: green again
    later = tuple(RatedVisit(f"v{i}", local(2026, 5, i, 16)) for i in range(2, 6))
    assert rate(facts(f, visits=(VISIT, *later)), RULES, date(2026, 5, 6)).colour is Colour.GREEN


def test_a_finding_made_after_the_date_never_counts() -> None:
    f = finding(found=date(2026, 3, 1))
    assert rate(facts(f), RULES, date(2026, 2, 28)).colour is Colour.GREEN
    assert rate(facts(f), RULES, date(2026, 3, 1)).colour is Colour.RED


def test_a_finding_rectified_after_the_date_still_counts_as_open_at_the_date() -> None:
    f = finding(closed=date(2026, 3, 20))
    assert rate(facts(f), RULES, date(2026, 3, 19)).colour is Colour.RED
    assert rate(facts(f), RULES, date(2026, 3, 20)).colour is Colour.GREEN


def test_a_visit_finished_after_the_date_is_not_among_the_last_visits() -> None:
    late_closed = finding(Severity.GENERAL, closed=date(2026, 4, 10))
    unfinished = RatedVisit("v9", None)
    assert rate(facts(late_closed, visits=(VISIT, unfinished)), RULES, date(2026, 5, 1)).colour is Colour.YELLOW
    assert rate(facts(visits=()), RULES, date(2026, 5, 1)).reasons[0].zh.endswith("尚无已完成的巡查")


def test_red_to_yellow_to_green_as_findings_close_and_the_timeline_records_each_change() -> None:
    major = finding(Severity.MAJOR, fid="m", label="B1 废气直排", deadline=date(2026, 5, 1), closed=date(2026, 4, 1))
    serious = finding(Severity.SERIOUS, fid="s", label="C2 台账", deadline=date(2026, 5, 1), closed=date(2026, 4, 20))
    changes = timeline(facts(major, serious), RULES, date(2026, 12, 31))
    assert [(c.on, c.rating.colour, c.previous) for c in changes] == [
        (date(2026, 3, 1), Colour.RED, None),
        (date(2026, 4, 1), Colour.YELLOW, Colour.RED),
        (date(2026, 4, 20), Colour.GREEN, Colour.YELLOW),
    ]
    assert changes[1].rating.reasons[0].zh == "黄码:较重问题〔C2 台账〕未整改(发现于 2026-03-01,期限 2026-05-01)"


days = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31))


@st.composite
def random_facts(draw: st.DrawFn) -> Facts:
    items: list[RatedFinding | RatedRecord] = []
    for i in range(draw(st.integers(0, 4))):
        found = draw(days)
        closed = draw(st.one_of(st.none(), st.integers(0, 90).map(lambda n, f=found: f + timedelta(days=n))))
        items.append(
            finding(
                draw(st.sampled_from(list(Severity))),
                found=found,
                deadline=found + timedelta(days=draw(st.integers(0, 60))),
                closed=closed,
                fid=f"f{i}",
            )
        )
    for i in range(draw(st.integers(0, 3))):
        items.append(record(draw(st.sampled_from(list(RecordKind))), draw(days), f"r{i}"))
    visits = tuple(RatedVisit(f"v{i}", local(d.year, d.month, d.day, 16)) for i, d in enumerate(draw(st.lists(days))))
    return facts(*items, visits=(VISIT, *visits))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_facts())
def test_timeline_changes_exactly_when_the_daily_colour_changes(f: Facts) -> None:
    until = date(2027, 12, 31)
    changes = {c.on: c.rating.colour for c in timeline(f, RULES, until)}
    first = min(changes)  # the first day anything is known (the visit of 2026-03-01 at the latest)
    assert rate(f, RULES, first - timedelta(days=1)).colour is Colour.GREEN
    daily: dict[date, Colour] = {}
    previous = None
    day = first
    while day <= until:
        colour = rate(f, RULES, day).colour
        if colour is not previous:
            daily[day] = colour
        previous = colour
        day += timedelta(days=1)
    assert daily == changes


@settings(max_examples=40, deadline=None)
@given(random_facts(), days)
def test_later_facts_never_change_a_past_rating(f: Facts, as_of: date) -> None:
    cutoff = local(as_of.year, as_of.month, as_of.day) + timedelta(days=1)
    known = Facts(
        [replace(x, events=tuple(e for e in x.events if e.at < cutoff)) for x in f.findings if x.created_at < cutoff],
        [r for r in f.records if r.on <= as_of],
        [v if v.finished_at is not None and v.finished_at < cutoff else replace(v, finished_at=None) for v in f.visits],
    )
    assert rate(f, RULES, as_of) == rate(known, RULES, as_of)


def test_window_edges_at_month_ends() -> None:
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert month_ends(date(2026, 11, 5), date(2027, 1, 10)) == [
        date(2026, 11, 30),
        date(2026, 12, 31),
        date(2027, 1, 10),
    ]


@pytest.mark.parametrize(
    ("data", "zh_part"),
    [
        ("not a mapping", "应为一个映射"),
        ({"version": 2, "red": []}, "不支持的版本 2"),
        ({"version": 1, "red": [{"rule": "fines"}]}, "red[1]"),
        ({"version": 1, "red": [{"rule": "open_finding", "severity": "huge"}]}, "severity"),
        ({"version": 1, "yellow": [{"rule": "complaints", "window_months": 0}]}, "window_months"),
        ({"version": 1, "yellow": [{"rule": "complaints", "threshhold": 2}]}, "threshhold"),
        ({"version": 1, "green": {"last_visits": "four"}}, "last_visits"),
    ],
)
def test_a_malformed_rules_file_is_named_in_both_languages(data: object, zh_part: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_rules(data)
    assert zh_part in caught.value.zh
    assert caught.value.en.startswith("Rating rules file is invalid")


def test_the_bundled_rules_are_the_defaults_of_the_scheme() -> None:
    assert [(r.kind.value, r.severity, r.window_months, r.threshold) for r in RULES.red] == [
        ("penalty", None, 12, 1),
        ("open_finding", Severity.MAJOR, 12, 1),
        ("overdue_finding", Severity.SERIOUS, 12, 1),
        ("complaints", None, 12, 2),
        ("hazwaste", None, 12, 1),
    ]
    assert len(RULES.yellow) == 3
    assert RULES.green_last_visits == 4


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_facts(), days)
def test_the_state_index_of_a_timeline_rates_exactly_as_replaying_every_finding(f: Facts, as_of: date) -> None:
    from steward.domain.rating import StateIndex

    assert rate(f, RULES, as_of, StateIndex(f.findings)) == rate(f, RULES, as_of)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_facts(), days)
def test_the_colour_a_timeline_asks_each_day_is_the_rated_colour(f: Facts, as_of: date) -> None:
    from steward.domain.rating import StateIndex, _colour

    assert _colour(f, RULES, as_of, StateIndex(f.findings)) is rate(f, RULES, as_of).colour
