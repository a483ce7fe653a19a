"""The audit log: every amendment to a finished visit, with who, when and why."""

from __future__ import annotations

import json
from typing import Any

from steward.storage.database import Database


def record(
    db: Database,
    *,
    id: str,
    at: str,
    actor: str,
    entity: str,
    entity_id: str,
    action: str,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    with db.write() as conn:
        conn.execute(
            "INSERT INTO audit_log (id, at, actor, entity, entity_id, action, reason, detail) VALUES (?,?,?,?,?,?,?,?)",
            [id, at, actor, entity, entity_id, action, reason, json.dumps(detail or {}, ensure_ascii=False)],
        )


def for_entity(db: Database, entity: str, entity_id: str) -> list[dict[str, Any]]:
    rows = db.query("SELECT * FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY at, id", [entity, entity_id])
    for row in rows:
        row["detail"] = json.loads(row["detail"])
    return rows
