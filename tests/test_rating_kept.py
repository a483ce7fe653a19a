"""Ratings are read from each enterprise's kept spans (storage/rating_cache.py), worked out again only for the
enterprises whose rating inputs changed. Whatever was written before, through whichever door, the kept ratings must
equal the ratings computed from every fact: the colour and reasons as of many days, the timeline, a period's changes
and the month-end distribution."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from steward.domain import clock
from steward.domain.rating import changes_between, month_ends, rate, timeline
from steward.services import enterprise_events, enterprises, findings, ratings, visits
from steward.services import settings as profile_settings
from steward.storage import findings as finding_store
from steward.storage import ratings as rating_store
from steward.storage import sync_records
from steward.storage.profile import Profile
from steward.storage.rating_cache import FILE_NAME
from tests.conftest import local, make_code

START = date(2026, 1, 5)
ENTERPRISES = 3


def _assert_kept_equals_computed(profile: Profile, extra_days: list[date]) -> None:
    rules = ratings.rules_for(profile)
    every = ratings.facts_by_enterprise(profile)
    days = sorted(
        {START - timedelta(days=1), START, *extra_days, date(2027, 12, 31), *month_ends(START, date(2027, 2, 1))}
    )
    for day in days:
        kept = {r.enterprise_id: r.rating for r in ratings.ratings(profile, day)}
        assert kept == {eid: rate(facts, rules, day) for eid, facts in every.items()}, day
    until = date(2027, 3, 1)
    for eid, facts in every.items():
        assert ratings.enterprise_timeline(profile, eid, until) == timeline(facts, rules, until)
        assert ratings.ratings(profile, until, eid)[0].rating == rate(facts, rules, until)
    first, last = date(2026, 3, 1), date(2026, 6, 30)
    names = {e["id"]: e["name"] for e in rating_store.enterprises(profile.db)}
    period = ratings.period_colours(profile, first, last)
    assert period.changes == [
        (names[eid], c) for eid in names for c in changes_between(every[eid], rules, first, last)[1]
    ]
    monthly = ratings.monthly_distribution(profile, START, date(2026, 12, 31))
    for day, counts in monthly:
        computed = [rate(facts, rules, day).colour for facts in every.values()]
        assert counts == {c: computed.count(c) for c in counts}, day


def _enterprises(profile: Profile) -> list[str]:
    return [
        enterprises.create(
            profile, name=f"仙居县第{n}工艺品有限公司", credit_code=make_code(40 + n), template_code="craft"
        )["id"]
        for n in range(ENTERPRISES)
    ]


def _visit(profile: Profile, eid: str, day: date, severities: list[str], deadline_days: int) -> list[str]:
    visit = visits.start(profile, eid, at=local(day.year, day.month, day.day, 9))
    item = visits.items(profile, visit["id"])[0]
    made = [
        visits.create_finding(
            profile,
            visit["id"],
            item["id"],
            severity=severity,
            description=f"问题{n}",
            deadline=day + timedelta(days=deadline_days),
            at=local(day.year, day.month, day.day, 10),
        )["id"]
        for n, severity in enumerate(severities)
    ]
    visits.finish(profile, visit["id"], at=local(day.year, day.month, day.day, 11))
    return made


def _recheck(profile: Profile, finding_id: str, day: date, outcome: str, new_deadline: int) -> None:
    finding = findings.get(profile, finding_id)
    found = date.fromisoformat(finding["created_at"][:10]) + timedelta(days=1)
    day = max(day, found)
    visit = visits.start(profile, finding["enterprise_id"], "recheck", at=local(day.year, day.month, day.day, 14))
    visits.recheck(
        profile,
        visit["id"],
        finding_id,
        outcome,
        at=local(day.year, day.month, day.day, 15),
        new_deadline=day + timedelta(days=new_deadline) if outcome == "recheck_partly" else None,
    )
    visits.finish(profile, visit["id"], at=local(day.year, day.month, day.day, 16))


_write = st.one_of(
    st.tuples(
        st.just("visit"),
        st.integers(0, ENTERPRISES - 1),
        st.integers(0, 330),
        st.lists(st.sampled_from(["major", "serious", "general"]), max_size=2),
        st.integers(1, 40),
    ),
    st.tuples(
        st.just("recheck"),
        st.integers(0, 1000),
        st.integers(0, 330),
        st.sampled_from(["recheck_rectified", "recheck_partly", "recheck_not_rectified"]),
        st.integers(1, 30),
    ),
    st.tuples(
        st.just("record"),
        st.integers(0, ENTERPRISES - 1),
        st.integers(0, 330),
        st.sampled_from(["complaint", "penalty", "hazwaste"]),
        st.booleans(),
    ),
    st.tuples(st.just("pulled"), st.integers(0, ENTERPRISES - 1), st.integers(0, 330), st.just(""), st.booleans()),
    st.tuples(st.just("pulled_event"), st.integers(0, 1000), st.integers(0, 330), st.just(""), st.just(0)),
    st.tuples(st.just("delete_record"), st.integers(0, 1000), st.just(0), st.just(""), st.just(0)),
    st.tuples(
        st.just("amend"), st.integers(0, 1000), st.just(0), st.sampled_from(["major", "serious", "general"]), st.just(0)
    ),
)


# Each example writes a profile through the services: a dozen, not shrunk (the failing writes are printed as drawn).
@settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(writes=st.lists(_write, min_size=3, max_size=9))
def test_kept_ratings_equal_the_computed_ones_after_any_writes(
    tmp_path_factory: pytest.TempPathFactory, empty_profile_folder: Path, writes: list[tuple]
) -> None:
    # Each example its own new profile with the bundled checklists: a copy of conftest's, as `profile` makes one.
    folder = tmp_path_factory.mktemp("kept")
    shutil.copytree(empty_profile_folder, folder / "p")
    with Profile(folder / "p") as profile:
        eids = _enterprises(profile)
        made: list[str] = []
        days: list[date] = []
        _assert_kept_equals_computed(profile, [])
        for kind, a, offset, c, d in writes:
            day = START + timedelta(days=offset)
            days.append(day)
            if kind == "visit":
                made += _visit(profile, eids[a], day, c, d)
            elif kind == "recheck" and made:
                fid = made[a % len(made)]
                if not findings.detail(profile, fid).status.closed:
                    _recheck(profile, fid, day, c, d)
            elif kind == "record":
                enterprise_events.add(
                    profile,
                    eids[a],
                    c,
                    day,
                    source="12345热线",
                    authority="生态环境局",
                    note="废漆渣露天堆放",
                    substantiated=d,
                    today=date(2027, 1, 1),
                )
            elif kind == "pulled":  # as a sync pull writes a colleague's record: straight into storage
                sync_records.put_pulled_enterprise_event(
                    profile.db,
                    {
                        "id": f"01a2{offset:04d}-0000-7000-8000-{a:012d}",
                        "enterprise_id": eids[a],
                        "kind": "penalty" if d else "complaint",
                        "on_date": day.isoformat(),
                        "authority": "生态环境局",
                        "created_at": "2026-01-01T00:00:00.000000Z",
                        "created_by": "王芳",
                    },
                )
            elif kind == "pulled_event" and made:  # a colleague's re-check as a pull stores it, before anything else
                finding_store.insert_event(
                    profile.db,
                    {
                        "id": f"01a3{offset:04d}-0000-7000-8000-{a:012d}",
                        "finding_id": made[a % len(made)],
                        "kind": "recheck_rectified",
                        "at": clock.to_text(local(day.year, day.month, day.day, 17)),
                        "by": "王芳",
                        "note": "",
                        "visit_id": None,
                    },
                )
            elif kind == "delete_record":
                rows = enterprise_events.listing(profile)
                own = [r for r in rows if r["origin"] == "here"]
                if own:
                    enterprise_events.delete(profile, own[a % len(own)]["id"], "录错")
            elif kind == "amend" and made:
                findings.update(profile, made[a % len(made)], reason="等级定错", severity=c)
            _assert_kept_equals_computed(profile, days[-3:])


def test_only_the_enterprises_written_to_are_worked_out_again(profile: Profile) -> None:
    eids = _enterprises(profile)
    rules = ratings.rules_for(profile)
    with ratings.kept_spans(profile, rules, eids) as cache:
        assert ratings._bring_up_to_date(cache, profile, rules, eids) == 0  # all kept already
    before = rating_store.rating_tokens(profile.db)
    _visit(profile, eids[1], date(2026, 3, 2), ["serious"], 10)
    after = rating_store.rating_tokens(profile.db)
    assert {e for e in eids if before[e] != after[e]} == {eids[1]}
    with ratings.kept_spans(profile, rules, []) as cache:
        assert ratings._bring_up_to_date(cache, profile, rules, eids) == 1
        assert ratings._bring_up_to_date(cache, profile, rules, eids) == 0
    enterprise_events.add(profile, eids[2], "complaint", date(2026, 3, 3), source="12345热线", today=date(2026, 3, 4))
    with ratings.kept_spans(profile, rules, []) as cache:
        assert ratings._bring_up_to_date(cache, profile, rules, eids) == 1


def test_replacing_the_rules_file_rates_by_the_new_rules(profile: Profile, tmp_path: Path) -> None:
    (eid,) = _enterprises(profile)[:1]
    enterprise_events.add(profile, eid, "complaint", date(2026, 3, 3), source="12345热线", today=date(2026, 3, 4))
    assert ratings.ratings(profile, date(2026, 3, 10), eid)[0].rating.colour.value == "yellow"
    strict = tmp_path / "strict.yaml"
    text = ratings.default_rules_path().read_text(encoding="utf-8")
    assert text.count("threshold: 2") == 1  # the red complaints rule, which now fires at one
    strict.write_text(text.replace("threshold: 2", "threshold: 1"), encoding="utf-8")
    profile_settings.put(profile, profile_settings.RATING_RULES, str(strict))
    assert ratings.ratings(profile, date(2026, 3, 10), eid)[0].rating.colour.value == "red"
    strict.write_text(text, encoding="utf-8")  # edited in place, back to the defaults
    assert ratings.ratings(profile, date(2026, 3, 10), eid)[0].rating.colour.value == "yellow"
    _assert_kept_equals_computed(profile, [date(2026, 3, 3)])


def test_a_damaged_or_stale_cache_file_is_made_again(profile: Profile, tmp_path: Path) -> None:
    eids = _enterprises(profile)
    _visit(profile, eids[0], date(2026, 2, 2), ["major"], 10)
    _assert_kept_equals_computed(profile, [])
    saved = tmp_path / "old-cache"
    shutil.copy(profile.folder / FILE_NAME, saved)
    _visit(profile, eids[0], date(2026, 2, 9), [], 10)  # a write after the copy: the copy is out of date
    shutil.copy(saved, profile.folder / FILE_NAME)  # a cache from before (a backup restored beside it, say)
    _assert_kept_equals_computed(profile, [date(2026, 2, 9)])
    (profile.folder / FILE_NAME).write_bytes(b"not a database at all" * 100)
    _assert_kept_equals_computed(profile, [date(2026, 2, 9)])
