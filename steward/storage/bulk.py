"""Many rows in one go, for demo profiles and benchmarks: one transaction, executemany over tuples."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from steward.storage.database import Database


def insert_rows(db: Database, table: str, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    names = list(rows[0])
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    with db.write() as conn:
        conn.executemany(sql, [tuple(r[n] for n in names) for r in rows])


def is_empty(db: Database) -> bool:
    return db.scalar("SELECT count(*) FROM enterprises") == 0
