"""A finding's life is an append-only list of events; everything else about it is derived here."""

from __future__ import annotations

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
    new_deadline: date | None = None  # 部分整改: the date agreed for the rest


@dataclass(frozen=True)
class FindingState:
    status: FindingStatus
    closed_at: datetime | None
    # The deadline the last 部分整改 agreed (None: the finding's own deadline still stands).
    new_deadline: date | None = None

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
    new_deadline: date | None = None
    for event in ordered(events):
        if status.closed and event.kind in _IGNORED_WHEN_CLOSED:
            continue
        status = _STATUS_AFTER[event.kind]
        closed_at = event.at if status.closed else None
        if event.kind == EventKind.RECHECK_PARTLY and event.new_deadline is not None:
            new_deadline = event.new_deadline
    return FindingState(status, closed_at, new_deadline)


def current_deadline(own_deadline: date | None, state: FindingState) -> date | None:
    """The date the finding is due now: the one the last 部分整改 agreed, else the one set when it was found."""
    return state.new_deadline or own_deadline


def new_deadline_problem(new_deadline: date, event_day: date) -> tuple[str, str] | None:
    """Why a 部分整改's new deadline cannot stand (zh, en), or None: the rest cannot be due before the re-check."""
    if new_deadline < event_day:
        return (
            f"新的整改期限 {new_deadline.isoformat()} 早于复查日期 {event_day.isoformat()}。",
            f"The new deadline {new_deadline.isoformat()} is before the re-check's date {event_day.isoformat()}.",
        )
    return None


def state_as_of(events: Iterable[FindingEvent], moment: datetime) -> FindingState:
    """How the finding stood at that moment: events recorded later (a re-check next month) did not happen yet."""
    return derive_state(e for e in events if e.at <= moment)


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
