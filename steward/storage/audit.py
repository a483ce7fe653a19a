"""The audit log: every amendment to a finished visit, with who, when and why."""

from __future__ import annotations

import json
from typing import Any

from steward.storage import records
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
    detail: dict[str, Any] | None = None,  # free-form JSON: before/after of whichever fields changed
) -> None:
    with db.write() as conn:
        conn.execute(
            "INSERT INTO audit_log (id, at, actor, entity, entity_id, action, reason, detail) VALUES (?,?,?,?,?,?,?,?)",
            [id, at, actor, entity, entity_id, action, reason, json.dumps(detail or {}, ensure_ascii=False)],
        )


def for_entity(db: Database, entity: str, entity_id: str) -> list[records.AuditEntry]:
    rows = db.query_as(
        records.AuditRow,
        "SELECT * FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY at, id",
        [entity, entity_id],
    )
    return [{**row, "detail": json.loads(row["detail"])} for row in rows]
