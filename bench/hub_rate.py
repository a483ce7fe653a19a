"""Requests per second of Steward Hub's hello (a no-op sync's only request), with a load generator too cheap to be
the bottleneck: bench/hub_load.py's laptops (http.client threads, JSON parsed as the laptop does) burn as much CPU
per request as the hub, and on a 2-core machine they capped what a second worker could add.

Here one process drives every simulated steward: asyncio on uvloop, one kept-alive HTTP/1.1 connection per
steward (each its own token and laptop profile), each request's bytes built once beforehand, and of each answer
only the status line and Content-Length read. Each steward sends its next hello as soon as its last is answered
(a closed loop: the hub's rate, not the generator's, sets the pace).

For each hub (SQLite 1 worker for reference; PostgreSQL 1 and 2 workers, a copy of the same hub made with
`steward hub migrate-to-postgres` in a throwaway cluster) it prints requests/s, p50/p99, errors, the load average
when the run began, and CPU ms per request of the hub's processes (and of each worker: a skewed split says the
kernel handed one worker most connections), of PostgreSQL and of the generator. --repeat runs each hub that many
times and prints medians; then PostgreSQL's 2-worker/1-worker ratio (target >= 1.6). With --baseline, another
checkout's hub is measured too, its runs taking turns with this checkout's (the before and after of a change, under
the same load of the machine), and the ratio of their requests/s is printed.

Run with `python -m bench.hub_rate [--stewards 50] [--seconds 10] [--repeat 3] [--reuse] [--hubs postgres:1,postgres:2]
[--baseline DIR]`. The hub's data is
bench/hub_load.py's (built once, or reused from an earlier run of either bench with --reuse). Loopback only; every
hub and cluster started here is stopped again.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import OUT, ROOT, print_table
from bench.hub_load import Hub, _processes, bench_hub, postgres_copy, postgres_cpu_seconds

WARM_SECONDS = 2.0  # every connection open and every worker's caches filled before the clock starts


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    hub_cpu: float = 0.0
    worker_cpu: list[float] = field(default_factory=list)  # each worker process's, largest first
    db_cpu: float = 0.0
    generator_cpu: float = 0.0
    load: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies)


def hello_bytes(token: str, n: int) -> bytes:
    return (
        "GET /v1/hello HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nX-Steward-Protocol: 1\r\nX-Steward-Profile: bench-rate-{n}\r\n"
        "Accept-Encoding: gzip, deflate\r\n\r\n"
    ).encode()


async def _answer(reader: asyncio.StreamReader) -> int:
    """Read one answer; its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
            break
    else:
        raise RuntimeError("an answer without Content-Length")
    await reader.readexactly(length)
    return status


async def _steward(port: int, request: bytes, run: Run, warm_until: float, stop_at: float) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while True:
            started = time.perf_counter()
            if started >= stop_at:
                return
            writer.write(request)
            try:
                status = await _answer(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                run.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            if started >= warm_until:
                if status == 200:
                    run.latencies.append(time.perf_counter() - started)
                else:
                    run.errors += 1
    finally:
        writer.close()


async def _drive(port: int, requests: list[bytes], seconds: float, run: Run) -> None:
    start = time.perf_counter()
    warm_until, stop_at = start + WARM_SECONDS, start + WARM_SECONDS + seconds
    await asyncio.gather(*(_steward(port, r, run, warm_until, stop_at) for r in requests))


def measure(hub: Hub, requests: list[bytes], seconds: float, db_cpu: Any) -> Run:
    import uvloop

    run = Run(load=os.getloadavg()[0])
    # The counters are read at the end of the warm-up (the hub's and the database's CPU of the timed part only).
    marks: dict[str, Any] = {}

    async def main() -> None:
        async def mark() -> None:
            await asyncio.sleep(WARM_SECONDS)
            marks["start"] = (time.perf_counter(), _hub_cpu(hub), db_cpu(), os.times())

        await asyncio.gather(mark(), _drive(hub.port, requests, seconds, run))

    uvloop.run(main())
    ended = (time.perf_counter(), _hub_cpu(hub), db_cpu(), os.times())
    began = marks["start"]
    run.seconds = ended[0] - began[0]
    run.hub_cpu = sum(ended[1].values()) - sum(began[1].values())
    run.worker_cpu = sorted((ended[1][pid] - began[1].get(pid, 0.0) for pid in ended[1]), reverse=True)
    run.db_cpu = ended[2] - began[2]
    run.generator_cpu = (ended[3].user + ended[3].system) - (began[3].user + began[3].system)
    return run


def _hub_cpu(hub: Hub) -> dict[int, float]:
    """CPU seconds of each of the hub's processes (the supervisor of several workers too)."""
    if hub.process is None:
        return {}
    return {pid: user + system for pid, _ppid, group, user, system, _c in _processes() if group == hub.process.pid}


def warm_up(hub: Hub, tokens: list[str], n: int) -> None:
    """Each simulated steward's first hello binds its laptop profile (a write): done once before measuring."""
    import http.client

    for i in range(n):
        conn = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=60)
        conn.request(
            "GET",
            "/v1/hello",
            headers={
                "Authorization": f"Bearer {tokens[i]}",
                "X-Steward-Protocol": "1",
                "X-Steward-Profile": f"bench-rate-{i}",
            },
        )
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status != 200:
            raise RuntimeError(f"hello answered {response.status}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stewards", type=int, default=50, help="simulated stewards, one connection each")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds of each run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--hubs", default="sqlite:1,postgres:1,postgres:2", help="engine:workers, comma-separated")
    parser.add_argument("--reuse", action="store_true", help="use the hub bench/hub_load.py built earlier")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout (e.g. `git worktree add /tmp/before HEAD~1`) whose hub is measured too, each run of it "
        "taking turns with this checkout's on its own copy of the same data",
    )
    args = parser.parse_args()
    data = OUT / "hub_load" / "hub"
    tokens = bench_hub(data, args.reuse)
    if args.stewards > len(tokens):
        raise SystemExit(f"the hub has {len(tokens)} stewards")
    requests = [hello_bytes(tokens[i], i) for i in range(args.stewards)]
    sides = [("", ROOT)] + ([("baseline", args.baseline)] if args.baseline else [])
    rows, rates = [], {}
    with contextlib.ExitStack() as stack:
        cluster: list[Any] = []
        dbs: dict[tuple[str, str], str | None] = {}  # (side, engine) -> its own copy of the hub's database
        for spec in args.hubs.split(","):
            engine, workers = spec.split(":")[0], int(spec.split(":")[1])
            for label, _checkout in sides:
                folder = OUT / "hub_rate" / f"copy-{engine}{'-' + label if label else ''}"
                if (label, engine) not in dbs:
                    shutil.rmtree(folder, ignore_errors=True)
                    shutil.copytree(data, folder)
                    dbs[(label, engine)] = postgres_copy(folder, None, stack, cluster) if engine == "postgres" else None
            runs: dict[str, list[Run]] = {label: [] for label, _checkout in sides}
            for _ in range(args.repeat):
                for label, checkout in sides:  # the baseline and this checkout take turns: the same machine's load
                    folder = OUT / "hub_rate" / f"copy-{engine}{'-' + label if label else ''}"
                    with Hub(checkout, folder, args.port, db=dbs[(label, engine)], workers=workers) as hub:
                        warm_up(hub, tokens, args.stewards)
                        db_cpu = (
                            (lambda: postgres_cpu_seconds(cluster[0].data))
                            if engine == "postgres" and cluster
                            else (lambda: 0.0)
                        )
                        runs[label].append(measure(hub, requests, args.seconds, db_cpu))
            for label, _checkout in sides:
                rates[f"{label}{spec}"] = statistics.median(r.requests / r.seconds for r in runs[label])
                rows.append(_row(label or "this", engine, workers, args.stewards, runs[label]))
                print(rows[-1], flush=True)
    print_table(
        f"Steward Hub hello requests/s, {args.stewards} stewards at once (median of {args.repeat} runs of "
        f"{args.seconds:.0f} s; ms; load: 1-minute load average at the start; CPU: ms per request of the hub's "
        "processes (each worker's in brackets), PostgreSQL and the load generator)",
        [
            "code",
            "engine",
            "workers",
            "N",
            "req/s",
            "p50",
            "p99",
            "errors",
            "load",
            "hub CPU",
            "per worker",
            "db CPU",
            "gen CPU",
        ],
        rows,
    )
    one, two = rates.get("postgres:1"), rates.get("postgres:2")
    if one and two:
        print(f"PostgreSQL 2 workers / 1 worker: {two / one:.2f}x (target >= 1.6x)")
    for spec in args.hubs.split(","):
        if rates.get(spec) and rates.get(f"baseline{spec}"):
            print(f"{spec}: this checkout / the baseline: {rates[spec] / rates[f'baseline{spec}']:.2f}x requests/s")


def _row(label: str, engine: str, workers: int, n: int, runs: list[Run]) -> list[Any]:
    def per_request(seconds: float, run: Run) -> float:
        return 1000 * seconds / max(1, run.requests)

    def ms(q: float) -> str:
        return f"{statistics.median(sorted(r.latencies)[int(q * (len(r.latencies) - 1))] for r in runs) * 1000:.1f}"

    middle = sorted(runs, key=lambda r: r.requests / r.seconds)[len(runs) // 2]
    return [
        label,
        engine,
        workers,
        n,
        f"{statistics.median(r.requests / r.seconds for r in runs):.0f}",
        ms(0.5),
        ms(0.99),
        max(r.errors for r in runs),
        f"{statistics.median(r.load for r in runs):.1f}",
        f"{statistics.median(per_request(r.hub_cpu, r) for r in runs):.2f}",
        "/".join(f"{per_request(s, middle):.2f}" for s in middle.worker_cpu if s > 0.01),
        f"{statistics.median(per_request(r.db_cpu, r) for r in runs):.2f}",
        f"{statistics.median(per_request(r.generator_cpu, r) for r in runs):.3f}",
    ]


if __name__ == "__main__":
    main()
