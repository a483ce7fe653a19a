"""Complaints, penalties and hazardous-waste violations recorded against an enterprise (the rating's other facts)."""

from __future__ import annotations

from typing import Any

from steward.storage.database import Database


def insert(db: Database, row: dict[str, Any]) -> None:
    with db.write():
        db.insert("enterprise_events", row)


def listing(db: Database, enterprise_id: str | None = None) -> list[dict[str, Any]]:
    return db.query(
        """SELECT r.*, e.name AS enterprise_name FROM enterprise_events r JOIN enterprises e ON e.id = r.enterprise_id
           WHERE (:enterprise IS NULL OR r.enterprise_id = :enterprise) ORDER BY r.on_date, r.id""",
        {"enterprise": enterprise_id},
    )
