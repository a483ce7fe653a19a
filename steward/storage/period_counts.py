"""The dashboard's period figures counted in SQL: aggregates over one covering index of the findings (migration
0023), from the state each finding keeps (status, closed_at and the deadline due: written from its events by every
write that adds one, services.findings.refresh_state).

The kept state is the state after every event. How a finding stood at the period's closing moment is that state
only when no event of it was recorded after that moment: those findings are left out here (`later`) and counted
by the caller from their events, the way the summary PDF counts every finding (services.documents.period_findings).
For a period ending today there are none; the counts are then a few scans of an index range however many findings
the period holds, where parsing each finding and its events took seconds for a year of a big profile.

Every bar of a chart is one value of an SQL expression below (a month, a category, a severity, an overdue age),
and the findings it opens are those whose expression has that value: the count and the list are one definition."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from steward.storage.database import Database

OTHER_CATEGORY = "其他"  # a finding outside the checklist, as the summary PDF names it
# A statement's named parameters, filled in as its SQL is put together (each clause adds the values it names).
SqlParams = dict[str, object]


@dataclass(frozen=True)
class Scope:
    """The findings counted: found in [start, end) by a finished visit, without an event after `closing`, of the
    group (a visit's steward, or a set of enterprises; None: every one)."""

    start: str  # stored instants (clock.to_text)
    end: str
    closing: str  # the last instant of the period: the figures are as things stood then
    last_day: str  # the period's last day, ISO: overdue is past the deadline on this day
    month_starts: tuple[str, ...]  # the first instant of each month of the period, then the end of the last one
    ageing_from: tuple[str, str, str]  # ISO days: deadlines on or after these are 1-7, 8-30, 31-90 days late
    steward: str | None = None
    enterprise_ids: frozenset[str] | None = None
    later: frozenset[str] = frozenset()  # findings found in the period with an event after it (see later())


_BUCKET = "CASE f.status WHEN 'rectified' THEN 'rectified' WHEN 'waived' THEN 'waived' ELSE 'open' END"


def _month(column: str, scope: Scope, params: SqlParams) -> str:
    """The month (its index in the period) of an instant on this computer's calendar, from the bounds the caller
    worked out in its zone; NULL outside the period."""
    cases = []
    for n, bound in enumerate(scope.month_starts):
        params[f"m{n}"] = bound
    for n in range(len(scope.month_starts) - 1):
        cases.append(f"WHEN {column} < :m{n + 1} THEN {n}")
    return f"CASE WHEN {column} IS NULL OR {column} < :m0 THEN NULL {' '.join(cases)} END"


def _overdue(params: SqlParams, scope: Scope) -> str:
    params["last_day"] = scope.last_day
    return f"({_BUCKET}) = 'open' AND coalesce(f.deadline, '') <> '' AND f.deadline < :last_day"


def _ageing(params: SqlParams, scope: Scope) -> str:
    for n, day in enumerate(scope.ageing_from):
        params[f"age{n}"] = day
    return (
        f"CASE WHEN {_overdue(params, scope)} THEN CASE WHEN f.deadline >= :age0 THEN '0-7' "
        "WHEN f.deadline >= :age1 THEN '8-30' WHEN f.deadline >= :age2 THEN '31-90' ELSE '>90' END END"
    )


# The expression each chart's bars are values of (the rectified months only for findings rectified by the end).
def expression(dimension: str, scope: Scope, params: SqlParams) -> str:
    if dimension == "found_month":
        return _month("f.created_at", scope, params)
    if dimension == "rectified_month":
        return f"CASE WHEN f.status = 'rectified' THEN {_month('f.closed_at', scope, params)} END"
    if dimension == "category":
        return f"coalesce(i.category_zh, '{OTHER_CATEGORY}')"
    if dimension == "severity":
        return "f.severity"
    if dimension == "ageing":
        return _ageing(params, scope)
    if dimension == "bucket":
        return _BUCKET
    raise ValueError(dimension)


def _where(scope: Scope, params: SqlParams, start: str | None = None, end: str | None = None) -> str:
    """Found in the period (or in [start, end) of it) by a finished visit (an unfinished one's findings are not facts
    yet), of the group, with no event after the closing moment (those are counted from their events)."""
    params.update(start=start or scope.start, end=end or scope.end)
    clauses = [
        "f.created_at >= :start AND f.created_at < :end",
        "f.visit_id NOT IN (SELECT id FROM visits WHERE status = 'in_progress')",
    ]
    if scope.later:
        params["later"] = json.dumps(sorted(scope.later))
        clauses.append("f.id NOT IN (SELECT value FROM json_each(:later))")
    if scope.steward is not None:
        params["steward"] = scope.steward
        clauses.append("f.visit_id IN (SELECT id FROM visits WHERE status = 'finished' AND steward = :steward)")
    if scope.enterprise_ids is not None:
        params["enterprises"] = json.dumps(sorted(scope.enterprise_ids))
        clauses.append("f.enterprise_id IN (SELECT value FROM json_each(:enterprises))")
    return " AND ".join(clauses)


def _from(dimensions: Sequence[str]) -> str:
    """The covering index alone, and the checklist's items when a category is asked for (a findings row is large:
    reading the rows themselves was most of the time)."""
    items = " LEFT JOIN template_items i ON i.id = f.item_id" if "category" in dimensions else ""
    return "FROM findings f INDEXED BY findings_period" + items


@dataclass(frozen=True)
class Headline:
    rectified: int
    waived: int
    open: int
    severity: dict[str, int]
    ageing: dict[str, int]  # overdue findings by days late: '0-7', '8-30', '31-90', '>90'


def headline(db: Database, scope: Scope) -> Headline:
    """How the findings in scope stood at the end and their severity (sums over one scan of the index range: grouping
    would sort every row), and the overdue ones by how late (from the index of open findings by deadline)."""
    params: SqlParams = {}
    row = db.query_one(
        f"""SELECT count(*) AS n, sum(f.status = 'rectified') AS rectified, sum(f.status = 'waived') AS waived,
                   sum(f.severity = 'major') AS major, sum(f.severity = 'serious') AS serious,
                   sum(f.severity = 'general') AS general
            FROM findings f INDEXED BY findings_period WHERE {_where(scope, params)}""",
        params,
    )
    assert row is not None  # an aggregate without GROUP BY has one row
    params = {}
    ageing = _ageing(params, scope)
    where = _where(scope, params)
    late = db.query(
        f"""SELECT {ageing} AS age, count(*) AS n FROM findings f INDEXED BY findings_open_deadline
            WHERE f.status NOT IN ('rectified', 'waived') AND f.deadline < :last_day AND {where} GROUP BY 1""",
        params,
    )

    def number(key: str) -> int:
        return int(row[key] or 0)

    overdue = {str(r["age"]): int(r["n"]) for r in late if r["age"] is not None}
    return Headline(
        rectified=number("rectified"),
        waived=number("waived"),
        open=number("n") - number("rectified") - number("waived"),
        severity={s: number(s) for s in ("major", "serious", "general")},
        ageing={key: overdue.get(key, 0) for key in ("0-7", "8-30", "31-90", ">90")},
    )


def by_item(db: Database, scope: Scope) -> dict[str | None, int]:
    """The findings in scope by checklist item (None: outside the checklist)."""
    params: SqlParams = {}
    where = _where(scope, params)
    rows = db.query(
        f"SELECT f.item_id, count(*) AS n FROM findings f INDEXED BY findings_period WHERE {where} GROUP BY 1", params
    )
    return {r["item_id"]: int(r["n"]) for r in rows}


def categories(db: Database) -> dict[str, str]:
    """Each checklist item's category (as expression("category") names it; an item without one is '其他')."""
    return {
        str(r["id"]): OTHER_CATEGORY if r["category_zh"] is None else str(r["category_zh"])
        for r in db.query("SELECT id, category_zh FROM template_items")
    }


def found_by_month(db: Database, scope: Scope) -> list[int]:
    """The findings in scope found in each month: a count of an index range each."""
    counts = []
    for n in range(len(scope.month_starts) - 1):
        params: SqlParams = {}
        where = _where(
            scope, params, max(scope.start, scope.month_starts[n]), min(scope.end, scope.month_starts[n + 1])
        )
        counts.append(
            int(db.scalar(f"SELECT count(*) FROM findings f INDEXED BY findings_period WHERE {where}", params))
        )
    return counts


def rectified_by_month(db: Database, scope: Scope) -> dict[int, int]:
    """The findings in scope rectified by the period's end, by the month they were rectified in."""
    params: SqlParams = {}
    month = _month("f.closed_at", scope, params)
    where = _where(scope, params)
    rows = db.query(
        f"SELECT {month} AS month, count(*) AS n FROM findings f INDEXED BY findings_period "
        f"WHERE {where} AND f.status = 'rectified' GROUP BY 1",
        params,
    )
    return {int(r["month"]): int(r["n"]) for r in rows if r["month"] is not None}


def ids_of(db: Database, scope: Scope, dimension: str, values: Sequence[object]) -> list[str]:
    """The findings in scope whose `dimension` is one of `values` (the findings behind a bar)."""
    params: SqlParams = {}
    expr = expression(dimension, scope, params)
    where = _where(scope, params)
    marks = []
    for n, value in enumerate(values):
        params[f"v{n}"] = value
        marks.append(f":v{n}")
    sql = f"SELECT f.id {_from([dimension])} WHERE {where} AND ({expr}) IN ({', '.join(marks) or 'NULL'}) ORDER BY f.created_at, f.id"
    return [str(r["id"]) for r in db.query(sql, params)]


def later(db: Database, start: str, end: str, closing: str) -> frozenset[str]:
    """The findings found in [start, end) with an event recorded after `closing`: their kept state is not how they
    stood then. Read from the events after `closing` when they are few (none, for a period ending today), else
    from each of the period's findings."""
    params = {"start": start, "end": end, "closing": closing}
    few = db.scalar(
        "SELECT count(*) < 2000 FROM (SELECT 1 FROM finding_events INDEXED BY finding_events_at "
        "WHERE at > :closing LIMIT 2000)",
        params,
    )
    if few:
        sql = """SELECT DISTINCT e.finding_id AS id FROM finding_events e INDEXED BY finding_events_at
                 JOIN findings f ON f.id = e.finding_id
                 WHERE e.at > :closing AND f.created_at >= :start AND f.created_at < :end"""
    else:
        sql = """SELECT f.id FROM findings f INDEXED BY findings_period
                 WHERE f.created_at >= :start AND f.created_at < :end
                 AND EXISTS (SELECT 1 FROM finding_events e WHERE e.finding_id = f.id AND e.at > :closing)"""
    return frozenset(str(r["id"]) for r in db.query(sql, params))
