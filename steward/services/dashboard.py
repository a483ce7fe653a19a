"""The insurer's dashboard: the period figures of the summary PDF (the same definitions: services.documents.
period_findings) for a chosen period and group, and the findings behind every figure and bar, so that a bar's number
and the list it opens are one and the same set."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path

from steward.domain import clock
from steward.domain.addresses import town_of
from steward.domain.errors import InvalidInput
from steward.domain.findings import percent
from steward.domain.labels import Severity
from steward.domain.period import Period, months_between
from steward.domain.rating import Colour
from steward.services import ratings, settings
from steward.services.documents import PeriodFinding, period_findings
from steward.storage import documents as store
from steward.storage import period_counts as counts
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


# The charts, each the values of one expression of a finding (storage.period_counts.expression, and _key below).
FOUND_MONTH, RECTIFIED_MONTH, CATEGORY, SEVERITY, AGEING_DAYS, BUCKET = (
    "found_month",
    "rectified_month",
    "category",
    "severity",
    "ageing",
    "bucket",
)


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label, the number of findings it counts, and which: those whose `dimension` is one of
    `values` (its key; a bar gathering several categories has each of theirs)."""

    key: str
    count: int
    dimension: str = ""
    values: tuple[str, ...] = ()


def gathered(key: str, bars: Iterable[Bar]) -> Bar:
    """One bar counting what several bars of a chart count (其余 n 类)."""
    chosen = list(bars)
    return Bar(
        key,
        sum(b.count for b in chosen),
        chosen[0].dimension if chosen else CATEGORY,
        tuple(v for b in chosen for v in b.values),
    )


@dataclass(frozen=True)
class Dashboard:
    first: date
    last: date
    group: Group
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

    @property
    def months(self) -> list[str]:
        return [b.key for b in self.found_by_month]


def _months(first: date, last: date) -> list[str]:
    return months_between(first, last)


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


def _key(pf: PeriodFinding, dimension: str) -> str | None:
    """The value of `dimension` for a finding counted from its events (the summary PDF's way)."""
    if dimension == FOUND_MONTH:
        return pf.found_month
    if dimension == RECTIFIED_MONTH:
        return pf.rectified_month
    if dimension == CATEGORY:
        return pf.row["category"]
    if dimension == SEVERITY:
        return pf.row["severity"]
    if dimension == AGEING_DAYS:
        return _ageing_key(pf.standing.overdue_days) if pf.standing.overdue_days > 0 else None
    if dimension == BUCKET:
        return pf.standing.bucket
    raise ValueError(dimension)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time()).astimezone()


def _scope(profile: Profile, period: Period, group: Group) -> counts.Scope:
    """What the SQL counts of the period and group read; call within one snapshot of the profile with what follows."""
    months = _months(period.first, period.last)
    bounds = [date(int(m[:4]), int(m[5:]), 1) for m in months]
    end = bounds[-1]
    after = date(end.year + 1, 1, 1) if end.month == 12 else date(end.year, end.month + 1, 1)
    last = period.last
    start, stop, closing = clock.to_text(period.start), clock.to_text(period.end), clock.to_text(period.closing)
    return counts.Scope(
        start=start,
        end=stop,
        closing=closing,
        last_day=last.isoformat(),
        month_starts=tuple(clock.to_text(_midnight(day)) for day in [*bounds, after]),
        ageing_from=(
            (last - timedelta(days=7)).isoformat(),
            (last - timedelta(days=30)).isoformat(),
            (last - timedelta(days=90)).isoformat(),
        ),
        steward=group.value if group.kind is GroupKind.STEWARD else None,
        enterprise_ids=None
        if group.kind in (GroupKind.ALL, GroupKind.STEWARD)
        else group_enterprise_ids(profile, group),
        later=counts.later(profile.db, start, stop, closing),
    )


def _counted_from_events(profile: Profile, period: Period, group: Group, scope: counts.Scope) -> list[PeriodFinding]:
    """The period's findings with an event after its end, each as its events say it stood then (their kept state is
    later than the period): none for a period ending today."""
    if not scope.later:
        return []
    found = period_findings(profile, period.first, period.last, scope.later).findings
    return [pf for pf in found if group.holds(pf.row)]


def compute(profile: Profile, start: date, end: date, group: Group = Group(), with_colours: bool = True) -> Dashboard:
    """The period's figures and charts, counted as the summary PDF counts them (services.documents.period_findings):
    in SQL from the findings' kept state, and from their events for findings with an event after the period."""
    period = Period.of(start, end, clock.today())
    months = _months(period.first, period.last)
    tally: dict[str, Counter[str]] = {d: Counter() for d in (FOUND_MONTH, RECTIFIED_MONTH, CATEGORY, SEVERITY)}
    tally[AGEING_DAYS], tally[BUCKET] = Counter(), Counter()
    with profile.db.snapshot():  # one state of the profile for every count
        scope = _scope(profile, period, group)
        category_of = counts.categories(profile.db)
        for item, n in counts.by_item(profile.db, scope).items():
            tally[CATEGORY][category_of.get(item or "", counts.OTHER_CATEGORY)] += n
        head = counts.headline(profile.db, scope)
        tally[BUCKET].update(rectified=head.rectified, waived=head.waived, open=head.open)
        tally[SEVERITY].update(head.severity)
        tally[AGEING_DAYS].update(head.ageing)
        for month, n in zip(months, counts.found_by_month(profile.db, scope), strict=True):
            tally[FOUND_MONTH][month] += n
        for index, n in counts.rectified_by_month(profile.db, scope).items():
            tally[RECTIFIED_MONTH][months[index]] += n
        for pf in _counted_from_events(profile, period, group, scope):
            for dimension, counter in tally.items():
                value = _key(pf, dimension)
                if value is not None:
                    counter[value] += 1

    def bars(dimension: str, keys: Iterable[str]) -> tuple[Bar, ...]:
        return tuple(Bar(k, tally[dimension][k], dimension, (k,)) for k in keys)

    enterprise_ids = group_enterprise_ids(profile, group)
    colours: tuple[tuple[date, dict[Colour, int]], ...] = ()
    if with_colours:
        colours = tuple(
            ratings.monthly_distribution(profile, colour_start(period.first, period.last), period.last, enterprise_ids)
        )
    categories = sorted(tally[CATEGORY], key=lambda k: (-tally[CATEGORY][k], k))
    return Dashboard(
        first=period.first,
        last=period.last,
        group=group,
        found=sum(tally[BUCKET].values()),
        rectified=tally[BUCKET]["rectified"],
        waived=tally[BUCKET]["waived"],
        open=tally[BUCKET]["open"],
        overdue=sum(tally[AGEING_DAYS].values()),
        found_by_month=bars(FOUND_MONTH, months),
        rectified_by_month=bars(RECTIFIED_MONTH, months),
        by_category=bars(CATEGORY, categories),
        by_severity=bars(SEVERITY, [s.value for s in Severity]),
        ageing=bars(AGEING_DAYS, [key for key, _, _ in AGEING]),
        colours=colours,
        enterprise_ids=enterprise_ids,
    )


def findings_behind(profile: Profile, d: Dashboard, bar: Bar) -> list[PeriodFinding]:
    """The findings a bar counts, each as it stood at the period's end, in the order they were found: those the SQL
    expression of its chart gives one of its values, and those counted from their events whose value is one of them
    (every one read again from its events, as the summary PDF reads it)."""
    period = Period.of(d.first, d.last, clock.today())
    months = d.months
    values: list[object] = (
        [months.index(v) for v in bar.values if v in months]
        if bar.dimension in (FOUND_MONTH, RECTIFIED_MONTH)
        else list(bar.values)
    )
    with profile.db.snapshot():
        scope = _scope(profile, period, d.group)
        chosen = counts.ids_of(profile.db, scope, bar.dimension, values) + sorted(scope.later)
        found = period_findings(profile, d.first, d.last, chosen).findings if chosen else ()
    return [pf for pf in found if d.group.holds(pf.row) and _key(pf, bar.dimension) in bar.values]


def counted(profile: Profile, d: Dashboard) -> list[PeriodFinding]:
    """Every finding the figures count (found in the period by a finished visit, of the group)."""
    return findings_behind(profile, d, Bar("", d.found, BUCKET, ("rectified", "waived", "open")))


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
