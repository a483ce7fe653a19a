"""Many rows in one go, for demo profiles and benchmarks: one transaction, executemany over tuples."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from steward.storage.database import Database


def insert_rows(db: Database, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    db.insert_many(table, rows)


def is_empty(db: Database) -> bool:
    return bool(db.scalar("SELECT count(*) FROM enterprises") == 0)
