"""Time as Steward stores it: UTC ISO-8601 strings for instants, local dates for deadlines."""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    return datetime.now(UTC)


def to_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def from_text(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def local_date(moment: datetime) -> date:
    return moment.astimezone().date()


def today() -> date:
    return datetime.now().astimezone().date()
