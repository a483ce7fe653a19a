"""What the indexes on fields of the records' bodies (hub migration m005_records_by_body_fields) save, on SQLite and
PostgreSQL: the store's look-ups by a field inside a record's JSON body, each timed as the hub does it, on a hub of
a province's records, once without the indexes (the hub before m005) and once with them, in turns in the same run.

- amend: a steward's amendment of a finding pushed (the amended finding moves to the end of the change sequence with
  every record naming it: a look-up by visit_id, finding_id and entity_id, and one for a later amendment);
- reopen: a closed finding (one the re-check index let go) reopened, then a colleague's re-check list read (the
  index reads that finding's records again: a look-up by finding_id; the list itself, a walk over every open
  finding's photo, costs the same either way);
- merge: the hub's own list naming an enterprise a laptop entered under its own id (the enterprise found by its
  credit code, and every record naming the laptop's id re-pointed: look-ups by credit_code and enterprise_id);
- push 200: a push of 200 new records (what the indexes cost each insert).

Run with `python -m bench.hub_body_lookups [--visits 20000] [--repeat 3] [--engines sqlite,postgres]`. PostgreSQL
runs in a throwaway cluster started here and stopped again (tests/postgres.py). Prints the median ms of each, before
and after, and their ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.common import OUT, engine_databases, print_table

TEMPLATE = "00000000-0000-7000-8000-000000000001"
AT = "2026-03-02T02:00:00.000Z"
LI, WANG = "李明", "王芳"


def uid(kind: int, n: int) -> str:
    return f"00000000-0000-7000-{kind:04d}-{n:012d}"


def credit_code(n: int) -> str:
    from steward.domain.credit_code import check_character

    body = f"91331024MA{n:07d}"
    return body + check_character(body)


def _enterprise(n: int) -> dict[str, Any]:
    return {
        "id": uid(1, n),
        "name": f"仙居县第{n}工艺品有限公司",
        "credit_code": credit_code(n),
        "address": "浙江省台州市仙居县福应街道工业园区",
        "created_at": AT,
        "updated_at": AT,
    }


def _visit(n: int, enterprise: str, steward: str) -> dict[str, Any]:
    answers = [
        {
            "id": uid(7, n * 20 + k),
            "visit_id": uid(2, n),
            "item_id": uid(8, k),
            "result": "compliant",
            "note": "",
            "updated_at": AT,
        }
        for k in range(20)
    ]
    return {
        "id": uid(2, n),
        "enterprise_id": enterprise,
        "template_id": TEMPLATE,
        "steward": steward,
        "kind": "routine",
        "status": "finished",
        "started_at": AT,
        "finished_at": AT,
        "answers": answers,
    }


def _finding(n: int, visit: str, enterprise: str, steward: str) -> dict[str, Any]:
    return {
        "id": uid(3, n),
        "enterprise_id": enterprise,
        "visit_id": visit,
        "location": "喷漆车间",
        "description": "危废间标识不全,废活性炭未按规定贮存",
        "basis": "《危险废物贮存污染控制标准》GB 18597-2023 第 6.1 条",
        "severity": "general",
        "requirement": "完善危废间标识,规范贮存",
        "created_at": AT,
        "created_by": steward,
    }


def _event(rid: str, finding: str, kind: str, at: str = AT) -> dict[str, Any]:
    return {"id": rid, "finding_id": finding, "kind": kind, "at": at, "by": LI}


def build(store: Any, visits: int) -> dict[str, int]:
    """Li's visits (a finding each two, half of them closed) and a photo link per finding, at visits/4 enterprises,
    and Wang's visit to each enterprise; inserted as rows (a push per record would take the bench's time)."""
    from steward.sync.wire import content_hash

    li = store.steward_for(store.add_steward(LI))["id"]
    wang = store.steward_for(store.add_steward(WANG))["id"]
    rows: list[list[Any]] = []

    def add(entity: str, owner: int, body: dict[str, Any]) -> None:
        rows.append(
            [entity, body["id"], owner, f"p{owner}", content_hash(body), json.dumps(body, ensure_ascii=False), AT]
        )

    enterprises = max(1, visits // 4)
    for n in range(enterprises):
        add("enterprise", li, _enterprise(n))
        add("visit", wang, _visit(visits + n, uid(1, n), WANG))
    for n in range(visits):
        enterprise = uid(1, n % enterprises)
        add("visit", li, _visit(n, enterprise, LI))
        for k in range(2):
            f = 2 * n + k
            add("finding", li, _finding(f, uid(2, n), enterprise, LI))
            add("finding_event", li, _event(uid(4, f), uid(3, f), "opened"))
            add("photo_link", li, {"id": uid(5, f), "finding_id": uid(3, f), "sha256": f"{f:064x}", "created_at": AT})
            if k == 1:
                add("finding_event", li, _event(uid(6, f), uid(3, f), "recheck_rectified", "2026-03-09T02:00:00.000Z"))
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO records (entity, id, owner, profile_id, content_hash, body, received_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return {"li": li, "wang": wang, "records": len(rows)}


def set_indexes(store: Any, present: bool) -> None:
    from steward.hub.schema import BODY_FIELD_INDEXES, body_field_index

    with store.transaction() as conn:
        for field in BODY_FIELD_INDEXES:
            name = body_field_index(field)
            if present:
                sql = f"CREATE INDEX IF NOT EXISTS {name} ON records (json_extract(body, '$.{field}'))"
                store.engine.execute_script(conn, store.engine.translate(sql))
            else:
                conn.execute(f"DROP INDEX IF EXISTS {name}")
        if store.engine.name == "postgres":
            conn.execute("ANALYZE records")


class Works:
    """Each work's next run, on records no earlier run touched."""

    def __init__(self, store: Any, ids: dict[str, int], visits: int) -> None:
        self.store, self.ids, self.visits = store, ids, visits
        self.li = {"id": ids["li"], "name": LI}
        self.runs = 0

    def amend(self) -> None:
        from steward.hub.models import clean_record
        from steward.sync.wire import content_hash

        n = 2 * (self.runs * 7 + 1)  # an open finding (even numbers), not amended before
        finding, visit = uid(3, n), uid(2, n // 2)
        body = {
            "id": uid(9, self.runs),
            "at": f"2026-04-{1 + self.runs:02d}T02:00:00.000Z",
            "actor": LI,
            "entity": "finding",
            "entity_id": finding,
            "action": "amend",
            "reason": "描述有误",
            "detail": {"before": {}, "after": {"description": f"描述更正 {self.runs}"}},
            "visit_id": visit,
        }
        answer = self.store.push(
            self.li, f"p{self.ids['li']}", [clean_record("audit", body["id"], content_hash(body), body)]
        )
        assert len(answer["accepted"]) == 1, answer
        assert self.store.record_body("finding", finding)["description"] == f"描述更正 {self.runs}"

    def reopen(self) -> None:
        from steward.hub.models import clean_record
        from steward.sync.wire import content_hash

        f = 2 * (self.runs * 3) + 1  # a closed finding (odd numbers)
        body = _event(uid(10, self.runs), uid(3, f), "reopened", "2026-03-20T02:00:00.000Z")
        answer = self.store.push(
            self.li, f"p{self.ids['li']}", [clean_record("finding_event", body["id"], content_hash(body), body)]
        )
        assert len(answer["accepted"]) == 1, answer
        self.store.recheck_answer(self.ids["wang"])

    def merge(self) -> None:
        e = self.runs * 5 + 3  # entered on Li's laptop; the hub's own list now names it under the hub's id
        self.store.put_reference("enterprise", uid(12, self.runs), {**_enterprise(e), "id": uid(12, self.runs)})
        assert self.store.record_body("enterprise", uid(1, e)) is None

    def push(self) -> None:
        from steward.hub.models import clean_record
        from steward.sync.wire import content_hash

        records = []
        base = self.visits * 10 + self.runs * 100
        for n in range(base, base + 100):
            v = _visit(n, uid(1, n % 50), LI)
            f = _finding(n, v["id"], v["enterprise_id"], LI)
            records += [clean_record(e, b["id"], content_hash(b), b) for e, b in (("visit", v), ("finding", f))]
        answer = self.store.push(self.li, f"p{self.ids['li']}", records)
        assert len(answer["accepted"]) == 200, answer


WORKS = ("amend", "reopen", "merge", "push")
LABELS = {
    "amend": "amend a finding",
    "reopen": "reopen + re-check list",
    "merge": "merge an enterprise",
    "push": "push 200",
}


def timed(call: Callable[[], None]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def bench_engine(engine: str, db_url: str | None, visits: int, repeat: int) -> list[list[Any]]:
    from steward.hub.store import HubStore

    data = OUT / "hub_body_lookups" / engine
    shutil.rmtree(data, ignore_errors=True)
    store = HubStore(data, db_url=db_url)
    try:
        started = time.perf_counter()
        ids = build(store, visits)
        print(f"{engine}: {ids['records']} records in {time.perf_counter() - started:.0f} s", flush=True)
        works = Works(store, ids, visits)
        store.recheck_answer(ids["wang"])  # the re-check index, built once as a serving hub holds it
        times: dict[tuple[str, bool], list[float]] = {}
        for _ in range(repeat):
            for present in (False, True):  # before and after take turns
                set_indexes(store, present)
                for work in WORKS:
                    # The re-check index brought up to date first, as a serving hub keeps it (a merge makes it read
                    # every record again: not what `reopen` measures).
                    store.recheck_answer(ids["wang"])
                    times.setdefault((work, present), []).append(timed(getattr(works, work)))
                works.runs += 1
        rows = []
        for work in WORKS:
            before = statistics.median(times[(work, False)]) * 1000
            after = statistics.median(times[(work, True)]) * 1000
            rows.append(
                [engine, ids["records"], LABELS[work], f"{before:.1f}", f"{after:.1f}", f"{before / after:.1f}x"]
            )
            print(rows[-1], flush=True)
        return rows
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=20_000, help="Li's visits (2 findings each)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engines", default="sqlite,postgres")
    args = parser.parse_args()
    rows = []
    with contextlib.ExitStack() as stack:
        for engine, db_url in engine_databases(stack, args.engines):
            rows += bench_engine(engine, db_url, args.visits, args.repeat)
    print_table(
        f"Look-ups by a field of the records' bodies, without the indexes of m005 (before) and with them (after): "
        f"ms, median of {args.repeat} runs taking turns",
        ["engine", "records", "work", "before", "after", "ratio"],
        rows,
    )


if __name__ == "__main__":
    main()
