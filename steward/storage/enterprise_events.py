"""Complaints, penalties and hazardous-waste violations recorded against an enterprise (the rating's other facts).

A record is edited in place with its `revision` raised, and deleted by a tombstone (deleted = 1, revision raised):
sync carries the newest revision of each id, and every listing here leaves tombstones out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

from steward.storage import records
from steward.storage.database import Database

# What a steward may change on a record; the rest (id, enterprise, kind, who made it and when) stays as made.
EDITABLE = ("on_date", "source", "authority", "number", "substantiated", "note")


class EventDetails(TypedDict):
    """What a steward typed of a record, as stored (the EDITABLE columns)."""

    on_date: str
    source: str
    authority: str
    number: str
    substantiated: int
    note: str


class NewEvent(EventDetails):
    """A new record: whose, what kind, who made it and when; revision 1, not deleted, made here."""

    id: str
    enterprise_id: str
    kind: str
    created_at: str
    created_by: str


def insert(db: Database, row: NewEvent) -> None:
    with db.write():
        db.insert("enterprise_events", row)


def get(db: Database, record_id: str) -> records.EnterpriseEventOfEnterprise | None:
    """One record, a tombstone too (the caller says what a deleted one means to it)."""
    return db.query_one_as(
        records.EnterpriseEventOfEnterprise,
        """SELECT r.*, e.name AS enterprise_name FROM enterprise_events r JOIN enterprises e ON e.id = r.enterprise_id
           WHERE r.id = ?""",
        [record_id],
    )


def update(db: Database, record_id: str, changes: Mapping[str, object], revision: int, at: str, by: str) -> bool:
    """Apply `changes` (EDITABLE fields only) if the record is still at `revision` and not deleted; False if not."""
    fields = [name for name in EDITABLE if name in changes]
    assignments = "".join(f"{name} = :{name}, " for name in fields)
    with db.write() as conn:
        done = conn.execute(
            f"UPDATE enterprise_events SET {assignments}revision = revision + 1, updated_at = :at, updated_by = :by "
            "WHERE id = :id AND revision = :revision AND deleted = 0",
            {**{name: changes[name] for name in fields}, "at": at, "by": by, "id": record_id, "revision": revision},
        )
        return done.rowcount == 1


def mark_deleted(db: Database, record_id: str, revision: int, at: str, by: str) -> bool:
    with db.write() as conn:
        done = conn.execute(
            "UPDATE enterprise_events SET deleted = 1, revision = revision + 1, updated_at = ?, updated_by = ? "
            "WHERE id = ? AND revision = ? AND deleted = 0",
            [at, by, record_id, revision],
        )
        return done.rowcount == 1


def listing(db: Database, enterprise_id: str | None = None) -> list[records.EnterpriseEventOfEnterprise]:
    return db.query_as(
        records.EnterpriseEventOfEnterprise,
        """SELECT r.*, e.name AS enterprise_name FROM enterprise_events r JOIN enterprises e ON e.id = r.enterprise_id
           WHERE r.deleted = 0 AND (:enterprise IS NULL OR r.enterprise_id = :enterprise) ORDER BY r.on_date, r.id""",
        {"enterprise": enterprise_id},
    )
