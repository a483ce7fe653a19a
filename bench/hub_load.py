"""Steward Hub under load on 127.0.0.1: N stewards at once (each with their own token and laptop profile).

- no-op sync: hello + a push of nothing + the changes since the end (what a laptop does with nothing to do);
  target: 100 at once with p99 < 1 s and no errors;
- full pull: every page of the change feed from the start (a new laptop), over a year of an office's records
  (2,600 visits, 5,200 findings, 10,400 finding events, 200 enterprises); target: 50 at once with p99 < 5 s.

Run with `python -m bench.hub_load [--baseline /work/main] [--runs 3]`: the baseline is another checkout's hub serving
a copy of the same data in the same run, its runs taken in turn with this checkout's (each run a fresh hub process).
Printed per scenario: the median over the runs of p50, p99 and requests/s (requests answered over the scenario's wall
time), and the errors of all runs; and the load average before and after, since other work on the machine moves
every figure. Loopback only; every hub started here is stopped again.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import OUT, ROOT, print_table

STEWARDS = 100
ENTERPRISES = 200
VISITS = 2600  # 50 stewards' worth of weekly visits is far more; 10 stewards x 5 a week x 52 weeks
ANSWERS = 40
ROUNDS = 3  # each steward syncs this many times in a row during the no-op test
TIME_LIMIT = 300.0
TAIL = re.compile(
    rb'"cursor":\s*(\d+),\s*"more":\s*(true|false)\}$'
)  # seconds for one scenario before it is called off


def _uuid(kind: int, n: int) -> str:
    return f"01a30000-{kind:04x}-7000-8000-{n:012x}"


def build_hub(data: Path) -> list[str]:
    """A hub with STEWARDS stewards and a year of records; returns their tokens."""
    from steward.domain.credit_code import check_character
    from steward.hub.models import clean_record
    from steward.hub.store import HubStore
    from steward.sync.wire import content_hash

    shutil.rmtree(data, ignore_errors=True)
    store = HubStore(data)
    tokens = [store.add_steward(f"管家{i:03d}") for i in range(STEWARDS)]
    with store.connect() as conn:
        stewards = conn.execute("SELECT id, name FROM stewards ORDER BY id").fetchall()
    stamp = "2026-03-02T01:30:00.000Z"
    template_id = _uuid(1, 1)
    items = [
        {
            "id": _uuid(2, i),
            "template_id": template_id,
            "position": i,
            "code": f"A{i + 1}",
            "category_code": "A",
            "category_zh": "手续",
            "category_en": "Permits",
            "text_zh": f"检查项 {i + 1}:环评审批/登记齐全" * 2,
            "text_en": "EIA approval matches what is built",
            "basis": "《环境影响评价法》第三十一条",
            "severity": "general",
            "guidance": "对照环评批复核对喷漆房数量、产能和涂料种类。",
        }
        for i in range(ANSWERS)
    ]
    template = {
        "id": template_id,
        "code": "craft",
        "version": 1,
        "name_zh": "工艺品企业环保检查表",
        "name_en": "Craft",
        "industry_zh": "工艺品",
        "industry_en": "Craft",
        "deadline_major": 60,
        "deadline_serious": 30,
        "deadline_general": 7,
        "content_hash": "0" * 64,
        "source": "craft.yaml",
        "imported_at": stamp,
        "items": items,
    }
    store.put_reference("template", template_id, template)
    for e in range(ENTERPRISES):
        code = f"91331024MA{e:07d}"
        body = {
            "id": _uuid(3, e),
            "name": f"仙居县第{e}工艺品有限公司",
            "credit_code": code + check_character(code),
            "address": "浙江省台州市仙居县安岭乡安创小微园区1号",
            "template_code": "craft",
            "archived": 0,
            "created_at": stamp,
            "updated_at": stamp,
        }
        store.put_reference("enterprise", body["id"], body)
    by_steward: dict[int, list[dict[str, Any]]] = {}
    for v in range(VISITS):
        owner = stewards[v % 10]  # ten stewards made the year's visits
        visit_id, enterprise_id = _uuid(4, v), _uuid(3, v % ENTERPRISES)
        visit = {
            "id": visit_id,
            "enterprise_id": enterprise_id,
            "template_id": template_id,
            "steward": owner[1],
            "kind": "routine",
            "status": "finished",
            "started_at": stamp,
            "finished_at": stamp,
            "summary": "",
            "items": [{"item_id": it["id"], "position": it["position"]} for it in items],
            "answers": [
                {
                    "id": _uuid(5, v * ANSWERS + i),
                    "visit_id": visit_id,
                    "item_id": it["id"],
                    "result": "not_compliant" if i < 2 else "compliant",
                    "note": "现场查看" if i < 2 else "",
                    "updated_at": stamp,
                }
                for i, it in enumerate(items)
            ],
        }
        batch = [("visit", visit_id, visit)]
        for f in range(2):
            finding_id = _uuid(6, v * 2 + f)
            batch.append(
                (
                    "finding",
                    finding_id,
                    {
                        "id": finding_id,
                        "enterprise_id": enterprise_id,
                        "visit_id": visit_id,
                        "item_id": items[f]["id"],
                        "location": "喷漆车间",
                        "description": "喷漆房废气收集不完善,有无组织排放",
                        "basis": "《大气污染防治法》第四十五条",
                        "severity": "serious",
                        "requirement": "整改到位并提交整改前后照片。",
                        "deadline": "2026-04-01",
                        "created_at": stamp,
                        "created_by": owner[1],
                    },
                )
            )
            for k, kind in enumerate(("opened", "recheck_rectified")):
                event_id = _uuid(7, (v * 2 + f) * 2 + k)
                batch.append(
                    (
                        "finding_event",
                        event_id,
                        {
                            "id": event_id,
                            "finding_id": finding_id,
                            "kind": kind,
                            "at": stamp,
                            "by": owner[1],
                            "note": "",
                            "visit_id": visit_id,
                        },
                    )
                )
        by_steward.setdefault(owner[0], []).extend(clean_record(e, i, content_hash(b), b) for e, i, b in batch)
    for steward_id, records in by_steward.items():
        who = {"id": steward_id}
        for start in range(0, len(records), 2000):
            store.push(who, f"bench-{steward_id}", records[start : start + 2000])
    return tokens


def as_built_by(checkout: Path, data: Path) -> None:
    """Drop from a copy of the hub the indexes that `checkout`'s own schema does not create: the data is built by
    this checkout, and a baseline must not be measured with the indexes of the code it is compared with."""
    import sqlite3

    probe = data.parent / "schema-probe"
    shutil.rmtree(probe, ignore_errors=True)
    subprocess.run(
        [
            sys.executable,
            "-c",
            f"from pathlib import Path; from steward.hub.store import HubStore; HubStore(Path({str(probe)!r}))",
        ],
        cwd=checkout,
        env={**os.environ, "PYTHONPATH": str(checkout)},
        check=True,
    )
    query = "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    with sqlite3.connect(probe / "hub.db") as conn:
        own = {r[0] for r in conn.execute(query)}
    shutil.rmtree(probe)
    with sqlite3.connect(data / "hub.db") as conn:
        for (name,) in conn.execute(query).fetchall():
            if name not in own:
                conn.execute(f'DROP INDEX "{name}"')


class Hub:
    def __init__(self, checkout: Path, data: Path, port: int) -> None:
        self.checkout, self.data, self.port = checkout, data, port
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Hub:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "steward.cli.main",
                "hub",
                "serve",
                "--data-dir",
                str(self.data),
                "--port",
                str(self.port),
            ],
            cwd=self.checkout,
            env={**os.environ, "PYTHONPATH": str(self.checkout)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/openapi.json", timeout=1).read()
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("hub did not start")

    def __exit__(self, *_exc: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class Laptop:
    """One steward's laptop: its own token, profile id and kept-alive connection."""

    def __init__(self, port: int, token: str, n: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {
            "Authorization": f"Bearer {token}",
            "X-Steward-Protocol": "1",
            "X-Steward-Profile": f"bench-laptop-{n}",
        }

    def raw(self, path: str, body: Any = None) -> bytes:
        data = None if body is None else json.dumps(body).encode()
        headers = self.headers if body is None else {**self.headers, "Content-Type": "application/json"}
        # As the laptop's httpx does: it accepts gzip and decodes it (on the laptop's CPU, here the bench's).
        self.conn.request(
            "GET" if body is None else "POST", path, body=data, headers={**headers, "Accept-Encoding": "gzip"}
        )
        response = self.conn.getresponse()
        payload = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status}")
        if response.getheader("Content-Encoding") == "gzip":
            payload = gzip.decompress(payload)
        return payload

    def get(self, path: str, body: Any = None) -> Any:
        return json.loads(self.raw(path, body))

    def noop_sync(self, cursor: int) -> int:
        """Returns the number of requests (3)."""
        self.get("/v1/hello")
        self.get("/v1/records", {"records": []})
        self.get(f"/v1/changes?since={cursor}&limit=500")
        return 3

    def full_pull(self) -> int:
        """Returns the number of requests (pages)."""
        """Every page, read whole; only the page's end (cursor, more) is parsed here: a laptop parses the records
        on its own CPU, which in this bench would be the hub's."""
        since, pages = 0, 0
        while True:
            page = self.raw(f"/v1/changes?since={since}&limit=500")
            pages += 1
            end = TAIL.search(page[-80:])
            if end is None:
                raise RuntimeError("a page without its end")
            since = int(end.group(1))
            if end.group(2) == b"false":
                return pages


def at_once(n: int, tokens: list[str], port: int, work: str) -> tuple[list[float], int, float]:
    """n laptops start together; returns each operation's seconds, the number of errors and requests/s."""
    laptops = [Laptop(port, tokens[i], i) for i in range(n)]
    end_cursor = int(laptops[0].get("/v1/changes?since=0&limit=1")["cursor"]) if work == "noop" else 0
    if work == "noop":
        while (page := laptops[0].get(f"/v1/changes?since={end_cursor}&limit=2000"))["more"]:
            end_cursor = int(page["cursor"])
        end_cursor = int(page["cursor"])
    barrier = threading.Barrier(n)
    times: list[float] = []
    errors, requests = [0], [0]
    lock = threading.Lock()
    span = [float("inf"), 0.0]  # the first start and the last end of any operation

    def run(laptop: Laptop) -> None:
        barrier.wait()
        for _ in range(ROUNDS if work == "noop" else 1):
            started = time.perf_counter()
            with lock:
                span[0] = min(span[0], started)
            try:
                sent = laptop.noop_sync(end_cursor) if work == "noop" else laptop.full_pull()
            except Exception:
                with lock:
                    errors[0] += 1
                continue
            ended = time.perf_counter()
            with lock:
                times.append(ended - started)
                requests[0] += sent
                span[1] = max(span[1], ended)

    threads = [threading.Thread(target=run, args=(laptop,), daemon=True) for laptop in laptops]
    for t in threads:
        t.start()
    deadline = time.monotonic() + TIME_LIMIT
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    errors[0] += sum(1 for t in threads if t.is_alive())
    for laptop in laptops:
        laptop.conn.close()
    wall = span[1] - span[0]
    return times, errors[0], requests[0] / wall if wall > 0 else 0.0


def pct(values: list[float], q: float) -> float | None:
    """The q-quantile in milliseconds (None without values)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def median_of(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    return f"{statistics.median(known):.0f}" if known else "-"


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path, help="another checkout whose hub serves a copy of the same data")
    parser.add_argument("--sizes", default="20,50,100")
    parser.add_argument("--reuse", action="store_true", help="keep the hub built by an earlier run")
    parser.add_argument("--work", default="noop,pull")
    parser.add_argument("--runs", type=int, default=3, help="runs per side; the median of each figure is printed")
    args = parser.parse_args()
    data = OUT / "hub_load" / "hub"
    started = time.perf_counter()
    saved = OUT / "hub_load" / "tokens.json"
    if args.reuse and saved.exists():
        tokens = json.loads(saved.read_text())
    else:
        tokens = build_hub(data)
        saved.write_text(json.dumps(tokens))
    print(f"hub with {STEWARDS} stewards and a year of records built in {time.perf_counter() - started:.0f} s")
    sides = [("this", ROOT, data)]
    if args.baseline:
        copy = OUT / "hub_load" / "baseline"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(data, copy)
        as_built_by(args.baseline, copy)
        sides.append(("baseline", args.baseline, copy))
    print(f"load average before: {load_average()}")
    scenarios = [(work, int(n)) for work in args.work.split(",") for n in args.sizes.split(",")]
    figures: dict[tuple[str, str, int], list[tuple[int, float | None, float | None, float, int]]] = {}
    for run in range(args.runs):
        for label, checkout, folder in sides:  # the sides in turn, so both see the same moments of the machine
            with Hub(checkout, folder, 8790) as _hub:
                for work, n in scenarios:
                    times, errors, per_second = at_once(n, tokens, 8790, work)
                    figures.setdefault((label, work, n), []).append(
                        (len(times), pct(times, 0.5), pct(times, 0.99), per_second, errors)
                    )
            print(f"run {run + 1}/{args.runs} of {label} done, load average {load_average()}", flush=True)
    rows = [
        [
            label,
            "no-op sync" if work == "noop" else "full pull",
            n,
            len(runs),
            median_of([float(r[0]) for r in runs]),
            median_of([r[1] for r in runs]),
            median_of([r[2] for r in runs]),
            median_of([r[3] for r in runs]),
            sum(r[4] for r in runs),
        ]
        for (label, work, n), runs in figures.items()
    ]
    print_table(
        f"Steward Hub, N stewards at once (ms; median of {args.runs} runs; errors of all runs)",
        ["hub", "work", "N", "runs", "done", "p50", "p99", "req/s", "errors"],
        rows,
    )
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
