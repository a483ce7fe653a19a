"""Everything the rating looks at, read in a few queries for one enterprise or all of them."""

from __future__ import annotations

import hashlib
import json
from typing import TypedDict

from steward.storage.database import Database
from steward.storage.records import EnterpriseName, FindingEvent


class RatedFindingRow(TypedDict):
    """What the rating reads of a finding (services.ratings makes a domain RatedFinding of it): its own deadline, set
    when it was found (a 部分整改 that moved it is among its events), and what names it in a reason (its item's code,
    None outside the checklist, and its description)."""

    id: str
    enterprise_id: str
    visit_id: str
    severity: str
    own_deadline: str | None
    created_at: str
    description: str
    item_code: str | None


class RatedVisitRow(TypedDict):
    """What the rating reads of a visit (a domain RatedVisit): when it finished, None while it is in progress."""

    id: str
    enterprise_id: str
    finished_at: str | None


def enterprises(db: Database, enterprise_id: str | None = None) -> list[EnterpriseName]:
    return db.query_as(
        EnterpriseName,
        "SELECT id, name FROM enterprises WHERE (:e IS NULL AND archived = 0) OR id = :e ORDER BY name",
        {"e": enterprise_id},
    )


def findings(db: Database, enterprise_id: str | None = None) -> list[RatedFindingRow]:
    return db.query_as(
        RatedFindingRow,
        """SELECT f.id, f.enterprise_id, f.visit_id, f.severity, coalesce(f.original_deadline, f.deadline) AS own_deadline,
                  f.created_at, f.description,
                  i.code AS item_code
           FROM findings f LEFT JOIN template_items i ON i.id = f.item_id
           WHERE :e IS NULL OR f.enterprise_id = :e""",
        {"e": enterprise_id},
    )


def finding_events(db: Database, enterprise_id: str | None = None) -> list[FindingEvent]:
    return db.query_as(
        FindingEvent,
        """SELECT v.* FROM finding_events v JOIN findings f ON f.id = v.finding_id
           WHERE :e IS NULL OR f.enterprise_id = :e""",
        {"e": enterprise_id},
    )


def visits(db: Database, enterprise_id: str | None = None) -> list[RatedVisitRow]:
    return db.query_as(
        RatedVisitRow,
        "SELECT id, enterprise_id, finished_at FROM visits WHERE :e IS NULL OR enterprise_id = :e",
        {"e": enterprise_id},
    )


# -- only what a rating as of one day can look at -----------------------------------------------------------------
# A rating as of a day looks at findings open then and at the findings of each enterprise's last few finished visits;
# a finding closed for good before that day (most of three years of them) cannot change it. The bounds are widened
# by a day on each side, so the rows are a superset of what the rules read; the domain then decides exactly.
#
# Each read seeks by index and none repeats another: the visits first, then the findings open then or of those visits
# (their ids handed over as JSON), then those findings' events (likewise). Every range is per enterprise or on
# closed_at, so SQLite never walks all findings by created_at or all visits (a plan it chose for "created_at < :hi",
# which at three years of visits read every row). Two forms of the visits' query, chosen by whether one enterprise is
# asked for: a condition like ":e IS NULL OR enterprise_id = :e" would use no index at all.

_VISITS_SQL = """
    SELECT v.id, v.enterprise_id, v.finished_at
    FROM enterprises e JOIN visits v ON v.id IN (
        SELECT r.id FROM visits r
        WHERE r.enterprise_id = e.id AND r.finished_at IS NOT NULL AND r.finished_at < :since
        ORDER BY r.finished_at DESC, r.id DESC LIMIT :last)
    WHERE {only}
    UNION ALL
    SELECT v.id, v.enterprise_id, v.finished_at
    FROM enterprises e JOIN visits v ON v.enterprise_id = e.id AND v.finished_at >= :since AND v.finished_at < :hi
    WHERE {only}
"""


def recent_visits(
    db: Database, since: str, hi: str, last: int, enterprise_id: str | None = None
) -> list[RatedVisitRow]:
    """Each enterprise's `last` newest visits finished before `since`, and every visit finished from then to `hi`."""
    only = "1" if enterprise_id is None else "e.id = :e"
    return db.query_as(
        RatedVisitRow, _VISITS_SQL.format(only=only), {"since": since, "hi": hi, "last": last, "e": enterprise_id}
    )


def findings_as_of(
    db: Database, since: str, hi: str, visit_ids: list[str], enterprise_id: str | None = None
) -> list[RatedFindingRow]:
    """Findings made before `hi` not closed for good before `since` (never closed, or closed since), and those of
    `visit_ids`."""
    mine = "" if enterprise_id is None else "AND c.enterprise_id = :e"
    return db.query_as(
        RatedFindingRow,
        f"""SELECT f.id, f.enterprise_id, f.visit_id, f.severity,
                   coalesce(f.original_deadline, f.deadline) AS own_deadline, f.created_at, f.description,
                   i.code AS item_code
            FROM findings f LEFT JOIN template_items i ON i.id = f.item_id
            WHERE f.id IN (
                SELECT c.id FROM findings c WHERE c.closed_at IS NULL AND +c.created_at < :hi {mine}
                UNION
                SELECT c.id FROM findings c WHERE c.closed_at >= :since AND +c.created_at < :hi {mine}
                UNION
                SELECT c.id FROM findings c WHERE c.visit_id IN (SELECT value FROM json_each(:visits))
                    AND +c.created_at < :hi)""",
        {"since": since, "hi": hi, "visits": json.dumps(visit_ids), "e": enterprise_id},
    )


def events_of(db: Database, finding_ids: list[str]) -> list[FindingEvent]:
    """Every event of these findings."""
    return db.query_as(
        FindingEvent,
        "SELECT v.* FROM finding_events v WHERE v.finding_id IN (SELECT value FROM json_each(:ids))",
        {"ids": json.dumps(finding_ids)},
    )


# -- kept ratings (storage/rating_cache.py) --------------------------------------------------------------------------


def rating_tokens(db: Database, enterprise_ids: list[str] | None = None) -> dict[str, str | None]:
    """Each enterprise's token (migration 0022): it changes with every write to what the enterprise's rating reads.
    None for an enterprise without one (never kept as current)."""
    if enterprise_ids is None:
        rows = db.query("SELECT e.id, m.token FROM enterprises e LEFT JOIN rating_marks m ON m.enterprise = e.id")
    else:
        rows = db.query(
            """SELECT e.id, m.token FROM enterprises e LEFT JOIN rating_marks m ON m.enterprise = e.id
               WHERE e.id IN (SELECT value FROM json_each(:ids))""",
            {"ids": json.dumps(enterprise_ids)},
        )
    return {r["id"]: r["token"] for r in rows}


def findings_of(db: Database, enterprise_ids: list[str]) -> list[RatedFindingRow]:
    return db.query_as(
        RatedFindingRow,
        """SELECT f.id, f.enterprise_id, f.visit_id, f.severity, coalesce(f.original_deadline, f.deadline) AS own_deadline,
                  f.created_at, f.description, i.code AS item_code
           FROM findings f LEFT JOIN template_items i ON i.id = f.item_id
           WHERE f.enterprise_id IN (SELECT value FROM json_each(:ids))""",
        {"ids": json.dumps(enterprise_ids)},
    )


def finding_events_of(db: Database, enterprise_ids: list[str]) -> list[FindingEvent]:
    return db.query_as(
        FindingEvent,
        """SELECT v.* FROM findings f JOIN finding_events v ON v.finding_id = f.id
           WHERE f.enterprise_id IN (SELECT value FROM json_each(:ids))""",
        {"ids": json.dumps(enterprise_ids)},
    )


def visits_of(db: Database, enterprise_ids: list[str]) -> list[RatedVisitRow]:
    return db.query_as(
        RatedVisitRow,
        """SELECT id, enterprise_id, finished_at FROM visits
           WHERE enterprise_id IN (SELECT value FROM json_each(:ids))""",
        {"ids": json.dumps(enterprise_ids)},
    )


def inputs_version(db: Database) -> str:
    """Changes with every write to what a rating or a period's figures read: any enterprise's token (its findings,
    their events, its visits, its records), the enterprises themselves (archived, renamed, regrouped), the settings.
    A millisecond's read where counting the rows took sixty."""
    row = db.query_one(
        """SELECT (SELECT group_concat(enterprise || ':' || token) FROM rating_marks) AS marks,
                  (SELECT count(*) || ' ' || total(archived) || ' ' || coalesce(max(updated_at), '')
                   FROM enterprises) AS enterprises,
                  (SELECT group_concat(key || '=' || value, ';') FROM settings) AS settings"""
    )
    assert row is not None
    text = "|".join(str(v) for v in row.values())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
