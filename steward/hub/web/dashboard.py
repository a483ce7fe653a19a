"""The insurer's figures across all stewards, per steward and per enterprise, and every enterprise's colour, for a
chosen period: the summary PDF's definitions (steward.domain.period), everything as of the end of the period's last
day where the stewards are ("截至"). Rules come from the hub's own rules file (rating_rules.yaml in its data folder)
or the bundled defaults."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from steward.domain.clock import STEWARDS_ZONE
from steward.domain.errors import InvalidInput
from steward.domain.period import Months, Period, Tally, months_between, standing_at
from steward.domain.rating import Colour, Facts, Rating, Rules, add_months, rate, rules_from_yaml
from steward.hub.web.facts import Enterprise, HubFacts
from steward.resources import resource

RULES_FILE = "rating_rules.yaml"
PAGE_SIZE = 50
_COLOUR_ORDER = {Colour.RED: 0, Colour.YELLOW: 1, Colour.GREEN: 2}


def load_rules(data_dir: Path) -> tuple[Rules, str]:
    """The hub's rules and where they came from: its own file if it has one, else the bundled defaults. A broken
    file stops the hub at start with the file's mistake named, rather than rating by rules nobody chose."""
    own = data_dir / RULES_FILE
    path = own if own.exists() else resource("rating", "rules.yaml")
    try:
        return _parsed_rules(path.read_text(encoding="utf-8"), str(path)), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            f"无法读取评级规则文件 {path}:{exc}", f"Cannot read the rating rules file {path}: {exc}"
        ) from None
    except InvalidInput as exc:
        raise InvalidInput(f"{path}:{exc.zh}", f"{path}: {exc.en}") from None


@functools.lru_cache(maxsize=8)
def _parsed_rules(text: str, source: str) -> Rules:
    """The rules of a file's text, parsed once per process: each app (every test hub, every restart, each worker's)
    would parse the same file again, YAML being a third of what making an app costs. Rules are frozen, so one object
    serves every hub; a file that cannot be parsed raises each time (nothing is kept of it)."""
    return rules_from_yaml(text, source)


def period_in_china(first: date | None, last: date | None, today: date) -> Period:
    return Period.of(first, last, today, STEWARDS_ZONE)


@dataclass
class Dashboard:
    period: Period
    total: Tally
    stewards: dict[str, Tally]
    enterprises: dict[str, Tally]
    months: list[tuple[str, int, int]]
    ratings: dict[str, Rating]
    colours: dict[Colour, int] = field(default_factory=dict)

    def tally(self, enterprise_id: str) -> Tally:
        return self.enterprises.get(enterprise_id) or Tally()


def compute(
    facts: HubFacts,
    rules: Rules,
    period: Period,
    rated: dict[str, Facts] | None = None,
    rate_one: Callable[[str, Facts, date], Rating] | None = None,
) -> Dashboard:
    """`rated`: facts.rated(), when the caller keeps it; `rate_one(enterprise id, its facts, day)`: rate(facts, rules,
    day), when the caller keeps ratings (see RatingMemo)."""
    total, months = Tally(), Months()
    stewards: dict[str, Tally] = {}
    enterprises: dict[str, Tally] = {}
    for v in facts.visits.values():
        if period.contains(v.started_at):
            total.visits += 1
            stewards.setdefault(v.steward, Tally()).visits += 1
            enterprises.setdefault(v.enterprise_id, Tally()).visits += 1
    for f in facts.findings:
        if not period.contains(f.created_at):
            continue
        s = standing_at(f.deadline, f.events, period.closing, period.last)
        total.add(s)
        stewards.setdefault(f.steward, Tally()).add(s)
        enterprises.setdefault(f.enterprise_id, Tally()).add(s)
        months.add(period, f.created_at, s)
    counted = dict((m, (found, fixed)) for m, found, fixed in months.rows())
    every_month = [(m, *counted.get(m, (0, 0))) for m in months_between(period.first, period.last)]
    rated = rated if rated is not None else facts.rated()
    one = rate_one or (lambda _eid, f, day: rate(f, rules, day))
    ratings = {eid: one(eid, rated[eid], period.last) for eid, e in facts.enterprises.items() if not e.archived}
    colours = dict.fromkeys(Colour, 0)
    for r in ratings.values():
        colours[r.colour] += 1
    return Dashboard(period, total, stewards, enterprises, every_month, ratings, colours)


class RatingMemo:
    """Ratings kept across syncs: an enterprise's rating as of a day stands while its facts are the same object (the
    facts builder keeps an untouched enterprise's Facts), so the page after a sync rates only the enterprises the
    sync touched. Bounded: forgotten whole past `keep` ratings."""

    def __init__(self, rules: Rules, keep: int = 20_000) -> None:
        self.rules = rules
        self.keep = keep
        self._kept: dict[tuple[str, date], tuple[Facts, Rating]] = {}
        self._lock = threading.Lock()

    def __call__(self, enterprise_id: str, facts: Facts, day: date) -> Rating:
        with self._lock:
            kept = self._kept.get((enterprise_id, day))
        if kept is not None and kept[0] is facts:
            return kept[1]
        rating = rate(facts, self.rules, day)
        with self._lock:
            if len(self._kept) >= self.keep:
                self._kept.clear()
            self._kept[(enterprise_id, day)] = (facts, rating)
        return rating


@dataclass(frozen=True)
class ListedEnterprise:
    enterprise: Enterprise
    colour: Colour | None
    tally: Tally


@dataclass(frozen=True)
class EnterprisePage:
    rows: list[ListedEnterprise]
    page: int
    pages: int
    matched: int


def enterprise_list(facts: HubFacts, board: Dashboard, query: str, colour: Colour | None, page: int) -> EnterprisePage:
    """Red first, then the most overdue, the most open, then by name in pinyin order; `page` counts from 1 and is clamped."""
    rows = [
        ListedEnterprise(e, board.ratings[e.id].colour if e.id in board.ratings else None, board.tally(e.id))
        for e in facts.enterprises.values()
        if not e.archived and e.matches(query)
    ]
    if colour is not None:
        rows = [r for r in rows if r.colour is colour]
    rows.sort(
        key=lambda r: (
            _COLOUR_ORDER.get(r.colour, 3) if r.colour else 3,
            -r.tally.overdue,
            -r.tally.open,
            r.enterprise.order,
            r.enterprise.id,
        )
    )
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(1, page), pages)
    return EnterprisePage(rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], page, pages, len(rows))


def presets(today: date) -> list[tuple[str, str, str]]:
    """The periods an insurer asks for most: (label, first day, last day)."""
    month_start = today.replace(day=1)
    last_month_end = month_start - timedelta(days=1)
    quarter_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    year_ago = add_months(today, -12) + timedelta(days=1)
    spans = (
        ("本月", month_start, today),
        ("上月", last_month_end.replace(day=1), last_month_end),
        ("本季度", quarter_start, today),
        ("本年", today.replace(month=1, day=1), today),
        ("近 12 个月", year_ago, today),
    )
    return [(label, first.isoformat(), last.isoformat()) for label, first, last in spans]
