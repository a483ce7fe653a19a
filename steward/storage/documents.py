"""The reads that printed documents need, and the notice-number counter."""

from __future__ import annotations

from typing import Any

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


def archived(db: Database, visit_id: str) -> list[dict[str, Any]]:
    return db.query("SELECT * FROM documents WHERE visit_id = ? ORDER BY kind", [visit_id])


def archive(db: Database, row: dict[str, Any]) -> None:
    with db.write() as conn:
        conn.execute("INSERT OR IGNORE INTO documents (id, visit_id, kind, sha256, bytes, name, notice_number, "
                     "created_at) VALUES (:id, :visit_id, :kind, :sha256, :bytes, :name, :notice_number, :created_at)",
                     row)  # fmt: skip


def finished_without_documents(db: Database, since: str = "") -> list[str]:
    return [r[0] for r in db.conn.execute(
        "SELECT id FROM visits v WHERE status = 'finished' AND finished_at >= ? "
        "AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.visit_id = v.id) ORDER BY finished_at", [since])]  # fmt: skip


def finding_photos(db: Database, finding_ids: list[str]) -> list[dict[str, Any]]:
    """Photos of findings: 'before' (on the finding) and 'after' (on its rectification or re-check events)."""
    if not finding_ids:
        return []
    marks = ", ".join("?" for _ in finding_ids)
    return db.query(
        f"""SELECT l.id AS link_id, l.finding_id, l.event_id, l.created_at AS linked_at, p.*
            FROM photo_links l JOIN photos p ON p.sha256 = l.sha256
            WHERE l.finding_id IN ({marks}) ORDER BY l.created_at, l.id""",
        finding_ids,
    )


def visit_photos(db: Database, visit_id: str) -> list[dict[str, Any]]:
    return db.query(
        """SELECT l.id AS link_id, l.item_id, l.finding_id, l.event_id, l.caption, l.created_at AS linked_at, p.*,
                  i.code AS item_code
           FROM photo_links l JOIN photos p ON p.sha256 = l.sha256 LEFT JOIN template_items i ON i.id = l.item_id
           WHERE l.visit_id = ? ORDER BY l.created_at, l.id""",
        [visit_id],
    )


def enterprise_findings(db: Database, enterprise_id: str, start: str, end: str) -> list[dict[str, Any]]:
    return db.query(
        """SELECT f.*, i.code AS item_code FROM findings f LEFT JOIN template_items i ON i.id = f.item_id
           WHERE f.enterprise_id = ? AND f.created_at >= ? AND f.created_at < ? ORDER BY f.created_at""",
        [enterprise_id, start, end],
    )


def period_rows(db: Database, start: str, end: str, today: str) -> list[dict[str, Any]]:
    """Per enterprise: visits and findings made in the period, and how those findings stand."""
    return db.query(
        f"""SELECT e.id, e.name,
              (SELECT count(*) FROM visits v WHERE v.enterprise_id = e.id
                 AND v.started_at >= :start AND v.started_at < :end) AS visits,
              count(f.id) AS found,
              coalesce(sum(f.severity = 'major'), 0) AS major,
              coalesce(sum(f.severity = 'serious'), 0) AS serious,
              coalesce(sum(f.severity = 'general'), 0) AS general,
              coalesce(sum(f.status = 'rectified'), 0) AS rectified,
              coalesce(sum(f.status NOT IN {_CLOSED}), 0) AS open,
              coalesce(sum(f.status NOT IN {_CLOSED} AND f.deadline < :today), 0) AS overdue
            FROM enterprises e
            LEFT JOIN findings f ON f.enterprise_id = e.id AND f.created_at >= :start AND f.created_at < :end
            WHERE e.archived = 0
            GROUP BY e.id ORDER BY e.name""",
        {"start": start, "end": end, "today": today},
    )


def period_by_category(db: Database, start: str, end: str) -> list[dict[str, Any]]:
    return db.query(
        """SELECT coalesce(i.category_zh, '其他') AS category, count(*) AS found
           FROM findings f LEFT JOIN template_items i ON i.id = f.item_id
           WHERE f.created_at >= ? AND f.created_at < ? GROUP BY 1 ORDER BY found DESC""",
        [start, end],
    )


def period_by_month(db: Database, start: str, end: str) -> list[dict[str, Any]]:
    return db.query(
        """WITH found AS (SELECT substr(created_at, 1, 7) AS month, count(*) AS n FROM findings
                          WHERE created_at >= :start AND created_at < :end GROUP BY 1),
                fixed AS (SELECT substr(closed_at, 1, 7) AS month, count(*) AS n FROM findings
                          WHERE status = 'rectified' AND closed_at >= :start AND closed_at < :end GROUP BY 1)
           SELECT m.month, coalesce(found.n, 0) AS found, coalesce(fixed.n, 0) AS rectified
           FROM (SELECT month FROM found UNION SELECT month FROM fixed) m
           LEFT JOIN found USING (month) LEFT JOIN fixed USING (month) ORDER BY m.month""",
        {"start": start, "end": end},
    )
