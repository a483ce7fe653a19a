"""Everything the rating looks at, read in a few queries for one enterprise or all of them."""

from __future__ import annotations

from typing import Any

from steward.storage.database import Database


def enterprises(db: Database, enterprise_id: str | None = None) -> list[dict[str, Any]]:
    return db.query(
        "SELECT id, name, credit_code FROM enterprises WHERE (:e IS NULL AND archived = 0) OR id = :e ORDER BY name",
        {"e": enterprise_id},
    )


def findings(db: Database, enterprise_id: str | None = None) -> list[dict[str, Any]]:
    return db.query(
        """SELECT f.id, f.enterprise_id, f.visit_id, f.severity, coalesce(f.original_deadline, f.deadline) AS own_deadline,
                  f.created_at, f.description,
                  i.code AS item_code
           FROM findings f LEFT JOIN template_items i ON i.id = f.item_id
           WHERE :e IS NULL OR f.enterprise_id = :e""",
        {"e": enterprise_id},
    )


def finding_events(db: Database, enterprise_id: str | None = None) -> list[dict[str, Any]]:
    return db.query(
        """SELECT v.* FROM finding_events v JOIN findings f ON f.id = v.finding_id
           WHERE :e IS NULL OR f.enterprise_id = :e""",
        {"e": enterprise_id},
    )


def visits(db: Database, enterprise_id: str | None = None) -> list[dict[str, Any]]:
    return db.query(
        "SELECT id, enterprise_id, finished_at FROM visits WHERE :e IS NULL OR enterprise_id = :e",
        {"e": enterprise_id},
    )
