"""A new profile's schema, made by the real migrations once per test process and copied into each new database.

The suite makes about nine hundred new profiles, and migrating an empty database runs every migration in its own
transaction, each waiting for the disk (synchronous=FULL): half a second each on a busy machine, for the same pages
every time. So each test process (xdist worker) migrates one empty database for real at its start, and every later
empty database gets a copy of its pages (SQLite's backup API: one transaction), which is exactly what the migrations
would have written. A database with anything in it (an older profile being upgraded) and a list of migrations other
than the snapshot's (tests/test_backup_before_migration.py leaves the newest out) still go through the real
migrations, as do child processes (the CLI, workers). tests/test_migrations.py checks the migrations themselves."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from steward.storage import database, migrations


class SchemaSnapshot:
    def __init__(self, folder: Path, real: Callable[[sqlite3.Connection], None]) -> None:
        self.path = folder / "schema.db"
        self.real = real
        self.names = migrations.known_names()
        conn = database._connect(self.path)
        try:
            real(conn)
        finally:
            conn.close()

    def apply_pending(self, conn: sqlite3.Connection) -> None:
        empty = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        if not empty or migrations.known_names() != self.names:
            self.real(conn)
            return
        source = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True)
        try:
            source.backup(conn)
        finally:
            source.close()
