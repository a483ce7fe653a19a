"""The three-colour rating (三色码): which colour an enterprise is as of a date, and why.

Pure rules, no I/O. The facts (findings with their events, visits, complaints, penalties, hazardous-waste violations)
come in; a colour and its reasons come out. As of a date D only what was known by the end of D counts: findings
created by then, events up to then, visits finished by then. A finding rectified after D was still open at D.
"""

from __future__ import annotations

import calendar
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, TypedDict

from steward.domain.clock import local_date
from steward.domain.errors import InvalidInput
from steward.domain.findings import (
    FindingEvent,
    FindingState,
    current_deadline,
    derive_state,
    ordered,
    state_as_of,
)
from steward.domain.labels import Severity


class Colour(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"

    @property
    def zh(self) -> str:
        return {"red": "红码", "yellow": "黄码", "green": "绿码"}[self.value]

    @property
    def en(self) -> str:
        return {"red": "Red", "yellow": "Yellow", "green": "Green"}[self.value]


class RecordKind(StrEnum):
    COMPLAINT = "complaint"
    PENALTY = "penalty"
    HAZWASTE = "hazwaste"

    @property
    def zh(self) -> str:
        return {"complaint": "信访投诉", "penalty": "行政处罚/立案", "hazwaste": "危险废物违法"}[self.value]

    @property
    def en(self) -> str:
        return {"complaint": "complaint", "penalty": "penalty/case", "hazwaste": "hazardous-waste violation"}[
            self.value
        ]


class RuleKind(StrEnum):
    PENALTY = "penalty"
    COMPLAINTS = "complaints"
    HAZWASTE = "hazwaste"
    OPEN_FINDING = "open_finding"
    OVERDUE_FINDING = "overdue_finding"


_RECORD_OF_RULE = {
    RuleKind.PENALTY: RecordKind.PENALTY,
    RuleKind.COMPLAINTS: RecordKind.COMPLAINT,
    RuleKind.HAZWASTE: RecordKind.HAZWASTE,
}


# ---------------------------------------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class RatedFinding:
    id: str
    label: str  # "B1 喷漆废气直排": item code and the start of the description, as a person recognises it
    severity: Severity
    created_at: datetime
    deadline: date | None  # its own, set when found; a 部分整改 among its events may move it (see _FindingAsOf)
    visit_id: str
    events: tuple[FindingEvent, ...] = ()


@dataclass(frozen=True)
class RatedRecord:
    """A complaint, penalty or hazardous-waste violation, dated by the day it happened (a local date)."""

    id: str
    kind: RecordKind
    on: date
    substantiated: bool = True
    source: str = ""
    authority: str = ""
    number: str = ""
    note: str = ""

    def title(self, english: bool = False) -> str:
        """Its number, authority and source as typed (or the start of its note); joined in the reason's language."""
        parts = [p for p in (self.number, self.authority, self.source) if p]
        return (", " if english else "、").join(parts) or self.note[:20] or (self.kind.en if english else self.kind.zh)


@dataclass(frozen=True)
class RatedVisit:
    id: str
    finished_at: datetime | None  # None: still in progress, never counts


@dataclass(frozen=True)
class Facts:
    findings: Sequence[RatedFinding] = ()
    records: Sequence[RatedRecord] = ()
    visits: Sequence[RatedVisit] = ()


# ---------------------------------------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class Rule:
    kind: RuleKind
    severity: Severity | None = None  # finding rules
    window_months: int = 12  # record rules: counted until the same day this many months later
    threshold: int = 1  # record rules: how many records in the window fire the rule


@dataclass(frozen=True)
class Rules:
    version: int
    name: str
    red: tuple[Rule, ...]
    yellow: tuple[Rule, ...]
    green_last_visits: int


def _rule_error(where: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput(f"评级规则文件有误({where}):{zh}", f"Rating rules file is invalid ({where}): {en}")


def _positive_int(value: Any, where: str, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _rule_error(where, f"“{name}”应为正整数,实为 {value!r}。", f"'{name}' must be a positive whole number.")
    return value


def _parse_rule(raw: Any, where: str) -> Rule:
    if not isinstance(raw, Mapping):
        raise _rule_error(where, "每条规则应为一个映射(rule: …)。", "each rule must be a mapping (rule: …).")
    unknown = set(raw) - {"rule", "severity", "window_months", "threshold"}
    if unknown:
        raise _rule_error(where, f"未知字段 {sorted(unknown)}。", f"unknown field(s) {sorted(unknown)}.")
    kinds = [k.value for k in RuleKind]
    try:
        kind = RuleKind(str(raw.get("rule")))
    except ValueError:
        raise _rule_error(
            where, f"“rule”应为 {kinds} 之一,实为 {raw.get('rule')!r}。", f"'rule' must be one of {kinds}."
        ) from None
    if kind in (RuleKind.OPEN_FINDING, RuleKind.OVERDUE_FINDING):
        try:
            severity = Severity.parse(str(raw.get("severity", "")))
        except ValueError:
            raise _rule_error(
                where,
                f"“severity”应为 major/serious/general(重大/较重/一般),实为 {raw.get('severity')!r}。",
                "'severity' must be major, serious or general.",
            ) from None
        if "window_months" in raw or "threshold" in raw:
            raise _rule_error(
                where, "问题类规则没有 window_months/threshold。", "finding rules take no window_months/threshold."
            )
        return Rule(kind, severity=severity)
    if "severity" in raw:
        raise _rule_error(where, f"“{kind.value}”规则没有 severity。", f"a '{kind.value}' rule takes no severity.")
    return Rule(
        kind,
        window_months=_positive_int(raw.get("window_months", 12), where, "window_months"),
        threshold=_positive_int(raw.get("threshold", 1), where, "threshold"),
    )


def parse_rules(data: Any) -> Rules:
    """Rules from the parsed YAML (see resources/rating/README.md); a clear zh/en error on anything malformed."""
    if not isinstance(data, Mapping):
        raise _rule_error("顶层 top level", "应为一个映射。", "the file must hold a mapping.")
    unknown = set(data) - {"version", "name", "red", "yellow", "green"}
    if unknown:
        raise _rule_error("顶层 top level", f"未知字段 {sorted(unknown)}。", f"unknown field(s) {sorted(unknown)}.")
    version = _positive_int(data.get("version"), "version", "version")
    if version != 1:
        raise _rule_error("version", f"不支持的版本 {version},本程序支持 1。", f"version {version} unsupported (1 is).")
    lists: dict[str, tuple[Rule, ...]] = {}
    for colour in ("red", "yellow"):
        raw = data.get(colour, [])
        if not isinstance(raw, list):
            raise _rule_error(colour, "应为规则列表。", "must be a list of rules.")
        lists[colour] = tuple(_parse_rule(r, f"{colour}[{i + 1}]") for i, r in enumerate(raw))
    green = data.get("green", {}) or {}
    if not isinstance(green, Mapping) or set(green) - {"last_visits"}:
        raise _rule_error("green", "只能有 last_visits。", "may only hold last_visits.")
    return Rules(
        version=version,
        name=str(data.get("name", "")),
        red=lists["red"],
        yellow=lists["yellow"],
        green_last_visits=_positive_int(green.get("last_visits", 4), "green", "last_visits"),
    )


# ---------------------------------------------------------------------------------------------------------- verdict


class RefJson(TypedDict):
    kind: str  # finding, complaint, penalty, hazwaste or visit
    id: str
    date: str  # ISO day


class ReasonJson(TypedDict):
    colour: str
    rule: str
    zh: str
    en: str
    refs: list[RefJson]


class RatingJson(TypedDict):
    """A rating as JSON (`steward ratings --json`, `steward ratings timeline --json`)."""

    as_of: str
    colour: str
    colour_zh: str
    reasons: list[ReasonJson]


@dataclass(frozen=True)
class Reason:
    colour: Colour
    rule: str  # the rule kind, or "green" for what green was checked against
    zh: str
    en: str
    refs: tuple[tuple[str, str, str], ...] = ()  # (finding|complaint|penalty|hazwaste|visit, id, date)

    def to_dict(self) -> ReasonJson:
        return {
            "colour": self.colour.value,
            "rule": self.rule,
            "zh": self.zh,
            "en": self.en,
            "refs": [{"kind": k, "id": i, "date": d} for k, i, d in self.refs],
        }


@dataclass(frozen=True)
class Rating:
    as_of: date
    colour: Colour
    reasons: tuple[Reason, ...] = field(default=())

    def to_dict(self) -> RatingJson:
        return {
            "as_of": self.as_of.isoformat(),
            "colour": self.colour.value,
            "colour_zh": self.colour.zh,
            "reasons": [r.to_dict() for r in self.reasons],
        }


def add_months(day: date, months: int) -> date:
    """The same day `months` later, the month's last day when it has fewer days (Aug 31 + 6 -> Feb 28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def end_of_day(day: date) -> datetime:
    """The first instant after `day` where the steward is: facts before it were known by the end of `day`."""
    return datetime.combine(day + timedelta(days=1), time()).astimezone()


@dataclass(frozen=True)
class _FindingAsOf:
    finding: RatedFinding
    state: FindingState

    @property
    def open(self) -> bool:
        return not self.state.closed

    @property
    def deadline(self) -> date | None:
        """Due then: a 部分整改 recorded by then moved it, one recorded later had not happened yet."""
        return current_deadline(self.finding.deadline, self.state)

    def overdue(self, as_of: date) -> bool:
        return self.open and self.deadline is not None and self.deadline < as_of


class StateIndex:
    """Each finding's state after each of its events, worked out once: a timeline rates the same findings on many
    days, and replaying every finding's events for every day was most of its time. state_at(f, m) equals
    state_as_of(f.events, m): the events up to a moment are a prefix of the ordered events."""

    def __init__(self, findings: Iterable[RatedFinding]) -> None:
        self._by_id: dict[str, tuple[list[datetime], list[FindingState]]] = {}
        for f in findings:
            if len({e.id for e in f.events}) != len(f.events):
                continue  # one id twice (a merge gone wrong): replayed the long way, which settles which one counts
            events = ordered(f.events)
            self._by_id[f.id] = ([e.at for e in events], [derive_state(events[:n]) for n in range(len(events) + 1)])

    def state_at(self, finding: RatedFinding, moment: datetime) -> FindingState:
        known = self._by_id.get(finding.id)
        if known is None:
            return state_as_of(finding.events, moment)
        times, states = known
        return states[bisect_right(times, moment)]


def _findings_as_of(
    findings: Iterable[RatedFinding], cutoff: datetime, index: StateIndex | None = None
) -> list[_FindingAsOf]:
    moment = cutoff - timedelta(microseconds=1)
    return [
        _FindingAsOf(f, index.state_at(f, moment) if index else state_as_of(f.events, moment))
        for f in sorted(findings, key=lambda f: (f.created_at, f.id))
        if f.created_at < cutoff
    ]


def _finding_reason(colour: Colour, rule: Rule, f: _FindingAsOf, as_of: date) -> Reason:
    sev = rule.severity or f.finding.severity
    deadline = f.deadline.isoformat() if f.deadline else "无"
    found = local_date(f.finding.created_at).isoformat()
    if f.overdue(as_of):
        zh = f"{colour.zh}:{sev.zh}问题〔{f.finding.label}〕未整改,期限 {deadline} 已过"
        en = f"{colour.en}: {sev.en.lower()} finding [{f.finding.label}] not rectified, deadline {deadline} passed"
    else:
        zh = f"{colour.zh}:{sev.zh}问题〔{f.finding.label}〕未整改(发现于 {found},期限 {deadline})"
        en = f"{colour.en}: {sev.en.lower()} finding [{f.finding.label}] open (found {found}, deadline {deadline})"
    return Reason(colour, rule.kind.value, zh, en, (("finding", f.finding.id, found),))


def _record_reason(colour: Colour, rule: Rule, hits: list[RatedRecord]) -> Reason:
    kind = _RECORD_OF_RULE[rule.kind]
    listed_zh = "、".join(f"{r.on.isoformat()}〔{r.title()}〕" for r in hits)
    zh = (
        f"{colour.zh}:{rule.window_months} 个月内{kind.zh} {len(hits)} 次(阈值 {rule.threshold}):{listed_zh}"
        if kind is not RecordKind.COMPLAINT
        else f"{colour.zh}:{rule.window_months} 个月内查实信访投诉 {len(hits)} 次(阈值 {rule.threshold}):{listed_zh}"
    )
    en = (
        f"{colour.en}: {len(hits)} {'substantiated ' if kind is RecordKind.COMPLAINT else ''}{kind.en}(s) in "
        f"{rule.window_months} months (threshold {rule.threshold}): "
        + ", ".join(f"{r.on.isoformat()} [{r.title(english=True)}]" for r in hits)
    )
    return Reason(colour, rule.kind.value, zh, en, tuple((kind.value, r.id, r.on.isoformat()) for r in hits))


def records_in_window(records: Iterable[RatedRecord], rule: Rule, as_of: date) -> list[RatedRecord]:
    """A record counts from its day until (not including) the same day `window_months` later."""
    kind = _RECORD_OF_RULE[rule.kind]
    return sorted(
        (
            r
            for r in records
            if r.kind is kind
            and (r.substantiated or kind is not RecordKind.COMPLAINT)
            and r.on <= as_of < add_months(r.on, rule.window_months)
        ),
        key=lambda r: (r.on, r.id),
    )


def _finding_hits(rule: Rule, findings: list[_FindingAsOf], as_of: date) -> list[_FindingAsOf]:
    if rule.kind is RuleKind.OPEN_FINDING:
        return [f for f in findings if f.open and f.finding.severity == rule.severity]
    return [f for f in findings if f.overdue(as_of) and f.finding.severity == rule.severity]


def _fires(rule: Rule, findings: list[_FindingAsOf], facts: Facts, as_of: date) -> bool:
    if rule.kind in (RuleKind.OPEN_FINDING, RuleKind.OVERDUE_FINDING):
        return bool(_finding_hits(rule, findings, as_of))
    return len(records_in_window(facts.records, rule, as_of)) >= rule.threshold


def _fire(colour: Colour, rule: Rule, findings: list[_FindingAsOf], facts: Facts, as_of: date) -> list[Reason]:
    if rule.kind in (RuleKind.OPEN_FINDING, RuleKind.OVERDUE_FINDING):
        return [_finding_reason(colour, rule, f, as_of) for f in _finding_hits(rule, findings, as_of)]
    hits = records_in_window(facts.records, rule, as_of)
    return [_record_reason(colour, rule, hits)] if len(hits) >= rule.threshold else []


def _last_visits(
    rules: Rules, findings: list[_FindingAsOf], facts: Facts, cutoff: datetime
) -> tuple[list[RatedVisit], list[_FindingAsOf], list[_FindingAsOf]]:
    """The last N finished visits, their findings, and those of them not closed by their deadline."""
    finished = sorted(
        (v for v in facts.visits if v.finished_at is not None and v.finished_at < cutoff),
        key=lambda v: (v.finished_at, v.id),
    )[-rules.green_last_visits :]
    as_of = local_date(cutoff - timedelta(microseconds=1))
    ids = {v.id for v in finished}
    recent = [f for f in findings if f.finding.visit_id in ids]
    late = [
        f
        for f in recent
        if f.deadline is not None
        and ((f.state.closed_at is not None and local_date(f.state.closed_at) > f.deadline) or f.overdue(as_of))
    ]
    return finished, recent, late


def _green_check(rules: Rules, findings: list[_FindingAsOf], facts: Facts, cutoff: datetime) -> Reason:
    """Green only if every finding of the last N finished visits was (or still can be) closed by its deadline."""
    finished, recent, late = _last_visits(rules, findings, facts, cutoff)
    checked = f"对照红码规则 {len(rules.red)} 条、黄码规则 {len(rules.yellow)} 条,均未触发"
    checked_en = f"checked against {len(rules.red)} red and {len(rules.yellow)} yellow rules, none fired"
    if not finished:
        return Reason(
            Colour.GREEN,
            "green",
            f"绿码:{checked};尚无已完成的巡查",
            f"Green: {checked_en}; no finished visit yet",
        )
    first = local_date(finished[0].finished_at or cutoff).isoformat()
    last = local_date(finished[-1].finished_at or cutoff).isoformat()
    if late:
        f = late[0]
        closed = local_date(f.state.closed_at).isoformat() if f.state.closed_at else "未整改"
        return Reason(
            Colour.YELLOW,
            "green",
            f"黄码:近 {len(finished)} 次巡查的问题〔{f.finding.label}〕未按期整改(期限 {f.deadline},"
            f"整改 {closed})" + (f"等 {len(late)} 个" if len(late) > 1 else ""),
            f"Yellow: finding [{f.finding.label}] of the last {len(finished)} visits not closed by its deadline "
            f"{f.deadline} (closed: {closed})" + (f", {len(late)} in all" if len(late) > 1 else ""),
            tuple(("finding", x.finding.id, local_date(x.finding.created_at).isoformat()) for x in late),
        )
    return Reason(
        Colour.GREEN,
        "green",
        f"绿码:{checked};近 {len(finished)} 次巡查({first} 至 {last})的 {len(recent)} 个问题均按期整改或未到期",
        f"Green: {checked_en}; the {len(recent)} finding(s) of the last {len(finished)} visits ({first} to {last}) "
        "were closed by their deadlines or are not yet due",
        tuple(("visit", v.id, local_date(v.finished_at or cutoff).isoformat()) for v in finished),
    )


def _colour(facts: Facts, rules: Rules, as_of: date, index: StateIndex) -> Colour:
    """rate(...).colour without wording a reason: a timeline asks this of every day and words only the changes."""
    cutoff = end_of_day(as_of)
    known = Facts(facts.findings, [r for r in facts.records if r.on <= as_of], facts.visits)
    findings = _findings_as_of(facts.findings, cutoff, index)
    for colour, rules_of in ((Colour.RED, rules.red), (Colour.YELLOW, rules.yellow)):
        if any(_fires(rule, findings, known, as_of) for rule in rules_of):
            return colour
    _finished, _recent, late = _last_visits(rules, findings, known, cutoff)
    return Colour.YELLOW if late else Colour.GREEN


def rate(facts: Facts, rules: Rules, as_of: date, _index: StateIndex | None = None) -> Rating:
    """The colour as of the end of `as_of`, with every reason: all red rules that fired, else all yellow ones."""
    cutoff = end_of_day(as_of)
    records = [r for r in facts.records if r.on <= as_of]
    known = Facts(facts.findings, records, facts.visits)
    findings = _findings_as_of(facts.findings, cutoff, _index)
    for colour, rules_of in ((Colour.RED, rules.red), (Colour.YELLOW, rules.yellow)):
        reasons = [reason for rule in rules_of for reason in _fire(colour, rule, findings, known, as_of)]
        if reasons:
            return Rating(as_of, colour, tuple(reasons))
    verdict = _green_check(rules, findings, known, cutoff)
    return Rating(as_of, verdict.colour, (verdict,))


# ---------------------------------------------------------------------------------------------------------- history


def change_days(facts: Facts, rules: Rules) -> set[date]:
    """Every day on which a rating can differ from the day before: a fact appears, a deadline passes, a record
    leaves its window. Between two of these days nothing the rules look at changes."""
    days: set[date] = set()
    windows = {r.window_months for r in (*rules.red, *rules.yellow) if r.kind in _RECORD_OF_RULE}
    for f in facts.findings:
        days.add(local_date(f.created_at))
        days.update(local_date(e.at) for e in f.events)
        if f.deadline is not None:
            days.add(f.deadline + timedelta(days=1))
        days.update(e.new_deadline + timedelta(days=1) for e in f.events if e.new_deadline is not None)
    for r in facts.records:
        days.add(r.on)
        days.update(add_months(r.on, months) for months in windows)
    days.update(local_date(v.finished_at) for v in facts.visits if v.finished_at is not None)
    return days


# A change of colour as JSON (`steward ratings timeline --json`): its day, the colour before ("from", a keyword: the
# functional form), then the rating it changed to.
ChangeJson = TypedDict(
    "ChangeJson",
    {
        "on": str,
        "from": str | None,
        "as_of": str,
        "colour": str,
        "colour_zh": str,
        "reasons": list[ReasonJson],
    },
)


@dataclass(frozen=True)
class Change:
    on: date
    rating: Rating
    previous: Colour | None

    def to_dict(self) -> ChangeJson:
        return {
            "on": self.on.isoformat(),
            "from": self.previous.value if self.previous else None,
            **self.rating.to_dict(),
        }


def timeline(facts: Facts, rules: Rules, until: date) -> list[Change]:
    """When the colour changed and why, from the first fact up to `until`."""
    changes: list[Change] = []
    previous: Colour | None = None
    index = StateIndex(facts.findings)
    for day in sorted(d for d in change_days(facts, rules) if d <= until):
        if _colour(facts, rules, day, index) != previous:
            rating = rate(facts, rules, day, index)
            changes.append(Change(day, rating, previous))
            previous = rating.colour
    return changes


def changes_between(facts: Facts, rules: Rules, first: date, last: date) -> tuple[Rating, list[Change]]:
    """The colour as it stood when `first` began (at the end of the day before) and every change from `first` to
    `last`, each from the colour before it: what a period's report lists."""
    index = StateIndex(facts.findings)
    before = rate(facts, rules, first - timedelta(days=1), index)
    changes: list[Change] = []
    previous = before.colour
    for day in sorted(d for d in change_days(facts, rules) if first <= d <= last):
        if _colour(facts, rules, day, index) != previous:
            rating = rate(facts, rules, day, index)
            changes.append(Change(day, rating, previous))
            previous = rating.colour
    return before, changes


def colours_on(facts: Facts, rules: Rules, days: Iterable[date]) -> list[Colour]:
    """rate(facts, rules, day).colour for each day, without wording reasons and with each finding's history worked
    out once: what a chart of colours over many month ends needs."""
    index = StateIndex(facts.findings)
    return [_colour(facts, rules, day, index) for day in days]


def month_ends(start: date, end: date) -> list[date]:
    """The last day of each month from `start`'s month to `end`'s month; the current month ends at `end`."""
    days: list[date] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        last = date(year, month, calendar.monthrange(year, month)[1])
        days.append(min(last, end))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def distribution(ratings: Iterable[Rating]) -> dict[Colour, int]:
    counts = dict.fromkeys(Colour, 0)
    for r in ratings:
        counts[r.colour] += 1
    return counts


def rules_from_yaml(text: str, source: str) -> Rules:
    """Rules from the text of a rules file (`source` names it in messages): the laptop reads the file of its
    profile, the hub its own; both parse and check it here, so a rule means the same on both."""
    import yaml  # parsed only when a rating is actually made

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(
            f"评级规则文件 {source} 不是有效的 YAML:{exc}", f"Rating rules file {source} is not valid YAML: {exc}"
        ) from None
    return parse_rules(data)
