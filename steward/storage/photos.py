"""Photo rows (one per distinct content) and their links to visits, items, findings and events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from steward.storage import records
from steward.storage.database import Database

if TYPE_CHECKING:
    from steward.storage.photo_processing import PreparedPhoto
    from steward.storage.photo_store import PhotoStore


def row_for(prepared: PreparedPhoto, imported_at: str) -> records.Photo:
    return {
        "sha256": prepared.sha256,
        "original_name": prepared.original_name,
        "original_ext": prepared.ext,
        "format": prepared.format,
        "bytes": prepared.size_bytes,
        "width": prepared.width,
        "height": prepared.height,
        "taken_at": prepared.taken_at,
        "gps_lat": prepared.gps_lat,
        "gps_lon": prepared.gps_lon,
        "imported_at": imported_at,
        "original_present": 1,
    }


def known_hashes(db: Database) -> set[str]:
    return {r["sha256"] for r in db.query("SELECT sha256 FROM photos")}


def hashes_in_visit(db: Database, visit_id: str) -> set[str]:
    """Every photo already linked anywhere in the visit (items, findings, re-checks, not yet assigned)."""
    rows = db.query(
        """SELECT l.sha256 FROM photo_links l LEFT JOIN finding_events e ON e.id = l.event_id
           WHERE l.visit_id = ? OR e.visit_id = ?""",
        [visit_id, visit_id],
    )
    return {r["sha256"] for r in rows}


def get(db: Database, sha256: str) -> records.Photo | None:
    return db.query_one_as(records.Photo, "SELECT * FROM photos WHERE sha256 = ?", [sha256])


def insert_with_link(db: Database, photo: Mapping[str, Any] | None, link: records.PhotoLink) -> None:
    """The photo row (if new) and its link in one transaction: after a crash, both or neither."""
    with db.write() as conn:
        if photo is not None:
            names = list(photo)
            conn.execute(
                f"INSERT INTO photos ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)}) "
                "ON CONFLICT(sha256) DO NOTHING",
                list(photo.values()),
            )
        db.insert("photo_links", link)


def link(db: Database, link_row: records.PhotoLink) -> None:
    with db.write():
        db.insert("photo_links", link_row)


def get_link(db: Database, link_id: str) -> records.PhotoLink | None:
    return db.query_one_as(records.PhotoLink, "SELECT * FROM photo_links WHERE id = ?", [link_id])


def delete_link(db: Database, link_id: str) -> None:
    with db.write() as conn:
        conn.execute("DELETE FROM photo_links WHERE id = ?", [link_id])


def links_for(
    db: Database,
    *,
    visit_id: str | None = None,
    item_id: str | None = None,
    finding_id: str | None = None,
    event_id: str | None = None,
) -> list[records.LinkedPhoto]:
    where, params = [], []
    for column, value in (
        ("visit_id", visit_id),
        ("item_id", item_id),
        ("finding_id", finding_id),
        ("event_id", event_id),
    ):
        if value is not None:
            where.append(f"l.{column} = ?")
            params.append(value)
    return db.query_as(
        records.LinkedPhoto,
        f"""SELECT l.*, p.original_ext, p.width, p.height, p.taken_at, p.gps_lat, p.gps_lon, p.original_name
            FROM photo_links l JOIN photos p ON p.sha256 = l.sha256
            WHERE {" AND ".join(where) or "1"} ORDER BY l.created_at, l.id""",
        params,
    )


def unassigned_in_visit(db: Database, visit_id: str) -> list[records.LinkedPhoto]:
    """Photos imported into a visit (a camera folder) but not yet given to an item or a finding."""
    return db.query_as(
        records.LinkedPhoto,
        """SELECT l.*, p.original_ext, p.width, p.height, p.taken_at, p.gps_lat, p.gps_lon, p.original_name
           FROM photo_links l JOIN photos p ON p.sha256 = l.sha256
           WHERE l.visit_id = ? AND l.item_id IS NULL AND l.finding_id IS NULL AND l.event_id IS NULL
           ORDER BY p.taken_at, l.created_at""",
        [visit_id],
    )


def assign(db: Database, link_id: str, item_id: str | None, finding_id: str | None) -> None:
    db.update_row("photo_links", link_id, {"item_id": item_id, "finding_id": finding_id})


def attach_item_photos_to_finding(db: Database, visit_id: str, item_id: str, finding_id: str) -> None:
    with db.write() as conn:
        conn.execute(
            "UPDATE photo_links SET finding_id = ? WHERE visit_id = ? AND item_id = ? AND finding_id IS NULL",
            [finding_id, visit_id, item_id],
        )


def all_photos(db: Database) -> list[records.PhotoFile]:
    return db.query_as(records.PhotoFile, "SELECT sha256, original_ext, original_present FROM photos")


def referenced_blobs(db: Database) -> list[tuple[str, str, str]]:
    """(kind, owner id, sha256) of every file under blobs/ that a row names: signature images, the PDFs
    archived when a visit was finished and marked copies of photos (every one ever made: documents printed them)."""
    return [
        (r["kind"], r["owner"], r["sha256"])
        for r in db.query(
            "SELECT 'signature' AS kind, id AS owner, image_sha256 AS sha256 FROM signatures "
            "WHERE image_sha256 IS NOT NULL "
            "UNION ALL SELECT 'document', id, sha256 FROM documents "
            "UNION ALL SELECT 'markup', sha256, marked_sha256 FROM photo_markup WHERE marked_sha256 IS NOT NULL"
        )
    ]


def referenced_blob_hashes(db: Database) -> set[str]:
    return {sha for _kind, _owner, sha in referenced_blobs(db)}


def set_original_present(db: Database, sha256: str, present: bool) -> None:
    with db.write() as conn:
        conn.execute("UPDATE photos SET original_present = ? WHERE sha256 = ?", [1 if present else 0, sha256])


def keep_rendition(photos: PhotoStore, sha256: str, jpeg: bytes) -> None:
    """A report rendition made elsewhere (a colleague's photo, from the hub) and its thumbnail, written whole. Raises
    ValueError for bytes that are no picture (nothing is written then)."""
    from steward.storage.blob_files import atomic_write
    from steward.storage.photo_processing import thumb_of

    thumb = thumb_of(jpeg)
    atomic_write(photos.rendition_path(sha256), jpeg)
    atomic_write(photos.thumb_path(sha256), thumb)
