"""Ratings on the first use of a new release or new rules (issue 11): while the kept spans are being filled, the
enterprise list and `steward ratings` show colours at once, rated directly as of the day, and those are the colours
and reasons the spans then give."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from steward.cli.main import main
from steward.services import demo, ratings
from steward.storage.profile import Profile
from steward.storage.rating_cache import FILE_NAME
from tests.shared_build import copy_of, demo_key

TODAY = date(2026, 11, 20)
DAYS = (TODAY, date(2026, 10, 31), date(2026, 9, 30), date(2026, 6, 15))


@pytest.fixture
def park(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Profile]:
    """A demo park whose spans were never kept, and few enough enterprises count as many (the direct way is taken
    from RATE_DIRECTLY_FROM enterprises without spans; 20 in the app)."""
    size = demo.DemoSize(enterprises=6, weeks=26, photos=False)

    def build(data: Path) -> None:
        with Profile(data / "profiles" / "park") as made:
            demo.make_demo(made, size, today=TODAY)

    # Made once per test run whatever the number of workers (tests/shared_build.py); each test writes to its copy.
    copy_of(tmp_path_factory, demo_key("first_use", size, TODAY), build, tmp_path / "data")
    with Profile(tmp_path / "data" / "profiles" / "park") as profile:
        (profile.folder / FILE_NAME).unlink(missing_ok=True)
        monkeypatch.setattr(ratings, "RATE_DIRECTLY_FROM", 2)
        yield profile


def test_colours_come_at_once_without_spans_and_equal_the_spans_colours(park: Profile) -> None:
    assert ratings.spans_behind(park) == 6
    direct = {day: [r.to_dict() for r in ratings.ratings(park, day)] for day in DAYS}
    colours = {day: ratings.colours(park, day) for day in DAYS}
    assert ratings.spans_behind(park) == 6  # nothing was kept: every one of those was rated directly

    assert ratings.fill_spans(park) == 6
    assert ratings.spans_behind(park) == 0 and ratings.fill_spans(park) == 0
    for day in DAYS:
        kept = [r.to_dict() for r in ratings.ratings(park, day)]
        assert kept == direct[day]  # the same colour and every reason, from the spans
        from_spans = {r["enterprise_id"]: r["colour"] for r in kept}
        assert {e: c.value for e, c in ratings.colours(park, day).items()} == from_spans
        assert {e: c.value for e, c in colours[day].items()} == from_spans
    seen = {r["colour"] for rows in direct.values() for r in rows}
    assert len(seen) >= 2, seen  # the demo's colours differ, so equal lists mean something


def test_a_few_enterprises_without_spans_are_brought_up_to_date_at_once(park: Profile) -> None:
    ratings.fill_spans(park)
    enterprise = park.db.scalar("SELECT id FROM enterprises ORDER BY name LIMIT 1")
    with park.db.write() as conn:  # a write to what its rating reads moves its token
        conn.execute("UPDATE rating_marks SET token = 'moved' WHERE enterprise = ?", [enterprise])
    assert ratings.spans_behind(park) == 1
    ratings.ratings(park, TODAY)
    assert ratings.spans_behind(park) == 0  # one is worked out at once, not rated directly


def test_steward_ratings_answers_before_the_spans_are_filled(park: Profile, capsys: pytest.CaptureFixture) -> None:
    data = park.folder.parent.parent
    expected = [r.to_dict() for r in ratings.ratings(park, TODAY)]
    assert main(["--data-dir", str(data), "--profile", "park", "ratings", "--as-of", TODAY.isoformat(), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(expected, default=str))
    assert ratings.spans_behind(park) == 6  # answered from the day's facts; the app fills the spans


def test_the_colour_chart_is_rated_directly_without_spans_and_equals_the_spans_chart(park: Profile) -> None:
    """The dashboard's colour chart on first use: each month end rated from its own facts, none kept, and the same
    counts the spans give once filled (for the whole park and for a group)."""
    group = {row["id"] for row in park.db.query("SELECT id FROM enterprises ORDER BY name LIMIT 3")}
    start = date(2026, 1, 1)
    direct = ratings.monthly_distribution(park, start, TODAY)
    direct_group = ratings.monthly_distribution(park, start, TODAY, only=group)
    assert ratings.spans_behind(park) == 6  # nothing was kept: the chart was rated directly

    ratings.fill_spans(park)
    assert ratings.spans_behind(park) == 0
    assert ratings.monthly_distribution(park, start, TODAY) == direct
    assert ratings.monthly_distribution(park, start, TODAY, only=group) == direct_group
    assert len(direct) == 11 and all(sum(tally.values()) == 6 for _day, tally in direct)
    assert all(sum(tally.values()) == 3 for _day, tally in direct_group)
    assert len({tuple(tally.values()) for _day, tally in direct}) >= 2, direct  # the counts move over the year
