"""The insurer's dashboard: the period figures of the summary PDF (the same definitions: services.documents.
period_findings) for a chosen period and group, and the findings behind every figure and bar, so that a bar's number
and the list it opens are one and the same set."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path

from steward.domain import clock
from steward.domain.addresses import town_of
from steward.domain.errors import InvalidInput
from steward.domain.findings import percent
from steward.domain.labels import Severity
from steward.domain.rating import Colour
from steward.services import ratings, settings
from steward.services.documents import PeriodFinding, period_findings
from steward.storage import documents as store
from steward.storage import ratings as rating_store
from steward.storage.profile import Profile

# Overdue ageing: days past the deadline on the period's last day (an overdue finding is at least a day late).
AGEING: tuple[tuple[str, int, int | None], ...] = (("0-7", 0, 7), ("8-30", 8, 30), ("31-90", 31, 90), (">90", 91, None))
COLOUR_MONTHS = 12  # the colour chart shows at least a year, so that "over time" means something in a short period


class PeriodKind(StrEnum):
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    THIS_QUARTER = "this_quarter"
    THIS_YEAR = "this_year"
    CUSTOM = "custom"


def period_of(kind: PeriodKind, today: date | None = None) -> tuple[date, date]:
    """The first and last day of a named period; a period still running ends today (figures are as of its end)."""
    day = today or clock.today()
    if kind is PeriodKind.THIS_MONTH:
        return day.replace(day=1), day
    if kind is PeriodKind.LAST_MONTH:
        last = day.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if kind is PeriodKind.THIS_QUARTER:
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1), day
    if kind is PeriodKind.THIS_YEAR:
        return date(day.year, 1, 1), day
    raise InvalidInput("自定义期间需要给出开始和结束日期。", "A custom period needs a start and an end date.")


class GroupKind(StrEnum):
    ALL = "all"
    STEWARD = "steward"
    INDUSTRY = "industry"
    PARK = "park"
    TOWN = "town"


@dataclass(frozen=True)
class Group:
    kind: GroupKind = GroupKind.ALL
    value: str = ""

    def holds(self, row: Mapping[str, object]) -> bool:
        """Whether a period finding's row (with its enterprise's industry, park and address) is of this group."""
        if self.kind is GroupKind.ALL:
            return True
        if self.kind is GroupKind.TOWN:
            return town_of(str(row["address"])) == self.value
        return row[self.kind.value] == self.value


def groups(profile: Profile) -> list[Group]:
    """The groups worth offering: all, and each steward / industry / park / town (from the address) where the profile
    has more than one."""
    offered = [Group()]
    values = store.group_values(profile.db)
    values["town"] = sorted({town_of(r["address"]) for r in store.enterprise_addresses(profile.db)} - {""})
    for kind in (GroupKind.STEWARD, GroupKind.INDUSTRY, GroupKind.PARK, GroupKind.TOWN):
        if len(values[kind.value]) > 1:
            offered += [Group(kind, v) for v in values[kind.value]]
    return offered


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label and the findings it counts (its height is their number)."""

    key: str
    ids: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Dashboard:
    first: date
    last: date
    group: Group
    findings: dict[str, PeriodFinding]
    found: int
    rectified: int
    waived: int
    open: int
    overdue: int
    found_by_month: tuple[Bar, ...]
    rectified_by_month: tuple[Bar, ...]  # the same months: of the period's findings, rectified in that month
    by_category: tuple[Bar, ...]
    by_severity: tuple[Bar, ...]
    ageing: tuple[Bar, ...]
    colours: tuple[tuple[date, dict[Colour, int]], ...] = field(default=())
    enterprise_ids: frozenset[str] | None = None  # the group's enterprises (None: every enterprise)

    @property
    def rate(self) -> str:
        """整改率 as the summary prints it: rectified ÷ found, one decimal."""
        return percent(self.rectified, self.found)

    @property
    def as_of(self) -> str:
        return self.last.isoformat()

    def rows(self, ids: Iterable[str]) -> list[PeriodFinding]:
        return [self.findings[i] for i in ids]


def _bars(pairs: Iterable[tuple[str, str]]) -> tuple[Bar, ...]:
    by_key: dict[str, list[str]] = {}
    for key, finding_id in pairs:
        by_key.setdefault(key, []).append(finding_id)
    return tuple(Bar(k, tuple(ids)) for k, ids in by_key.items())


def _months(first: date, last: date) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _ageing_key(days: int) -> str:
    return next(key for key, low, high in AGEING if days >= low and (high is None or days <= high))


def colour_start(first: date, last: date) -> date:
    """The first month of the colour chart: the period's, or a year before its end if the period is shorter."""
    year, month = last.year, last.month - (COLOUR_MONTHS - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return min(first.replace(day=1), date(year, month, 1))


def group_enterprise_ids(profile: Profile, group: Group) -> frozenset[str] | None:
    """The group's enterprises (None: every one), for its colour chart."""
    if group.kind is GroupKind.ALL:
        return None
    if group.kind is GroupKind.TOWN:
        return frozenset(
            r["id"] for r in store.enterprise_addresses(profile.db) if town_of(r["address"]) == group.value
        )
    return frozenset(store.group_enterprises(profile.db, group.kind.value, group.value))


def compute(profile: Profile, start: date, end: date, group: Group = Group(), with_colours: bool = True) -> Dashboard:
    period = period_findings(profile, start, end)
    chosen = [pf for pf in period.findings if group.holds(pf.row)]
    months = _months(period.first, period.last)
    found_in: dict[str, list[str]] = {m: [] for m in months}
    rectified_in: dict[str, list[str]] = {m: [] for m in months}
    tally = {"rectified": 0, "waived": 0, "open": 0}
    overdue: list[tuple[str, str]] = []
    for pf in chosen:
        fid = pf.row["id"]
        tally[pf.standing.bucket] += 1
        found_in.setdefault(pf.found_month, []).append(fid)
        month = pf.rectified_month
        if month is not None:
            rectified_in.setdefault(month, []).append(fid)
        if pf.standing.overdue_days > 0:
            overdue.append((_ageing_key(pf.standing.overdue_days), fid))
    order = {key: n for n, (key, _, _) in enumerate(AGEING)}
    ageing = {b.key: b for b in _bars(overdue)}
    category_bars = _bars((pf.row["category"], pf.row["id"]) for pf in chosen)
    severity_bars = {b.key: b for b in _bars((pf.row["severity"], pf.row["id"]) for pf in chosen)}
    enterprise_ids = group_enterprise_ids(profile, group)
    colours: tuple[tuple[date, dict[Colour, int]], ...] = ()
    if with_colours:
        colours = tuple(
            ratings.monthly_distribution(profile, colour_start(period.first, period.last), period.last, enterprise_ids)
        )
    return Dashboard(
        first=period.first,
        last=period.last,
        group=group,
        findings={pf.row["id"]: pf for pf in chosen},
        found=len(chosen),
        rectified=tally["rectified"],
        waived=tally["waived"],
        open=tally["open"],
        overdue=len(overdue),
        found_by_month=tuple(Bar(m, tuple(found_in[m])) for m in sorted(found_in)),
        rectified_by_month=tuple(Bar(m, tuple(rectified_in.get(m, ()))) for m in sorted(found_in)),
        by_category=tuple(sorted(category_bars, key=lambda b: (-b.count, b.key))),
        by_severity=tuple(severity_bars.get(s.value, Bar(s.value, ())) for s in Severity),
        ageing=tuple(ageing.get(key, Bar(key, ())) for key in sorted(order, key=order.__getitem__)),
        colours=colours,
        enterprise_ids=enterprise_ids,
    )


def data_version(profile: Profile) -> tuple[object, ...]:
    """Changes whenever a figure or a colour could: the profile's rating and period inputs (a token per enterprise
    moved by every write to them, storage.ratings.inputs_version) and the rules file (edited in place, or another
    one chosen). The figures and the colour chart are kept under this key, so opening the dashboard again with
    nothing changed counts nothing again (a year of a three-year profile of 500 enterprises is over a second)."""
    rules = ratings.default_rules_path()
    chosen = settings.get(profile, settings.RATING_RULES)
    path = Path(chosen).expanduser() if chosen else rules
    try:
        stamp: object = path.stat().st_mtime_ns
    except OSError:
        stamp = None  # rules_for says what is wrong with the file when the chart is made
    return (rating_store.inputs_version(profile.db), str(path), stamp)


colours_version = data_version  # the colour chart's key: the same inputs


def enterprises_of_colour(
    profile: Profile, as_of: date, colour: Colour, enterprise_ids: frozenset[str] | None = None
) -> list[ratings.EnterpriseRating]:
    """The enterprises behind a bar of the colour chart: rated `colour` at the end of `as_of`, with their reasons."""
    return [
        r
        for r in ratings.ratings(profile, as_of)
        if r.rating.colour is colour and (enterprise_ids is None or r.enterprise_id in enterprise_ids)
    ]
