"""The reads behind the Excel/CSV exports: each one query over a period [start, end) of UTC instants. Only finished
visits count (a draft is not a fact until its visit is finished), as in the period summary."""

from __future__ import annotations

import json
from collections.abc import Collection, Generator
from typing import TypedDict

from steward.storage.database import Database
from steward.storage.records import Enterprise, FindingEvent


class ExportedFinding(TypedDict):
    """A finding as the findings export reads it: the row, where it was found (its enterprise, visit and item, its
    category '' outside the checklist) and how many photos were linked to it by the period's end."""

    id: str
    enterprise_id: str
    visit_id: str
    item_id: str | None
    location: str
    description: str
    basis: str
    severity: str
    requirement: str
    deadline: str | None
    original_deadline: str | None
    created_at: str
    status: str
    closed_at: str | None
    enterprise_name: str
    credit_code: str
    visit_started_at: str
    steward: str
    item_code: str | None
    category: str
    photos: int


class ExportedEvent(FindingEvent):
    """An event with when its finding was found: the order the findings are read in (see finding_events)."""

    finding_created_at: str


class ExportedEnterprise(Enterprise):
    """An enterprise with its last finished visit begun by the period's end (None: none yet)."""

    last_visit_at: str | None


class ExportedVisit(TypedDict):
    """A finished visit as the visits export lists it: who, where, which checklist, what was answered, found and
    re-checked."""

    id: str
    enterprise_id: str
    kind: str
    steward: str
    started_at: str
    finished_at: str | None
    notice_number: str | None
    enterprise_name: str
    credit_code: str
    template_code: str
    template_version: int
    template_name: str
    answered: int
    compliant: int
    not_compliant: int
    not_applicable: int
    new_findings: int
    rechecked: int


def findings(db: Database, start: str, end: str) -> Generator[ExportedFinding]:
    """Every finding of a finished visit found in [start, end), with all a ledger prints, its photos linked by `end`;
    streamed in order of creation (see finding_events)."""
    return db.iterate_as(
        ExportedFinding,
        """SELECT f.id, f.enterprise_id, f.visit_id, f.item_id, f.location, f.description, f.basis, f.severity,
                  f.requirement, f.deadline, f.original_deadline, f.created_at, f.status, f.closed_at,
                  e.name AS enterprise_name, e.credit_code, v.started_at AS visit_started_at, v.steward,
                  i.code AS item_code, coalesce(i.category_zh, '') AS category,
                  (SELECT count(*) FROM photo_links l WHERE l.finding_id = f.id AND l.created_at < :end) AS photos
           FROM findings f JOIN visits v ON v.id = f.visit_id AND v.status = 'finished'
           JOIN enterprises e ON e.id = f.enterprise_id
           LEFT JOIN template_items i ON i.id = f.item_id
           WHERE f.created_at >= :start AND f.created_at < :end
           ORDER BY f.created_at, f.id""",
        {"start": start, "end": end},
    )


def count_findings(db: Database, start: str, end: str) -> int:
    return int(
        db.scalar(
            """SELECT count(*) FROM findings f JOIN visits v ON v.id = f.visit_id AND v.status = 'finished'
               WHERE f.created_at >= :start AND f.created_at < :end""",
            {"start": start, "end": end},
        )
    )


def finding_events(db: Database, start: str, end: str, of: Collection[str]) -> Generator[ExportedEvent]:
    """The events, recorded before `end`, of those of the findings `findings(start, end)` returns that `of` names, in
    the same order of findings (then by time): read beside it, each finding's events are the next rows. One query,
    not one per finding."""
    return db.iterate_as(
        ExportedEvent,
        """SELECT fe.*, f.created_at AS finding_created_at FROM finding_events fe JOIN findings f ON f.id = fe.finding_id
           JOIN visits v ON v.id = f.visit_id AND v.status = 'finished'
           WHERE f.created_at >= :start AND f.created_at < :end AND fe.at < :end
             AND f.id IN (SELECT value FROM json_each(:of))
           ORDER BY f.created_at, f.id, fe.at, fe.id""",
        {"start": start, "end": end, "of": json.dumps(sorted(of))},
    )


def enterprises(db: Database, end: str) -> list[ExportedEnterprise]:
    """Every enterprise (archived ones too: their history is part of the period), with its last finished visit
    begun before `end`."""
    return db.query_as(
        ExportedEnterprise,
        """SELECT e.*, (SELECT max(v.started_at) FROM visits v WHERE v.enterprise_id = e.id
                        AND v.status = 'finished' AND v.started_at < :end) AS last_visit_at
           FROM enterprises e ORDER BY e.name, e.id""",
        {"end": end},
    )


def visits(db: Database, start: str, end: str) -> list[ExportedVisit]:
    """Finished visits begun in [start, end): who, where, what was checked, what it found and re-checked. Each count
    is one grouped pass (finding_events has no index on visit_id; per-visit subqueries took seconds at scale)."""
    return db.query_as(
        ExportedVisit,
        """WITH chosen AS (SELECT id FROM visits
                           WHERE status = 'finished' AND started_at >= :start AND started_at < :end),
                answered AS (SELECT a.visit_id, count(a.result) AS answered,
                                    sum(a.result = 'compliant') AS compliant,
                                    sum(a.result = 'not_compliant') AS not_compliant,
                                    sum(a.result = 'not_applicable') AS not_applicable
                             FROM answers a WHERE a.visit_id IN chosen GROUP BY a.visit_id),
                found AS (SELECT f.visit_id, count(*) AS n FROM findings f WHERE f.visit_id IN chosen GROUP BY f.visit_id),
                rechecks AS (SELECT visit_id, count(DISTINCT finding_id) AS n FROM finding_events
                             WHERE visit_id IS NOT NULL AND kind LIKE 'recheck%' GROUP BY visit_id)
           SELECT v.id, v.enterprise_id, v.kind, v.steward, v.started_at, v.finished_at, v.notice_number,
                  e.name AS enterprise_name, e.credit_code, t.code AS template_code, t.version AS template_version,
                  t.name_zh AS template_name, coalesce(a.answered, 0) AS answered,
                  coalesce(a.compliant, 0) AS compliant, coalesce(a.not_compliant, 0) AS not_compliant,
                  coalesce(a.not_applicable, 0) AS not_applicable, coalesce(n.n, 0) AS new_findings,
                  coalesce(r.n, 0) AS rechecked
           FROM visits v JOIN enterprises e ON e.id = v.enterprise_id
           JOIN templates t ON t.id = v.template_id
           LEFT JOIN answered a ON a.visit_id = v.id LEFT JOIN found n ON n.visit_id = v.id
           LEFT JOIN rechecks r ON r.visit_id = v.id
           WHERE v.id IN chosen ORDER BY v.started_at, v.id""",
        {"start": start, "end": end},
    )
