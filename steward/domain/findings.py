"""A finding's life is an append-only list of events; everything else about it is derived here."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from steward.domain.clock import local_date
from steward.domain.labels import EventKind, FindingStatus, Severity

_STATUS_AFTER: dict[EventKind, FindingStatus] = {
    EventKind.OPENED: FindingStatus.OPEN,
    EventKind.RECTIFICATION_REPORTED: FindingStatus.REPORTED,
    EventKind.RECHECK_RECTIFIED: FindingStatus.RECTIFIED,
    EventKind.RECHECK_PARTLY: FindingStatus.PARTLY,
    EventKind.RECHECK_NOT_RECTIFIED: FindingStatus.OPEN,
    EventKind.REOPENED: FindingStatus.OPEN,
    EventKind.WAIVED: FindingStatus.WAIVED,
}

# An enterprise's own report cannot close or reopen a finding that a steward has closed.
_IGNORED_WHEN_CLOSED = {EventKind.RECTIFICATION_REPORTED, EventKind.RECHECK_PARTLY, EventKind.RECHECK_NOT_RECTIFIED}


@dataclass(frozen=True)
class FindingEvent:
    id: str
    finding_id: str
    kind: EventKind
    at: datetime
    by: str
    note: str = ""
    visit_id: str | None = None


@dataclass(frozen=True)
class FindingState:
    status: FindingStatus
    closed_at: datetime | None

    @property
    def closed(self) -> bool:
        return self.status.closed


def ordered(events: Iterable[FindingEvent]) -> list[FindingEvent]:
    """Events from several laptops merge as a union; order by time, then id (UUIDv7, itself time-ordered)."""
    unique = {e.id: e for e in events}
    return sorted(unique.values(), key=lambda e: (e.at, e.id))


def derive_state(events: Iterable[FindingEvent]) -> FindingState:
    status = FindingStatus.OPEN
    closed_at: datetime | None = None
    for event in ordered(events):
        if status.closed and event.kind in _IGNORED_WHEN_CLOSED:
            continue
        status = _STATUS_AFTER[event.kind]
        closed_at = event.at if status.closed else None
    return FindingState(status, closed_at)


def state_as_of(events: Iterable[FindingEvent], moment: datetime) -> FindingState:
    """How the finding stood at that moment: events recorded later (a re-check next month) did not happen yet."""
    return derive_state(e for e in events if e.at <= moment)


_OPEN = FindingState(FindingStatus.OPEN, None)


class StateHistory:
    """A finding's state after each of its events, worked out once: the state at any moment is then a bisection,
    not a replay. Rating 500 enterprises as of 36 month ends asks each finding for its state 36 times; the same answer
    as `state_as_of` (tests/test_rating.py compares them)."""

    __slots__ = ("_states", "_times")

    def __init__(self, events: Iterable[FindingEvent]) -> None:
        times: list[datetime] = []
        states: list[FindingState] = []
        state = _OPEN
        for event in ordered(events):
            if not (state.status.closed and event.kind in _IGNORED_WHEN_CLOSED):
                status = _STATUS_AFTER[event.kind]
                state = FindingState(status, event.at if status.closed else None)
            times.append(event.at)
            states.append(state)
        self._times = times
        self._states = states

    def at(self, moment: datetime) -> FindingState:
        """How the finding stood at `moment` (events at exactly that moment included, as in `state_as_of`)."""
        index = bisect_right(self._times, moment)
        return self._states[index - 1] if index else _OPEN

    @property
    def closed_for_good_at(self) -> datetime | None:
        """From this moment on the finding is closed and nothing it recorded changes that (None: open now)."""
        if self._states and self._states[-1].status.closed:
            return self._times[-1]
        return None


def percent(part: int, whole: int) -> str:
    """The one rounding rule of every printed and shown rate: one decimal, halves up (53.45% -> 53.5%); "—" when there
    is nothing to divide by (an enterprise without findings has no rate, not a rate of 0%)."""
    if not whole:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def overdue_days(deadline: date | None, state: FindingState, today: date) -> int:
    """Days past the deadline: while open, up to today; once closed, how late it was closed (0 if on time).
    Deadlines and today are local dates, so the closing instant counts by its local date too."""
    if deadline is None:
        return 0
    end = local_date(state.closed_at) if state.closed_at else today
    return max(0, (end - deadline).days)


def days_to_close(created_at: datetime, state: FindingState) -> int | None:
    if state.closed_at is None:
        return None
    return max(0, (local_date(state.closed_at) - local_date(created_at)).days)


@dataclass(frozen=True)
class FindingSummary:
    """What the figures need of one finding."""

    severity: Severity
    category: str
    status: FindingStatus
    overdue_days: int
    closed: bool


@dataclass(frozen=True)
class Figures:
    found: int
    rectified: int
    waived: int
    open: int
    overdue: int

    @property
    def rectification_rate(self) -> float:
        """Rectified over found, as the scheme reports it ("1,156 found, 832 rectified": 72%)."""
        return self.rectified / self.found if self.found else 0.0

    @property
    def rate_text(self) -> str:
        return percent(self.rectified, self.found)


def figures(summaries: Iterable[FindingSummary]) -> Figures:
    found = rectified = waived = open_ = overdue = 0
    for s in summaries:
        found += 1
        if s.status == FindingStatus.RECTIFIED:
            rectified += 1
        elif s.status == FindingStatus.WAIVED:
            waived += 1
        else:
            open_ += 1
            if s.overdue_days > 0:
                overdue += 1
    return Figures(found, rectified, waived, open_, overdue)
