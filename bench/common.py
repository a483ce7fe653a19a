"""Helpers shared by the benchmarks: a work folder, child processes that report peak memory, tables."""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.postgres import Cluster

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(os.environ.get("STEWARD_BENCH_DIR", ROOT / "bench" / "out"))


def run_child(module: str, *args: str, checkout: Path = ROOT) -> dict[str, Any]:
    """Run `python -m module args` with `checkout`'s code (a baseline's, for a bench that compares) and return the
    JSON it prints last."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(checkout)},
    )
    if done.returncode != 0:
        raise RuntimeError(f"{checkout}: {module} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_ms(fn: Callable[[], object], repeat: int = 15) -> float:
    """Median wall time of `fn` in milliseconds, after one warm-up call."""
    fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    print(f"\n{title}")
    print("  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))


def throwaway_cluster(stack: contextlib.ExitStack) -> Cluster:
    """A PostgreSQL cluster of the tests' kind (initdb in a temporary folder, a free port), stopped when `stack`
    closes; a clear exit where PostgreSQL is not installed."""
    from tests.postgres import Cluster, pg_bin

    bin_dir = pg_bin()
    if bin_dir is None:
        raise SystemExit("PostgreSQL is not installed (make system-deps)")
    cluster = Cluster(bin_dir).start()
    stack.callback(cluster.stop)
    return cluster


def engine_databases(stack: contextlib.ExitStack, engines: str) -> Iterator[tuple[str, str | None]]:
    """(engine, database URL) for each of the comma-separated `engines`: None for SQLite (a file in the bench's own
    folder), a fresh database of one throwaway cluster, stopped when `stack` closes, for PostgreSQL."""
    cluster: Cluster | None = None
    for engine in engines.split(","):
        if engine != "postgres":
            yield engine, None
            continue
        if cluster is None:
            cluster = throwaway_cluster(stack)
        yield engine, cluster.new_database()
