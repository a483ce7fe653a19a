"""The hub's two database engines behind one small interface: SQLite (one file, the default for a small office and
for development) and PostgreSQL (psycopg 3 with a connection pool, for an insurer's province and several workers).

The hub's SQL (steward/hub/store.py) is written once, in what both engines accept (`INSERT ... ON CONFLICT DO
NOTHING`, `coalesce`, `RETURNING`), with `?` parameter markers and SQLite's `json_extract(column, '$.field')` for
a field of a JSON body. Everything that still differs is here and nowhere else:
- parameter markers (`?` -> `%s`; a literal `%` doubled), and `json_extract(x, '$.f')` -> `(x::json ->> 'f')`
  (also SQLite's `INSERT OR IGNORE INTO ...` -> `... ON CONFLICT DO NOTHING`, for a statement without RETURNING,
  and SQLite's planner hint `+r.column` -> `r.column`);
- the body as its stored bytes: `CAST(x AS BLOB)` -> `convert_to(x, 'UTF8')`;
- the name of a table's implicit row id (`rowid` in SQLite, an `id` column in PostgreSQL);
- how a write transaction begins (see PostgresEngine.write_begin), and a read snapshot;
- which exceptions mean "a unique key was taken" and "the disk is full".
The schema of each engine is in steward/hub/schema.py (BLOB/BYTEA, the sequence of the change feed).
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

# Every transaction that writes takes this PostgreSQL advisory lock first (see PostgresEngine.write_begin).
WRITE_LOCK = 0x5354_4557  # "STEW"
# Connections one worker process holds at most: uvicorn runs a request's store calls on up to 40 threads, but
# PostgreSQL's default allows 100 connections for every worker of every hub on the server.
POOL_SIZE = 12
POOL_MIN = 2  # kept open while idle: the first requests after a quiet night need not wait for a connection
CONNECT_SECONDS = 15  # how long a hub that starts waits for its database before it says it cannot reach it
POOL_WAIT_SECONDS = 30  # how long a request waits for a free connection before it fails (not for ever)
IDLE_SECONDS = 300  # a connection idle this long beyond POOL_MIN is closed
LIFETIME_SECONDS = 3600  # every connection is replaced after an hour: a server's memory per backend stays bounded


class DatabaseUnavailable(Exception):
    """The hub's database cannot be reached or named; in the operator's words (zh and en)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


class Row(tuple[Any, ...]):
    """A result row read by position or by column name, like sqlite3.Row (dict(row) gives its columns)."""

    _names: dict[str, int]

    def __new__(cls, values: Iterable[Any], names: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


class Connection:
    """One engine's connection, with the calls the store makes (execute, executemany, in_transaction)."""

    def __init__(self, engine: Engine, raw: Any) -> None:
        self.engine, self.raw = engine, raw
        # Nothing has run on it yet in this use: if its first statement finds the connection lost (PostgreSQL
        # restarted, an administrator ended the hub's backends), that statement did nothing and may be run again
        # on a new connection (see Engine.replace).
        self.fresh = True

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        translated = self.engine.translate(sql)
        return self._run(lambda raw: raw.execute(translated, params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        if isinstance(self.raw, sqlite3.Connection):
            self.raw.executemany(sql, rows)
            self.fresh = False
            return
        translated, listed = self.engine.translate(sql), list(rows)

        def run(raw: Any) -> None:
            with raw.cursor() as cursor:
                cursor.executemany(translated, listed)

        self._run(run)

    def begin(self, statement: str) -> None:
        """A statement of the engine's own (BEGIN ...), as it is written."""
        self._run(lambda raw: raw.execute(statement))

    def _run(self, call: Callable[[Any], Any]) -> Any:
        if not self.fresh:
            return call(self.raw)
        try:
            result = call(self.raw)
        except Exception as exc:
            if not self.engine.lost(self.raw, exc):
                raise
            self.raw = self.engine.replace(self.raw)
            result = call(self.raw)
        self.fresh = False
        return result

    @property
    def in_transaction(self) -> bool:
        return self.engine.in_transaction(self.raw)


class Engine:
    """Connections for the threads of one process, each opened (or taken from the pool) once per outermost use."""

    name = ""
    rowid = "rowid"
    write_begin: tuple[str, ...] = ("BEGIN IMMEDIATE",)
    snapshot_begin = "BEGIN"
    integrity_errors: tuple[type[BaseException], ...] = (sqlite3.IntegrityError,)

    def __init__(self) -> None:
        self._local = threading.local()

    def translate(self, sql: str) -> str:
        return sql

    def _open(self) -> Any:
        raise RuntimeError("an engine opens its own connections")

    def _put_back(self, raw: Any) -> None:
        """A connection the outermost use of a thread is done with."""

    def in_transaction(self, raw: Any) -> bool:
        return bool(raw.in_transaction)

    def close(self) -> None:
        """Let go of every connection the engine holds."""

    def disk_full(self, exc: BaseException) -> bool:
        return False

    def lost(self, raw: Any, exc: BaseException) -> bool:
        """Whether `exc` says the connection itself is gone (not that its statement failed)."""
        return False

    def replace(self, raw: Any) -> Any:
        """A working connection in place of `raw`, which was found lost."""
        raise RuntimeError("this engine's connections are not lost")

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """This thread's connection; nested uses share it, and nothing is left half-open when the outermost ends."""
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = Connection(self, self._open())
            self._local.conn = conn
        depth = getattr(self._local, "depth", 0)
        self._local.depth = depth + 1
        try:
            yield conn
        finally:
            self._local.depth = depth
            if depth == 0:
                try:
                    if conn.in_transaction:
                        conn.raw.execute("ROLLBACK")  # nothing is left half-open for the thread's next request
                finally:
                    if not self._keeps_connection():
                        self._local.conn = None
                        self._put_back(conn.raw)

    def _keeps_connection(self) -> bool:
        return True

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction: one writer at a time on either engine."""
        with self.connect() as conn:
            for statement in self.write_begin:
                conn.begin(statement)
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:  # else the connection was lost, and with it the transaction
                    conn.raw.execute("ROLLBACK")
                raise
            conn.raw.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """Reads that all see the database as it was at one moment."""
        with self.connect() as conn:
            conn.begin(self.snapshot_begin)
            try:
                yield conn
            finally:
                if conn.in_transaction:
                    conn.raw.execute("COMMIT")

    def execute_script(self, conn: Connection, script: str) -> None:
        """Several statements (a migration) inside the caller's transaction."""
        for statement in _statements(script):
            conn.raw.execute(statement)


class SqliteEngine(Engine):
    """hub.db in the data directory, in WAL mode: readers never wait for the one writer."""

    name = "sqlite"

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def _open(self) -> sqlite3.Connection:
        raw = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=True)
        raw.execute("PRAGMA journal_mode = WAL")
        raw.execute("PRAGMA synchronous = FULL")
        raw.row_factory = sqlite3.Row
        return raw

    def disk_full(self, exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.OperationalError) and (
            getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(exc)
        )


class PostgresEngine(Engine):
    """A PostgreSQL database given by its URL (postgresql://user:password@host:port/dbname)."""

    name = "postgres"
    rowid = "id"
    # Every writing transaction takes one advisory lock first, so writes run one at a time as on SQLite. Why:
    # - the change cursor. records.seq comes from a sequence; two transactions could take 7 and 8 and commit 8
    #   first, and a reader that saw 8 would move its cursor past 7 for ever. Under the lock a seq is taken and
    #   committed before the next writer takes one, so every seq at or below the largest a reader can see is
    #   already committed (or rolled back and never used): the feed is gap-free for every reader.
    # - the push rules read, then write (a record's existing hash, the visit it belongs to): one at a time, they
    #   judge exactly as on SQLite, and two laptops sending the same record get "accepted" and "duplicate", not
    #   a unique-key error.
    # The lock is released at commit, after the commit is visible. Reads (no-op syncs, pulls, pages) never take it;
    # the hub's writes are short, so one at a time costs little next to them.
    write_begin = ("BEGIN", f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
    # One snapshot for a page of the change feed and the end of the sequence it is read up to.
    snapshot_begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"

    def __init__(self, url: str, pool_size: int = POOL_SIZE) -> None:
        super().__init__()
        import psycopg
        from psycopg_pool import ConnectionPool

        self.url = url
        self.integrity_errors = (psycopg.IntegrityError,)
        self._psycopg = psycopg
        self.pool = _pool(ConnectionPool, url, pool_size)
        try:
            self.pool.wait(timeout=CONNECT_SECONDS)
        except Exception as exc:
            self.pool.close()
            raise DatabaseUnavailable(
                f"无法连接 PostgreSQL 数据库 {_without_password(url)}:{exc}",
                f"Cannot connect to the PostgreSQL database {_without_password(url)}: {exc}",
            ) from None

    def translate(self, sql: str) -> str:
        return _postgres_sql(sql)

    def _open(self) -> Any:
        return self.pool.getconn()

    def _put_back(self, raw: Any) -> None:
        self.pool.putconn(raw)

    def _keeps_connection(self) -> bool:
        return False  # back to the pool between requests: a worker's threads share a few connections

    def in_transaction(self, raw: Any) -> bool:
        # A lost connection has nothing to roll back (asked to, it would raise and hide why it was lost).
        return bool(not raw.closed and raw.info.transaction_status != self._psycopg.pq.TransactionStatus.IDLE)

    def lost(self, raw: Any, exc: BaseException) -> bool:
        return isinstance(exc, self._psycopg.OperationalError) and bool(raw.closed)

    def replace(self, raw: Any) -> Any:
        """The pool drops the lost connection (and opens another in its place); its idle ones are checked now,
        once, with a round trip each: after a restart of PostgreSQL they are all dead, and the next requests need
        not each find one. Then a working connection."""
        self.pool.putconn(raw)
        self.pool.check()
        return self.pool.getconn()

    def close(self) -> None:
        self.pool.close()

    def disk_full(self, exc: BaseException) -> bool:
        return isinstance(exc, self._psycopg.errors.DiskFull)

    def execute_script(self, conn: Connection, script: str) -> None:
        conn.raw.execute(script)  # PostgreSQL takes several statements in one call without parameters


def _pool(pool_class: Any, url: str, pool_size: int) -> Any:
    """PostgreSQL's connections for one worker process. A connection is not checked when a request gets it (a round
    trip, a third of a no-op sync's time): after PostgreSQL restarted, or an administrator ended the hub's backends,
    the request's first statement finds it lost, did nothing, and runs again on a new connection (Connection._run),
    so the next sync succeeds."""
    return pool_class(
        url,
        min_size=min(POOL_MIN, pool_size),
        max_size=pool_size,
        kwargs={"autocommit": True, "row_factory": _row_factory},
        open=True,
        name="steward-hub",
        timeout=POOL_WAIT_SECONDS,
        max_idle=IDLE_SECONDS,
        max_lifetime=LIFETIME_SECONDS,
    )


def open_engine(data_dir: Path, db_url: str | None) -> Engine:
    """PostgreSQL when a URL is given, else data_dir/hub.db."""
    if db_url:
        if not is_postgres_url(db_url):
            raise DatabaseUnavailable(
                f"数据库地址应以 postgresql:// 开头:{db_url}",
                f"The database URL must start with postgresql://: {db_url}",
            )
        return PostgresEngine(db_url)
    return SqliteEngine(data_dir / "hub.db")


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def _without_password(url: str) -> str:
    """A URL fit for a message or a log: its password replaced."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


def _row_factory(cursor: Any) -> Any:
    names = {column.name: index for index, column in enumerate(cursor.description or ())}

    def make(values: Sequence[Any]) -> Row:
        return Row(values, names)

    return make


_INSERT_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_JSON_FIELD = re.compile(r"json_extract\(\s*([\w.]+)\s*,\s*'\$\.(\w+)'\s*\)")
_AS_BLOB = re.compile(r"CAST\(\s*([\w.]+)\s+AS\s+BLOB\s*\)", re.IGNORECASE)
# SQLite's planner hint: a unary + before a column keeps it from using that column's index (PostgreSQL has no
# unary + for text, and its planner needs no such hint).
_PLANNER_HINT = re.compile(r"(?<![\w)])\+(?=[a-z_]+\.\w)")


@lru_cache(maxsize=2048)
def _postgres_sql(sql: str) -> str:
    """The store's SQL for PostgreSQL. The store never puts data into SQL text (always parameters), so a `?` or a
    `%` in it is a parameter marker or SQL's own."""
    sql = sql.replace("%", "%%").replace("?", "%s")
    sql = _PLANNER_HINT.sub("", sql)
    if _INSERT_OR_IGNORE.match(sql):  # SQLite's words for ON CONFLICT DO NOTHING (write that: both engines take it)
        sql = _INSERT_OR_IGNORE.sub("INSERT INTO", sql) + " ON CONFLICT DO NOTHING"
    sql = _JSON_FIELD.sub(r"(\1::json ->> '\2')", sql)
    return _AS_BLOB.sub(r"convert_to(\1, 'UTF8')", sql)


def _statements(script: str) -> Iterator[str]:
    """A script's statements one by one (sqlite3 runs one per call inside a transaction)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
    if pending.strip() and not all(part.strip().startswith("--") or not part.strip() for part in pending.splitlines()):
        yield pending.strip()
