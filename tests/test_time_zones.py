"""Dates and times where the stewards are, whatever zone the machine runs in (conftest runs these in two zones)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from steward.domain import clock
from steward.hub.web import pages
from steward.hub.web.facts import instant


@pytest.mark.dates
def test_the_hub_shows_visit_times_and_takes_today_in_the_stewards_zone() -> None:
    # The hub's server may run in any zone: a visit at 07:30 in China (23:30 UTC the day before) reads 07:30.
    assert pages.visit_time(instant("2026-11-01T23:30:00.000Z")) == "2026-11-02 07:30"
    assert pages.visit_time(instant("2026-11-02T07:30:00")) == "2026-11-02 07:30"  # no zone: taken as China's
    assert pages.china_today() == clock.today(clock.STEWARDS_ZONE)
    assert clock.today(clock.STEWARDS_ZONE) == (datetime.now(UTC) + timedelta(hours=8)).date()
