"""Enterprise rows, their search, and the figures shown beside them in lists."""

from __future__ import annotations

from typing import Any, Required, TypedDict

from steward.domain.pinyin import looks_like_pinyin
from steward.storage import records
from steward.storage.database import Database
from steward.storage.search import text_condition

# What a person may fill in about an enterprise besides its name and credit code (CLI, imports, the hub).
DETAIL_FIELDS = (
    "industry",
    "address",
    "legal_representative",
    "contact_person",
    "contact_phone",
    "policy_number",
    "insurer",
    "park",
    "template_code",
)
COLUMNS = (
    "id",
    "name",
    "credit_code",
    *DETAIL_FIELDS,
    "archived",
    "created_at",
    "updated_at",
    "name_pinyin",
)
EDITABLE = COLUMNS[1:13]  # everything but id and timestamps
_CLOSED = "('rectified', 'waived')"


class EnterpriseChanges(TypedDict, total=False):
    """What an edit sets on an enterprise (only the columns given change)."""

    name: str
    credit_code: str
    industry: str
    address: str
    legal_representative: str
    contact_person: str
    contact_phone: str
    policy_number: str
    insurer: str
    park: str
    template_code: str
    archived: int
    updated_at: str
    name_pinyin: str


class NewEnterprise(TypedDict, total=False):
    """A new enterprise: its identity and name; the details it lacks take the columns' defaults ('', 0)."""

    id: Required[str]
    name: Required[str]
    credit_code: Required[str]
    industry: str
    address: str
    legal_representative: str
    contact_person: str
    contact_phone: str
    policy_number: str
    insurer: str
    park: str
    template_code: str
    archived: int
    created_at: Required[str]
    updated_at: Required[str]
    name_pinyin: str


def insert(db: Database, row: NewEnterprise) -> None:
    values = {c: v for c, v in row.items() if c in COLUMNS}
    with db.write() as conn:
        conn.execute(
            f"INSERT INTO enterprises ({', '.join(values)}) VALUES ({', '.join('?' for _ in values)})",
            list(values.values()),
        )


def update(db: Database, enterprise_id: str, changes: EnterpriseChanges) -> None:
    db.update_row(
        "enterprises",
        enterprise_id,
        {c: v for c, v in changes.items() if c in EDITABLE or c in ("updated_at", "name_pinyin")},
    )


def without_pinyin(db: Database) -> list[records.EnterpriseName]:
    return db.query_as(records.EnterpriseName, "SELECT id, name FROM enterprises WHERE name_pinyin = ''")


def set_pinyin(db: Database, keys: dict[str, str]) -> None:
    with db.write() as conn:
        conn.executemany("UPDATE enterprises SET name_pinyin = ? WHERE id = ?", [(v, k) for k, v in keys.items()])


def get(db: Database, enterprise_id: str) -> records.Enterprise | None:
    return db.query_one_as(records.Enterprise, "SELECT * FROM enterprises WHERE id = ?", [enterprise_id])


def by_credit_code(db: Database, code: str) -> records.Enterprise | None:
    return db.query_one_as(records.Enterprise, "SELECT * FROM enterprises WHERE credit_code = ?", [code])


def count(db: Database) -> int:
    return int(db.scalar("SELECT count(*) FROM enterprises WHERE archived = 0"))


def search(
    db: Database,
    *,
    today: str,
    query: str = "",
    include_archived: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[records.EnterpriseListed]:
    """Enterprises with open and overdue findings and last visit, matching every term of `query`."""
    clauses, params = ["1"], []
    for term in query.split():
        condition, term_params = text_condition("e", "enterprises_fts", ("name", "credit_code", "address"), term)
        if looks_like_pinyin(term):
            condition = f"({condition} OR e.name_pinyin LIKE ?)"
            term_params.append(f"%{term.lower()}%")
        clauses.append(condition)
        params += term_params
    where = " AND ".join(clauses)
    if not include_archived:
        where += " AND e.archived = 0"
    sql = f"""
        SELECT e.*,
            (SELECT count(*) FROM findings f
              WHERE f.enterprise_id = e.id AND f.status NOT IN {_CLOSED}) AS open_findings,
            (SELECT count(*) FROM findings f
              WHERE f.enterprise_id = e.id AND f.status NOT IN {_CLOSED} AND f.deadline < ?) AS overdue_findings,
            (SELECT v.started_at FROM visits v WHERE v.enterprise_id = e.id
              ORDER BY v.started_at DESC LIMIT 1) AS last_visit_at
        FROM enterprises e
        WHERE {where}
        ORDER BY e.name
    """
    all_params: list[Any] = [today, *params]
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        all_params += [limit, offset]
    return db.query_as(records.EnterpriseListed, sql, all_params)
