"""The enterprise list rates 500 enterprises as of today from only the facts that can matter that day
(services.ratings.facts_as_of, storage.ratings.findings_as_of); those must give exactly the colours and reasons every
fact gives, on any day: every fifth day of seven months, each month end of the park's history, a mid-month day."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from steward.domain.rating import Colour, changes_between, distribution, month_ends, rate, timeline
from steward.services import demo, ratings
from steward.storage.profile import Profile
from tests.shared_build import built_once, demo_key

TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def made_park(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo park both tests read (24 enterprises, 30 weeks to TODAY), made once per test run whatever the number
    of workers (tests/shared_build.py): each test rates a copy, nobody opens this one."""
    size = demo.DemoSize(24, 30, 2026, photos=False)

    def build(folder: Path) -> None:
        with Profile(folder) as profile:
            demo.make_demo(profile, size, today=TODAY)

    return built_once(tmp_path_factory, demo_key("as_of", size, TODAY), build)[0]


@pytest.fixture
def park(made_park: Path, tmp_path: Path) -> Path:
    shutil.copytree(made_park, tmp_path / "demo")
    return tmp_path / "demo"


def test_the_facts_of_one_day_rate_exactly_as_every_fact_does(park: Path) -> None:
    with Profile(park) as profile:
        rules = ratings.rules_for(profile)
        every = ratings.facts_by_enterprise(profile)
        every_fifth = [TODAY - timedelta(days=n) for n in range(0, 7 * 32, 5)]
        days = sorted({*every_fifth, *month_ends(date(2026, 4, 1), TODAY), date(2026, 6, 15)}, reverse=True)
        seen: set[Colour] = set()
        fewer = 0
        for day in days:
            some = ratings.facts_as_of(profile, day, rules)
            assert some.keys() == every.keys()
            for eid, facts in every.items():
                expected = rate(facts, rules, day)
                assert rate(some[eid], rules, day) == expected, (eid, day)
                seen.add(expected.colour)
            if day in every_fifth:  # early month ends may have nothing closed yet to leave out
                fewer += sum(len(f.findings) for f in some.values()) < sum(len(f.findings) for f in every.values())
        assert seen == set(Colour)  # every colour and its reasons were compared, not only green
        assert fewer == len(every_fifth)  # and on each of those days fewer findings were read than there are
        for day in days[::10]:  # one enterprise asked for (the detail screen) reads by another query
            for eid, facts in every.items():
                alone = ratings.facts_as_of(profile, day, rules, eid)
                assert alone.keys() == {eid} and rate(alone[eid], rules, day) == rate(facts, rules, day)
        one = next(iter(every))  # and the service the detail screen calls gives that rating
        assert ratings.ratings(profile, TODAY, one)[0].rating == rate(every[one], rules, TODAY)


def test_a_period_lists_the_timeline_s_changes_within_it_from_the_facts_of_that_period(park: Path) -> None:
    first, last = date(2026, 9, 1), date(2026, 10, 31)
    with Profile(park) as profile:
        rules = ratings.rules_for(profile)
        every = ratings.facts_by_enterprise(profile)
        some = ratings.facts_between(profile, first, last, rules)
        compared = 0
        for eid, facts in every.items():
            history = timeline(facts, rules, last)
            if not history or history[0].on >= first:
                continue
            before, within = changes_between(facts, rules, first, last)
            assert before.colour is [c for c in history if c.on < first][-1].rating.colour
            assert within == [c for c in history if first <= c.on <= last]
            assert changes_between(some[eid], rules, first, last) == (before, within)
            compared += len(within)
        assert compared > 3  # changes were compared, not only enterprises that stayed one colour
        # The colour chart's month ends, from the facts of those months and colours without reasons: the same counts
        # as every enterprise rated in full on each day, for the park and for a group of it.
        group = set(list(every)[::3])
        for only in (None, group):
            chosen = {eid: f for eid, f in every.items() if only is None or eid in only}
            assert ratings.monthly_distribution(profile, date(2026, 4, 1), TODAY, only) == [
                (day, distribution(rate(f, rules, day) for f in chosen.values()))
                for day in month_ends(date(2026, 4, 1), TODAY)
            ]
        period = ratings.period_colours(profile, first, last)
        assert period.at_end == distribution(rate(f, rules, last) for f in every.values())
        names = {eid: n for eid, n in ((r.enterprise_id, r.name) for r in ratings.ratings(profile, last))}
        expected = [
            (names[eid], c)
            for eid in sorted(every, key=names.__getitem__)
            for c in changes_between(every[eid], rules, first, last)[1]
        ]
        assert sorted(period.changes, key=lambda nc: (nc[0], nc[1].on)) == sorted(
            expected, key=lambda nc: (nc[0], nc[1].on)
        )
