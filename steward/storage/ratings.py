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


# -- only what a rating as of one day can look at -----------------------------------------------------------------
# A rating as of a day looks at findings open then and at the findings of each enterprise's last few finished visits;
# a finding closed for good before that day (most of three years of them) cannot change it. The bounds are widened
# by a day on each side, so the rows are a superset of what the rules read; the domain then decides exactly.

# Two forms of each query, chosen by whether one enterprise is asked for, so that SQLite can use the enterprise's
# index for one and the closed_at index for all (a condition like ":e IS NULL OR enterprise_id = :e" gets neither).
_ONE = {"e": "e.id = :e", "r": "enterprise_id = :e AND ", "c": "c.enterprise_id = :e AND "}
_ALL = {"e": "1", "r": "", "c": ""}


def _recent_visits_sql(only: dict[str, str]) -> str:
    return f"""
        SELECT v.id, v.enterprise_id, v.finished_at
        FROM enterprises e JOIN visits v ON v.id IN (
            SELECT r.id FROM visits r
            WHERE r.enterprise_id = e.id AND r.finished_at IS NOT NULL AND r.finished_at < :since
            ORDER BY r.finished_at DESC, r.id DESC LIMIT :last)
        WHERE {only["e"]}
        UNION ALL
        SELECT id, enterprise_id, finished_at FROM visits WHERE {only["r"]}finished_at >= :since AND finished_at < :hi
    """


def _candidates_sql(only: dict[str, str]) -> str:
    """Open then (never closed, or closed only after `since`: see services.ratings.facts_between), or of a recent
    visit."""
    return f"""
        SELECT c.id FROM findings c
        WHERE {only["c"]}(c.closed_at IS NULL OR c.closed_at >= :since) AND c.created_at < :hi
        UNION
        SELECT c.id FROM findings c
        WHERE c.visit_id IN (SELECT id FROM ({_recent_visits_sql(only)})) AND c.created_at < :hi
    """


def _only(enterprise_id: str | None) -> dict[str, str]:
    return _ALL if enterprise_id is None else _ONE


def recent_visits(
    db: Database, since: str, hi: str, last: int, enterprise_id: str | None = None
) -> list[dict[str, Any]]:
    """Each enterprise's `last` newest visits finished before `since`, and every visit finished from then to `hi`."""
    return db.query(
        _recent_visits_sql(_only(enterprise_id)), {"since": since, "hi": hi, "last": last, "e": enterprise_id}
    )


def findings_as_of(
    db: Database, since: str, hi: str, last: int, enterprise_id: str | None = None
) -> list[dict[str, Any]]:
    """Findings made before `hi` not closed for good before `since`, and those of the recent visits."""
    return db.query(
        f"""SELECT f.id, f.enterprise_id, f.visit_id, f.severity,
                   coalesce(f.original_deadline, f.deadline) AS own_deadline, f.created_at, f.description,
                   i.code AS item_code
            FROM findings f LEFT JOIN template_items i ON i.id = f.item_id
            WHERE f.id IN ({_candidates_sql(_only(enterprise_id))})""",
        {"since": since, "hi": hi, "last": last, "e": enterprise_id},
    )


def finding_events_as_of(
    db: Database, since: str, hi: str, last: int, enterprise_id: str | None = None
) -> list[dict[str, Any]]:
    return db.query(
        f"SELECT v.* FROM finding_events v WHERE v.finding_id IN ({_candidates_sql(_only(enterprise_id))})",
        {"since": since, "hi": hi, "last": last, "e": enterprise_id},
    )
