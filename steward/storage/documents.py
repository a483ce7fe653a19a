"""The reads that printed documents need, and the notice-number counter."""

from __future__ import annotations

import json
from collections.abc import Collection

from steward.storage import records
from steward.storage.database import Database

_CLOSED = "('rectified', 'waived')"


def next_notice_number(db: Database, visit_id: str, prefix: str, year: int) -> str:
    """The visit's notice number: the one it already has, or the next of prefix and year (never reused)."""
    existing = db.scalar("SELECT notice_number FROM visits WHERE id = ?", [visit_id])
    if existing:
        return str(existing)  # reprints read only (also on a read-only connection)
    with db.write() as conn:
        existing = conn.execute("SELECT notice_number FROM visits WHERE id = ?", [visit_id]).fetchone()
        if existing and existing[0]:
            return str(existing[0])
        conn.execute(
            "INSERT INTO notice_counters (prefix, year, last) VALUES (?, ?, 1) "
            "ON CONFLICT (prefix, year) DO UPDATE SET last = last + 1",
            [prefix, year],
        )
        last = conn.execute("SELECT last FROM notice_counters WHERE prefix = ? AND year = ?", [prefix, year]).fetchone()
        number = f"{prefix}-{year}-{int(last[0]):04d}"
        conn.execute("UPDATE visits SET notice_number = ? WHERE id = ?", [number, visit_id])
        return number


def archived(db: Database, visit_id: str) -> list[records.Document]:
    return db.query_as(records.Document, "SELECT * FROM documents WHERE visit_id = ? ORDER BY kind", [visit_id])


def archive(db: Database, row: records.Document) -> None:
    with db.write() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO documents (id, visit_id, kind, sha256, bytes, name, notice_number, "
            "created_at) VALUES (:id, :visit_id, :kind, :sha256, :bytes, :name, :notice_number, :created_at)",
            row,
        )


def finished_without_documents(db: Database, since: str = "") -> list[str]:
    return [
        r[0]
        for r in db.conn.execute(
            "SELECT id FROM visits v WHERE status = 'finished' AND finished_at >= ? "
            "AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.visit_id = v.id) ORDER BY finished_at",
            [since],
        )
    ]


def finding_photos(db: Database, finding_ids: list[str]) -> list[records.PhotoOfFinding]:
    """Photos of findings: 'before' (on the finding) and 'after' (on its rectification or re-check events)."""
    if not finding_ids:
        return []
    marks = ", ".join("?" for _ in finding_ids)
    return db.query_as(
        records.PhotoOfFinding,
        f"""SELECT l.id AS link_id, l.finding_id, l.event_id, l.created_at AS linked_at, p.*
            FROM photo_links l JOIN photos p ON p.sha256 = l.sha256
            WHERE l.finding_id IN ({marks}) ORDER BY l.created_at, l.id""",
        finding_ids,
    )


def visit_photos(db: Database, visit_id: str) -> list[records.PhotoOfVisit]:
    return db.query_as(
        records.PhotoOfVisit,
        """SELECT l.id AS link_id, l.item_id, l.finding_id, l.event_id, l.caption, l.created_at AS linked_at, p.*,
                  i.code AS item_code
           FROM photo_links l JOIN photos p ON p.sha256 = l.sha256 LEFT JOIN template_items i ON i.id = l.item_id
           WHERE l.visit_id = ? ORDER BY l.created_at, l.id""",
        [visit_id],
    )


def enterprise_findings(db: Database, enterprise_id: str, start: str, end: str) -> list[records.FindingOfLedger]:
    """Findings of finished visits at one enterprise, found in [start, end)."""
    return db.query_as(
        records.FindingOfLedger,
        """SELECT f.*, i.code AS item_code, v.finished_at AS visit_finished_at
           FROM findings f JOIN visits v ON v.id = f.visit_id AND v.status = 'finished'
           LEFT JOIN template_items i ON i.id = f.item_id
           WHERE f.enterprise_id = ? AND f.created_at >= ? AND f.created_at < ? ORDER BY f.created_at, f.id""",
        [enterprise_id, start, end],
    )


def earlier_findings(db: Database, enterprise_id: str, visit_id: str, before: str) -> list[records.FindingOfVisit]:
    """Findings raised at the enterprise before a visit began, by other visits already finished by then."""
    return db.query_as(
        records.FindingOfVisit,
        """SELECT f.*, i.code AS item_code FROM findings f
           JOIN visits v ON v.id = f.visit_id AND v.status = 'finished' AND v.finished_at <= :before
           LEFT JOIN template_items i ON i.id = f.item_id
           WHERE f.enterprise_id = :enterprise AND f.visit_id != :visit AND f.created_at < :before
           ORDER BY f.deadline, f.created_at""",
        {"enterprise": enterprise_id, "visit": visit_id, "before": before},
    )


def events_of(db: Database, finding_ids: list[str]) -> list[records.FindingEvent]:
    if not finding_ids:
        return []
    out: list[records.FindingEvent] = []
    for i in range(0, len(finding_ids), 500):  # SQLite's limit on bound parameters
        chunk = finding_ids[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        out += db.query_as(
            records.FindingEvent, f"SELECT * FROM finding_events WHERE finding_id IN ({marks}) ORDER BY at, id", chunk
        )
    return out


def period_findings(
    db: Database, start: str, end: str, only: Collection[str] | None = None
) -> list[records.PeriodFindingRow]:
    """Every finding of a finished visit found in [start, end) (of those `only` names, if given), with its enterprise
    and checklist category, and what the dashboard groups and lists them by (the visit's steward, the enterprise's
    industry and park). `+v.status` keeps the planner on the period's findings (findings_created) rather than every
    finished visit."""
    chosen = "" if only is None else " AND f.id IN (SELECT value FROM json_each(:only))"
    return db.query_as(
        records.PeriodFindingRow,
        f"""SELECT f.id, f.enterprise_id, f.severity, f.deadline, f.original_deadline, f.created_at, e.name AS enterprise_name,
                  coalesce(i.category_zh, '其他') AS category, coalesce(i.category_code, '') AS category_code,
                  f.description, f.location, coalesce(i.code, '') AS item_code, v.steward,
                  e.industry, e.park, e.address
           FROM findings f JOIN visits v ON v.id = f.visit_id AND +v.status = 'finished'
           JOIN enterprises e ON e.id = f.enterprise_id LEFT JOIN template_items i ON i.id = f.item_id
           WHERE f.created_at >= :start AND f.created_at < :end{chosen}
           ORDER BY f.created_at, f.id""",
        {"start": start, "end": end, "only": json.dumps(sorted(only or ()))},
    )


def period_visits(db: Database, start: str, end: str) -> list[records.VisitCount]:
    """Finished visits begun in [start, end), per enterprise."""
    return db.query_as(
        records.VisitCount,
        """SELECT v.enterprise_id, e.name AS enterprise_name, count(*) AS visits
           FROM visits v JOIN enterprises e ON e.id = v.enterprise_id
           WHERE v.status = 'finished' AND v.started_at >= ? AND v.started_at < ? GROUP BY v.enterprise_id""",
        [start, end],
    )


def snapshot(db: Database, visit_id: str, kind: str) -> str | None:
    value = db.scalar("SELECT data FROM document_snapshots WHERE visit_id = ? AND kind = ?", [visit_id, kind])
    return str(value) if value is not None else None


def keep_snapshot(db: Database, visit_id: str, kind: str, data: str, made_at: str) -> None:
    """The document's data as it was at finish; the first one stays (a document is a record)."""
    with db.write() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO document_snapshots (visit_id, kind, data, made_at) VALUES (?, ?, ?, ?)",
            [visit_id, kind, data, made_at],
        )


def group_values(db: Database) -> dict[str, list[str]]:
    """What the period figures can be grouped by: the stewards of finished visits, and the
    industries and parks of enterprises (an empty park is an enterprise outside any park)."""
    stewards = db.query("SELECT DISTINCT steward AS value FROM visits WHERE status = 'finished' ORDER BY value")
    industries = db.query("SELECT DISTINCT industry AS value FROM enterprises ORDER BY value")
    parks = db.query("SELECT DISTINCT park AS value FROM enterprises ORDER BY value")
    return {
        "steward": [r["value"] for r in stewards],
        "industry": [r["value"] for r in industries],
        "park": [r["value"] for r in parks],
    }


def enterprise_addresses(db: Database) -> list[records.EnterpriseAddress]:
    return db.query_as(records.EnterpriseAddress, "SELECT id, address FROM enterprises")


def group_enterprises(db: Database, kind: str, value: str) -> list[str]:
    """The enterprises of a dashboard group: a steward's are those they have visited."""
    if kind == "steward":
        rows = db.query("SELECT DISTINCT enterprise_id AS id FROM visits WHERE steward = ?", [value])
    elif kind == "industry":
        rows = db.query("SELECT id FROM enterprises WHERE industry = ?", [value])
    elif kind == "park":
        rows = db.query("SELECT id FROM enterprises WHERE park = ?", [value])
    else:
        raise ValueError(f"unknown group kind {kind!r}")
    return [r["id"] for r in rows]


def rating_inputs_version(db: Database) -> tuple[object, ...]:
    """A fingerprint of everything a rating reads (findings, their events, finished visits, enterprises, records,
    settings): rows are only added or stamped when changed, so counts and newest stamps change with any edit."""
    row = db.query_one(
        """SELECT (SELECT count(*) FROM finding_events) AS events,
                  (SELECT count(*) || ' ' || coalesce(max(updated_at), '') FROM findings) AS findings,
                  (SELECT count(*) || ' ' || total(status = 'finished') || ' ' || coalesce(max(updated_at), '')
                   FROM visits) AS visits,
                  (SELECT count(*) || ' ' || total(archived) || ' ' || coalesce(max(updated_at), '')
                   FROM enterprises) AS enterprises,
                  (SELECT count(*) FROM enterprise_events) AS records,
                  (SELECT group_concat(key || '=' || value, ';') FROM settings) AS settings"""
    )
    assert row is not None
    return tuple(row.values())
