"""Profile settings as JSON values by key; the keys and their defaults are declared in services/settings.py."""

from __future__ import annotations

import json
from typing import Any

from steward.storage.database import Database


def get(db: Database, key: str, default: Any = None) -> Any:
    raw = db.scalar("SELECT value FROM settings WHERE key = ?", [key])
    return default if raw is None else json.loads(raw)


def put(db: Database, key: str, value: Any) -> None:
    with db.write() as conn:
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, json.dumps(value, ensure_ascii=False)],
        )


def delete(db: Database, key: str) -> None:
    with db.write() as conn:
        conn.execute("DELETE FROM settings WHERE key = ?", [key])
