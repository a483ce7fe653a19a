"""Findings and their append-only events. Status columns on findings are a cache of the events' verdict."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from steward.storage import records
from steward.storage.database import Database
from steward.storage.search import text_condition, uses_index

CLOSED_STATUSES = ("rectified", "waived")
_CLOSED_SQL = "('rectified', 'waived')"


def insert(db: Database, finding: Mapping[str, Any]) -> None:
    with db.write():
        db.insert("findings", finding)


def get(db: Database, finding_id: str) -> records.FindingInContext | None:
    return db.query_one_as(
        records.FindingInContext,
        """SELECT f.*, e.name AS enterprise_name, i.code AS item_code, i.category_code, i.category_zh
           FROM findings f JOIN enterprises e ON e.id = f.enterprise_id
           LEFT JOIN template_items i ON i.id = f.item_id WHERE f.id = ?""",
        [finding_id],
    )


class FindingChanges(TypedDict, total=False):
    """What changes on a finding's row: what it says (edited, or amended with a reason), its own deadline, its
    description confirmed, and the state its events give it (status, closed_at, deadline due)."""

    location: str
    description: str
    basis: str
    severity: str
    requirement: str
    original_deadline: str | None
    description_confirmed_at: str
    status: str
    closed_at: str | None
    deadline: str | None
    updated_at: str


def update_fields(db: Database, finding_id: str, changes: FindingChanges) -> None:
    db.update_row("findings", finding_id, changes)


def insert_event(db: Database, event: Mapping[str, Any]) -> bool:
    """Append an event; an id already present is left as it is (union merge). Returns whether it was new."""
    with db.write() as conn:
        cur = conn.execute(
            """INSERT INTO finding_events (id, finding_id, kind, at, by, note, visit_id, new_deadline)
               VALUES (:id, :finding_id, :kind, :at, :by, :note, :visit_id, :new_deadline) ON CONFLICT(id) DO NOTHING""",
            {"new_deadline": None, **event},
        )
        return cur.rowcount == 1


def set_event_note(db: Database, event_id: str, note: str) -> None:
    """Only for an event of a visit still in progress: until the visit is finished it is a draft nobody has seen."""
    db.update_row("finding_events", event_id, {"note": note})


def events(db: Database, finding_id: str) -> list[records.FindingEvent]:
    return db.query_as(
        records.FindingEvent, "SELECT * FROM finding_events WHERE finding_id = ? ORDER BY at, id", [finding_id]
    )


def delete_unfinished(db: Database, finding_id: str) -> None:
    """Remove a finding recorded by mistake in a visit still in progress: its events go, its photos stay on the item."""
    with db.write() as conn:
        conn.execute("UPDATE photo_links SET finding_id = NULL WHERE finding_id = ? AND event_id IS NULL", [finding_id])
        conn.execute("DELETE FROM finding_events WHERE finding_id = ?", [finding_id])
        conn.execute("DELETE FROM findings WHERE id = ?", [finding_id])


def events_in_visit(db: Database, visit_id: str) -> list[records.FindingEvent]:
    return db.query_as(
        records.FindingEvent, "SELECT * FROM finding_events WHERE visit_id = ? ORDER BY at, id", [visit_id]
    )


def for_visit(db: Database, visit_id: str) -> list[records.FindingOfVisit]:
    return db.query_as(
        records.FindingOfVisit,
        """SELECT f.*, i.code AS item_code FROM findings f LEFT JOIN template_items i ON i.id = f.item_id
           WHERE f.visit_id = ? ORDER BY f.created_at""",
        [visit_id],
    )


def for_item_in_visit(db: Database, visit_id: str, item_id: str) -> list[records.Finding]:
    return db.query_as(
        records.Finding,
        "SELECT * FROM findings WHERE visit_id = ? AND item_id = ? ORDER BY created_at",
        [visit_id, item_id],
    )


def open_for_enterprise(
    db: Database, enterprise_id: str, before_visit: str | None = None
) -> list[records.FindingOfVisit]:
    """Findings still open at this enterprise, those raised in `before_visit` itself left out."""
    return db.query_as(
        records.FindingOfVisit,
        f"""SELECT f.*, i.code AS item_code FROM findings f LEFT JOIN template_items i ON i.id = f.item_id
            WHERE f.enterprise_id = ? AND f.status NOT IN {_CLOSED_SQL} AND f.visit_id IS NOT ?
            ORDER BY f.deadline, f.created_at""",
        [enterprise_id, before_visit],
    )


def search(
    db: Database,
    *,
    today: str,
    query: str = "",
    open_only: bool = False,
    overdue_only: bool = False,
    status: str | None = None,
    severity: str | None = None,
    enterprise_id: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[records.FindingListed]:
    where, params = ["1"], []
    if query:
        # A term may match the finding's own text or any note on its events.
        for term in query.split():
            own, own_params = text_condition("f", "findings_fts", ("description", "requirement", "location"), term)
            ev, ev_params = text_condition("fe", "finding_events_fts", ("note",), term)
            if uses_index(term):
                # The index yields few events: collect their findings once.
                notes = f"f.id IN (SELECT fe.finding_id FROM finding_events fe WHERE {ev})"
            else:
                # LIKE scans: check each finding's own events, so a page in deadline order can stop early.
                notes = f"EXISTS (SELECT 1 FROM finding_events fe WHERE fe.finding_id = f.id AND {ev})"
            where.append(f"({own} OR {notes})")
            params += own_params + ev_params
    if open_only or overdue_only:
        where.append(f"f.status NOT IN {_CLOSED_SQL}")
    if overdue_only:
        where.append("f.deadline < ?")
        params.append(today)
    if status:
        where.append("f.status = ?")
        params.append(status)
    if severity:
        where.append("f.severity = ?")
        params.append(severity)
    if enterprise_id:
        where.append("f.enterprise_id = ?")
        params.append(enterprise_id)
    sql = f"""SELECT f.*, e.name AS enterprise_name, i.code AS item_code, i.category_code,
                 CASE WHEN f.status NOT IN {_CLOSED_SQL} AND f.deadline < ?
                      THEN CAST(julianday(?) - julianday(f.deadline) AS INTEGER) ELSE 0 END AS overdue_days
              FROM findings f JOIN enterprises e ON e.id = f.enterprise_id
              LEFT JOIN template_items i ON i.id = f.item_id
              WHERE {" AND ".join(where)}
              ORDER BY f.deadline, f.created_at"""
    all_params: list[Any] = [today, today, *params]
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        all_params += [limit, offset]
    return db.query_as(records.FindingListed, sql, all_params)


def figure_counts(db: Database, today: str, enterprise_id: str | None = None) -> list[records.FigureCounts]:
    """Found, rectified, waived, open and overdue counted in SQL, per enterprise (same rule as domain.figures). Only
    findings of finished visits count: a draft is not a fact until its visit is finished."""
    where = "AND f.enterprise_id = ?" if enterprise_id else ""
    return db.query_as(
        records.FigureCounts,
        f"""SELECT f.enterprise_id, count(*) AS found,
                   sum(f.status = 'rectified') AS rectified,
                   sum(f.status = 'waived') AS waived,
                   sum(f.status NOT IN {_CLOSED_SQL}) AS open,
                   sum(f.status NOT IN {_CLOSED_SQL} AND f.deadline < ?) AS overdue
            FROM findings f JOIN visits v ON v.id = f.visit_id AND v.status = 'finished'
            WHERE 1 {where} GROUP BY f.enterprise_id""",
        [today, enterprise_id] if enterprise_id else [today],
    )


def summaries(db: Database, enterprise_id: str | None = None) -> list[records.FindingFacts]:
    """What the figures need, for one enterprise or all (findings of finished visits only)."""
    where = "AND f.enterprise_id = ?" if enterprise_id else ""
    return db.query_as(
        records.FindingFacts,
        f"""SELECT f.id, f.enterprise_id, f.severity, f.status, f.deadline, f.created_at, f.closed_at,
                   coalesce(i.category_code, '') AS category
            FROM findings f JOIN visits v ON v.id = f.visit_id AND v.status = 'finished'
            LEFT JOIN template_items i ON i.id = f.item_id WHERE 1 {where}""",
        [enterprise_id] if enterprise_id else [],
    )
