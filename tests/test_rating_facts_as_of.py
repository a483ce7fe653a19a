"""A rating as of one date reads only the facts it can look at (storage.ratings.findings_as_of): the colours and
reasons are exactly those computed from every fact, at every month end of a demo park's history and today."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from steward.domain.rating import month_ends, rate
from steward.services import demo, ratings
from steward.storage.profile import Profile

TODAY = date(2026, 11, 20)


def test_ratings_from_the_facts_as_of_a_date_equal_those_from_every_fact(tmp_path: Path) -> None:
    with Profile(tmp_path / "park") as park:
        demo.make_demo(park, demo.DemoSize(enterprises=6, weeks=30, photos=False), today=TODAY)
        rules = ratings.rules_for(park)
        every = ratings.facts_by_enterprise(park)
        days = [*month_ends(date(2026, 4, 1), TODAY), date(2026, 6, 15), TODAY]
        colours = set()
        fewer = 0
        for day in days:
            subset = ratings.facts_as_of(park, day, rules)
            assert subset.keys() == every.keys()
            for eid, facts in every.items():
                full = rate(facts, rules, day)
                assert rate(subset[eid], rules, day) == full, (eid, day)
                colours.add(full.colour)
                fewer += len(subset[eid].findings) < len(facts.findings)
        assert len(colours) >= 2 and fewer > 0  # the park has colours to tell apart and closed findings to leave out
        one = next(iter(every))
        assert ratings.ratings(park, TODAY, one)[0].rating == rate(every[one], rules, TODAY)
