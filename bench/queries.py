"""Queries at scale: a `steward demo --enterprises 500 --weeks 156` profile (three years of weekly visits).

Opens the profile and times what the app and CLI do most: list, search and filter enterprises and findings.
The baseline, measured in the same run, is SQLite reading every row of the findings table with no work on top, so
each figure can be read against the machine's speed of the moment. Target: every query under 50 ms.
"""

from __future__ import annotations

import argparse
import time
from datetime import date

from bench.common import OUT, print_table, timed_ms
from steward.services import demo, enterprises, findings
from steward.services.profiles import open_profile
from steward.storage.paths import profile_dir

TODAY = date(2026, 11, 25)


def build(size: demo.DemoSize) -> None:
    name = f"scale-{size.enterprises}x{size.weeks}"
    folder = profile_dir(OUT, name)
    if folder.exists():
        return
    started = time.perf_counter()
    with open_profile(OUT, name) as profile:
        counts = demo.make_demo(profile, size, today=TODAY)
    print(f"built {name} in {time.perf_counter() - started:.0f} s: {counts}")


def main(enterprise_count: int, weeks: int) -> None:
    size = demo.DemoSize(enterprises=enterprise_count, weeks=weeks, photos=False)
    build(size)
    name = f"scale-{size.enterprises}x{size.weeks}"
    started = time.perf_counter()
    profile = open_profile(OUT, name)
    open_ms = (time.perf_counter() - started) * 1000
    db = profile.db
    counts = {t: db.scalar(f"SELECT count(*) FROM {t}") for t in ("enterprises", "visits", "answers", "findings")}
    one_id = db.scalar("SELECT enterprise_id FROM findings GROUP BY enterprise_id ORDER BY count(*) DESC LIMIT 1")
    code = db.scalar("SELECT credit_code FROM enterprises LIMIT 1")

    cases = {
        "baseline: raw full scan of findings": lambda: db.conn.execute("SELECT * FROM findings").fetchall(),
        "list all enterprises with counts": lambda: enterprises.listing(profile),
        "search enterprises, 1 char (源)": lambda: enterprises.listing(profile, "源"),
        "search enterprises, 2 chars (鑫达)": lambda: enterprises.listing(profile, "鑫达"),
        "search enterprises, 4 chars (工艺品有)": lambda: enterprises.listing(profile, "工艺品有"),
        "search enterprises, credit code part": lambda: enterprises.listing(profile, code[8:14]),
        "open findings, first page (100)": lambda: findings.listing(profile, open_only=True, limit=100, today=TODAY),
        "overdue findings, all": lambda: findings.listing(profile, overdue_only=True, today=TODAY),
        "findings of one enterprise": lambda: findings.listing(profile, enterprise_id=one_id, today=TODAY),
        "search findings, 2 chars (活性), page": lambda: findings.listing(
            profile, query="活性", limit=100, today=TODAY
        ),
        "search findings, 3 chars (活性炭), page": lambda: findings.listing(
            profile, query="活性炭", limit=100, today=TODAY
        ),
        "search findings, rare text, all": lambda: findings.listing(profile, query="不存在的问题描述", today=TODAY),
        "figures, whole profile": lambda: findings.figures_for(profile, today=TODAY),
        "figures, per enterprise": lambda: findings.figures_by_enterprise(profile, today=TODAY),
    }
    rows = [["open profile (incl. checklist check)", f"{open_ms:.1f}", "", ""]]
    baseline = None
    for label, fn in cases.items():
        ms = timed_ms(fn, repeat=9)
        baseline = baseline or ms
        result = fn()
        n = len(result) if isinstance(result, list) else ""
        rows.append([label, f"{ms:.1f}", f"{ms / baseline:.2f}", n])
    profile.close()
    print_table(
        f"Queries on {name}: " + ", ".join(f"{v} {k}" for k, v in counts.items()),
        ["query", "median ms", "÷ baseline", "rows"],
        rows,
    )
    slow = [r[0] for r in rows[2:] if float(r[1]) >= 50]
    print("target: every query < 50 ms —", "met" if not slow else f"missed by: {', '.join(slow)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=500)
    parser.add_argument("--weeks", type=int, default=156)
    args = parser.parse_args()
    main(args.enterprises, args.weeks)
