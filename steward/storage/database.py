"""One SQLite file per profile: opened with durable settings, migrated on open, one writer at a time."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Generator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, cast

from steward.domain.errors import ProfileTooNew, StewardError
from steward.storage.backup import make_backup
from steward.storage.migrations import MIGRATION_SET, apply_pending, known_names

BUSY_TIMEOUT_MS = 10_000
log = logging.getLogger(__name__)
Record = TypeVar("Record")  # a TypedDict of steward.storage.records
Params = Sequence[object] | Mapping[str, object]  # a statement's parameters, by position or by name
# A row of a query no record names (a count, an aggregate, an id or two), its values as SQLite gives them. Only storage
# reads these: what it hands on is a record (query_as) or values of their own types (tests/test_typed_rows.py).
Row = dict[str, Any]


def _backup_before_migration(path: Path) -> None:
    """A profile about to be upgraded is copied whole first, into DATA/backups beside DATA/profiles: an upgrade that
    goes wrong (or a newer Steward the steward wants to leave) must never cost the data. Only a database in a
    profile folder is backed up; one being restored or in a test's folder has no backups folder of its own."""
    profile_folder = path.parent
    if profile_folder.parent.name != "profiles":
        return
    destination = profile_folder.parent.parent / "backups"
    try:
        info = make_backup(profile_folder, destination, "before-migration")
    except (OSError, sqlite3.Error, StewardError) as exc:
        log.exception("backup before migration of %s failed", path)
        detail = exc.zh if isinstance(exc, StewardError) else str(exc)
        raise StewardError(
            f"升级档案前的自动备份失败,档案未升级,也未作任何改动:{detail}。请腾出磁盘空间后重试。",
            f"The automatic backup before upgrading the profile failed; the profile was neither upgraded nor "
            f"changed: {exc}. Free some disk space and try again.",
        ) from exc
    log.info("backed up %s before migrating it: %s", profile_folder.name, info.path)


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we open transactions ourselves (BEGIN IMMEDIATE); sqlite-utils nests savepoints in them.
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _applied_migrations(path: Path) -> set[str]:
    """Read, without writing a byte, which migrations the file has; refuse a file from a newer Steward."""
    if not path.exists():
        return set()
    # With no WAL file beside it the file was closed cleanly: read it as immutable so that not even a -wal or -shm
    # file is created. With one, plain read-only sees the pages still in the WAL.
    wal_present = path.with_name(path.name + "-wal").exists()
    query = "mode=ro" if wal_present else "mode=ro&immutable=1"
    try:
        ro = sqlite3.connect(f"{path.resolve().as_uri()}?{query}", uri=True)
    except sqlite3.Error as exc:
        raise StewardError(f"无法打开档案文件:{path}({exc})", f"Cannot open the profile file {path}: {exc}") from exc
    try:
        has_table = ro.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='_sqlite_migrations'"
        ).fetchone()
        applied = (
            {r[0] for r in ro.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET])}
            if has_table
            else set()
        )
    except sqlite3.DatabaseError as exc:
        raise StewardError(
            f"档案文件已损坏或不是 Steward 档案:{path}({exc})",
            f"The profile file is damaged or is not a Steward profile: {path} ({exc})",
        ) from exc
    finally:
        ro.close()
    unknown = sorted(applied - set(known_names()))
    if unknown:
        raise ProfileTooNew(
            f"此档案由更新版本的 Steward 创建(含未知的数据库升级:{', '.join(unknown)})。"
            "请先升级 Steward;档案未作任何改动。",
            f"This profile was written by a newer version of Steward (unknown migrations: {', '.join(unknown)}). "
            "Please update Steward; the profile was left untouched.",
        )
    return applied


def _connect_read_only(path: Path) -> sqlite3.Connection:
    # check_same_thread=False only so that close() may close it from the thread that closes the profile.
    conn = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro",
        uri=True,
        isolation_level=None,
        check_same_thread=False,
        timeout=BUSY_TIMEOUT_MS / 1000,
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA synchronous = FULL")  # the same settings as the writer, so that a PRAGMA reads true
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


class _Reader(NamedTuple):
    """A thread's read-only connection, and the lock held while a read runs on it."""

    conn: sqlite3.Connection
    lock: threading.RLock


class Database:
    """The profile's SQLite database. One write connection, used by whichever thread holds the write lock, inside
    its transaction; every other read runs on a read-only connection of the reading thread's own (Electrum, Anki).
    So the window never reads a row from a worker's transaction that may still roll back."""

    def __init__(self, path: Path) -> None:
        self.path = path
        applied = _applied_migrations(path)
        if applied and set(known_names()) - applied:  # an existing profile to upgrade; a new one has nothing yet
            _backup_before_migration(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = _connect(path)
        self._write_lock = threading.RLock()
        self._depth = 0
        self._writer: int | None = None  # the thread inside write(), which alone reads on self.conn
        self._local = threading.local()
        self._readers: list[_Reader] = []
        # Its own lock, not the write lock: a thread's first read must not wait for another thread's write to end.
        self._readers_lock = threading.Lock()
        self._closed = False
        self._single_connection = False
        if set(known_names()) - applied:
            with self._write_lock:
                apply_pending(self.conn)

    @classmethod
    def reader(cls, path: Path) -> Database:
        """A read-only connection of its own, for work on another thread (WAL lets readers run beside the writer)."""
        reader = cls.__new__(cls)
        reader.path = path
        reader.conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro",
            uri=True,
            isolation_level=None,
            check_same_thread=False,
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
        reader.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        reader._write_lock = threading.RLock()
        reader._depth = 0
        reader._writer = None
        reader._local = threading.local()
        reader._readers = []
        reader._readers_lock = threading.Lock()
        reader._closed = False
        reader._single_connection = True  # made for one worker thread; it only reads
        return reader

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """The calling thread's connection for one read, held while the read runs: close() (from the thread that
        closes the profile) waits for it instead of closing the connection under it, which crashes the process in
        SQLite's C code (a background thumbnail load as a window closed did). A read after the close fails with
        sqlite3.ProgrammingError instead."""
        if self._single_connection or self._writer == threading.get_ident():
            with self._write_lock:  # inside our own transaction (see what we wrote), or the one reader's connection
                yield self.conn
            return
        reader: _Reader | None = getattr(self._local, "reader", None)
        if reader is None:
            with self._readers_lock:
                if self._closed:
                    raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
                reader = self._local.reader = _Reader(_connect_read_only(self.path), threading.RLock())
                self._readers.append(reader)
        with reader.lock:
            yield reader.conn

    def close(self) -> None:
        with self._write_lock, self._readers_lock:  # a write in progress on another thread finishes first
            self._closed = True
            for reader in self._readers:
                with reader.lock:  # and so does a read
                    reader.conn.close()
            self._readers.clear()
            self.conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction, taken with BEGIN IMMEDIATE so it never fails half-way on a lock upgrade."""
        with self._write_lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            self._writer = threading.get_ident()
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")
            finally:
                self._depth = 0
                self._writer = None

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every read on this thread inside sees one state of the database (one read transaction, from its first
        read): rows read by several queries belong together. Inside a write, the write's own transaction is it."""
        with self._reading() as conn:
            if conn.in_transaction:
                began = False
            else:
                conn.execute("BEGIN")
                began = True
        if not began:
            yield
            return
        try:
            yield
        finally:
            with self._reading() as conn:
                conn.execute("COMMIT")  # it only read: nothing to keep or undo

    def query(self, sql: str, params: Params = ()) -> list[Row]:
        with self._reading() as conn:
            cur = conn.execute(sql, params)
            names = [d[0] for d in cur.description]
            rows = cur.fetchall()
        return [dict(zip(names, row, strict=True)) for row in rows]

    def iterate(self, sql: str, params: Params = ()) -> Generator[Row]:
        """query() one row at a time (fetched a few hundred at once), for reads too long to hold in a list. Two of
        these read on one thread at the same time see one snapshot: the connection's read lasts while either runs."""
        with self._reading() as conn:  # held for each batch, never while a row is with the caller
            cur = conn.execute(sql, params)
            names = [d[0] for d in cur.description]
        try:
            while True:
                with self._reading():
                    batch = cur.fetchmany(500)
                if not batch:
                    break
                for row in batch:
                    yield dict(zip(names, row, strict=True))
        finally:
            # Ended after the database was closed: nothing to do.
            with contextlib.suppress(sqlite3.ProgrammingError), self._reading():
                cur.close()

    def query_one(self, sql: str, params: Params = ()) -> Row | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def query_as(self, record: type[Record], sql: str, params: Params = ()) -> list[Record]:
        """The rows typed as `record` (a TypedDict of storage.records). Not checked at run time: each record is held to
        its query's columns by tests/test_records.py."""
        return cast(list[Record], self.query(sql, params))

    def iterate_as(self, record: type[Record], sql: str, params: Params = ()) -> Generator[Record]:
        """iterate() typed as `record`, as query_as() (held to its columns by a test, not checked at run time)."""
        return cast(Generator[Record], self.iterate(sql, params))

    def query_one_as(self, record: type[Record], sql: str, params: Params = ()) -> Record | None:
        rows = self.query_as(record, sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Params = ()) -> Any:
        with self._reading() as conn:
            row = conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def update_row(self, table: str, row_id: str, changes: Mapping[str, object]) -> None:
        """Set `changes` (column -> value; names come from our code, never from users) on one row by id."""
        with self.write() as conn:
            conn.execute(
                f"UPDATE {table} SET {', '.join(f'{column} = ?' for column in changes)} WHERE id = ?",
                [*changes.values(), row_id],
            )

    def insert(self, table: str, row: Mapping[str, object]) -> None:
        self.insert_many(table, [row])

    def insert_many(self, table: str, rows: Sequence[Mapping[str, object]]) -> None:
        """Rows with the same keys, in one statement per batch; inside write() when given one."""
        if not rows:
            return
        names = list(rows[0])
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
        with self.write() as conn:
            conn.executemany(sql, [tuple(r[n] for n in names) for r in rows])

    def applied_migrations(self) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY id", [MIGRATION_SET]
            )
        ]
