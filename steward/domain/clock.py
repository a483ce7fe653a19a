"""Time as Steward stores it: UTC ISO-8601 strings for instants, local dates for deadlines.

A date (a deadline, "found on", "closed on") is always the date where the steward is: the laptop's own zone, which is
the steward's. The hub's server may run anywhere (often UTC), so the hub takes its dates in STEWARDS_ZONE instead."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

# China Standard Time, UTC+8 all year (no daylight saving since 1991): where the stewards and enterprises are.
STEWARDS_ZONE = timezone(timedelta(hours=8), "CST")


def now() -> datetime:
    return datetime.now(UTC)


def to_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def from_text(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def local_date(moment: datetime, zone: timezone | None = None) -> date:
    """The date of `moment` in `zone` (default: this computer's zone). Never `moment.date()`: that is the UTC date."""
    return moment.astimezone(zone).date()


def local_day(text: str) -> str:
    """The local date (YYYY-MM-DD) of a stored instant; its first ten characters are the UTC date."""
    return local_date(from_text(text)).isoformat()


def today(zone: timezone | None = None) -> date:
    return datetime.now(zone).date() if zone else datetime.now().astimezone().date()
