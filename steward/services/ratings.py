"""The three-colour rating of a profile's enterprises: rules from a file, facts from the profile, as of any date."""

from __future__ import annotations

import functools
import hashlib
import logging
import sqlite3
import threading
import time
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from steward import __version__
from steward.domain import clock
from steward.domain.errors import InvalidInput, NotFound
from steward.domain.findings import FindingEvent
from steward.domain.labels import Severity
from steward.domain.rating import (
    Change,
    Colour,
    Facts,
    RatedFinding,
    RatedRecord,
    RatedVisit,
    Rating,
    RatingJson,
    RecordKind,
    Rules,
    distribution,
    end_of_day,
    month_ends,
    rate,
    rules_from_yaml,
)
from steward.domain.rating_spans import (
    Span,
    changes_in,
    reasons_from_json,
    reasons_to_json,
    span_on,
    spans,
    timeline_of,
)
from steward.resources import resource
from steward.services import settings
from steward.services.findings import event_from_row
from steward.storage import enterprise_events as records_store
from steward.storage import ratings as store
from steward.storage.profile import Profile
from steward.storage.rating_cache import RatingCache, SpanRow
from steward.storage.records import EnterpriseEventFields
from steward.storage.records import FindingEvent as FindingEventRow

log = logging.getLogger(__name__)
_LABEL_CHARS = 16
# What kept ratings were worked out by, besides the rules: the domain's code changes meaning only with a release
# (__version__); SPANS_FORMAT moves when spans are worked out differently within one.
SPANS_FORMAT = "1"


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
    return _rules_of(text, str(path))


@functools.lru_cache(maxsize=8)
def _rules_of(text: str, source: str) -> Rules:
    """Parsed once per text: YAML parsing costs more than reading a day's kept ratings. Rules are frozen, so one
    parse is shared; a file that does not parse raises every time (an exception is not kept)."""
    return rules_from_yaml(text, source)


def default_rules_path() -> Path:
    return resource("rating", "rules.yaml")


def rules_for(profile: Profile) -> Rules:
    chosen = settings.get(profile, settings.RATING_RULES)
    return load_rules(Path(chosen).expanduser() if chosen else default_rules_path())


def _label(row: store.RatedFindingRow) -> str:
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
    finding_rows: list[store.RatedFindingRow],
    event_rows: list[FindingEventRow],
    visit_rows: list[store.RatedVisitRow],
    enterprise_id: str | None,
    of: list[str] | None = None,
) -> dict[str, Facts]:
    """The rows as facts by enterprise: of every unarchived enterprise (or the one asked for), or of those `of`."""
    db = profile.db
    events: dict[str, list[FindingEvent]] = defaultdict(list)
    for event in event_rows:
        events[event["finding_id"]].append(event_from_row(event))
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
    for visit in visit_rows:
        finished = clock.from_text(visit["finished_at"]) if visit["finished_at"] else None
        visits[visit["enterprise_id"]].append(RatedVisit(visit["id"], finished))
    keys = of if of is not None else [e["id"] for e in store.enterprises(db, enterprise_id)]
    return {e: Facts(findings.get(e, []), records.get(e, []), visits.get(e, [])) for e in keys}


def record_from_row(row: EnterpriseEventFields) -> RatedRecord:
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


class EnterpriseRatingJson(RatingJson):
    """An enterprise's rating as `steward ratings --json` prints it."""

    enterprise_id: str
    name: str


@dataclass(frozen=True)
class EnterpriseRating:
    enterprise_id: str
    name: str
    rating: Rating

    def to_dict(self) -> EnterpriseRatingJson:
        return {"enterprise_id": self.enterprise_id, "name": self.name, **self.rating.to_dict()}


def _enterprise_names(profile: Profile, enterprise_id: str | None) -> dict[str, str]:
    rows = store.enterprises(profile.db, enterprise_id)
    if enterprise_id is not None and not rows:
        raise NotFound(f"找不到企业:{enterprise_id}", f"No enterprise with id {enterprise_id}")
    return {r["id"]: r["name"] for r in rows}


def fingerprint(rules: Rules) -> str:
    """What kept spans were worked out with besides the profile's rows: the rules, this computer's time zone (a
    finding's day is a local date), the code's release."""
    zone = f"{time.tzname}|{time.timezone}|{time.altzone}"
    text = f"{__version__}|{SPANS_FORMAT}|{zone}|{rules!r}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _span_row(span: Span) -> SpanRow:
    return (span.since.isoformat(), span.colour.value, span.colour_change, reasons_to_json(span.reasons))


def _span(row: SpanRow) -> Span:
    since, colour, change, reasons = row
    return Span(date.fromisoformat(since), Colour(colour), reasons_from_json(reasons), change)


def _facts_of(profile: Profile, enterprise_ids: list[str]) -> dict[str, Facts]:
    """Every fact of these enterprises (any, archived too): what their spans are worked out from."""
    db = profile.db
    return _facts(
        profile,
        store.findings_of(db, enterprise_ids),
        store.finding_events_of(db, enterprise_ids),
        store.visits_of(db, enterprise_ids),
        enterprise_ids[0] if len(enterprise_ids) == 1 else None,
        of=enterprise_ids,
    )


# More enterprises than this without current spans (the first use after an upgrade or a change of the rules: half a
# minute for 500 enterprises of three years) and the list's colours are rated as of the day directly (under half a
# second for all 500) while the spans are filled in the background (fill_spans); fewer are brought up to date at
# once (one write touches one enterprise: a fraction of a second).
RATE_DIRECTLY_FROM = 20
FILL_CHUNK = 25  # enterprises whose spans are kept per write while filling: a fill cut short keeps what it made
_filling = threading.Lock()  # one chunk worked out at a time in this process: a second fill finds it current


def _stale(cache: RatingCache, profile: Profile, rules: Rules, enterprise_ids: list[str]) -> list[str]:
    """Those of `enterprise_ids` whose kept spans are missing or older than their rating inputs."""
    tokens = store.rating_tokens(profile.db, enterprise_ids)
    kept = cache.tokens(fingerprint(rules))
    return [e for e, token in tokens.items() if token is None or kept.get(e) != token]


def _bring_up_to_date(cache: RatingCache, profile: Profile, rules: Rules, enterprise_ids: list[str]) -> int:
    """Work out again the spans of those of `enterprise_ids` whose rating inputs changed since they were kept (or
    were never kept), from one state of the profile, FILL_CHUNK enterprises per write; returns how many."""
    kept_as = fingerprint(rules)
    done = 0
    for start in range(0, len(enterprise_ids), FILL_CHUNK):
        chunk = enterprise_ids[start : start + FILL_CHUNK]
        with _filling:  # a chunk another thread is working out is current once this one may look at it
            with profile.db.snapshot():  # the tokens and the facts read together: kept under the right token
                tokens = store.rating_tokens(profile.db, chunk)
                kept = cache.tokens(kept_as)
                stale = [e for e, token in tokens.items() if token is None or kept.get(e) != token]
                if not stale:
                    continue
                facts = _facts_of(profile, stale)
            made = {e: (tokens[e], [_span_row(s) for s in spans(facts[e], rules)]) for e in stale}
            cache.replace(kept_as, made)
            done += len(stale)
    return done


def kept_spans(
    profile: Profile, rules: Rules, enterprise_ids: list[str], opened: RatingCache | None = None
) -> RatingCache:
    """The profile's rating cache with the spans of `enterprise_ids` current (the caller closes it). If the cache
    file cannot be written, the spans are worked out in memory for this once: slower, never wrong. `opened`: the
    profile's cache, opened already by the caller (handed back, or closed if it cannot be kept)."""
    cache = opened or RatingCache.open(profile.folder)
    try:
        _bring_up_to_date(cache, profile, rules, enterprise_ids)
        return cache
    except sqlite3.Error:
        log.exception("the rating cache of %s cannot be kept; rating in memory", profile.name)
        cache.close()
    except BaseException:
        cache.close()
        raise
    cache = RatingCache.in_memory()
    _bring_up_to_date(cache, profile, rules, enterprise_ids)
    return cache


def fill_spans(profile: Profile) -> int:
    """Bring every enterprise's kept spans up to date (on the pool, after colours were rated directly); returns how
    many were worked out again. A cache that cannot be written is left alone: the list then rates directly."""
    names = _enterprise_names(profile, None)
    rules = rules_for(profile)
    with RatingCache.open(profile.folder) as cache:
        try:
            return _bring_up_to_date(cache, profile, rules, list(names))
        except sqlite3.Error:
            log.exception("the rating cache of %s cannot be filled", profile.name)
            return 0


def spans_behind(profile: Profile) -> int:
    """How many enterprises' kept spans are not current (the list's colours are then rated directly)."""
    names = _enterprise_names(profile, None)
    with RatingCache.open(profile.folder) as cache:
        return len(_stale(cache, profile, rules_for(profile), list(names)))


def _stale_or_all(cache: RatingCache, profile: Profile, rules: Rules, ids: list[str]) -> list[str]:
    """The enterprises of `ids` without current spans; all of them when the cache cannot be read."""
    try:
        return _stale(cache, profile, rules, ids)
    except sqlite3.Error:
        log.exception("the rating cache of %s cannot be read", profile.name)
        return ids


def _rated_directly(
    cache: RatingCache, profile: Profile, rules: Rules, day: date, names: Mapping[str, str], enterprise_id: str | None
) -> dict[str, Rating]:
    """The ratings as of `day` of the enterprises without current spans, worked out from the facts of that day, when
    they are too many to bring up to date at once (RATE_DIRECTLY_FROM); else none. The same colours and reasons as
    their spans will give (domain: rate and spans; tests/test_rating_first_use.py)."""
    stale = _stale_or_all(cache, profile, rules, list(names))
    if len(stale) <= RATE_DIRECTLY_FROM:
        return {}
    facts = facts_as_of(profile, day, rules, enterprise_id)
    return {e: rate(facts[e], rules, day) for e in stale}


def ratings(profile: Profile, as_of: date | None = None, enterprise_id: str | None = None) -> list[EnterpriseRating]:
    """Each (unarchived, or the one asked for) enterprise's colour as of the end of `as_of` (default: today): read
    from its kept spans, worked out again first only for enterprises whose rating inputs changed; or, while many
    enterprises have no current spans (they are being filled), rated directly as of the day for those."""
    day = as_of or clock.today()
    names = _enterprise_names(profile, enterprise_id)
    rules = rules_for(profile)
    opened = RatingCache.open(profile.folder)  # one connection for both steps: a list refresh opens it once
    try:
        direct = _rated_directly(opened, profile, rules, day, names, enterprise_id)
    except BaseException:
        opened.close()
        raise
    kept = {e: n for e, n in names.items() if e not in direct}
    with kept_spans(profile, rules, list(kept), opened) as cache:
        held = cache.as_of(day.isoformat(), kept)
    return [
        EnterpriseRating(
            eid,
            name,
            direct[eid] if eid in direct else Rating(day, Colour(held[eid][0]), reasons_from_json(held[eid][1])),
        )
        for eid, name in names.items()
    ]


def colours(profile: Profile, as_of: date | None = None) -> dict[str, Colour]:
    """Each unarchived enterprise's colour as of the end of `as_of` (default: today), without its reasons (rated
    directly while many enterprises have no current spans, as ratings())."""
    day = as_of or clock.today()
    names = _enterprise_names(profile, None)
    rules = rules_for(profile)
    opened = RatingCache.open(profile.folder)
    try:
        direct = _rated_directly(opened, profile, rules, day, names, None)
    except BaseException:
        opened.close()
        raise
    kept = {e: n for e, n in names.items() if e not in direct}
    with kept_spans(profile, rules, list(kept), opened) as cache:
        held = cache.colours_as_of(day.isoformat(), kept)
    return {eid: direct[eid].colour if eid in direct else Colour(held[eid]) for eid in names}


def enterprise_timeline(profile: Profile, enterprise_id: str, until: date | None = None) -> list[Change]:
    """When the enterprise's colour changed and why, up to `until` (default: today)."""
    _enterprise_names(profile, enterprise_id)
    with kept_spans(profile, rules_for(profile), [enterprise_id]) as cache:
        rows = cache.spans([enterprise_id]).get(enterprise_id, [])
    return timeline_of([_span(r) for r in rows], until or clock.today())


def monthly_distribution(
    profile: Profile, start: date, end: date, only: Collection[str] | None = None
) -> list[tuple[date, dict[Colour, int]]]:
    """The park's colours at each month end from `start` to `end` (the current month at `end`); with `only`, of
    those enterprises alone (a group the dashboard shows)."""
    if start > end:
        raise InvalidInput(f"开始日期 {start} 晚于结束日期 {end}。", f"The start {start} is after the end {end}.")
    days = month_ends(start, end)
    ids = [e for e in _enterprise_names(profile, None) if only is None or e in only]
    rules = rules_for(profile)
    opened = RatingCache.open(profile.folder)
    try:
        direct = _distribution_directly(opened, profile, rules, days, ids)
    except BaseException:
        opened.close()
        raise
    if direct is not None:
        opened.close()
        return direct
    with kept_spans(profile, rules, ids, opened) as cache:
        changes = cache.colour_changes(ids)
    counts = [dict.fromkeys(Colour, 0) for _ in days]
    wanted = [d.isoformat() for d in days]
    for rows in changes.values():
        since = [s for s, _ in rows]
        for tally, day in zip(counts, wanted, strict=True):
            tally[Colour(rows[bisect_right(since, day) - 1][1])] += 1
    return list(zip(days, counts, strict=True))


def _distribution_directly(
    cache: RatingCache, profile: Profile, rules: Rules, days: list[date], ids: list[str]
) -> list[tuple[date, dict[Colour, int]]] | None:
    """While many of `ids` have no current spans (the first use after an upgrade or a change of the rules), their
    colours at each of `days` rated directly from the facts of those days: seconds for 500 enterprises and twelve month
    ends, where filling every span first takes half a minute. None when the spans are (nearly) current."""
    stale = _stale_or_all(cache, profile, rules, ids)
    if len(stale) <= RATE_DIRECTLY_FROM or not days:
        return None
    facts = facts_between(profile, days[0], days[-1], rules)  # rate() as of a day looks at nothing after it
    counts = []
    for day in days:
        tally = dict.fromkeys(Colour, 0)
        for e in ids:
            tally[rate(facts[e], rules, day).colour] += 1
        counts.append((day, tally))
    return counts


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
    with kept_spans(profile, rules, list(names)) as cache:
        rows = cache.spans_between(names, (first - timedelta(days=1)).isoformat(), last.isoformat())
    at_end: list[Rating] = []
    changes: list[tuple[str, Change]] = []
    for eid, name in names.items():
        made = [_span(r) for r in rows.get(eid, [])]
        at_end.append(span_on(made, last).rating(last))
        _before, within = changes_in(made, first, last)
        changes.extend((name, change) for change in within)
    return PeriodColours(first, last, rules.name, distribution(at_end), changes)
