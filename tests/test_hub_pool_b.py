"""The hub's PostgreSQL pool hands a request its connection without a round trip to check it (a third of a no-op
sync's time went to that check), and still survives PostgreSQL ending its connections: a request's first statement
that finds its connection lost did nothing, and runs again on a new one. A statement that fails on a live
connection, or a connection lost after a statement ran on it, is never run twice. (SQLite has no pool: its half of
the hub's tests needs none of this.)"""

from __future__ import annotations

from pathlib import Path

import psycopg
import psycopg_pool
import pytest

from steward.hub.store import HubStore

LI, WANG = "李明", "王芳"


def end_backends(postgres_url: str) -> int:
    """End every backend of the hub's database, as a restart of PostgreSQL or an administrator would."""
    database = postgres_url.rsplit("/", 1)[1]
    with psycopg.connect(postgres_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        row = admin.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity WHERE datname = %s",
            [database],
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_a_request_gets_its_connection_without_a_check(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks: list[object] = []
    real = psycopg_pool.ConnectionPool.check_connection
    monkeypatch.setattr(
        psycopg_pool.ConnectionPool, "check_connection", staticmethod(lambda conn: (checks.append(conn), real(conn)))
    )
    store = HubStore(tmp_path / "hub", db_url=postgres_url)
    try:
        token = store.add_steward(LI)
        for _ in range(5):  # reads, a snapshot and a write: each its own trip to the pool
            assert store.steward_for(token)["name"] == LI
            assert store.stats()["records"] == 0
        store.add_steward(WANG)
        assert checks == []
    finally:
        store.close()


def test_reads_writes_and_snapshots_survive_postgresql_ending_every_connection(
    tmp_path: Path, postgres_url: str
) -> None:
    store = HubStore(tmp_path / "hub", db_url=postgres_url)
    try:
        token = store.add_steward(LI)
        assert store.steward_for(token)["name"] == LI
        assert end_backends(postgres_url) >= 1
        assert store.steward_for(token)["name"] == LI  # a read (autocommit)
        assert end_backends(postgres_url) >= 1
        store.add_steward(WANG)  # a write transaction: its BEGIN finds the connection lost
        assert end_backends(postgres_url) >= 1
        assert store.stats() == {"records": 0, "blobs": 0}  # a snapshot
        with store.connect() as conn:
            assert sorted(r[0] for r in conn.execute("SELECT name FROM stewards")) == sorted([LI, WANG])
    finally:
        store.close()


def test_nothing_is_run_twice_when_a_connection_is_lost_after_use_or_a_statement_fails(
    tmp_path: Path, postgres_url: str
) -> None:
    store = HubStore(tmp_path / "hub", db_url=postgres_url)
    try:
        token = store.add_steward(LI)
        with store.connect() as conn:
            conn.execute("SELECT 1")
            end_backends(postgres_url)
            with pytest.raises(psycopg.OperationalError):  # it may have done something: the request fails
                conn.execute("SELECT 1")
        assert store.steward_for(token)["name"] == LI  # the next request gets a live connection
        with pytest.raises(psycopg.errors.UndefinedTable), store.connect() as conn:
            conn.execute("SELECT * FROM no_such_table")  # its own failure, on a live connection: not retried
        with store.transaction() as conn:
            seen = conn.execute("SELECT count(*) FROM stewards").fetchone()[0]
        assert seen == 1
    finally:
        store.close()
