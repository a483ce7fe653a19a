"""Photo markup rows: added, never changed; the newest per photo is the markup in force."""

from __future__ import annotations

from steward.storage import records
from steward.storage.database import Database


def current(db: Database, sha256: str) -> records.PhotoMarkup | None:
    return db.query_one_as(
        records.PhotoMarkup,
        "SELECT * FROM photo_markup WHERE sha256 = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
        [sha256],
    )


def add(db: Database, row: records.PhotoMarkup) -> None:
    with db.write():
        db.insert("photo_markup", row)


def visits_showing(db: Database, sha256: str) -> list[records.Visit]:
    """Every visit the photo appears in: linked to the visit itself or to a re-check event made on it."""
    return db.query_as(
        records.Visit,
        """SELECT DISTINCT v.* FROM photo_links l LEFT JOIN finding_events e ON e.id = l.event_id
           JOIN visits v ON v.id = COALESCE(l.visit_id, e.visit_id)
           WHERE l.sha256 = ? ORDER BY v.started_at, v.id""",
        [sha256],
    )
