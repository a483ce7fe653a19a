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
        """SELECT f.id, f.enterprise_id, f.visit_id, f.severity, f.deadline, f.created_at, f.description,
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


# What a rating as of one moment can look at, and no more: the findings still open then (open now, or changed since),
# the findings of each enterprise's last finished visits before it (the green check), those visits. A finding closed
# before the moment and not in those visits cannot fire a rule; at scale it is nine findings in ten.
_AS_OF = """
    WITH recent AS (
        SELECT id FROM (
            SELECT id, row_number() OVER (PARTITION BY enterprise_id ORDER BY finished_at DESC, id DESC) AS n
            FROM visits WHERE finished_at IS NOT NULL AND finished_at < :cutoff
                AND (:e IS NULL OR enterprise_id = :e))
        WHERE n <= :last),
    chosen AS (
        SELECT f.id FROM findings f
        WHERE (:e IS NULL OR f.enterprise_id = :e) AND f.created_at < :cutoff
          AND (f.status NOT IN ('rectified', 'waived') OR f.visit_id IN recent
               OR EXISTS (SELECT 1 FROM finding_events fe WHERE fe.finding_id = f.id AND fe.at >= :cutoff)))
"""


def findings_as_of(
    db: Database, cutoff: str, last_visits: int, enterprise_id: str | None = None
) -> list[dict[str, Any]]:
    return db.query(
        _AS_OF
        + """SELECT f.id, f.enterprise_id, f.visit_id, f.severity, f.deadline, f.created_at, f.description,
                    i.code AS item_code
             FROM findings f LEFT JOIN template_items i ON i.id = f.item_id WHERE f.id IN chosen""",
        {"cutoff": cutoff, "last": last_visits, "e": enterprise_id},
    )


def finding_events_as_of(
    db: Database, cutoff: str, last_visits: int, enterprise_id: str | None = None
) -> list[dict[str, Any]]:
    return db.query(
        _AS_OF + "SELECT v.* FROM finding_events v WHERE v.finding_id IN chosen",
        {"cutoff": cutoff, "last": last_visits, "e": enterprise_id},
    )


def visits_as_of(db: Database, cutoff: str, last_visits: int, enterprise_id: str | None = None) -> list[dict[str, Any]]:
    return db.query(
        _AS_OF + "SELECT id, enterprise_id, finished_at FROM visits WHERE id IN recent",
        {"cutoff": cutoff, "last": last_visits, "e": enterprise_id},
    )
