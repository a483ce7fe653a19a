"""The store's look-ups by a field of a record's JSON body (the records moving with an amended one, a finding the
re-check index let go read again, the records naming a merging enterprise, the enterprises with a credit code) are
served by an index on that field (hub migration m005), on either engine: each plan names its index and reads no
other record, and each answers what reading every body would. A hub made before m005 gets the indexes when it is
next opened, its records as they were."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from steward.hub import schema
from steward.hub import store as hub_store
from steward.hub.schema import applied_migrations
from steward.hub.store import HubStore
from tests.test_hub_engines import ALL_MIGRATIONS

VISITS, AUDITS = 400, 300  # enough rows that PostgreSQL's planner (given its statistics) prefers an index to a scan


def uid(kind: int, n: int) -> str:
    return f"00000000-0000-7000-{kind:04d}-{n:012d}"


def a_province(store: HubStore) -> list[dict[str, Any]]:
    """Enterprises, visits, findings with events and photo links, and audit entries, inserted as rows: their
    bodies."""
    bodies: list[tuple[str, dict[str, Any]]] = []
    for n in range(VISITS // 4):
        bodies.append(("enterprise", {"id": uid(1, n), "credit_code": f"91331024MA{n:07d}"}))
    for n in range(VISITS):
        enterprise, visit = uid(1, n % (VISITS // 4)), uid(2, n)
        bodies.append(("visit", {"id": visit, "enterprise_id": enterprise}))
        for k in range(2):
            finding = uid(3, 2 * n + k)
            bodies.append(("finding", {"id": finding, "visit_id": visit, "enterprise_id": enterprise}))
            bodies.append(("finding_event", {"id": uid(4, 2 * n + k), "finding_id": finding, "visit_id": visit}))
            bodies.append(("photo_link", {"id": uid(5, 2 * n + k), "finding_id": finding, "sha256": "ab" * 32}))
    for n in range(AUDITS):
        at = f"2026-11-{1 + n % 28:02d}T02:00:00.000Z"
        bodies.append(("audit", {"id": uid(6, n), "entity_id": uid(3, n), "visit_id": uid(2, n // 2), "at": at}))
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO records (entity, id, owner, profile_id, content_hash, body, received_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [[e, b["id"], 1, "p", "0" * 64, json.dumps(b), "2026-11-27T00:00:00Z"] for e, b in bodies],
        )
    return [{"entity": e, **b} for e, b in bodies]


LOOK_UPS: list[tuple[str, str, list[str], set[str]]] = [
    # (what, SQL, parameters, the indexes its plan must read)
    ("later amendment", hub_store.LATER_AMENDMENT, [uid(3, 7), "2026-11-01T00:00:00.000Z"], {"records_by_entity_id"}),
    ("naming an enterprise", hub_store.NAMING_ENTERPRISE, [uid(1, 3)], {"records_by_enterprise_id"}),
    ("with a credit code", hub_store.IDS_WITH_CODE, ["91331024MA0000003"], {"records_by_credit_code"}),
    (
        "with credit codes",
        hub_store.codes_sql(2),
        ["91331024MA0000003", "91331024MA0000004"],
        {"records_by_credit_code"},
    ),
    (
        "moving with an amended record",
        hub_store.naming_sql(2),
        [uid(2, 5), uid(3, 9)] * 3,
        {"records_by_visit_id", "records_by_finding_id", "records_by_entity_id"},
    ),
    ("a let-go finding again", hub_store.findings_again_sql(2), [uid(3, 9), uid(3, 10)] * 2, {"records_by_finding_id"}),
]


def expected(what: str, params: list[str], bodies: list[dict[str, Any]]) -> set[str]:
    """The ids a look-up answers, found by reading every body."""
    if what == "later amendment":
        hits = [b for b in bodies if b["entity"] == "audit" and b.get("entity_id") == params[0] and b["at"] > params[1]]
        return {"1"} if hits else set()
    if what == "naming an enterprise":
        return {b["id"] for b in bodies if b.get("enterprise_id") == params[0]}
    if what.startswith("with "):
        return {b["id"] for b in bodies if b["entity"] == "enterprise" and b.get("credit_code") in params}
    if what == "moving with an amended record":
        ids = set(params)
        return {b["id"] for b in bodies if ids & {b.get("visit_id"), b.get("finding_id"), b.get("entity_id")}}
    ids = set(params)
    return {
        b["id"]
        for b in bodies
        if (b["entity"] == "finding" and b["id"] in ids)
        or (b["entity"] in ("finding_event", "photo_link") and b.get("finding_id") in ids)
    }


def plan(store: HubStore, sql: str, params: list[str]) -> str:
    with store.connect() as conn:
        if store.engine.name == "sqlite":
            return "\n".join(str(r[3]) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
        return "\n".join(str(r[0]) for r in conn.execute(f"EXPLAIN {sql}", params))


def test_a_hub_made_before_the_body_indexes_gets_them_and_every_body_look_up_uses_its_index(
    tmp_path: Path, hub_db: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "hub"
    with monkeypatch.context() as before:  # this hub as the hub before m005 made it
        before.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:-1])
        old = HubStore(data, db_url=hub_db)
        try:
            assert applied_migrations(old.engine) == ALL_MIGRATIONS[:-1]
            bodies = a_province(old)
            for what, sql, params, indexes in LOOK_UPS:
                assert not any(name in plan(old, sql, params) for name in indexes), what
        finally:
            old.close()

    store = HubStore(data, db_url=hub_db)  # opened by this hub: migrated
    try:
        assert applied_migrations(store.engine) == ALL_MIGRATIONS
        with store.connect() as conn:
            assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == len(bodies)
            if store.engine.name == "postgres":
                conn.execute("ANALYZE records")  # as autovacuum does on a hub that has been serving a while
        for what, sql, params, indexes in LOOK_UPS:
            shown = plan(store, sql, params)
            assert {name for name in indexes if name in shown} == indexes, f"{what}:\n{shown}"
            if store.engine.name == "sqlite":
                assert "SCAN" not in shown, f"{what}:\n{shown}"
            else:
                assert "Seq Scan" not in shown, f"{what}:\n{shown}"
            with store.connect() as conn:
                found = {str(r[2] if len(r) > 2 else r[0]) for r in conn.execute(sql, params)}
            assert found == expected(what, params, bodies), what
    finally:
        store.close()
