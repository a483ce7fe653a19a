"""What a hello costs the hub's PostgreSQL connection pool, without HTTP in the way: one thread doing, one after the
other, exactly the store work of a hello of a laptop that synced before (a connection from the pool, HubStore.caller,
the connection back), timed per hello, with CPU time of this process. Before (--baseline, another checkout: the pool
checked each connection with a round trip when it handed it out) and after (this checkout: no check; a lost
connection is found by the request's first statement and replaced) take turns in the same run, each in a child
process importing its own checkout's code, on the same database.

Run with `python -m bench.hub_pool_checkout --baseline DIR [--hellos 3000] [--repeat 3]`; PostgreSQL runs in a
throwaway cluster started here and stopped again (tests/postgres.py).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import ROOT, print_table

CHILD = """
import json, sys, time
from pathlib import Path
from steward.hub.store import HubStore

data, url, hellos = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
store = HubStore(data, db_url=url)
token = sys.argv[4]
for _ in range(200):  # warm: every connection of the pool open
    with store.connect():
        store.caller(token, "bench-pool")
wall, cpu = time.perf_counter(), time.process_time()
for _ in range(hellos):
    with store.connect():
        store.caller(token, "bench-pool")
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
store.close()
print(json.dumps({"wall_ms": 1000 * wall / hellos, "cpu_ms": 1000 * cpu / hellos}))
"""


def run(checkout: Path, data: Path, url: str, hellos: int, token: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(data), url, str(hellos), token],
        cwd=checkout,
        env={**os.environ, "PYTHONPATH": str(checkout)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    from steward.hub.store import HubStore
    from tests.postgres import Cluster, pg_bin

    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path, required=True, help="a checkout of the code before")
    parser.add_argument("--hellos", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bin_dir = pg_bin()
    if bin_dir is None:
        raise SystemExit("PostgreSQL is not installed (make system-deps)")
    cluster = Cluster(bin_dir).start()
    try:
        with tempfile.TemporaryDirectory() as work:
            sides = {"before": args.baseline, "after": ROOT}
            urls = {side: cluster.new_database() for side in sides}
            tokens = {}
            for side, url in urls.items():  # each side's own database, made by the code that reads it
                data = Path(work) / side
                if side == "after":
                    store = HubStore(data, db_url=url)
                    tokens[side] = store.add_steward("李明")
                    store.close()
                else:
                    make = "from pathlib import Path; from steward.hub.store import HubStore; import sys; "
                    make += (
                        "s = HubStore(Path(sys.argv[1]), db_url=sys.argv[2]); print(s.add_steward('李明')); s.close()"
                    )
                    done = subprocess.run(
                        [sys.executable, "-c", make, str(data), url],
                        cwd=args.baseline,
                        env={**os.environ, "PYTHONPATH": str(args.baseline)},
                        capture_output=True,
                        text=True,
                        timeout=120,
                        check=True,
                    )
                    tokens[side] = done.stdout.strip().splitlines()[-1]
            results: dict[str, list[dict[str, float]]] = {side: [] for side in sides}
            for _ in range(args.repeat):
                for side, checkout in sides.items():  # taking turns
                    results[side].append(run(checkout, Path(work) / side, urls[side], args.hellos, tokens[side]))
    finally:
        cluster.stop()
    rows = []
    for side in sides:
        wall = statistics.median(r["wall_ms"] for r in results[side])
        cpu = statistics.median(r["cpu_ms"] for r in results[side])
        rows.append([side, f"{wall:.3f}", f"{cpu:.3f}", f"{1000 / wall:.0f}"])
    print_table(
        f"A hello's store work on PostgreSQL, one thread, {args.hellos} hellos (median of {args.repeat} runs taking "
        "turns): wall and CPU ms per hello, and hellos per second",
        ["code", "wall ms", "CPU ms", "hellos/s"],
        rows,
    )
    before, after = (statistics.median(r["wall_ms"] for r in results[s]) for s in ("before", "after"))
    print(f"after / before: {before / after:.2f}x hellos per second")


if __name__ == "__main__":
    main()
