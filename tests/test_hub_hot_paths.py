"""The hub's hot paths (every laptop's no-op sync, the pages of a new laptop's full pull) kept cheap without changing
any answer: the counts of hello follow every change, the change feed finds a reader's private records through their
own index. Speed itself is measured by bench/hub_load.py."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from steward.domain.credit_code import check_character
from steward.hub.store import PAGE_ROWS, PRIVATE_IN_RANGE, HubStore


def enterprise(n: int, name: str) -> tuple[str, dict]:
    code = f"91331024MA{n:07d}"
    rid = f"01a30000-0003-7000-8000-{n:012x}"
    body = {
        "id": rid,
        "name": name,
        "credit_code": code + check_character(code),
        "address": "浙江省台州市仙居县安岭乡",
        "template_code": "craft",
        "archived": 0,
        "created_at": "2026-03-02T01:30:00.000Z",
        "updated_at": "2026-03-02T01:30:00.000Z",
    }
    return rid, body


def test_the_counts_of_hello_follow_every_change_made_by_another_process(tmp_path: Path) -> None:
    data = tmp_path / "hub"
    reader, writer = HubStore(data), HubStore(data)  # as a hub worker and `steward hub import-enterprises`
    assert reader.stats() == {"records": 0, "blobs": 0}
    rid, body = enterprise(1, "仙居县第一工艺品有限公司")
    writer.put_reference("enterprise", rid, body)
    assert reader.stats() == {"records": 1, "blobs": 0}
    writer.put_reference("enterprise", rid, {**body, "name": "仙居县第一工艺品股份有限公司"})  # replaced, not added
    assert reader.stats() == {"records": 1, "blobs": 0}
    writer.put_reference("enterprise", *enterprise(2, "仙居县第二工艺品有限公司"))
    assert reader.stats() == {"records": 2, "blobs": 0}
    steward = reader.steward_and_binding(writer.add_steward("李明"), "laptop-1")[0]["id"]
    content = b"a photo's bytes"
    sha = hashlib.sha256(content).hexdigest()
    upload = writer.begin_upload(sha, 0, len(content), steward)
    assert upload is not None
    upload.write(content)
    assert upload.finish(None) == {"offset": len(content), "complete": True}
    assert reader.stats() == {"records": 2, "blobs": 1}


def test_a_token_and_its_profile_binding_are_read_together(tmp_path: Path) -> None:
    store = HubStore(tmp_path / "hub")
    token = store.add_steward("李明")
    steward, bound_to = store.steward_and_binding(token, "laptop-1")
    assert steward["name"] == "李明" and bound_to is None
    store.bind("laptop-1", steward)
    assert store.steward_and_binding(token, "laptop-1") == (steward, steward["id"])


def test_a_readers_private_records_are_found_through_their_own_index(tmp_path: Path) -> None:
    store = HubStore(tmp_path / "hub")
    with store.connect() as conn:
        plan = " ".join(str(row[3]) for row in conn.execute("EXPLAIN QUERY PLAN " + PRIVATE_IN_RANGE, [1, 0, 9]))
    assert "records_private_by_owner" in plan


def test_a_page_of_the_change_feed_walks_the_sequence_not_every_shared_record(tmp_path: Path) -> None:
    """Answered through the indexes on entity and owner, a page gathered every shared record of the hub and sorted
    them: its cost grew with the hub, not with the page."""
    store = HubStore(tmp_path / "hub")
    with store.connect() as conn:
        plan = [str(row[3]) for row in conn.execute("EXPLAIN QUERY PLAN " + PAGE_ROWS, [0, 9, 1, 501])]
    assert not any("TEMP B-TREE" in step or "MULTI-INDEX" in step for step in plan), plan
    assert any(step.startswith("SEARCH r USING INTEGER PRIMARY KEY") for step in plan), plan


def test_a_hub_from_before_the_index_gets_it_when_opened(tmp_path: Path) -> None:
    """A hub migrated up to m002 (no index, m003 not recorded) gets it from migration m003 when opened."""
    data = tmp_path / "hub"
    HubStore(data).close()
    with sqlite3.connect(data / "hub.db") as conn:
        conn.execute("DROP INDEX records_private_by_owner")
        conn.execute("DELETE FROM hub_migrations WHERE name = 'm003_records_private_by_owner'")
    HubStore(data).close()
    with sqlite3.connect(data / "hub.db") as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "records_private_by_owner" in names
