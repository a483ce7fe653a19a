"""A period's figures, one definition for the laptop's summary PDF and the hub's page: found / rectified / waived /
open / overdue, every finding counted as it stood at the end of the period's last day ("截至").

A finding belongs to the period when it was found (created) in it; how it stands is taken at the period's closing
moment, so a re-check recorded next month does not change this month's figures. Overdue: still open at the end and
past its deadline on the last day. Rate: rectified over found (steward.domain.findings.percent rounds it).
Dates are dates where the stewards are: the laptop's own zone, or the zone the hub is given (clock.STEWARDS_ZONE)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cached_property

from steward.domain.errors import InvalidInput
from steward.domain.findings import FindingEvent, current_deadline, overdue_days, percent, state_as_of
from steward.domain.labels import FindingStatus

# Stored instants have millisecond precision: the last one of a period is its end less one millisecond.
_TICK = timedelta(milliseconds=1)


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    zone: tzinfo | None = None  # None: this computer's zone (the laptop's, which is the steward's)

    @classmethod
    def of(cls, first: date | None, last: date | None, today: date, zone: tzinfo | None = None) -> Period:
        """The chosen days; by default the month so far (from the 1st to today)."""
        end = last or today
        start = first or end.replace(day=1)
        if start > end:
            raise InvalidInput(
                f"开始日期 {start} 晚于结束日期 {end}。", f"The start date {start} is after the end date {end}."
            )
        return cls(start, end, zone)

    def _midnight(self, day: date) -> datetime:
        naive = datetime.combine(day, time())
        return naive.replace(tzinfo=self.zone) if self.zone is not None else naive.astimezone()

    # Cached: every finding of a big hub is tested against them.
    @cached_property
    def start(self) -> datetime:
        return self._midnight(self.first)

    @cached_property
    def end(self) -> datetime:
        """The first instant after the period (exclusive)."""
        return self._midnight(self.last + timedelta(days=1))

    @property
    def closing(self) -> datetime:
        """The moment every figure of the period is taken at: the end of its last day."""
        return self.end - _TICK

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def month(self, moment: datetime) -> str:
        """ "2026-11": the month of an instant where the stewards are."""
        return moment.astimezone(self.zone).strftime("%Y-%m")

    @property
    def label(self) -> str:
        return f"{self.first.isoformat()} 至 {self.last.isoformat()}"


@dataclass(frozen=True)
class Standing:
    """One finding as it stood at the end of a period."""

    status: FindingStatus
    closed_at: datetime | None
    overdue_days: int
    deadline: date | None = None  # due then: moved by a 部分整改 recorded by the period's end

    @property
    def bucket(self) -> str:
        if self.status == FindingStatus.RECTIFIED:
            return "rectified"
        return "waived" if self.status == FindingStatus.WAIVED else "open"


def standing_at(deadline: date | None, events: Iterable[FindingEvent], closing: datetime, last: date) -> Standing:
    """How a finding stood at `closing` (the end of day `last`): its status then, and days overdue while open, past
    its own deadline or the one a 部分整改 recorded by then agreed."""
    state = state_as_of(events, closing)
    due = current_deadline(deadline, state)
    late = 0 if state.closed else overdue_days(due, state, last)
    return Standing(state.status, state.closed_at, late, due)


@dataclass
class Tally:
    """The headline figures of a group of findings (all, one steward, one enterprise) in one period."""

    visits: int = 0
    found: int = 0
    rectified: int = 0
    waived: int = 0
    open: int = 0
    overdue: int = 0

    def add(self, s: Standing) -> None:
        self.found += 1
        if s.bucket == "rectified":
            self.rectified += 1
        elif s.bucket == "waived":
            self.waived += 1
        else:
            self.open += 1
            self.overdue += s.overdue_days > 0

    @property
    def rate_text(self) -> str:
        return percent(self.rectified, self.found)

    @property
    def rate(self) -> float | None:
        """Rectified over found, None when nothing was found (no rate rather than 0%)."""
        return self.rectified / self.found if self.found else None


@dataclass
class Months:
    """Found (by the month found) and rectified (by the month rectified, for the period's findings rectified by its
    end) per month: the summary's "found vs rectified by month"."""

    counts: dict[str, list[int]] = field(default_factory=dict)

    def add(self, period: Period, created_at: datetime, s: Standing) -> None:
        self.counts.setdefault(period.month(created_at), [0, 0])[0] += 1
        if s.bucket == "rectified" and s.closed_at is not None:
            self.counts.setdefault(period.month(s.closed_at), [0, 0])[1] += 1

    def rows(self) -> list[tuple[str, int, int]]:
        return [(m, c[0], c[1]) for m, c in sorted(self.counts.items())]


def months_between(first: date, last: date) -> list[str]:
    """Every month from `first`'s to `last`'s, "YYYY-MM", so a chart shows empty months too."""
    months: list[str] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
