"""Steward Hub under load on 127.0.0.1: N stewards at once (each with their own token and laptop profile).

Each simulated laptop makes exactly the requests steward/sync/engine.py `sync` makes (hello; a push only when its
outbox holds records; the change feed's pages only when hello says the hub's sequence ends past the laptop's cursor;
/v1/recheck-photos only when hello's tag of that list differs from the one the laptop last read whole or its cursor
moved since), with the headers of steward/sync/client.py (httpx asks for gzip) and pages of the change feed of the
size that checkout's laptop asks for (laptop_page_limit: the baseline's laptop is simulated as it pulls), so a figure
here is the laptop's:
- noop: a sync with nothing to do, by laptops that synced before; target: 100 at once with p99 < 1 s and no errors;
- noop-old: the same sync by a laptop of the protocol before hello told the cursor and the re-check tag (hello, a
  page of the change feed, the re-check list, every time): the hub must stay fast for laptops not yet updated;
- pull: every page of the change feed from the start (a new laptop), over a year of an office's records
  (2,600 visits, 5,200 findings, 10,400 finding events, 200 enterprises, the last month's findings still open with
  a photo each); target: 50 at once with p99 < 5 s;
- push: --push-laptops laptops (default 10) at once, each pushing --push-visits new finished visits (default 200,
  with two findings and four finding events each, no photos) in the client's batches of 500 records, then pulling
  and reading the re-check list as the client does; p50/p99 of the whole sync and of each push request.

Run with `python -m bench.hub_load [--baseline /work/main]`: the baseline is another checkout's hub serving a copy
of the same data in the same run. `--engines sqlite,postgres --workers 1,2` measures the hub on each engine with
1 and 2 worker processes (PostgreSQL: a copy of the same hub, made with `steward hub migrate-to-postgres`, in
--db, or in a throwaway cluster started here when no --db is given). `--repeat 3` runs each scenario three times
and prints the median of each figure. Every row also says the load average of the machine when it began, the hub's
CPU time per request (its processes' user + system time over the requests served: a figure the machine's other
load barely distorts), the PostgreSQL cluster's (when the bench started it) and the bench's own (the simulated
laptops share the hub's CPUs).
Pushes go to a fresh copy of the hub, so the other scenarios always read the same data. Loopback only; every hub
(and cluster) started here is stopped again.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from bench.common import OUT, ROOT, print_table

STEWARDS = 100
ENTERPRISES = 200
VISITS = 2600  # 50 stewards' worth of weekly visits is far more; 10 stewards x 5 a week x 52 weeks
OPEN_VISITS = 200  # the last month's visits: their findings are still open, each with a photo
ANSWERS = 40
ROUNDS = int(os.environ.get("HUBLOAD_ROUNDS", "3"))  # each steward syncs this many times in a row during the no-op test
PUSH_BATCH = 500  # steward/sync/engine.py PUSH_BATCH
TIME_LIMIT = 300.0  # seconds for one scenario before it is called off
TAIL = re.compile(rb'"cursor":\s*(\d+),\s*"more":\s*(true|false)\}$')
STAMP = "2026-03-02T01:30:00.000Z"
TEMPLATE_ID = "01a30000-0001-7000-8000-000000000001"
WORKS = {"noop": "no-op sync", "noop-old": "no-op sync, old laptop", "pull": "full pull", "push": "push sync"}


def _uuid(kind: int, n: int) -> str:
    return f"01a30000-{kind:04x}-7000-8000-{n:012x}"


def _items() -> list[dict[str, Any]]:
    return [
        {
            "id": _uuid(2, i),
            "template_id": TEMPLATE_ID,
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


def visit_records(ids: Any, enterprise_id: str, steward: str, rectified: bool) -> list[tuple[str, str, dict[str, Any]]]:
    """One finished visit as a laptop pushes it: the visit with its answers, two findings, their events.
    `ids(kind, n)` names each record (fixed ids for the hub's year, fresh ones for pushes)."""
    items = _items()
    visit_id = ids(4, 0)
    visit = {
        "id": visit_id,
        "enterprise_id": enterprise_id,
        "template_id": TEMPLATE_ID,
        "steward": steward,
        "kind": "routine",
        "status": "finished",
        "started_at": STAMP,
        "finished_at": STAMP,
        "summary": "",
        "items": [{"item_id": it["id"], "position": it["position"]} for it in items],
        "answers": [
            {
                "id": ids(5, i),
                "visit_id": visit_id,
                "item_id": it["id"],
                "result": "not_compliant" if i < 2 else "compliant",
                "note": "现场查看" if i < 2 else "",
                "updated_at": STAMP,
            }
            for i, it in enumerate(items)
        ],
    }
    batch: list[tuple[str, str, dict[str, Any]]] = [("visit", visit_id, visit)]
    for f in range(2):
        finding_id = ids(6, f)
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
                    "created_at": STAMP,
                    "created_by": steward,
                },
            )
        )
        for k, kind in enumerate(
            ("opened", "recheck_rectified") if rectified else ("opened", "rectification_reported")
        ):
            event_id = ids(7, f * 2 + k)
            batch.append(
                (
                    "finding_event",
                    event_id,
                    {
                        "id": event_id,
                        "finding_id": finding_id,
                        "kind": kind,
                        "at": STAMP,
                        "by": steward,
                        "note": "",
                        "visit_id": visit_id,
                    },
                )
            )
    return batch


def _photo_records(v: int, visit_id: str, finding_id: str, content: bytes) -> list[tuple[str, str, dict[str, Any]]]:
    import hashlib

    sha = hashlib.sha256(content).hexdigest()
    photo = {
        "sha256": sha,
        "original_name": f"IMG_{v:04d}.jpg",
        "original_ext": "jpg",
        "format": "JPEG",
        "bytes": len(content),
        "width": 4000,
        "height": 3000,
        "taken_at": STAMP,
    }
    link_id = _uuid(8, v)
    link = {
        "id": link_id,
        "sha256": sha,
        "visit_id": visit_id,
        "finding_id": finding_id,
        "caption": "喷漆房废气收集口",
        "created_at": STAMP,
    }
    return [("photo", sha, photo), ("photo_link", link_id, link)]


def bench_hub(data: Path, reuse: bool) -> list[str]:
    """The stewards' tokens of the bench hub at `data`: the one an earlier run built when `reuse` (and it exists),
    else one built now (build_hub), its tokens saved beside it for the next run."""
    saved = data.parent / "tokens.json"
    if reuse and saved.exists():
        tokens: list[str] = json.loads(saved.read_text())
        return tokens
    tokens = build_hub(data)
    saved.write_text(json.dumps(tokens))
    return tokens


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
    template = {
        "id": TEMPLATE_ID,
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
        "imported_at": STAMP,
        "items": _items(),
    }
    store.put_reference("template", TEMPLATE_ID, template)
    for e in range(ENTERPRISES):
        code = f"91331024MA{e:07d}"
        body = {
            "id": _uuid(3, e),
            "name": f"仙居县第{e}工艺品有限公司",
            "credit_code": code + check_character(code),
            "address": "浙江省台州市仙居县安岭乡安创小微园区1号",
            "template_code": "craft",
            "archived": 0,
            "created_at": STAMP,
            "updated_at": STAMP,
        }
        store.put_reference("enterprise", body["id"], body)
    by_steward: dict[int, list[dict[str, Any]]] = {}
    photos: list[tuple[int, bytes]] = []
    for v in range(VISITS):
        # Ten stewards made the year's visits, each enterprise visited by several of them in turn.
        owner = stewards[(v // 7) % 10]
        enterprise_id = _uuid(3, v % ENTERPRISES)
        still_open = v >= VISITS - OPEN_VISITS

        def ids(kind: int, n: int, v: int = v) -> str:
            return _uuid(kind, v * 40 + n)

        batch = visit_records(ids, enterprise_id, owner[1], rectified=not still_open)
        if still_open:  # what a re-check at that enterprise compares with
            content = f"bench photo {v}".encode() * 50
            batch += _photo_records(v, ids(4, 0), ids(6, 0), content)
            photos.append((owner[0], content))
        by_steward.setdefault(owner[0], []).extend(clean_record(e, i, content_hash(b), b) for e, i, b in batch)
    for steward_id, records in by_steward.items():
        who = {"id": steward_id}
        for start in range(0, len(records), 2000):
            store.push(who, f"bench-{steward_id}", records[start : start + 2000])
    import hashlib

    for steward_id, content in photos:
        upload = store.begin_upload(hashlib.sha256(content).hexdigest(), 0, len(content), steward_id)
        if upload is not None:
            upload.write(content)
            upload.finish(None)
    store.close()
    return tokens


class Hub:
    def __init__(self, checkout: Path, data: Path, port: int, db: str | None = None, workers: int = 1) -> None:
        self.checkout, self.data, self.port = checkout, data, port
        self.extra = [*(["--db", db] if db else []), *(["--workers", str(workers)] if workers > 1 else [])]
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
                *self.extra,
            ],
            cwd=self.checkout,
            start_new_session=True,  # its worker processes are stopped with it
            env={**os.environ, "PYTHONPATH": str(self.checkout)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120  # several workers on a busy machine take their time
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/openapi.json", timeout=1).read()
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()  # not left running behind the bench
        raise RuntimeError("hub did not start")

    def cpu_seconds(self) -> float:
        """User + system time of every process of the hub (its workers too: one session, see __enter__)."""
        if self.process is None:
            return 0.0
        return sum(utime + stime for _pid, _ppid, pgrp, utime, stime, _c in _processes() if pgrp == self.process.pid)

    def __exit__(self, *_exc: object) -> None:
        if self.process and self.process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.process.wait(timeout=10)

    def _signal(self, signum: signal.Signals) -> None:
        """Signal the hub's group (its workers too), or the hub alone when it does not lead a group (a subclass
        that started it otherwise): a bench's teardown must never fail to stop a hub and leave it serving."""
        assert self.process is not None
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            self.process.send_signal(signum)


def _processes() -> list[tuple[int, int, int, float, float, float]]:
    """(pid, parent, process group, user s, system s, user + system s of its waited-for children) of each process."""
    tick = os.sysconf("SC_CLK_TCK")
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out.append(
            (
                int(entry.name),
                int(fields[1]),
                int(fields[2]),
                int(fields[11]) / tick,
                int(fields[12]) / tick,
                (int(fields[13]) + int(fields[14])) / tick,
            )
        )
    return out


def postgres_cpu_seconds(data_dir: Path) -> float:
    """CPU time of a PostgreSQL cluster started here: its postmaster, its live backends, and the backends that
    ended (their time is added to the postmaster's children's when it waits for them)."""
    try:
        postmaster = int((data_dir / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0
    total = 0.0
    for pid, parent, _pgrp, utime, stime, children in _processes():
        if pid == postmaster:
            total += utime + stime + children
        elif parent == postmaster:
            total += utime + stime
    return total


class Laptop:
    """One steward's laptop: its own token, profile id and kept-alive connection, and what steward/sync/engine.py
    keeps between syncs (the change cursor; the re-check list's tag and the cursor it was read at)."""

    def __init__(self, port: int, token: str, n: int, page_limit: int = 500) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.page_limit = page_limit  # records asked for in a page of the change feed (see laptop_page_limit)
        self.headers = {
            "Authorization": f"Bearer {token}",
            "X-Steward-Protocol": "1",
            "X-Steward-Profile": f"bench-laptop-{n}",
            "Accept-Encoding": "gzip, deflate",  # httpx's default, which steward/sync/client.py keeps
        }
        self.requests = 0
        self.cursor = 0
        self.recheck: tuple[str, int] | None = None  # (tag, cursor) of the last list read whole
        self.timings: list[tuple[str, float]] = []

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        sent = {**self.headers, **(headers or {}), **({} if body is None else {"Content-Type": "application/json"})}
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=sent)
                response = self.conn.getresponse()
                payload = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionError):
                # The hub closed the kept-alive connection while it sat idle (uvicorn: after 5 s): asked again once
                # on a new one, as steward/sync/client.py does.
                self.conn.close()
                if attempt == 2:
                    raise
        self.timings.append((path.split("?")[0], time.perf_counter() - started))
        self.requests += 1
        if response.status not in (200, 304):
            raise RuntimeError(f"{path}: {response.status}")
        # As the laptop's httpx does: it decodes gzip (on the laptop's CPU, here the bench's).
        if response.getheader("Content-Encoding") == "gzip":
            payload = gzip.decompress(payload)
        return response, payload

    def get(self, path: str, body: Any = None) -> Any:
        return json.loads(self.request("GET" if body is None else "POST", path, body)[1])

    def pull(self) -> None:
        """The change feed's pages from the laptop's cursor to the end (the records are parsed, as the laptop's
        httpx answer is)."""
        while True:
            page = self.get(f"/v1/changes?since={self.cursor}&limit={self.page_limit}")
            self.cursor = int(page["cursor"])
            if not page["more"]:
                return

    def read_recheck(self) -> None:
        response, payload = self.request("GET", "/v1/recheck-photos")
        json.loads(payload)
        tag = response.getheader("ETag")
        self.recheck = (tag, self.cursor) if tag else None

    def sync(self, records: list[dict[str, Any]] | None = None) -> None:
        """What steward/sync/engine.py `sync` asks of the hub, request for request."""
        hello = self.get("/v1/hello")
        for start in range(0, len(records or []), PUSH_BATCH):
            self.get("/v1/records", {"records": (records or [])[start : start + PUSH_BATCH]})
        if records or hello.get("cursor") != self.cursor:
            self.pull()
        if self.recheck != (f'"{hello.get("recheck")}"', self.cursor):
            self.read_recheck()

    def old_sync(self) -> None:
        """What a laptop of the protocol before hello said the cursor and the re-check tag asks, every sync."""
        self.get("/v1/hello")
        self.pull()
        self.get("/v1/recheck-photos")

    def full_pull(self) -> int:
        """Every page, read whole; only the page's end (cursor, more) is parsed here: a laptop parses the records
        on its own CPU, which in this bench would be the hub's."""
        since, pages = 0, 0
        while True:
            page = self.request("GET", f"/v1/changes?since={since}&limit={self.page_limit}")[1]
            pages += 1
            end = TAIL.search(page[-80:])
            if end is None:
                raise RuntimeError("a page without its end")
            since = int(end.group(1))
            if end.group(2) == b"false":
                return pages


def laptop_page_limit(checkout: Path) -> int:
    """The records a page of the change feed holds when that checkout's laptop asks (steward/sync/client.py
    PAGE_LIMIT; 500, the default of `HubClient.changes`, before it): each hub is pulled as its own laptop pulls."""
    found = re.search(r"^PAGE_LIMIT = (\d+)", (checkout / "steward" / "sync" / "client.py").read_text(), re.MULTILINE)
    return int(found.group(1)) if found else 500


def new_visits(laptop: int, steward: str, visits: int) -> list[dict[str, Any]]:
    """`visits` finished visits never pushed before, in the order the client sends records (visits, then findings,
    then their events), at the hub's enterprises."""
    from steward.sync.wire import content_hash

    by_entity: dict[str, list[dict[str, Any]]] = {"visit": [], "finding": [], "finding_event": []}
    for v in range(visits):
        fresh: dict[tuple[int, int], str] = {}

        def ids(kind: int, n: int, fresh: dict[tuple[int, int], str] = fresh) -> str:
            return fresh.setdefault((kind, n), str(uuid.uuid4()))

        for entity, rid, body in visit_records(ids, _uuid(3, (laptop * 37 + v) % ENTERPRISES), steward, False):
            by_entity[entity].append({"entity": entity, "id": rid, "hash": content_hash(body), "body": body})
    return [r for entity in ("visit", "finding", "finding_event") for r in by_entity[entity]]


class Scenario:
    """What one run of a scenario measured."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.errors = 0
        self.requests = 0
        self.seconds = 0.0
        self.hub_cpu = 0.0
        self.db_cpu = 0.0  # the PostgreSQL cluster's, when the bench started it
        self.client_cpu = 0.0
        self.load = os.getloadavg()[0]
        self.push_requests: list[float] = []
        self.problems: Counter[str] = Counter()  # what the errors were


def at_once(
    n: int, tokens: list[str], hub: Hub, work: str, push_visits: int = 0, db_cpu: Any = lambda: 0.0
) -> Scenario:
    """n laptops start together; each operation's seconds, errors, the requests made (from their start to the last
    one's end), and the hub's and the bench's CPU time over that span."""
    limit = laptop_page_limit(hub.checkout)
    laptops = [Laptop(hub.port, tokens[i], i, limit) for i in range(n)]
    outboxes: list[list[dict[str, Any]]] = [[] for _ in laptops]
    if work in ("noop", "noop-old", "push"):  # laptops that synced before: at the end of the feed, the list read
        hello = laptops[0].get("/v1/hello")
        if "cursor" in hello:
            laptops[0].cursor = int(hello["cursor"])
        else:  # a hub before hello said it: the end of the feed, read page by page
            laptops[0].cursor = int(laptops[0].get("/v1/changes?since=0&limit=1")["cursor"])
            laptops[0].pull()
        for laptop in laptops:
            laptop.cursor = laptops[0].cursor
            laptop.read_recheck()
    if work == "push":
        names = [laptop.get("/v1/hello")["steward"] for laptop in laptops]
        outboxes = [new_visits(i, names[i], push_visits) for i in range(n)]
    for laptop in laptops:
        laptop.timings.clear()
    barrier = threading.Barrier(n + 1)
    result = Scenario()
    lock = threading.Lock()

    def run(laptop: Laptop, outbox: list[dict[str, Any]]) -> None:
        barrier.wait()
        for _ in range(ROUNDS if work.startswith("noop") else 1):
            started = time.perf_counter()
            try:
                if work == "noop":
                    laptop.sync()
                elif work == "noop-old":
                    laptop.old_sync()
                elif work == "push":
                    laptop.sync(outbox)
                else:
                    laptop.full_pull()
            except Exception as exc:
                with lock:
                    result.errors += 1
                    result.problems[f"{type(exc).__name__}: {exc}"[:120]] += 1
                continue
            with lock:
                result.times.append(time.perf_counter() - started)

    threads = [threading.Thread(target=run, args=pair, daemon=True) for pair in zip(laptops, outboxes, strict=True)]
    before = sum(laptop.requests for laptop in laptops)
    for t in threads:
        t.start()
    hub_cpu, client_cpu, db_cpu_before = hub.cpu_seconds(), time.process_time(), db_cpu()
    barrier.wait()
    began = time.perf_counter()
    deadline = time.monotonic() + TIME_LIMIT
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    result.seconds = time.perf_counter() - began
    result.hub_cpu, result.client_cpu = hub.cpu_seconds() - hub_cpu, time.process_time() - client_cpu
    result.db_cpu = db_cpu() - db_cpu_before
    result.errors += sum(1 for t in threads if t.is_alive())
    result.requests = sum(laptop.requests for laptop in laptops) - before
    result.push_requests = [s for laptop in laptops for path, s in laptop.timings if path == "/v1/records"]
    for laptop in laptops:
        laptop.conn.close()
    return result


def postgres_copy(data: Path, db: str | None, stack: contextlib.ExitStack, cluster: list[Any]) -> str:
    """A PostgreSQL database holding a copy of the SQLite hub in `data` (its blobs shared): in --db (which must be
    empty), or in a throwaway cluster started here (once) and stopped when the bench ends."""
    from steward.hub.copy import copy_to_postgres

    if db is None:
        if not cluster:
            from tests.postgres import Cluster, pg_bin

            bin_dir = pg_bin()
            if bin_dir is None:
                raise SystemExit("PostgreSQL is not installed (make system-deps); or give --db postgresql://...")
            cluster.append(Cluster(bin_dir).start())
            stack.callback(cluster[0].stop)
        db = cluster[0].new_database()
    copy_to_postgres(data, db)
    return db


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path, help="another checkout whose hub serves a copy of the same data")
    parser.add_argument("--sizes", default="20,50,100")
    parser.add_argument("--reuse", action="store_true", help="keep the hub built by an earlier run")
    parser.add_argument("--work", default="noop,noop-old,pull,push", help=",".join(WORKS))
    parser.add_argument("--engines", default="sqlite", help="sqlite,postgres")
    parser.add_argument("--db", help="an empty PostgreSQL database for the copy (default: a throwaway cluster)")
    parser.add_argument("--workers", default="1", help="worker processes of the hub, e.g. 1,2")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each scenario; the median is printed")
    parser.add_argument("--push-laptops", type=int, default=10)
    parser.add_argument("--push-visits", type=int, default=200)
    parser.add_argument("--port", type=int, default=8790)
    args = parser.parse_args()
    data = OUT / "hub_load" / "hub"
    started = time.perf_counter()
    tokens = bench_hub(data, args.reuse)
    print(f"hub with {STEWARDS} stewards and a year of records built in {time.perf_counter() - started:.0f} s")
    works = args.work.split(",")
    rows = []
    with contextlib.ExitStack() as stack:
        cluster: list[Any] = []
        dbs: dict[str, str | None] = {}  # each hub's copy of the data (its PostgreSQL database, if any)
        # --engines "" with --baseline: the baseline alone
        sides: list[tuple[str, Path, str]] = [(engine, ROOT, engine) for engine in args.engines.split(",") if engine]
        if args.baseline:
            sides.append(("baseline", args.baseline, "sqlite"))
        for label, checkout, engine in sides:
            folder = OUT / "hub_load" / f"copy-{label}"
            for workers in (int(w) for w in args.workers.split(",")):
                if label == "baseline" and workers > 1:
                    continue
                for work in works:
                    sizes = [args.push_laptops] if work == "push" else [int(x) for x in args.sizes.split(",")]
                    for n in sizes:
                        runs = []
                        for _ in range(args.repeat):
                            # Pushes change the hub: each run of them gets a fresh copy; the rest share one.
                            if work == "push" or label not in dbs:
                                shutil.rmtree(folder, ignore_errors=True)
                                shutil.copytree(data, folder)
                                dbs[label] = (
                                    postgres_copy(folder, args.db, stack, cluster) if engine == "postgres" else None
                                )
                            with Hub(checkout, folder, args.port, db=dbs[label], workers=workers) as hub:
                                db_cpu = (
                                    (lambda: postgres_cpu_seconds(cluster[0].data))
                                    if engine == "postgres" and cluster
                                    else (lambda: 0.0)
                                )
                                runs.append(at_once(n, tokens, hub, work, args.push_visits, db_cpu))
                        rows.append(_row(label, workers, work, n, runs))
                        print(rows[-1], flush=True)
                        problems = sum((r.problems for r in runs), Counter())
                        if problems:
                            print("  errors:", dict(problems.most_common(5)), flush=True)
                        if work == "push":
                            rows.append(_row(label, workers, "push request", n, runs, requests_only=True))
                            print(rows[-1], flush=True)
                            dbs.pop(label)  # the next scenario starts from the data again
    print_table(
        f"Steward Hub, N stewards at once (ms; median of {args.repeat} runs; errors: the most in one run; load: the "
        "1-minute load average at the start; CPU: ms per request of the hub's processes, of the PostgreSQL cluster the "
        "bench started, and of the bench's laptops)",
        [
            "hub",
            "workers",
            "work",
            "N",
            "done",
            "p50",
            "p99",
            "req/s",
            "errors",
            "load",
            "hub CPU",
            "db CPU",
            "bench CPU",
        ],
        rows,
    )


def _row(label: str, workers: int, work: str, n: int, runs: list[Scenario], requests_only: bool = False) -> list[Any]:
    samples = [r.push_requests if requests_only else r.times for r in runs]
    return [
        label,
        workers,
        WORKS.get(work, work),
        n,
        round(statistics.median(len(t) for t in samples)),
        _median_ms([pct_value(t, 0.5) for t in samples]),
        _median_ms([pct_value(t, 0.99) for t in samples]),
        f"{statistics.median(r.requests / r.seconds for r in runs):.0f}",
        max(r.errors for r in runs),
        f"{statistics.median(r.load for r in runs):.1f}",
        f"{statistics.median(1000 * r.hub_cpu / max(1, r.requests) for r in runs):.2f}",
        f"{statistics.median(1000 * r.db_cpu / max(1, r.requests) for r in runs):.2f}",
        f"{statistics.median(1000 * r.client_cpu / max(1, r.requests) for r in runs):.2f}",
    ]


def pct_value(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _median_ms(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    return f"{statistics.median(known) * 1000:.0f}" if known else "-"


if __name__ == "__main__":
    main()
