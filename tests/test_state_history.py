"""StateHistory answers what state_as_of answers, at every moment, for any order of events (the rating asks it
36 times per finding instead of replaying the events each time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from steward.domain.findings import FindingEvent, StateHistory, state_as_of
from steward.domain.labels import EventKind

START = datetime(2026, 1, 1, tzinfo=UTC)
KINDS = [k for k in EventKind if k is not EventKind.OPENED]

events = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=9)),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(events)
def test_state_history_agrees_with_replaying_the_events(raw: list[tuple[EventKind, int, int]]) -> None:
    made = [FindingEvent("e0000", "f", EventKind.OPENED, START, "李明")]
    made += [
        FindingEvent(f"e{n}{i:03d}", "f", kind, START + timedelta(days=day), "李明")
        for i, (kind, day, n) in enumerate(raw, start=1)
    ]
    history = StateHistory(reversed(made))  # the order they arrive in does not matter
    for day in range(-1, 43):
        for moment in (START + timedelta(days=day), START + timedelta(days=day, microseconds=-1)):
            assert history.at(moment) == state_as_of(made, moment), (day, raw)
