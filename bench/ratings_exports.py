"""Ratings and exports at scale: the `steward demo --enterprises 500 --weeks 156` profile (three years, ~45,000
findings), built by bench/queries.py's builder.

Ratings: every enterprise's colour as of one day, and as of each of 36 month ends; split into loading the facts
(SQL and objects) and rating them, against the baseline of the plain SQL reading the same rows. Target: all ratings
as of one date < 100 ms.

Exports: the findings XLSX of the whole three years (~45,000 rows) against the plain SQL query of the same rows and
csv.writer writing them; peak memory (tracemalloc) of the XLSX for one year and for three, to show the writer's
memory does not grow with the rows it streams. Target: < 10 s with bounded memory.

    python -m bench.ratings_exports [--runs N]
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, print_table
from bench.queries import TODAY, build
from steward.domain.rating import month_ends, rate
from steward.services import demo, exports, ratings
from steward.services.profiles import open_profile
from steward.storage.profile import Profile

SIZE = demo.DemoSize(enterprises=500, weeks=156, photos=False)


CPU: dict[str, float] = {}  # the process's CPU ms of each case (median), beside its wall time


def median_ms(fn: Callable[[], object], runs: int, case: str = "") -> float:
    """Median wall ms of `fn`; its median CPU ms is kept in CPU[case] (on a machine shared with other work the wall
    time waits for the cores, the CPU time much less)."""
    fn()  # warm-up: imports, the page cache
    samples, cpu = [], []
    for _ in range(runs):
        gc.collect()
        started, began = time.perf_counter(), time.process_time()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - began) * 1000)
    CPU[case] = statistics.median(cpu)
    return statistics.median(samples)


def peak_mb(fn: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def plain_rating_rows(profile: Profile) -> None:
    """The baseline: the rows the rating reads, fetched with no work on top."""
    conn = profile.db.conn
    for sql in (
        "SELECT id, enterprise_id, visit_id, severity, deadline, created_at, description FROM findings",
        "SELECT * FROM finding_events",
        "SELECT id, enterprise_id, finished_at FROM visits",
        "SELECT * FROM enterprise_events",
    ):
        conn.execute(sql).fetchall()


def plain_findings(profile: Profile, span: exports.Period) -> list[tuple]:
    return profile.db.conn.execute(
        """SELECT e.name, e.credit_code, v.started_at, i.code, i.category_zh, f.location, f.description, f.basis,
                  f.severity, f.requirement, f.deadline, f.status, f.closed_at, 0, 0, v.steward
           FROM findings f JOIN visits v ON v.id = f.visit_id AND v.status = 'finished'
           JOIN enterprises e ON e.id = f.enterprise_id LEFT JOIN template_items i ON i.id = f.item_id
           WHERE f.created_at >= ? AND f.created_at < ? ORDER BY f.created_at, f.id""",
        [span.start, span.end],
    ).fetchall()


def csv_of(rows: list[tuple], path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)


def main(runs: int) -> None:
    build(SIZE)
    name = f"scale-{SIZE.enterprises}x{SIZE.weeks}"
    profile = open_profile(OUT, name)
    rules = ratings.rules_for(profile)
    facts = ratings.facts_by_enterprise(profile)
    ends = month_ends(date(TODAY.year - 3, TODAY.month, 1), TODAY)[-36:]
    assert len(ends) == 36, len(ends)
    findings = profile.db.scalar("SELECT count(*) FROM findings")
    print(f"\n{name}: {len(facts)} enterprises, {findings} findings; as of {TODAY}; median of {runs} runs")

    ratings_rows = [
        ("baseline: plain SQL of the rows the rating reads", median_ms(lambda: plain_rating_rows(profile), runs, "b")),
        (
            "load every fact (SQL + objects), all enterprises",
            median_ms(lambda: ratings.facts_by_enterprise(profile), runs, "every"),
        ),
        (
            "load the facts of one date (SQL + objects)",
            median_ms(lambda: ratings.facts_as_of(profile, TODAY, rules), runs, "day"),
        ),
        (
            "rate all enterprises as of one date (facts loaded)",
            median_ms(lambda: [rate(f, rules, TODAY) for f in facts.values()], runs, "rate"),
        ),
        (
            "ratings.ratings(profile, as_of): load + rate",
            median_ms(lambda: ratings.ratings(profile, TODAY), runs, "ratings"),
        ),
        (
            "rate all as of each of 36 month ends (facts loaded)",
            median_ms(lambda: [rate(f, rules, d) for d in ends for f in facts.values()], max(1, runs // 2), "36"),
        ),
        (
            "ratings.monthly_distribution, 36 months: load + rate",
            median_ms(lambda: ratings.monthly_distribution(profile, ends[0], TODAY), max(1, runs // 2), "monthly"),
        ),
    ]
    keys = ["b", "every", "day", "rate", "ratings", "36", "monthly"]
    print_table(
        "Ratings (target: all ratings as of one date < 100 ms)",
        ["case", "median ms", "CPU ms"],
        [(case, f"{ms:.0f}", f"{CPU[key]:.0f}") for (case, ms), key in zip(ratings_rows, keys, strict=True)],
    )

    folder = OUT / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    three_years = exports.period(None, TODAY)
    one_year = exports.period(date(TODAY.year - 1, TODAY.month, TODAY.day), TODAY)
    rows = plain_findings(profile, three_years)
    slow_runs = max(1, runs // 2)
    export_rows = [
        (
            "baseline: plain SQL query of the same rows",
            len(rows),
            median_ms(lambda: plain_findings(profile, three_years), slow_runs, "x1"),
        ),
        (
            "baseline: csv.writer of those rows",
            len(rows),
            median_ms(lambda: csv_of(rows, folder / "plain.csv"), slow_runs, "x2"),
        ),
        (
            "steward export findings --format csv",
            len(rows),
            median_ms(
                lambda: exports.export(profile, "findings", "csv", folder / "f.csv", None, TODAY), slow_runs, "x3"
            ),
        ),
        (
            "steward export findings --format xlsx",
            len(rows),
            median_ms(
                lambda: exports.export(profile, "findings", "xlsx", folder / "f.xlsx", None, TODAY), slow_runs, "x4"
            ),
        ),
    ]
    print_table(
        f"Findings export, {len(rows)} rows (target: XLSX < 10 s)",
        ["case", "rows", "median s", "CPU s"],
        [
            (case, n, f"{ms / 1000:.2f}", f"{CPU[key] / 1000:.2f}")
            for (case, n, ms), key in zip(export_rows, ["x1", "x2", "x3", "x4"], strict=True)
        ],
    )
    rows.clear()  # the memory figures below start without them
    year_rows = len(plain_findings(profile, one_year))
    memory = [
        ("baseline: plain SQL query, 3 years", peak_mb(lambda: plain_findings(profile, three_years))),
        (
            f"export findings XLSX, 1 year ({year_rows} rows)",
            peak_mb(lambda: exports.export(profile, "findings", "xlsx", folder / "y.xlsx", one_year.first, TODAY)),
        ),
        (
            "export findings XLSX, 3 years",
            peak_mb(lambda: exports.export(profile, "findings", "xlsx", folder / "f.xlsx", None, TODAY)),
        ),
    ]
    print_table("Peak Python memory (tracemalloc, MB)", ["case", "peak MB"], [(c, f"{mb:.0f}") for c, mb in memory])
    print(f"XLSX of three years: {(folder / 'f.xlsx').stat().st_size / 1e6:.1f} MB on disk")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
    profile.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    main(parser.parse_args().runs)
