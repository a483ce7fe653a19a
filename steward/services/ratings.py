"""The three-colour rating of a profile's enterprises: rules from a file, facts from the profile, as of any date."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from steward.domain import clock
from steward.domain.errors import InvalidInput, NotFound
from steward.domain.labels import Severity
from steward.domain.rating import (
    Change,
    Colour,
    Facts,
    RatedFinding,
    RatedRecord,
    RatedVisit,
    Rating,
    RecordKind,
    Rules,
    changes_between,
    colours_on,
    distribution,
    end_of_day,
    month_ends,
    rate,
    rules_from_yaml,
    timeline,
)
from steward.resources import resource
from steward.services import settings
from steward.services.findings import event_from_row
from steward.storage import enterprise_events as records_store
from steward.storage import ratings as store
from steward.storage.profile import Profile

_LABEL_CHARS = 16


def load_rules(path: Path) -> Rules:
    """A rules file, validated: a person edits it, so every mistake is named in both languages."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"找不到评级规则文件:{path}", f"Rating rules file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            f"无法读取评级规则文件 {path}:{exc}", f"Cannot read the rating rules file {path}: {exc}"
        ) from None
    return rules_from_yaml(text, str(path))


def default_rules_path() -> Path:
    return resource("rating", "rules.yaml")


def rules_for(profile: Profile) -> Rules:
    chosen = settings.get(profile, settings.RATING_RULES)
    return load_rules(Path(chosen).expanduser() if chosen else default_rules_path())


def _label(row: dict[str, Any]) -> str:
    text = " ".join(str(row["description"]).split())
    short = text if len(text) <= _LABEL_CHARS else text[:_LABEL_CHARS] + "…"
    return f"{row['item_code']} {short}" if row["item_code"] else short


def facts_by_enterprise(profile: Profile, enterprise_id: str | None = None) -> dict[str, Facts]:
    """Every fact of each enterprise: what a timeline or several dates need."""
    db = profile.db
    return _facts(
        profile,
        store.findings(db, enterprise_id),
        store.finding_events(db, enterprise_id),
        store.visits(db, enterprise_id),
        enterprise_id,
    )


def facts_as_of(profile: Profile, day: date, rules: Rules, enterprise_id: str | None = None) -> dict[str, Facts]:
    """Only the facts a rating as of `day` can look at (rate() gives the same colour and reasons from these as from
    every fact): findings open then or of the last visits, and those visits. At 500 enterprises with three years of
    weekly visits, a fraction of a second instead of several."""
    return facts_between(profile, day, day, rules, enterprise_id)


def facts_between(
    profile: Profile, first: date, last: date, rules: Rules, enterprise_id: str | None = None
) -> dict[str, Facts]:
    """Only the facts a rating as of any day from `first` to `last` can look at: findings open at some point then
    (never closed, or closed after `first` began), each enterprise's last visits before `first` and every visit
    after, and their findings. A finding closed for good earlier is closed on every one of those days. The bounds
    are widened by a day each way: a superset; the domain then decides exactly."""
    db = profile.db
    since = clock.to_text(end_of_day(first) - timedelta(days=2))
    hi = clock.to_text(end_of_day(last) + timedelta(days=1))
    recent = rules.green_last_visits + 2  # the domain picks the last N itself; a margin at `since`
    visits = store.recent_visits(db, since, hi, recent, enterprise_id)
    findings = store.findings_as_of(db, since, hi, [v["id"] for v in visits], enterprise_id)
    return _facts(profile, findings, store.events_of(db, [f["id"] for f in findings]), visits, enterprise_id)


def _facts(
    profile: Profile,
    finding_rows: list[dict[str, Any]],
    event_rows: list[dict[str, Any]],
    visit_rows: list[dict[str, Any]],
    enterprise_id: str | None,
) -> dict[str, Facts]:
    db = profile.db
    events: dict[str, list[Any]] = defaultdict(list)
    for row in event_rows:
        events[row["finding_id"]].append(event_from_row(row))
    findings: dict[str, list[RatedFinding]] = defaultdict(list)
    for row in finding_rows:
        findings[row["enterprise_id"]].append(
            RatedFinding(
                id=row["id"],
                label=_label(row),
                severity=Severity(row["severity"]),
                created_at=clock.from_text(row["created_at"]),
                deadline=date.fromisoformat(row["own_deadline"]) if row["own_deadline"] else None,
                visit_id=row["visit_id"],
                events=tuple(events.get(row["id"], ())),
            )
        )
    records: dict[str, list[RatedRecord]] = defaultdict(list)
    for record in records_store.listing(db, enterprise_id):
        records[record["enterprise_id"]].append(record_from_row(record))
    visits: dict[str, list[RatedVisit]] = defaultdict(list)
    for row in visit_rows:
        finished = clock.from_text(row["finished_at"]) if row["finished_at"] else None
        visits[row["enterprise_id"]].append(RatedVisit(row["id"], finished))
    return {
        e["id"]: Facts(findings.get(e["id"], []), records.get(e["id"], []), visits.get(e["id"], []))
        for e in store.enterprises(db, enterprise_id)
    }


def record_from_row(row: Mapping[str, Any]) -> RatedRecord:
    return RatedRecord(
        id=row["id"],
        kind=RecordKind(row["kind"]),
        on=date.fromisoformat(row["on_date"]),
        substantiated=bool(row["substantiated"]),
        source=row["source"],
        authority=row["authority"],
        number=row["number"],
        note=row["note"],
    )


@dataclass(frozen=True)
class EnterpriseRating:
    enterprise_id: str
    name: str
    rating: Rating

    def to_dict(self) -> dict[str, Any]:
        return {"enterprise_id": self.enterprise_id, "name": self.name, **self.rating.to_dict()}


def _enterprise_names(profile: Profile, enterprise_id: str | None) -> dict[str, str]:
    rows = store.enterprises(profile.db, enterprise_id)
    if enterprise_id is not None and not rows:
        raise NotFound(f"找不到企业:{enterprise_id}", f"No enterprise with id {enterprise_id}")
    return {r["id"]: r["name"] for r in rows}


def ratings(profile: Profile, as_of: date | None = None, enterprise_id: str | None = None) -> list[EnterpriseRating]:
    """Each (unarchived, or the one asked for) enterprise's colour as of the end of `as_of` (default: today)."""
    day = as_of or clock.today()
    names = _enterprise_names(profile, enterprise_id)
    rules = rules_for(profile)
    facts = facts_as_of(profile, day, rules, enterprise_id)
    return [EnterpriseRating(eid, name, rate(facts[eid], rules, day)) for eid, name in names.items()]


def colours(profile: Profile, as_of: date | None = None) -> dict[str, Colour]:
    return {r.enterprise_id: r.rating.colour for r in ratings(profile, as_of)}


def enterprise_timeline(profile: Profile, enterprise_id: str, until: date | None = None) -> list[Change]:
    _enterprise_names(profile, enterprise_id)
    facts = facts_by_enterprise(profile, enterprise_id)[enterprise_id]
    return timeline(facts, rules_for(profile), until or clock.today())


def monthly_distribution(
    profile: Profile, start: date, end: date, only: Collection[str] | None = None
) -> list[tuple[date, dict[Colour, int]]]:
    """The park's colours at each month end from `start` to `end` (the current month at `end`); with `only`, of
    those enterprises alone (a group the dashboard shows)."""
    if start > end:
        raise InvalidInput(f"开始日期 {start} 晚于结束日期 {end}。", f"The start {start} is after the end {end}.")
    rules = rules_for(profile)
    days = month_ends(start, end)
    facts = facts_between(profile, days[0], days[-1], rules)  # what those days can look at, not three years
    counts = [dict.fromkeys(Colour, 0) for _ in days]
    for eid, f in facts.items():
        if only is None or eid in only:
            for tally, colour in zip(counts, colours_on(f, rules, days), strict=True):
                tally[colour] += 1
    return list(zip(days, counts, strict=True))


@dataclass(frozen=True)
class PeriodColours:
    """The park's colours at the end of a period and every change within it, as of the period's end."""

    first: date
    last: date
    rules_name: str
    at_end: dict[Colour, int]
    changes: list[tuple[str, Change]]  # (enterprise name, change), by name then date


def period_colours(profile: Profile, first: date, last: date) -> PeriodColours:
    if first > last:
        raise InvalidInput(f"开始日期 {first} 晚于结束日期 {last}。", f"The start {first} is after the end {last}.")
    names = _enterprise_names(profile, None)
    rules = rules_for(profile)
    facts = facts_between(profile, first, last, rules)
    at_end: list[Rating] = []
    changes: list[tuple[str, Change]] = []
    for eid, name in names.items():
        at_end.append(rate(facts[eid], rules, last))
        _before, within = changes_between(facts[eid], rules, first, last)
        changes.extend((name, change) for change in within)
    return PeriodColours(first, last, rules.name, distribution(at_end), changes)
