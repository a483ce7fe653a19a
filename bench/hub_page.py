"""The insurer's page on a big hub: 500 enterprises x 3 years (a visit a month each: 18,000 visits, 45,000 findings,
about 30,000 rectifications), two stewards' tokens.

Printed, each the median of several runs, beside the baseline measured in the same run: reading the same records'
JSON out of SQLite and nothing else (what any page over these records must at least pay once).
- the parse into facts (paid once per change of the hub's records, then cached);
- the overview, the enterprise list and one enterprise's page answered with the parse cached (TestClient, in process);
- a sync of a week (about 100 records) followed by: the facts parsed in full (what the page did after every sync),
  the facts brought up to date with those records (what it does now), and the overview's first answer;
- the findings XLSX of the whole three years (45,000 rows) and how much the process grew (peak RSS); the CSV.

Run with `python -m bench.hub_page`."""

from __future__ import annotations

import shutil
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import OUT, peak_rss_mb, print_table

ENTERPRISES = 500
MONTHS = 36
FINDINGS_PER_VISIT = 2.5
START = date(2023, 12, 1)


def _uuid(kind: int, n: int) -> str:
    return f"01a40000-{kind:04x}-7000-8000-{n:012x}"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def build(data: Path) -> tuple[Any, str]:
    from steward.domain.credit_code import check_character
    from steward.hub.store import HubStore
    from steward.hub.web import Viewers
    from steward.sync.wire import content_hash

    shutil.rmtree(data, ignore_errors=True)
    store = HubStore(data)
    for name in ("李明", "王芳"):
        store.add_steward(name)
    with store.connect() as conn:
        stewards = [dict(r) for r in conn.execute("SELECT id, name FROM stewards ORDER BY id")]
    for e in range(ENTERPRISES):
        code = f"91331024MA{e:07d}"
        body = {
            "id": _uuid(1, e),
            "name": f"仙居县第{e}工艺品有限公司",
            "credit_code": code + check_character(code),
            "created_at": "2023-01-01T00:00:00.000Z",
            "updated_at": "2023-01-01T00:00:00.000Z",
        }
        store.put_reference("enterprise", body["id"], body)
    batches: dict[int, list[dict[str, Any]]] = {s["id"]: [] for s in stewards}
    n_finding = n_event = 0
    for e in range(ENTERPRISES):
        steward = stewards[e % 2]
        for m in range(MONTHS):
            at = datetime.combine(START, datetime.min.time(), UTC) + timedelta(days=30 * m + e % 28, hours=2)
            visit = {
                "id": _uuid(2, e * MONTHS + m),
                "enterprise_id": _uuid(1, e),
                "template_id": _uuid(9, 1),
                "steward": steward["name"],
                "kind": "routine",
                "status": "finished",
                "started_at": _stamp(at),
                "finished_at": _stamp(at + timedelta(hours=1)),
            }
            records = [("visit", visit)]
            for k in range(2 + ((e + m) % 2)):  # 2 or 3 a visit: 2.5 on average
                n_finding += 1
                fid = _uuid(3, n_finding)
                records.append(
                    (
                        "finding",
                        {
                            "id": fid,
                            "enterprise_id": visit["enterprise_id"],
                            "visit_id": visit["id"],
                            "location": "车间",
                            "description": f"危废间标识不全 {k}",
                            "severity": ("general", "general", "serious", "major")[(e + m + k) % 4],
                            "deadline": (at.date() + timedelta(days=14)).isoformat(),
                            "created_at": _stamp(at),
                            "created_by": steward["name"],
                        },
                    )
                )
                if (e + m + k) % 3:  # two in three rectified, some late
                    n_event += 1
                    closed = at + timedelta(days=5 + (e + k) % 20)
                    records.append(
                        (
                            "finding_event",
                            {
                                "id": _uuid(4, n_event),
                                "finding_id": fid,
                                "kind": "recheck_rectified",
                                "at": _stamp(closed),
                                "by": steward["name"],
                            },
                        )
                    )
            batches[steward["id"]].extend(
                {"entity": entity, "id": body["id"], "body": body, "hash": content_hash(body)}
                for entity, body in records
            )
    for steward in stewards:
        rows = batches[steward["id"]]
        for i in range(0, len(rows), 5000):
            store.push(steward, f"profile-{steward['id']}", rows[i : i + 5000])
            print(f"  pushed {i + 5000} of {len(rows)} records of {steward['name']}", flush=True)
    return store, Viewers(store).add("人保")


def sync_week(store: Any, week: int) -> None:
    """A steward's week in November 2026: 20 visits, 2 or 3 findings each, two in three re-checked rectified."""
    from steward.sync.wire import content_hash

    with store.connect() as conn:
        steward = dict(conn.execute("SELECT id, name FROM stewards ORDER BY id LIMIT 1").fetchone())
    records: list[tuple[str, dict[str, Any]]] = []
    base = 10_000_000 + week * 1000
    for n in range(20):
        e = (week * 20 + n) % ENTERPRISES
        at = datetime(2026, 11, 2, 2, tzinfo=UTC) + timedelta(hours=n)
        visit = {
            "id": _uuid(5, base + n),
            "enterprise_id": _uuid(1, e),
            "template_id": _uuid(9, 1),
            "steward": steward["name"],
            "kind": "routine",
            "status": "finished",
            "started_at": _stamp(at),
            "finished_at": _stamp(at + timedelta(hours=1)),
        }
        records.append(("visit", visit))
        for k in range(2 + n % 2):
            fid = _uuid(6, base + n * 10 + k)
            records.append(
                (
                    "finding",
                    {
                        "id": fid,
                        "enterprise_id": visit["enterprise_id"],
                        "visit_id": visit["id"],
                        "location": "车间",
                        "description": f"本周新问题 {k}",
                        "severity": ("general", "serious", "general")[k],
                        "deadline": "2026-11-20",
                        "created_at": _stamp(at),
                        "created_by": steward["name"],
                    },
                )
            )
            if k:
                records.append(
                    (
                        "finding_event",
                        {
                            "id": _uuid(7, base + n * 10 + k),
                            "finding_id": fid,
                            "kind": "recheck_rectified",
                            "at": _stamp(at + timedelta(days=3)),
                            "by": steward["name"],
                        },
                    )
                )
    rows = [{"entity": entity, "id": body["id"], "body": body, "hash": content_hash(body)} for entity, body in records]
    store.push(steward, f"profile-{steward['id']}", rows)


def median_ms(fn: Any, runs: int = 3) -> float:
    fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    from fastapi.testclient import TestClient

    from steward.hub.app import create_app
    from steward.hub.web.facts import FactsCache, read_facts
    from tests.test_hub_web import log_in

    data = OUT / "hub_page"
    started = time.perf_counter()
    store, password = build(data)
    print(f"built in {time.perf_counter() - started:.0f} s: {store.stats()}")
    client = TestClient(create_app(data))
    log_in(client, "人保", password)
    year = {"from": "2026-01-01", "to": "2026-11-27"}
    three = {"from": START.isoformat(), "to": "2026-11-27"}
    enterprise = _uuid(1, 7)

    def baseline() -> None:
        for entity in ("enterprise", "visit", "finding", "finding_event"):
            store.bodies(entity)

    # The first answer after the records changed pays for the parse and the period's figures; the next ones do not.
    first = time.perf_counter()
    client.get("/", params=year)
    cold = (time.perf_counter() - first) * 1000
    rows = [
        ["baseline: the records' JSON read from SQLite", f"{median_ms(baseline):.0f}"],
        ["overview, first answer after a change (parse + figures)", f"{cold:.0f}"],
        ["facts parsed (once per change of records)", f"{median_ms(lambda: read_facts(store)):.0f}"],
        ["overview, this year", f"{median_ms(lambda: client.get('/', params=year)):.0f}"],
        ["overview, three years", f"{median_ms(lambda: client.get('/', params=three)):.0f}"],
        ["enterprise list, page 1", f"{median_ms(lambda: client.get('/enterprises', params=year)):.0f}"],
        ["enterprise list, search '第7'", f"{median_ms(lambda: client.get('/enterprises', params={'q': '第7'})):.0f}"],
        ["one enterprise's page", f"{median_ms(lambda: client.get(f'/enterprise/{enterprise}', params=year)):.0f}"],
    ]
    # One sync after all that: a steward's week (20 visits, 50 findings, their re-checks) pushed, then the page asked
    # again. The facts are brought up to date with those records (before: every record parsed again); the period's
    # figures and ratings are computed anew. Each run pushes another week.
    cache = FactsCache(store)
    cache.get()
    weeks = iter(range(1000))

    def one_sync() -> None:
        sync_week(store, next(weeks))

    def page_after_sync() -> None:
        one_sync()
        client.get("/", params=year)

    def facts_after_sync() -> None:
        one_sync()
        cache.get()

    def full_parse_after_sync() -> None:
        one_sync()
        read_facts(store)

    rows += [
        ["a sync of a week pushed (about 100 records), nothing else", f"{median_ms(one_sync):.0f}"],
        ["sync + facts parsed in full (the page before)", f"{median_ms(full_parse_after_sync):.0f}"],
        ["sync + facts brought up to date (the page now)", f"{median_ms(facts_after_sync):.0f}"],
        ["sync + overview, this year (the first answer after a sync)", f"{median_ms(page_after_sync):.0f}"],
    ]
    assert cache.full_parses == 1, cache.full_parses
    # The download: its time, and how much the process grew while writing it (peak RSS; tracemalloc would slow
    # the pure-Python XML writer several times over).
    before = peak_rss_mb()
    xlsx: list[float] = []
    for _ in range(3):
        began = time.perf_counter()
        answer = client.get("/download/findings.xlsx", params=three)
        xlsx.append((time.perf_counter() - began) * 1000)
    grown = peak_rss_mb() - before
    rows_out = len(answer.content)
    rows.append(
        [
            f"findings XLSX, 3 years ({rows_out / 1e6:.1f} MB; peak RSS grew {grown:.0f} MB)",
            f"{statistics.median(xlsx):.0f}",
        ]
    )
    began = time.perf_counter()
    client.get("/download/findings.csv", params=three)
    rows.append(["findings CSV, 3 years (same rows)", f"{(time.perf_counter() - began) * 1000:.0f}"])
    print_table("The hub's page, 500 enterprises x 3 years (median ms)", ["what", "ms"], rows)


if __name__ == "__main__":
    main()
