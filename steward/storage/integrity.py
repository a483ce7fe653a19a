"""Low-level checks of a profile's database: SQLite's own, foreign keys, full-text indexes."""

from __future__ import annotations

from steward.storage.database import Database

FTS_TABLES = ("enterprises_fts", "findings_fts", "finding_events_fts")


def integrity_errors(db: Database) -> list[str]:
    rows = [r[0] for r in db.conn.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else rows


def foreign_key_errors(db: Database) -> list[tuple[str, int, str]]:
    return [(r[0], r[1], r[2]) for r in db.conn.execute("PRAGMA foreign_key_check")]


def broken_fts(db: Database) -> list[str]:
    broken = []
    for table in FTS_TABLES:
        try:
            db.conn.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
        except Exception:
            broken.append(table)
    return broken


def rebuild_fts(db: Database, table: str) -> None:
    with db.write() as conn:
        conn.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")


def finding_ids(db: Database) -> list[tuple[str, str, str | None]]:
    return [(r[0], r[1], r[2]) for r in db.conn.execute("SELECT id, status, closed_at FROM findings")]
