"""An enterprise's whole rating history as spans: from each day on which its rating (colour or reasons) changed, the
rating it had until the next such day. Worked out once from every fact, kept (storage/rating_cache.py), and then
"the rating as of D" is the span that began last on or before D: no rating is computed when it is read.

Pure, no I/O. spans() equals rate() on every day: rate() only changes on a change day (change_days), and each change
day is rated here with rate() itself, handed only the findings the rules can look at on that day (open then, or of the
last finished visits) so that three years of closed findings are not walked again for every day.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from steward.domain.rating import (
    Change,
    Colour,
    Facts,
    RatedFinding,
    RatedVisit,
    Rating,
    Reason,
    Rules,
    StateIndex,
    change_days,
    end_of_day,
    rate,
)

BEFORE_ALL = date(1, 1, 1)  # the first span begins here: the rating before any fact's day
_QUIET_DAY = date(2000, 1, 1)  # rated for an enterprise with no change day at all (every day rates the same)


@dataclass(frozen=True)
class Span:
    since: date
    colour: Colour
    reasons: tuple[Reason, ...]
    colour_change: bool  # the colour differs from the span before (the first span and the first change day: True)

    def rating(self, as_of: date) -> Rating:
        return Rating(as_of, self.colour, self.reasons)


_COLOURS = {c.value: c for c in Colour}


def reasons_to_json(reasons: Sequence[Reason]) -> list[list[Any]]:
    """Reasons as JSON data, each a list (colour, rule, zh, en, refs): compact, and quick to read back."""
    return [[r.colour.value, r.rule, r.zh, r.en, [list(x) for x in r.refs]] for r in reasons]


def reasons_from_json(data: Iterable[list[Any]]) -> tuple[Reason, ...]:
    return tuple(Reason(_COLOURS[c], rule, zh, en, tuple(map(tuple, refs))) for c, rule, zh, en, refs in data)


class _Sweep:
    """Walks the change days in order, keeping the findings open at the end of each day and the last finished
    visits, so each day's rating reads only what its rules can look at."""

    def __init__(self, facts: Facts, rules: Rules) -> None:
        self.facts = facts
        self.rules = rules
        self.index = StateIndex(facts.findings)
        self.findings = sorted(facts.findings, key=lambda f: (f.created_at, f.id))
        self.created = [f.created_at for f in self.findings]
        self.events = sorted(((e.at, f) for f in facts.findings for e in f.events), key=lambda x: x[0])
        self.event_times = [at for at, _ in self.events]
        self.visits = sorted(
            (v for v in facts.visits if v.finished_at is not None), key=lambda v: (v.finished_at, v.id)
        )
        self.visit_times: list[datetime] = [
            v.finished_at for v in self.visits if v.finished_at is not None
        ]  # all of them
        self.of_visit: dict[str, list[RatedFinding]] = defaultdict(list)
        for f in self.findings:
            self.of_visit[f.visit_id].append(f)
        self.open: dict[str, RatedFinding] = {}
        self._made = 0  # findings known so far (created before the cutoff)
        self._seen_events = 0

    def rating(self, day: date) -> Rating:
        cutoff = end_of_day(day)
        moment = cutoff - timedelta(microseconds=1)
        touched: dict[str, RatedFinding] = {}
        made = bisect_right(self.created, moment)  # created_at < cutoff, as _findings_as_of counts them
        for f in self.findings[self._made : made]:
            touched[f.id] = f
        self._made = max(self._made, made)
        seen = bisect_right(self.event_times, moment)
        for _at, f in self.events[self._seen_events : seen]:
            touched[f.id] = f
        self._seen_events = max(self._seen_events, seen)
        for fid, f in touched.items():
            if f.created_at < cutoff and not self.index.state_at(f, moment).closed:
                self.open[fid] = f
            else:
                self.open.pop(fid, None)
        finished = bisect_right(self.visit_times, moment)
        last: list[RatedVisit] = self.visits[max(0, finished - self.rules.green_last_visits) : finished]
        relevant = dict(self.open)
        for v in last:
            for f in self.of_visit.get(v.id, ()):
                if f.created_at < cutoff:
                    relevant[f.id] = f
        return rate(Facts(list(relevant.values()), self.facts.records, last), self.rules, day, self.index)


def spans(facts: Facts, rules: Rules) -> list[Span]:
    """Every span of the enterprise's rating, the first from BEFORE_ALL."""
    days = sorted(change_days(facts, rules))
    first = rate(facts, rules, days[0] - timedelta(days=1) if days else _QUIET_DAY)
    made = [Span(BEFORE_ALL, first.colour, first.reasons, True)]
    sweep = _Sweep(facts, rules)
    for n, day in enumerate(days):
        rating = sweep.rating(day)
        before = made[-1]
        if n == 0 or (rating.colour, rating.reasons) != (before.colour, before.reasons):
            made.append(Span(day, rating.colour, rating.reasons, n == 0 or rating.colour != before.colour))
    return made


def span_on(made: Sequence[Span], day: date) -> Span:
    """The span holding `day` (spans in order, the first from BEFORE_ALL)."""
    return made[bisect_right([s.since for s in made], day) - 1]


def timeline_of(made: Sequence[Span], until: date) -> list[Change]:
    """timeline(facts, rules, until) from the spans: each change of colour from the first change day on."""
    changes: list[Change] = []
    previous: Colour | None = None
    for s in made:
        if s.since != BEFORE_ALL and s.since <= until and s.colour != previous:
            changes.append(Change(s.since, s.rating(s.since), previous))
            previous = s.colour
    return changes


def changes_in(made: Sequence[Span], first: date, last: date) -> tuple[Rating, list[Change]]:
    """changes_between(facts, rules, first, last) from the spans."""
    before = span_on(made, first - timedelta(days=1)).rating(first - timedelta(days=1))
    changes: list[Change] = []
    previous = before.colour
    for s in made:
        if first <= s.since <= last and s.colour != previous:
            changes.append(Change(s.since, s.rating(s.since), previous))
            previous = s.colour
    return before, changes
