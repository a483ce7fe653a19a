"""CPU of making one hub app (steward.hub.app.create_app): what every test hub, every restart and every worker
process pays before it answers anything. Each sample is a fresh process (its first create_app, the imports and the
routes built once, excluded) that makes `--calls` apps on new SQLite data folders and reports the CPU of those
calls, and of as many HubStores alone (opening and migrating hub.db: what an app costs at least).

With --baseline DIR, another checkout is measured too, its samples taking turns with this checkout's (the before
and after of a change, under the same load of the machine).

Run with `python -m bench.hub_create_app [--calls 20] [--samples 5] [--baseline DIR]`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, print_table, run_child


def sample(calls: int) -> dict[str, float]:
    """In this process: ms of CPU per create_app, and per HubStore of the same kind, over `calls` calls each."""
    from steward.hub.app import create_app
    from steward.hub.store import HubStore

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        create_app(base / "warm").state.store.close()  # imports, and whatever a process builds once
        started = time.process_time()
        for i in range(calls):
            create_app(base / f"app{i}").state.store.close()
        app_ms = (time.process_time() - started) / calls * 1000
        started = time.process_time()
        for i in range(calls):
            HubStore(base / f"store{i}").close()
        store_ms = (time.process_time() - started) / calls * 1000
    return {"create_app": app_ms, "store": store_ms}


def run_sample(checkout: Path, calls: int) -> dict[str, float]:
    figures: dict[str, float] = run_child("bench.hub_create_app", "--sample", "--calls", str(calls), checkout=checkout)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="another checkout, measured in turns with this one")
    parser.add_argument("--sample", action="store_true", help=argparse.SUPPRESS)  # one sample, in this process
    args = parser.parse_args()
    if args.sample:
        print(json.dumps(sample(args.calls)))
        return
    sides = [("this", ROOT)] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
    if args.baseline and not (args.baseline / "bench" / "hub_create_app.py").exists():
        raise SystemExit(f"copy bench/hub_create_app.py into {args.baseline / 'bench'} first")
    results: dict[str, list[dict[str, float]]] = {label: [] for label, _ in sides}
    for _ in range(args.samples):
        for label, checkout in sides:
            results[label].append(run_sample(checkout, args.calls))
    rows = []
    for label, samples in results.items():
        app_ms = statistics.median(s["create_app"] for s in samples)
        store_ms = statistics.median(s["store"] for s in samples)
        spread = ", ".join(f"{s['create_app']:.1f}" for s in samples)
        rows.append([label, f"{app_ms:.1f}", f"{store_ms:.1f}", spread])
    print_table(
        f"CPU ms per create_app (median of {args.samples} processes, {args.calls} calls each; "
        f"load average {os.getloadavg()[0]:.1f})",
        ["code", "create_app", "HubStore alone", "create_app samples"],
        rows,
    )


if __name__ == "__main__":
    main()
