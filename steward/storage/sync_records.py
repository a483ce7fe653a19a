"""The laptop's side of sync in SQL: what is not yet on the hub, what the hub acknowledged, and applying what
others pushed. A record counts as synced only once its (entity, id, content hash) is in sync_acks."""

from __future__ import annotations

import json
import sqlite3
import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TypedDict, cast

from steward.domain.errors import StewardError
from steward.storage import records
from steward.storage.database import Database


class NotApplied(StewardError):
    """A pulled record this laptop cannot store (a field missing or of the wrong type, an unknown reference)."""


# What a pulled body holds is anything JSON can say (`object`) until `schema_row` has read it: then it is a row of one
# of our tables, each value of its column's declared type. Which columns depends on the table (read from the schema).
Column = str | int | float | None
Row = dict[str, Column]


class ColleaguePhoto(TypedDict):
    """A colleague's photo as its record gives it (checked by `schema_photo`): a `photos` row but for
    original_present (never here: only its report rendition is pulled)."""

    sha256: str
    original_name: str
    original_ext: str
    format: str
    bytes: int
    width: int
    height: int
    taken_at: str | None
    gps_lat: float | None
    gps_lon: float | None
    imported_at: str


class ColleaguePhotoLink(TypedDict):
    """The link of a colleague's photo to the finding of their visit it shows (a `photo_links` row)."""

    id: str
    sha256: str
    visit_id: str
    finding_id: str
    caption: str
    created_at: str


def acked(db: Database, entity: str) -> dict[str, str]:
    return {
        r[0]: r[1] for r in db.conn.execute("SELECT entity_id, content_hash FROM sync_acks WHERE entity = ?", [entity])
    }


def mark_acked(db: Database, rows: list[tuple[str, str, str]], at: str) -> None:
    with db.write() as conn:
        conn.executemany(
            "INSERT INTO sync_acks (entity, entity_id, content_hash, acked_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (entity, entity_id) DO UPDATE SET content_hash = excluded.content_hash, acked_at = excluded.acked_at",
            [(e, i, h, at) for e, i, h in rows],
        )
        # Kept at last (sent again after a change, or the hub's rules changed): no longer a refusal.
        conn.executemany("DELETE FROM sync_refusals WHERE entity = ? AND entity_id = ?", [(e, i) for e, i, _h in rows])


# Refusals because a record the refused one needs was not on the hub yet: worth one more try once something new
# has been acknowledged since (the missing record may have been it), not at every sync.
_WAITING_CODES = (
    "unknown_visit",
    "unknown_finding",
    "unknown_event",
    "unknown_photo",
    "unknown_enterprise",
    "unknown_record",
)


def mark_refused(db: Database, rows: list[records.RefusalToKeep], at: str) -> None:
    with db.write() as conn:
        conn.executemany(
            "INSERT INTO sync_refusals (entity, entity_id, content_hash, code, zh, en, refused_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (entity, entity_id) DO UPDATE SET "
            "content_hash = excluded.content_hash, code = excluded.code, zh = excluded.zh, en = excluded.en, "
            "refused_at = excluded.refused_at",
            [(r["entity"], r["id"], r["hash"], r["code"], r["zh"], r["en"], at) for r in rows],
        )


def refusals(db: Database) -> list[records.Refusal]:
    """Every remembered refusal, oldest first."""
    return db.query_as(
        records.Refusal,
        """SELECT r.entity, r.entity_id AS id, r.content_hash AS hash, r.code, r.zh, r.en, r.refused_at,
                  r.code IN (?, ?, ?, ?, ?, ?)
                  AND EXISTS (SELECT 1 FROM sync_acks a WHERE a.acked_at > r.refused_at) AS retry
           FROM sync_refusals r ORDER BY r.refused_at, r.entity, r.entity_id""",
        list(_WAITING_CODES),
    )


def forget_refusals(db: Database) -> int:
    """Send every refused record again at the next sync (after the hub's administrator changed something)."""
    with db.write() as conn:
        return conn.execute("DELETE FROM sync_refusals").rowcount


def cursor(db: Database, stream: str) -> int:
    value = db.scalar("SELECT cursor FROM sync_cursors WHERE stream = ?", [stream])
    return int(value) if value else 0


def set_cursor(db: Database, stream: str, value: int, at: str) -> None:
    with db.write() as conn:
        conn.execute(
            "INSERT INTO sync_cursors VALUES (?, ?, ?) ON CONFLICT(stream) DO UPDATE SET "
            "cursor = excluded.cursor, updated_at = excluded.updated_at",
            [stream, str(value), at],
        )


ORIGIN_HUB = "hub"  # visits.origin of a colleague's visit pulled from the hub; one made here is 'here' (the default)


# -- what the laptop has to send ------------------------------------------------------------------------------
def enterprises(db: Database) -> list[records.Enterprise]:
    return db.query_as(records.Enterprise, "SELECT * FROM enterprises")


def finished_visits(db: Database) -> list[records.Visit]:
    """This laptop's own finished visits (never a colleague's, pulled from the hub)."""
    return db.query_as(
        records.Visit, "SELECT * FROM visits WHERE status = 'finished' AND origin = 'here' ORDER BY started_at"
    )


def templates_by_id(db: Database, ids: set[str]) -> list[records.TemplateWithItems]:
    if not ids:
        return []
    rows = db.query_as(
        records.Template, f"SELECT * FROM templates WHERE id IN ({', '.join('?' for _ in ids)})", list(ids)
    )
    sql = "SELECT * FROM template_items WHERE template_id = ? ORDER BY position"
    return [{**row, "items": db.query_as(records.TemplateItem, sql, [row["id"]])} for row in rows]


def visit_parts(db: Database, visit_id: str) -> records.VisitParts:
    return {
        "items": db.query_as(
            records.ItemPosition,
            "SELECT item_id, position FROM visit_items WHERE visit_id = ? ORDER BY position",
            [visit_id],
        ),
        "answers": db.query_as(records.Answer, "SELECT * FROM answers WHERE visit_id = ? ORDER BY item_id", [visit_id]),
    }


def findings_of_finished_visits(db: Database) -> list[records.FindingAsRecorded]:
    """The finding records, each with its own deadline: one a later 部分整改 agreed travels on that event."""
    return db.query_as(
        records.FindingAsRecorded,
        """SELECT f.id, f.enterprise_id, f.visit_id, f.item_id, f.location, f.description, f.basis, f.severity,
                  f.requirement, coalesce(f.original_deadline, f.deadline) AS deadline, f.created_at, f.created_by
           FROM findings f JOIN visits v ON v.id = f.visit_id WHERE v.status = 'finished' AND v.origin = 'here'
           ORDER BY f.created_at""",
    )


def events_ready(db: Database) -> list[records.FindingEvent]:
    """Events outside a visit, or in a finished one."""
    return db.query_as(
        records.FindingEvent,
        """SELECT e.* FROM finding_events e LEFT JOIN visits v ON v.id = e.visit_id
           WHERE e.visit_id IS NULL OR v.status = 'finished' ORDER BY e.at, e.id""",
    )


def photo_links_ready(db: Database) -> list[records.PhotoLink]:
    return db.query_as(
        records.PhotoLink,
        """SELECT l.* FROM photo_links l
           LEFT JOIN visits v ON v.id = l.visit_id
           LEFT JOIN finding_events e ON e.id = l.event_id
           LEFT JOIN visits ev ON ev.id = e.visit_id
           WHERE (l.visit_id IS NULL OR (v.status = 'finished' AND v.origin = 'here'))
             AND (l.event_id IS NULL OR e.visit_id IS NULL OR ev.status = 'finished')
           ORDER BY l.created_at""",
    )


def photos_by_sha(db: Database, hashes: set[str]) -> list[records.Photo]:
    if not hashes:
        return []
    return db.query_as(
        records.Photo, f"SELECT * FROM photos WHERE sha256 IN ({', '.join('?' for _ in hashes)})", list(hashes)
    )


def photo_files(db: Database, hashes: set[str]) -> list[records.PhotoUpload]:
    """Where each photo's original is and whether it is still on this laptop."""
    if not hashes:
        return []
    marks = ", ".join("?" for _ in hashes)
    return db.query_as(
        records.PhotoUpload,
        f"SELECT sha256, original_ext, bytes, original_present FROM photos WHERE sha256 IN ({marks})",
        list(hashes),
    )


def signatures_of_finished_visits(db: Database) -> list[records.Signature]:
    return db.query_as(
        records.Signature,
        "SELECT s.* FROM signatures s JOIN visits v ON v.id = s.visit_id "
        "WHERE v.status = 'finished' AND v.origin = 'here'",
    )


def documents(db: Database) -> list[records.Document]:
    """PDFs of this laptop's own visits (an older version rendered colleagues' too: those never travel)."""
    return db.query_as(
        records.Document,
        "SELECT d.* FROM documents d JOIN visits v ON v.id = d.visit_id WHERE v.origin = 'here' ORDER BY d.created_at",
    )


def own_enterprise_events(db: Database) -> list[records.EnterpriseEventFields]:
    """Complaint, penalty and hazardous-waste records entered on this laptop, tombstones included (a delete travels
    as the record's last revision), without their origin (always here). Records pulled from the hub are never pushed
    back."""
    names = ", ".join(records.EnterpriseEventFields.__annotations__)
    return db.query_as(
        records.EnterpriseEventFields,
        f"SELECT {names} FROM enterprise_events WHERE origin = 'here' ORDER BY created_at, id",
    )


def enterprise_event_revision(db: Database, event_id: str) -> tuple[int, str] | None:
    """(revision, origin) of a record here, or None."""
    row = db.conn.execute("SELECT revision, origin FROM enterprise_events WHERE id = ?", [event_id]).fetchone()
    return (int(row[0]), str(row[1])) if row else None


def put_pulled_enterprise_event(db: Database, body: Mapping[str, object]) -> None:
    """A record from the hub, new here or a later revision of one pulled before (an edit, or a delete's tombstone)."""
    row = schema_row(db, "enterprise_events", {**body, "origin": ORIGIN_HUB})
    names = list(row)
    updates = ", ".join(f'"{n}" = excluded."{n}"' for n in names if n != "id")
    with db.write() as conn:
        conn.execute(
            f"INSERT INTO enterprise_events ({_quoted(names)}) VALUES ({', '.join('?' for _ in names)}) "
            f"ON CONFLICT(id) DO UPDATE SET {updates}",
            [row[n] for n in names],
        )


def audit_entries(db: Database) -> list[records.AuditRow]:
    """Amendments of visits. The audit of an edited or deleted complaint/penalty record has no visit, which the
    hub's owner rule refuses ("no_visit"); it stays here until the hub carries enterprise events and their owner."""
    return db.query_as(records.AuditRow, "SELECT * FROM audit_log WHERE entity != 'enterprise_event' ORDER BY at, id")


# -- applying what others pushed -------------------------------------------------------------------------------
def exists(db: Database, table: str, key: str, value: str) -> bool:
    return db.scalar(f"SELECT 1 FROM {table} WHERE {key} = ?", [value]) is not None


def prunable_originals(db: Database, before: str) -> list[records.PhotoOriginal]:
    """Photos whose file the hub acknowledged and whose every link belongs to a finished visit acknowledged by
    the hub and finished before `before`. Links outside a visit (rectification photos) keep their original."""
    return db.query_as(
        records.PhotoOriginal,
        """SELECT p.sha256, p.original_ext FROM photos p
           WHERE p.original_present = 1
             AND EXISTS (SELECT 1 FROM sync_acks a WHERE a.entity = 'blob' AND a.entity_id = p.sha256)
             AND EXISTS (SELECT 1 FROM photo_links l WHERE l.sha256 = p.sha256)
             AND NOT EXISTS (
               SELECT 1 FROM photo_links l LEFT JOIN visits v ON v.id = l.visit_id
               WHERE l.sha256 = p.sha256 AND (
                 v.id IS NULL OR v.status != 'finished' OR v.finished_at >= ?
                 OR NOT EXISTS (SELECT 1 FROM sync_acks a WHERE a.entity = 'visit' AND a.entity_id = v.id)
                 OR NOT EXISTS (SELECT 1 FROM sync_acks a WHERE a.entity = 'photo_link' AND a.entity_id = l.id)))""",
        [before],
    )


def version_taken(db: Database, code: str, version: int) -> bool:
    return db.scalar("SELECT 1 FROM templates WHERE code = ? AND version = ?", [code, version]) is not None


def next_version(db: Database, code: str) -> int:
    return int(db.scalar("SELECT coalesce(max(version), 0) + 1 FROM templates WHERE code = ?", [code]))


def enterprise_row(db: Database, enterprise_id: str) -> records.Enterprise | None:
    return db.query_one_as(records.Enterprise, "SELECT * FROM enterprises WHERE id = ?", [enterprise_id])


def enterprise_id_by_code(db: Database, code: str) -> str | None:
    found: str | None = db.scalar("SELECT id FROM enterprises WHERE credit_code = ?", [code])
    return found


# Tables a pulled record may be written into. Their columns are read from the schema itself: the names in SQL are
# always ours, never keys of a record (a colleague's laptop or a damaged hub could send any key).
PULLED_TABLES = frozenset(
    {
        "enterprises",
        "templates",
        "template_items",
        "visits",
        "visit_items",
        "answers",
        "findings",
        "finding_events",
        "enterprise_events",
    }
)


# The columns of each table pulled records go to, read once per open database: a profile's schema changes only when
# it is opened (its migrations run then). A new laptop's first pull checks some 450,000 rows (a year of an office's
# visits with their answers), and reading the schema again for each took longer than checking the row.
_COLUMNS: weakref.WeakKeyDictionary[Database, dict[str, list[tuple[str, str, bool, bool]]]] = (
    weakref.WeakKeyDictionary()
)


def _columns(db: Database, table: str) -> list[tuple[str, str, bool, bool]]:
    """(name, declared type, required, primary key) of each column, read from the schema."""
    if table not in PULLED_TABLES:
        raise ValueError(f"not a table pulled records are written to: {table}")
    known = _COLUMNS.setdefault(db, {})
    columns = known.get(table)
    if columns is None:
        columns = known[table] = [
            (r[1], str(r[2]).upper(), bool(r[3]) and r[4] is None, bool(r[5]))
            for r in db.conn.execute(f"PRAGMA table_info({table})")
        ]
    return columns


def _fits(declared: str, value: object) -> bool:
    if declared == "TEXT":
        return isinstance(value, str)
    if declared == "INTEGER":
        return isinstance(value, int)
    if declared == "REAL":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, str | int | float)


def schema_row(db: Database, table: str, body: object) -> Row:
    """The body's values for the table's own columns, each checked against the schema (present when required, of
    the column's type); any other field is dropped. Raises NotApplied naming the field."""
    if not isinstance(body, dict):
        raise NotApplied("记录内容不是对象。", "The record's body is not an object.")
    row: Row = {}
    for name, declared, required, key in _columns(db, table):
        value = body.get(name)
        if value is None:
            if required or key:
                raise NotApplied(f"缺少必填字段“{name}”。", f"The required field '{name}' is missing.")
            if name in body:
                row[name] = None
            continue
        if not _fits(declared, value):
            raise NotApplied(f"字段“{name}”的类型不对。", f"The field '{name}' has the wrong type.")
        row[name] = value
    return row


@contextmanager
def one_record(db: Database) -> Iterator[None]:
    """Apply one pulled record whole or not at all (a savepoint inside the page's transaction). A database error
    becomes NotApplied; the page's other records stay."""
    conn = db.conn
    conn.execute("SAVEPOINT pulled_record")
    try:
        yield
    except BaseException as exc:
        conn.execute("ROLLBACK TO pulled_record")
        conn.execute("RELEASE pulled_record")
        if isinstance(exc, sqlite3.Error):
            raise NotApplied(f"本机数据库不接受这条记录({exc})。", f"The database refused the record ({exc}).") from exc
        raise
    else:
        conn.execute("RELEASE pulled_record")


def _quoted(names: list[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def upsert_enterprise(db: Database, body: Mapping[str, object]) -> None:
    row = schema_row(db, "enterprises", body)
    names = list(row)
    updates = ", ".join(f'"{n}" = excluded."{n}"' for n in names if n != "id")
    with db.write() as conn:
        conn.execute(
            f"INSERT INTO enterprises ({_quoted(names)}) VALUES ({', '.join('?' for _ in names)}) "
            f"ON CONFLICT(id) DO UPDATE SET {updates}",
            [row[n] for n in names],
        )


def insert_ignore(db: Database, table: str, rows: Sequence[Mapping[str, object]]) -> None:
    with db.write() as conn:
        for body in rows:
            row = schema_row(db, table, body)
            names = list(row)
            conn.execute(
                f"INSERT INTO {table} ({_quoted(names)}) VALUES ({', '.join('?' for _ in names)}) "
                "ON CONFLICT DO NOTHING",
                [row[n] for n in names],
            )


def pulled_visit(db: Database, visit_id: str) -> bool:
    """Whether this visit is a colleague's, pulled from the hub (only those take amendments from the hub)."""
    return db.scalar("SELECT 1 FROM visits WHERE id = ? AND origin = ?", [visit_id, ORIGIN_HUB]) is not None


def put_amended_answers(db: Database, rows: Sequence[Mapping[str, object]]) -> int:
    """A colleague's amended answers: each replaces the one of its item (result, note, when). Returns how many
    changed."""
    changed = 0
    with db.write() as conn:
        for body in rows:
            row = schema_row(db, "answers", body)
            cur = conn.execute(
                """INSERT INTO answers (id, visit_id, item_id, result, note, updated_at)
                   VALUES (:id, :visit_id, :item_id, :result, :note, :updated_at)
                   ON CONFLICT (visit_id, item_id) DO UPDATE SET
                     result = excluded.result, note = excluded.note, updated_at = excluded.updated_at
                   WHERE answers.result IS NOT excluded.result OR answers.note IS NOT excluded.note""",
                {"result": None, "note": "", **row},
            )
            changed += cur.rowcount
    return changed


AMENDED_FINDING_COLUMNS = ("location", "description", "basis", "severity", "requirement", "original_deadline")


def amend_pulled_finding(db: Database, finding_id: str, values: Mapping[str, Column]) -> bool:
    """A colleague's amended finding: what it says and its own deadline (the one due follows from its events).
    Returns whether anything changed."""
    names = [n for n in AMENDED_FINDING_COLUMNS if n in values]
    current = db.query_one(f"SELECT {', '.join(names)} FROM findings WHERE id = ?", [finding_id]) if names else None
    if current is None or all(current[n] == values[n] for n in names):
        return False
    with db.write() as conn:
        conn.execute(
            f"UPDATE findings SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?",
            [*(values[n] for n in names), finding_id],
        )
    return True


def _enterprise_references(db: Database) -> list[str]:
    """Our tables with an enterprise_id column (read from the schema, never from data)."""
    tables = [r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return [
        t
        for t in tables
        if t != "enterprises" and any(c[1] == "enterprise_id" for c in db.conn.execute(f'PRAGMA table_info("{t}")'))
    ]


def merge_enterprise(
    db: Database, old_id: str, row: Row, kept: Mapping[str, Column], replaced: Mapping[str, Column], at: str
) -> None:
    """Merge the laptop's enterprise `old_id` into the hub's (`row`, same credit code, the hub's id): every record
    of ours that names it is re-pointed, the old row goes, and what it said is kept in enterprise_merges: `kept`,
    the laptop's values for fields the hub's lacked (already in `row`), and `replaced`, the laptop's values the
    hub's replaced."""
    with db.write() as conn:
        # The old row steps aside for the new one (credit codes are unique) until nothing names it any more.
        conn.execute("UPDATE enterprises SET credit_code = ? WHERE id = ?", [f"merged:{old_id}", old_id])
        upsert_enterprise(db, row)
        for table in _enterprise_references(db):
            conn.execute(f'UPDATE "{table}" SET enterprise_id = ? WHERE enterprise_id = ?', [row["id"], old_id])
        conn.execute("UPDATE enterprise_merges SET new_id = ? WHERE new_id = ?", [row["id"], old_id])
        conn.execute("DELETE FROM enterprises WHERE id = ?", [old_id])
        conn.execute(
            "INSERT INTO enterprise_merges VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (old_id) DO NOTHING",
            [old_id, row["id"], row["credit_code"], at, dumps(kept), dumps(replaced)],
        )


def kept_after_merge(db: Database, enterprise_id: str) -> Row:
    """The fields the laptop's own row had and the hub's lacked when they were merged (kept at every later pull
    while the hub's stays empty)."""
    kept: Row = {}
    for r in db.conn.execute("SELECT kept FROM enterprise_merges WHERE new_id = ? ORDER BY merged_at", [enterprise_id]):
        kept |= json.loads(r[0])
    return kept


def merges_into(db: Database, enterprise_id: str) -> list[records.EnterpriseMerge]:
    """The laptop's own enterprises merged into this one at pulls, oldest first: each one's old id, when, and the
    values of its own that the hub's replaced (its name among them when the names differed)."""
    return [
        {"old_id": str(r[0]), "merged_at": str(r[1]), "replaced": json.loads(r[2])}
        for r in db.conn.execute(
            "SELECT old_id, merged_at, replaced FROM enterprise_merges WHERE new_id = ? ORDER BY merged_at, old_id",
            [enterprise_id],
        )
    ]


def merged_into(db: Database, enterprise_id: str) -> str:
    """The enterprise an id now stands for: the hub's, when the laptop's was merged into it."""
    found = db.scalar("SELECT new_id FROM enterprise_merges WHERE old_id = ?", [enterprise_id])
    return str(found) if found else enterprise_id


def put_colleague_photo(db: Database, photo: Mapping[str, object], link: ColleaguePhotoLink) -> bool:
    """A colleague's photo of an open finding, pulled for re-check: the photo's row (no original here, only its
    report rendition) and its link to the finding on the colleague's visit (never pushed: the visit is not ours).
    Returns whether the link is new."""
    row = schema_photo(photo)
    with db.write() as conn:
        conn.execute(
            "INSERT INTO photos (sha256, original_name, original_ext, format, bytes, width, height, taken_at, gps_lat, "
            "gps_lon, imported_at, original_present) VALUES (:sha256, :original_name, :original_ext, :format, :bytes, "
            ":width, :height, :taken_at, :gps_lat, :gps_lon, :imported_at, 0) ON CONFLICT (sha256) DO NOTHING",
            row,
        )
        cur = conn.execute(
            "INSERT INTO photo_links (id, sha256, visit_id, finding_id, caption, created_at) "
            "VALUES (:id, :sha256, :visit_id, :finding_id, :caption, :created_at) ON CONFLICT (id) DO NOTHING",
            link,
        )
    return cur.rowcount == 1


def schema_photo(photo: Mapping[str, object]) -> ColleaguePhoto:
    """A photo record's fields, each of its column's type (NotApplied names the one that is not)."""
    types: dict[str, tuple[type[str | int | float], ...]] = {
        "sha256": (str,),
        "original_name": (str,),
        "original_ext": (str,),
        "format": (str,),
        "bytes": (int,),
        "width": (int,),
        "height": (int,),
        "imported_at": (str,),
    }
    optional: dict[str, tuple[type[str | int | float], ...]] = {
        "taken_at": (str,),
        "gps_lat": (int, float),
        "gps_lon": (int, float),
    }
    row: Row = {}
    for name, kinds in (types | optional).items():
        value = photo.get(name)
        if value is None and name in optional:
            row[name] = None
        elif isinstance(value, kinds) and not isinstance(value, bool):
            row[name] = value
        else:
            raise NotApplied(f"照片记录的字段“{name}”不对。", f"The photo's field '{name}' is not valid.")
    return cast(ColleaguePhoto, row)  # every field checked above, against its column's type


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
