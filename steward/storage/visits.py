"""Visits, the items they cover, their answers and signatures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from steward.storage import records
from steward.storage.database import Database


def insert(db: Database, visit: Mapping[str, Any], item_ids: list[str]) -> None:
    with db.write() as conn:
        db.insert("visits", visit)
        conn.executemany(
            "INSERT INTO visit_items (visit_id, item_id, position) VALUES (?, ?, ?)",
            [(visit["id"], item_id, pos) for pos, item_id in enumerate(item_ids)],
        )


def get(db: Database, visit_id: str) -> records.VisitOfEnterprise | None:
    return db.query_one_as(
        records.VisitOfEnterprise,
        """SELECT v.*, e.name AS enterprise_name FROM visits v JOIN enterprises e ON e.id = v.enterprise_id
           WHERE v.id = ?""",
        [visit_id],
    )


class VisitChanges(TypedDict, total=False):
    """What a visit's row takes after it was started: finishing it, and when it last changed."""

    status: str
    finished_at: str
    updated_at: str


def set_fields(db: Database, visit_id: str, changes: VisitChanges) -> None:
    db.update_row("visits", visit_id, changes)


def items(db: Database, visit_id: str) -> list[records.VisitItem]:
    """The visit's checklist in order, each item with its answer (if any)."""
    return db.query_as(
        records.VisitItem,
        """SELECT i.*, a.id AS answer_id, a.result, a.note, a.updated_at AS answered_at
           FROM visit_items vi
           JOIN template_items i ON i.id = vi.item_id
           LEFT JOIN answers a ON a.visit_id = vi.visit_id AND a.item_id = vi.item_id
           WHERE vi.visit_id = ? ORDER BY vi.position""",
        [visit_id],
    )


def last_results(db: Database, enterprise_id: str, before_visit: str) -> dict[str, str]:
    """Item code -> the answer at the enterprise's latest finished visit that answered it (any checklist version)."""
    rows = db.query(
        """SELECT i.code, a.result FROM answers a
           JOIN visits v ON v.id = a.visit_id JOIN template_items i ON i.id = a.item_id
           WHERE v.enterprise_id = ? AND v.id != ? AND v.status = 'finished' AND a.result IS NOT NULL
           ORDER BY v.started_at""",
        [enterprise_id, before_visit],
    )
    return {r["code"]: r["result"] for r in rows}  # later visits overwrite earlier ones


def covers_item(db: Database, visit_id: str, item_id: str) -> bool:
    return db.scalar("SELECT 1 FROM visit_items WHERE visit_id = ? AND item_id = ?", [visit_id, item_id]) is not None


def upsert_answer(db: Database, answer: Mapping[str, Any]) -> None:
    """Insert or change the one answer of a visit's item (by the UNIQUE (visit_id, item_id))."""
    with db.write() as conn:
        conn.execute(
            """INSERT INTO answers (id, visit_id, item_id, result, note, updated_at)
               VALUES (:id, :visit_id, :item_id, :result, :note, :updated_at)
               ON CONFLICT (visit_id, item_id) DO UPDATE SET
                 result = excluded.result, note = excluded.note, updated_at = excluded.updated_at""",
            answer,
        )


def answer(db: Database, visit_id: str, item_id: str) -> records.Answer | None:
    return db.query_one_as(
        records.Answer, "SELECT * FROM answers WHERE visit_id = ? AND item_id = ?", [visit_id, item_id]
    )


def list_visits(
    db: Database,
    *,
    enterprise_id: str | None = None,
    status: str | None = None,
    limit: int | None = None,
) -> list[records.VisitListed]:
    where, params = ["1"], []
    if enterprise_id:
        where.append("v.enterprise_id = ?")
        params.append(enterprise_id)
    if status:
        where.append("v.status = ?")
        params.append(status)
    sql = f"""SELECT v.*, e.name AS enterprise_name,
                (SELECT count(*) FROM answers a WHERE a.visit_id = v.id AND a.result IS NOT NULL) AS answered,
                (SELECT count(*) FROM visit_items vi WHERE vi.visit_id = v.id) AS item_count,
                (SELECT count(*) FROM findings f WHERE f.visit_id = v.id) AS new_findings
              FROM visits v JOIN enterprises e ON e.id = v.enterprise_id
              WHERE {" AND ".join(where)} ORDER BY v.started_at DESC"""
    if limit:
        sql += f" LIMIT {int(limit)}"
    return db.query_as(records.VisitListed, sql, params)


def in_progress(db: Database) -> list[records.VisitListed]:
    return list_visits(db, status="in_progress")


def put_signature(db: Database, signature: Mapping[str, Any]) -> None:
    with db.write() as conn:
        conn.execute(
            "DELETE FROM signatures WHERE visit_id = ? AND role = ?", [signature["visit_id"], signature["role"]]
        )
        db.insert("signatures", signature)


def signatures(db: Database, visit_id: str) -> list[records.Signature]:
    return db.query_as(records.Signature, "SELECT * FROM signatures WHERE visit_id = ? ORDER BY role", [visit_id])
