"""The three-colour rating where the app shows it, on `steward demo --enterprises 500 --weeks 156` (three years of
weekly visits): the enterprise list's colours as of today, one enterprise's timeline (the detail screen), a month's
colour changes (the period summary), all read from the kept spans (storage/rating_cache.py). Each figure is the
median of several runs (wall and CPU time: the machine is shared) beside two baselines measured in the same run:
SQLite reading every finding row with no work on top, and the list's own query (its figures per enterprise). The
facts-of-the-day and all-facts ratings are what the list cost before spans were kept.
The first use (no current spans: after an upgrade or a change of the rules) rates the list's colours directly as of
the day while the spans are filled in the background (services.ratings.fill_spans).
Targets: the list's colours within a quarter of a second (they arrive from the pool after the list is shown); all
ratings as of one date < 100 ms."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from datetime import date
from unittest import mock

from bench.common import OUT, print_table
from bench.queries import TODAY, build
from bench.ratings_exports import CPU, median_ms
from steward.domain.rating import rate
from steward.services import demo, enterprises, ratings
from steward.services.profiles import open_profile


def main(enterprise_count: int, weeks: int, repeat: int) -> None:
    size = demo.DemoSize(enterprises=enterprise_count, weeks=weeks, photos=False)
    build(size)
    name = f"scale-{size.enterprises}x{size.weeks}"
    profile = open_profile(OUT, name)
    db = profile.db
    busiest = db.scalar("SELECT enterprise_id FROM findings GROUP BY enterprise_id ORDER BY count(*) DESC LIMIT 1")
    rules = ratings.rules_for(profile)

    def day_facts() -> object:
        return [rate(f, rules, TODAY) for f in ratings.facts_as_of(profile, TODAY, rules).values()]

    def all_facts() -> object:
        facts = ratings.facts_by_enterprise(profile)
        return [rate(f, rules, TODAY) for f in facts.values()]

    def first_use() -> object:
        """As after an upgrade or a change of the rules: no enterprise's kept spans are current (another
        fingerprint), so the list's colours are rated directly as of the day while the spans fill behind."""
        with mock.patch.object(ratings, "fingerprint", lambda _rules: "bench: spans of another release"):
            return ratings.ratings(profile, TODAY)

    with mock.patch.object(ratings, "fingerprint", lambda _rules: "bench: spans of another release"):
        behind = ratings.spans_behind(profile)
    print(f"first use: {behind} enterprises without current spans (rated directly)")

    month = (date(2026, 10, 1), date(2026, 10, 31))  # the month before the demo's TODAY
    cases: dict[str, tuple[Callable[[], object], int]] = {
        "baseline: raw full scan of findings": (lambda: db.conn.execute("SELECT * FROM findings").fetchall(), repeat),
        "baseline: the list's query (enterprises.listing)": (lambda: enterprises.listing(profile), repeat),
        "list colours as of today (kept spans)": (lambda: ratings.ratings(profile, TODAY), repeat),
        "first use (no current spans): list colours rated directly": (first_use, repeat),
        "list colours as of today (facts of the day, before)": (day_facts, repeat),
        "list colours as of today (every fact, long before)": (all_facts, max(1, repeat // 3)),
        "detail: current colour of the busiest enterprise": (lambda: ratings.ratings(profile, TODAY, busiest), repeat),
        "detail: timeline of the busiest enterprise": (
            lambda: ratings.enterprise_timeline(profile, busiest, TODAY),
            max(1, repeat // 3),
        ),
        f"summary: colour changes {month[0]} to {month[1]}": (
            lambda: ratings.period_colours(profile, *month),
            max(1, repeat // 3),
        ),
    }
    rows = []
    baseline = None
    for label, (fn, runs) in cases.items():
        ms = median_ms(fn, runs, label)
        baseline = baseline or ms
        rows.append([label, f"{ms:.1f}", f"{CPU[label]:.1f}", f"{ms / baseline:.2f}", runs])
    profile.close()
    print_table(f"Ratings on {name}", ["case", "median ms", "CPU ms", "÷ baseline", "runs"], rows)
    listed = float(rows[2][1])
    first = float(rows[3][1])
    print("target: list colours < 250 ms —", "met" if listed < 250 else "missed")
    print("first use: list colours < 1 s while the spans fill —", "met" if first < 1000 else "missed")
    print("target: all ratings as of one date < 100 ms —", "met" if listed < 100 else "missed")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=500)
    parser.add_argument("--weeks", type=int, default=156)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    main(args.enterprises, args.weeks, args.repeat)
