"""The hub on either engine (SQLite, PostgreSQL): its schema as recorded migrations (an existing SQLite hub opens as
it was), a change cursor that no concurrent writer can make a reader skip, uploads held across worker processes,
and the copy of a SQLite hub into PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from steward.cli.main import main
from steward.hub.schema import SQLITE_SCHEMA_1, applied_migrations, migrate
from steward.hub.store import Conflict, HubStore
from tests.hub_http import call
from tests.hub_process import Hub

LI, WANG = "李明", "王芳"

ALL_MIGRATIONS = [
    "m001_hub_schema",
    "m002_enterprise_aliases_and_number_prefixes",
    "m003_records_private_by_owner",
    "m004_blob_numbers",
    "m005_records_by_body_fields",
]


def pull(store: HubStore, since: int, reader: int) -> tuple[list[tuple[str, str]], int]:
    """Every (entity, id) the change feed hands `reader` after `since`, page by page, and the cursor at its end."""
    seen: list[tuple[str, str]] = []
    while True:
        page = json.loads(store.changes(since, 7, reader))
        seen += [(r["entity"], r["id"]) for r in page["records"]]
        assert page["cursor"] >= since  # the cursor never moves back
        since = page["cursor"]
        if not page["more"]:
            return seen, since


def put_raw(store: HubStore, rid: str, owner: int = 0) -> None:
    """An enterprise record straight into the table, as the store writes one (the rules are not what is tested)."""
    with store.transaction() as conn:
        store._insert_record(conn, "enterprise", rid, owner, "hub", "h-" + rid, {"id": rid, "name": rid})


def table_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


# -- migrations ---------------------------------------------------------------------------------------------------
def test_a_sqlite_hub_from_before_recorded_migrations_opens_as_it_was_and_is_recorded_at_m001(tmp_path: Path) -> None:
    """hub.db as the code before migrations made it (its CREATE ... IF NOT EXISTS schema, which m001 keeps word for
    word), with rows in every kind of table and a record replaced (so the sequence's end is past the last row)."""
    data = tmp_path / "hub"
    data.mkdir()
    with sqlite3.connect(data / "hub.db") as conn:
        conn.executescript(SQLITE_SCHEMA_1)
        conn.execute("INSERT INTO stewards VALUES (4, ?, 'abc', '2026-01-01T00:00:00Z')", [LI])
        conn.execute("INSERT INTO bindings VALUES ('p1', 4, '2026-01-01T00:00:00Z')")
        for seq, rid in ((3, "e1"), (9, "e2")):
            conn.execute(
                "INSERT INTO records VALUES (?, 'enterprise', ?, 4, 'p1', 'h', ?, 't')",
                [seq, rid, json.dumps({"id": rid, "name": "企业"}, ensure_ascii=False)],
            )
        conn.execute("DELETE FROM records WHERE seq = 9")  # the sequence remembers 9
        conn.execute("INSERT INTO blobs VALUES ('ab', 5, 't')")
        conn.execute("INSERT INTO blob_holders VALUES ('ab', 4)")
        conn.execute("INSERT INTO profile_keys VALUES ('p1', 4, ?, 't')", [b"\x00key\xff"])
        conn.execute("INSERT INTO viewers VALUES ('viewer', 'salt', 'hash')")
        conn.execute("INSERT INTO login_failures VALUES ('account', 'viewer', 12.5)")
    before = table_rows(data / "hub.db")

    store = HubStore(data)
    after = table_rows(data / "hub.db")
    assert applied_migrations(store.engine) == ALL_MIGRATIONS  # recorded at m001, and the later ones applied
    new_tables = {"hub_migrations", "enterprise_aliases", "number_prefixes"}
    assert {t: rows for t, rows in after.items() if t not in new_tables} == before  # nothing lost or changed
    put_raw(store, "e3", owner=4)
    assert sorted(r[0] for r in table_rows(data / "hub.db")["records"]) == [3, 10]  # 9 is never given again
    assert migrate(store.engine) == []  # opened again: nothing more to apply
    store.close()


def test_a_new_hub_records_its_migrations_once_on_either_engine(tmp_path: Path, hub_db: str | None) -> None:
    store = HubStore(tmp_path / "hub", db_url=hub_db)
    try:
        assert applied_migrations(store.engine) == ALL_MIGRATIONS
        assert migrate(store.engine) == []
        again = HubStore(tmp_path / "hub", db_url=hub_db)  # a second worker starting on the same database
        again.close()
        assert applied_migrations(store.engine) == ALL_MIGRATIONS
    finally:
        store.close()


def test_the_stores_sql_means_the_same_on_either_engine(tmp_path: Path, hub_db: str | None) -> None:
    """The store writes SQLite's words where PostgreSQL has others (steward/hub/engine.py translates them)."""
    store = HubStore(tmp_path / "hub", db_url=hub_db)
    try:
        with store.transaction() as conn:
            for _ in range(2):
                conn.execute("INSERT OR IGNORE INTO photo_claims VALUES (?, ?)", ["ab", 1])
            conn.execute("INSERT INTO photo_claims VALUES (?, ?) ON CONFLICT DO NOTHING", ["ab", 1])
        put_raw(store, "e1")
        with store.connect() as conn:
            assert conn.execute("SELECT count(*) FROM photo_claims").fetchone()[0] == 1
            row = conn.execute(
                "SELECT json_extract(body, '$.name') AS name, CAST(body AS BLOB) AS raw FROM records "
                "WHERE body LIKE '%e1%'"
            ).fetchone()
        assert dict(row) == {"name": "e1", "raw": json.dumps({"id": "e1", "name": "e1"}).encode()}
        assert (row[0], row["name"]) == ("e1", "e1")
    finally:
        store.close()


# -- the change cursor with concurrent writers -----------------------------------------------------------------------
def test_a_record_committed_after_a_later_one_is_never_skipped_by_a_reader(tmp_path: Path, postgres_url: str) -> None:
    """Writer 1 takes the next seq and holds its transaction open; writer 2 wants to write after it; a reader
    reads in between, then again after both. On PostgreSQL a sequence hands 1 and then 2 at once: if writer 2
    could commit first, the reader would see seq 2, move its cursor to 2 and never see seq 1. The hub lets
    writer 2 wait for writer 1 (one writer at a time), so the reader gets both, in order."""
    store = HubStore(tmp_path / "hub", db_url=postgres_url)
    try:
        reader = store.steward_for(store.add_steward(LI))["id"]
        first_in, release = threading.Event(), threading.Event()
        failures: list[BaseException] = []

        def slow_writer() -> None:
            try:
                with store.transaction() as conn:
                    store._insert_record(conn, "enterprise", "first", 0, "hub", "h1", {"id": "first"})
                    first_in.set()
                    assert release.wait(120)
            except BaseException as exc:
                failures.append(exc)
                first_in.set()

        def fast_writer() -> None:
            try:
                put_raw(store, "second")
            except BaseException as exc:
                failures.append(exc)

        slow = threading.Thread(target=slow_writer)
        slow.start()
        assert first_in.wait(60) and not failures
        fast = threading.Thread(target=fast_writer)
        fast.start()
        _wait_until_waiting_for_a_lock(postgres_url, fast)
        seen, cursor = pull(store, 0, reader)  # while "first" is not committed yet
        release.set()
        slow.join(120)
        fast.join(120)
        assert not failures
        more, _cursor = pull(store, cursor, reader)
        assert seen + more == [("enterprise", "first"), ("enterprise", "second")]
    finally:
        release.set()
        store.close()


def _wait_until_waiting_for_a_lock(url: str, thread: threading.Thread) -> None:
    """Until the thread's transaction waits for a lock (or, were there none, has already finished)."""
    import psycopg

    deadline = time.monotonic() + 60  # a guard against a hang, not a measure
    with psycopg.connect(url, autocommit=True) as conn:
        while thread.is_alive() and time.monotonic() < deadline:
            waiting = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchone()
            if waiting and waiting[0]:
                return
            time.sleep(0.02)


def test_concurrent_writers_never_make_a_reader_skip_or_repeat_a_record(tmp_path: Path, hub_db: str | None) -> None:
    """Four writers and a reader at once; the reader pulls from its cursor over and over. It gets every record
    exactly once, in the order of the sequence."""
    store = HubStore(tmp_path / "hub", db_url=hub_db)
    try:
        reader = store.steward_for(store.add_steward(LI))["id"]
        failures: list[BaseException] = []
        done = threading.Event()
        seen: list[tuple[str, str]] = []

        def write(n: int) -> None:
            try:
                for i in range(25):
                    put_raw(store, f"w{n}-{i}")
            except BaseException as exc:
                failures.append(exc)

        def read() -> None:
            cursor = 0
            try:
                while not done.is_set():
                    got, cursor = pull(store, cursor, reader)
                    seen.extend(got)
                got, cursor = pull(store, cursor, reader)
                seen.extend(got)
            except BaseException as exc:
                failures.append(exc)

        writers = [threading.Thread(target=write, args=(n,)) for n in range(4)]
        reading = threading.Thread(target=read)
        reading.start()
        for t in writers:
            t.start()
        for t in writers:
            t.join(300)
        done.set()
        reading.join(300)
        assert not failures
        with store.connect() as conn:
            in_order = [(r[0], r[1]) for r in conn.execute("SELECT entity, id FROM records ORDER BY seq")]
        assert len(in_order) == 100
        assert seen == in_order
    finally:
        store.close()


# -- several workers ------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_an_upload_held_by_one_process_is_refused_to_every_worker(tmp_path: Path, postgres_url: str) -> None:
    """Two worker processes on PostgreSQL. Who may append to an unfinished upload is decided by a lock on its file,
    which every process sees: while another process (here the test) holds it, each worker refuses the chunk and the
    upload is untouched; once let go, the chunk is taken."""
    data = tmp_path / "hub"
    store = HubStore(data, db_url=postgres_url)
    token = store.add_steward(LI)
    li = store.steward_for(token)["id"]
    server = Hub(data, db_url=postgres_url, args=("--workers", "2")).start()
    try:
        body = os.urandom(2000)
        sha = hashlib.sha256(body).hexdigest()
        params = {"offset": 0, "total": 2000}
        assert call(server.url, "PUT", f"/v1/blobs/{sha}", token, data=body[:500], params=params)[0] == 200
        held = store.blobs.hold_partial(store._partial_name(sha, li))
        try:
            for _ in range(6):  # the workers take turns accepting connections: both are asked
                status, answer = call(
                    server.url, "PUT", f"/v1/blobs/{sha}", token, data=body[500:], params={**params, "offset": 500}
                )
                assert status == 409 and answer["error"]["code"] == "offset"
            assert held.size == 500
        finally:
            held.close()
        status, answer = call(
            server.url, "PUT", f"/v1/blobs/{sha}", token, data=body[500:], params={**params, "offset": 500}
        )
        assert (status, answer) == (200, {"offset": 2000, "complete": True})
        assert store.blobs.read(sha) == body
        assert len(_children(server)) >= 2  # the server runs its worker processes
    finally:
        server.stop()
        store.close()


def _children(server: Hub) -> list[int]:
    assert server.process is not None
    parent = server.process.pid
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


# -- migrate-to-postgres ----------------------------------------------------------------------------------------------
def test_a_sqlite_hub_copied_to_postgres_serves_the_same_feed_and_continues_its_sequence(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "hub"
    sqlite_hub = HubStore(data)
    li_steward = sqlite_hub.steward_for(sqlite_hub.add_steward(LI))
    li = li_steward["id"]
    wang = sqlite_hub.steward_for(sqlite_hub.add_steward(WANG))["id"]
    sqlite_hub.bind("laptop-li", li_steward)
    sqlite_hub.register_key("laptop-li", li_steward, b"\x01" * 32)
    for rid in ("a", "b", "c"):
        put_raw(sqlite_hub, rid, owner=li)
    with sqlite_hub.transaction() as conn:  # a record of Li's own, and one replaced: the sequence has a gap
        sqlite_hub._insert_record(conn, "signature", "s1", li, "laptop-li", "hs", {"id": "s1", "名": "签"})
        conn.execute("DELETE FROM records WHERE id = 'b'")
    put_raw(sqlite_hub, "b", owner=wang)
    blob = b"photo bytes"
    staged = sqlite_hub.blobs.staging_path("x.part")
    staged.write_bytes(blob)
    sqlite_hub._commit_blob(hashlib.sha256(blob).hexdigest(), staged, len(blob), li)
    sqlite_hub.set_viewer_password("viewer", "salt", "hash")
    sqlite_hub.begin_login_attempt([("account", "viewer", 5)], 900, 1000.0)
    feed = {r: sqlite_hub.changes(0, 1000, r) for r in (li, wang)}
    stats = sqlite_hub.stats()
    sqlite_hub.close()

    assert main(["hub", "migrate-to-postgres", "--data-dir", str(data), "--db", postgres_url]) == 0
    assert "verified" in capsys.readouterr().out
    pg_hub = HubStore(data, db_url=postgres_url)
    try:
        assert {r: pg_hub.changes(0, 1000, r) for r in (li, wang)} == feed  # byte for byte, cursors included
        assert pg_hub.stats() == stats
        assert pg_hub.public_key("laptop-li") == (b"\x01" * 32, li)
        assert pg_hub.viewer_password("viewer") == ("salt", "hash")
        last = json.loads(feed[li])["cursor"]
        put_raw(pg_hub, "d")
        with pg_hub.connect() as conn:
            assert conn.execute("SELECT seq FROM records WHERE id = 'd'").fetchone()[0] == last + 1
        assert pg_hub.steward_for(pg_hub.add_steward("赵六"))["id"] == wang + 1
    finally:
        pg_hub.close()

    # Never into a database that holds a hub already.
    assert main(["hub", "migrate-to-postgres", "--data-dir", str(data), "--db", postgres_url]) == 2
    err = capsys.readouterr().err
    assert "不是空的" in err and "not empty" in err


def test_migrate_to_postgres_and_db_say_what_is_wrong_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["hub", "migrate-to-postgres", "--data-dir", str(empty), "--db", "postgresql://u@127.0.0.1/x"]) == 2
    err = capsys.readouterr().err
    assert "没有 SQLite 数据库" in err and "There is no hub.db" in err
    assert main(["hub", "add-steward", "李明", "--data-dir", str(empty), "--db", "mysql://u@127.0.0.1/x"]) == 2
    err = capsys.readouterr().err
    assert "postgresql://" in err and "must start with" in err
    assert not (empty / "hub.db").exists()  # nothing was made in the wrong place


def test_logins_sessions_and_keys_behave_alike_on_either_engine(tmp_path: Path, hub_db: str | None) -> None:
    """What every worker shares through the database: failed logins (the rate limit), sessions, profile keys."""
    store = HubStore(tmp_path / "hub", db_url=hub_db)
    try:
        keys = [("account", "viewer", 5)]
        attempts = [store.begin_login_attempt(keys, 900, 1000.0 + i) for i in range(5)]
        assert [a.retry_after for a in attempts] == [0] * 5
        assert store.begin_login_attempt(keys, 900, 1010.0).retry_after == 891  # until the oldest is 15 min old
        store.forgive_login_failures(attempts[-1].failure_rows, "account", "viewer")
        assert store.begin_login_attempt(keys, 900, 1011.0).retry_after == 0
        store.set_viewer_password("viewer", "salt", "hash")
        store.add_viewer_session("t1", "viewer", "csrf", 2000.0, 1000.0)
        assert store.viewer_session("t1", 1500.0) == ("viewer", "csrf")
        assert store.viewer_session("t1", 2500.0) is None
        li = store.steward_for(store.add_steward(LI))
        assert store.register_key("p1", li, b"\x00\xff" * 16) is True
        assert store.register_key("p1", li, b"\x00\xff" * 16) is False
        assert store.public_key("p1") == (b"\x00\xff" * 16, li["id"])
        with pytest.raises(Conflict, match="exists"):
            store.add_steward(LI)
    finally:
        store.close()


def test_a_serving_hub_survives_postgresql_ending_its_connections(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An administrator ends every backend of the hub's database (as a PostgreSQL restart or a firewall dropping idle
    connections does): the pool's idle connections are dead, and it checks each before a request gets it, so the
    next sync succeeds instead of failing on a dead connection."""
    import psycopg
    from psycopg_pool.base import AttemptWithBackoff

    # After a connection fails its check, psycopg_pool waits a second before it checks the next one (its back-off
    # against a busy loop): the hub's pool and this test's store each waited it out. What is proven is that dead
    # connections are checked and replaced, not how long the pool pauses; the hub serves from this process.
    monkeypatch.setattr(AttemptWithBackoff, "INITIAL_DELAY", 0.05)

    data = tmp_path / "hub"
    store = HubStore(data, db_url=postgres_url)
    token = store.add_steward(LI)
    server = Hub(data, db_url=postgres_url).start()
    try:
        assert call(server.url, "GET", "/v1/hello", token)[0] == 200
        database = postgres_url.rsplit("/", 1)[1]
        admin_url = postgres_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as admin:
            ended = admin.execute(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s",
                [database],
            ).fetchone()
        assert ended is not None and ended[0] >= 1  # the hub's (and this test's store's) connections were ended
        for _ in range(3):  # more requests than the pool kept idle connections: each gets a live one
            status, answer = call(server.url, "GET", "/v1/hello", token)
            assert status == 200, answer
        status, answer = call(server.url, "POST", "/v1/records", token, payload={"records": []})
        assert status == 200, answer
        assert store.steward_for(token)["name"] == LI  # the test's own store reconnects as well
    finally:
        server.stop()
        store.close()
