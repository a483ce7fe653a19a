"""`steward hub migrate-to-postgres`: a SQLite hub's rows copied into an empty PostgreSQL database, all or nothing.

Blobs stay where they are (the data directory serves both engines). Every table is copied with its keys as they
were, so each record keeps its seq and each steward their id; the sequences then continue after the largest ever
used. Before the copy is committed, every table's row count and a hash of its rows are read back from PostgreSQL
and compared with the SQLite hub's: a difference rolls everything back and leaves the target empty."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from steward.hub.engine import Connection, DatabaseUnavailable, PostgresEngine, SqliteEngine, is_postgres_url
from steward.hub.schema import TABLES, NewerHubDatabase, migrate

# Tables whose ids PostgreSQL numbers itself: (table, column); after the copy they continue after the copied ones.
_SEQUENCES = (("stewards", "id"), ("records", "seq"))


class CopyRefused(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class CopyReport:
    counts: dict[str, int]  # rows copied (and verified) per table
    hashes: dict[str, str]


def copy_to_postgres(data_dir: Path, db_url: str) -> CopyReport:
    source_path = data_dir / "hub.db"
    if not source_path.is_file():
        raise CopyRefused(
            f"{data_dir} 中没有 SQLite 数据库 hub.db,无从复制。", f"There is no hub.db in {data_dir} to copy."
        )
    if not is_postgres_url(db_url):
        raise CopyRefused(
            f"目标应为 PostgreSQL 地址(postgresql://…):{db_url}", f"The target must be a postgresql:// URL: {db_url}"
        )
    import psycopg

    source = SqliteEngine(source_path)
    try:
        target = PostgresEngine(db_url)
    except DatabaseUnavailable as exc:
        raise CopyRefused(exc.zh, exc.en) from None
    try:
        migrate(source)  # a hub from before recorded migrations is recorded as at the first one, as on opening it
        try:
            migrate(target)
        except NewerHubDatabase as exc:
            raise CopyRefused(
                f"目标数据库由更新版本的服务器创建({exc}),不能复制到其中。",
                f"The target database was made by a newer hub ({exc}); nothing was copied.",
            ) from None
        except psycopg.Error as exc:  # e.g. a table of another application under one of the hub's names
            raise CopyRefused(
                f"目标数据库已有其他数据表,无法建立服务器的表:{exc}",
                f"The target database holds other tables; the hub's could not be made: {exc}",
            ) from None
        return _copy(source, target)
    finally:
        target.close()
        source.close()


def _copy(source: SqliteEngine, target: PostgresEngine) -> CopyReport:
    with source.snapshot() as src, target.transaction() as dst:
        filled = {table: _count(dst, table) for table in TABLES}
        if any(filled.values()):
            rows = ", ".join(f"{t} {n}" for t, n in filled.items() if n)
            raise CopyRefused(
                f"目标数据库不是空的({rows}),为免混入或覆盖数据,拒绝复制。请使用新建的空数据库。",
                f"The target database is not empty ({rows}); nothing was copied. Use a new, empty database.",
            )
        counts, hashes = {}, {}
        for table in TABLES:
            columns = _columns(src, table)
            with dst.raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in src.execute(f"SELECT {', '.join(columns)} FROM {table}"):
                    copy.write_row(tuple(row))
            counts[table], hashes[table] = _digest(src, table, columns)
            copied = _digest(dst, table, columns)
            if copied != (counts[table], hashes[table]):
                raise CopyRefused(
                    f"核对失败:表 {table} 在 SQLite 中有 {counts[table]} 行,复制后为 {copied[0]} 行或内容不同;"
                    "已全部撤销,目标数据库仍为空。",
                    f"Verification failed: table {table} has {counts[table]} rows in SQLite and {copied[0]} after "
                    "the copy, or other content; everything was rolled back and the target is still empty.",
                )
        for table, column in _SEQUENCES:
            after = _largest_used(src, table, column)
            dst.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), ?, false)",
                [after + 1],
            )
    return CopyReport(counts, hashes)


def _count(conn: Connection, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _columns(conn: Connection, table: str) -> list[str]:
    """The SQLite table's own columns (login_failures has no id there: PostgreSQL numbers them anew)."""
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def _largest_used(conn: Connection, table: str, column: str) -> int:
    """The largest id ever given: AUTOINCREMENT remembers one whose row has since gone (records.seq)."""
    largest = int(conn.execute(f"SELECT coalesce(max({column}), 0) FROM {table}").fetchone()[0])
    try:
        row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", [table]).fetchone()
    except Exception:  # no AUTOINCREMENT table has ever had a row: there is no sqlite_sequence yet
        row = None
    return max(largest, int(row[0]) if row else 0)


def _digest(conn: Connection, table: str, columns: list[str]) -> tuple[int, str]:
    """(rows, hash) of a table, the same on both engines: each row's values (typed: bytes, integers, reals and
    text kept apart) hashed on their own, and the sorted row hashes hashed again (the engines sort text
    differently, so no ORDER BY)."""
    digests = sorted(
        hashlib.sha256(json.dumps([_typed(v) for v in row], ensure_ascii=False).encode()).digest()
        for row in conn.execute(f"SELECT {', '.join(columns)} FROM {table}")
    )
    return len(digests), hashlib.sha256(b"".join(digests)).hexdigest()


def _typed(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return ["bytes", bytes(value).hex()]
    if isinstance(value, float):
        return ["real", repr(value)]
    return value
