"""The schema, only ever changed by appending a named migration here. Never edit one that has shipped.

Migrations are applied by sqlite-utils' Migrations (recorded in _sqlite_migrations, each in its own transaction).
sqlite-utils is imported only when one is pending: an up-to-date profile opens without paying for its import.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

MIGRATION_SET = "steward"
_STEPS: list[tuple[str, Callable[[Database], None]]] = []


def migration(name: str) -> Callable[[Callable[[Database], None]], Callable[[Database], None]]:
    def register(fn: Callable[[Database], None]) -> Callable[[Database], None]:
        _STEPS.append((name, fn))
        return fn

    return register


def known_names() -> list[str]:
    return [name for name, _ in _STEPS]


def apply_pending(conn: sqlite3.Connection) -> None:
    import sqlite_utils

    migrations = sqlite_utils.Migrations(MIGRATION_SET)
    for name, fn in _STEPS:
        migrations(name=name)(fn)
    migrations.apply(sqlite_utils.Database(conn, execute_plugins=False))


_SCHEMA_0001 = """
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE enterprises (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    credit_code TEXT NOT NULL UNIQUE,
    industry TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    legal_representative TEXT NOT NULL DEFAULT '',
    contact_person TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    policy_number TEXT NOT NULL DEFAULT '',
    insurer TEXT NOT NULL DEFAULT '',
    park TEXT NOT NULL DEFAULT '',
    template_code TEXT NOT NULL DEFAULT '',
    archived INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX enterprises_name ON enterprises(name);

CREATE TABLE templates (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    version INTEGER NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    industry_zh TEXT NOT NULL DEFAULT '',
    industry_en TEXT NOT NULL DEFAULT '',
    deadline_major INTEGER NOT NULL,
    deadline_serious INTEGER NOT NULL,
    deadline_general INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    imported_at TEXT NOT NULL,
    UNIQUE (code, version)
);

CREATE TABLE template_items (
    id TEXT PRIMARY KEY,
    template_id TEXT NOT NULL REFERENCES templates(id),
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    category_code TEXT NOT NULL,
    category_zh TEXT NOT NULL,
    category_en TEXT NOT NULL DEFAULT '',
    text_zh TEXT NOT NULL,
    text_en TEXT NOT NULL DEFAULT '',
    basis TEXT NOT NULL DEFAULT '',
    severity TEXT NOT NULL CHECK (severity IN ('major', 'serious', 'general')),
    guidance TEXT NOT NULL DEFAULT '',
    UNIQUE (template_id, code)
);

CREATE TABLE visits (
    id TEXT PRIMARY KEY,
    enterprise_id TEXT NOT NULL REFERENCES enterprises(id),
    template_id TEXT NOT NULL REFERENCES templates(id),
    steward TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('first', 'routine', 'special', 'complaint', 'recheck')),
    status TEXT NOT NULL CHECK (status IN ('in_progress', 'finished')),
    started_at TEXT NOT NULL,
    finished_at TEXT,
    notice_number TEXT,
    summary TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
CREATE INDEX visits_enterprise ON visits(enterprise_id, started_at);
CREATE INDEX visits_status ON visits(status);

-- The items a visit covers (a routine visit may take a subset of the template).
CREATE TABLE visit_items (
    visit_id TEXT NOT NULL REFERENCES visits(id),
    item_id TEXT NOT NULL REFERENCES template_items(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (visit_id, item_id)
);

CREATE TABLE answers (
    id TEXT PRIMARY KEY,
    visit_id TEXT NOT NULL REFERENCES visits(id),
    item_id TEXT NOT NULL REFERENCES template_items(id),
    result TEXT CHECK (result IN ('compliant', 'not_compliant', 'not_applicable')),
    note TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    UNIQUE (visit_id, item_id)
);

CREATE TABLE findings (
    id TEXT PRIMARY KEY,
    enterprise_id TEXT NOT NULL REFERENCES enterprises(id),
    visit_id TEXT NOT NULL REFERENCES visits(id),
    item_id TEXT REFERENCES template_items(id),
    location TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL,
    basis TEXT NOT NULL DEFAULT '',
    severity TEXT NOT NULL CHECK (severity IN ('major', 'serious', 'general')),
    requirement TEXT NOT NULL DEFAULT '',
    deadline TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    -- Derived from finding_events (the truth) and kept here so lists can filter without replaying events.
    status TEXT NOT NULL DEFAULT 'open',
    closed_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX findings_enterprise ON findings(enterprise_id, status);
CREATE INDEX findings_status_deadline ON findings(status, deadline);
CREATE INDEX findings_visit ON findings(visit_id);

CREATE TABLE finding_events (
    id TEXT PRIMARY KEY,
    finding_id TEXT NOT NULL REFERENCES findings(id),
    kind TEXT NOT NULL CHECK (kind IN ('opened', 'rectification_reported', 'recheck_rectified',
        'recheck_partly', 'recheck_not_rectified', 'reopened', 'waived')),
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    visit_id TEXT REFERENCES visits(id)
);
CREATE INDEX finding_events_finding ON finding_events(finding_id, at);

CREATE TABLE photos (
    sha256 TEXT PRIMARY KEY,
    original_name TEXT NOT NULL,
    original_ext TEXT NOT NULL,
    format TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    taken_at TEXT,
    gps_lat REAL,
    gps_lon REAL,
    imported_at TEXT NOT NULL,
    original_present INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE photo_links (
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL REFERENCES photos(sha256),
    visit_id TEXT REFERENCES visits(id),
    item_id TEXT REFERENCES template_items(id),
    finding_id TEXT REFERENCES findings(id),
    event_id TEXT REFERENCES finding_events(id),
    caption TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    CHECK (visit_id IS NOT NULL OR finding_id IS NOT NULL OR event_id IS NOT NULL)
);
CREATE INDEX photo_links_sha ON photo_links(sha256);
CREATE INDEX photo_links_visit ON photo_links(visit_id, item_id);
CREATE INDEX photo_links_finding ON photo_links(finding_id);
CREATE INDEX photo_links_event ON photo_links(event_id);

CREATE TABLE signatures (
    id TEXT PRIMARY KEY,
    visit_id TEXT NOT NULL REFERENCES visits(id),
    role TEXT NOT NULL CHECK (role IN ('steward', 'representative')),
    signer_name TEXT NOT NULL DEFAULT '',
    image_sha256 TEXT,
    refused INTEGER NOT NULL DEFAULT 0,
    witness TEXT NOT NULL DEFAULT '',
    signed_at TEXT NOT NULL,
    UNIQUE (visit_id, role)
);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);

-- How far each pulled stream has come, and what the hub has acknowledged.
CREATE TABLE sync_cursors (
    stream TEXT PRIMARY KEY,
    cursor TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE sync_acks (
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    acked_at TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id)
);

-- A template version that a visit has used never changes.
CREATE TRIGGER template_items_frozen_update BEFORE UPDATE ON template_items
WHEN EXISTS (SELECT 1 FROM visits WHERE template_id = OLD.template_id)
BEGIN SELECT RAISE(ABORT, 'template version in use is immutable'); END;
CREATE TRIGGER template_items_frozen_delete BEFORE DELETE ON template_items
WHEN EXISTS (SELECT 1 FROM visits WHERE template_id = OLD.template_id)
BEGIN SELECT RAISE(ABORT, 'template version in use is immutable'); END;
CREATE TRIGGER templates_frozen_update BEFORE UPDATE ON templates
WHEN EXISTS (SELECT 1 FROM visits WHERE template_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'template version in use is immutable'); END;

-- Finding events are append-only: merged as a union, never rewritten.
CREATE TRIGGER finding_events_append_only BEFORE UPDATE ON finding_events
BEGIN SELECT RAISE(ABORT, 'finding events are append-only'); END;
"""


@migration("0001_initial_schema")
def initial_schema(db: Database) -> None:
    for statement in _split(_SCHEMA_0001):
        db.execute(statement)
    # Trigram full-text search; one- and two-character queries fall back to LIKE (see storage/search.py).
    db["enterprises"].enable_fts(["name", "credit_code", "address"], create_triggers=True, tokenize="trigram")
    db["findings"].enable_fts(["description", "requirement", "location"], create_triggers=True, tokenize="trigram")
    db["finding_events"].enable_fts(["note"], create_triggers=True, tokenize="trigram")


@migration("0002_findings_deadline_indexes")
def findings_deadline_indexes(db: Database) -> None:
    # Finding lists are shown by deadline: a page is read in index order and stops early. The partial index holds
    # only open findings, which is what the overdue and open filters read.
    db.execute("CREATE INDEX findings_deadline ON findings(deadline, created_at)")
    db.execute(
        "CREATE INDEX findings_open_deadline ON findings(deadline, created_at) "
        "WHERE status NOT IN ('rectified', 'waived')"
    )


@migration("0003_enterprise_pinyin")
def enterprise_pinyin(db: Database) -> None:
    # Pinyin forms of the name for searching by initials; filled in by the enterprise use cases.
    db.execute("ALTER TABLE enterprises ADD COLUMN name_pinyin TEXT NOT NULL DEFAULT ''")


@migration("0004_open_findings_by_enterprise")
def open_findings_by_enterprise(db: Database) -> None:
    # The enterprise list counts each enterprise's open and overdue findings; this index holds only open ones.
    db.execute(
        "CREATE INDEX findings_open_enterprise ON findings(enterprise_id, deadline) "
        "WHERE status NOT IN ('rectified', 'waived')"
    )


@migration("0005_notice_counters")
def notice_counters(db: Database) -> None:
    # 整改通知书 numbers run per prefix (the firm's) and year and are never reused.
    db.execute(
        "CREATE TABLE notice_counters (prefix TEXT NOT NULL, year INTEGER NOT NULL, last INTEGER NOT NULL, "
        "PRIMARY KEY (prefix, year))"
    )


@migration("0006_documents")
def documents(db: Database) -> None:
    # PDFs made for a finished visit (report, notice), kept content-addressed so they can be synced to the hub.
    db.execute(
        "CREATE TABLE documents (id TEXT PRIMARY KEY, visit_id TEXT NOT NULL REFERENCES visits(id), "
        "kind TEXT NOT NULL, sha256 TEXT NOT NULL, bytes INTEGER NOT NULL, name TEXT NOT NULL, notice_number TEXT, "
        "created_at TEXT NOT NULL, "
        "UNIQUE (visit_id, kind))"
    )


@migration("0007_document_snapshots")
def docs_snapshots(db: Database) -> None:
    # What a finished visit's report and notice said at finish (JSON of the document's data): a reprint years later
    # says the same, whatever happened to the findings since.
    db.execute(
        "CREATE TABLE document_snapshots (visit_id TEXT NOT NULL REFERENCES visits(id), kind TEXT NOT NULL, "
        "data TEXT NOT NULL, made_at TEXT NOT NULL, PRIMARY KEY (visit_id, kind))"
    )


@migration("0008_visit_origin")
def sync_visit_origin(db: Database) -> None:
    # Which visits this profile made ('here') and which it pulled from colleagues ('hub'): only its own visits'
    # records and documents are ever rendered or pushed. Visits pulled before this column existed are recognised
    # by what a pulled visit never has here: the hub acknowledged it, yet it has no signature, no photo, no audit
    # entry, and another steward's name.
    db.execute("ALTER TABLE visits ADD COLUMN origin TEXT NOT NULL DEFAULT 'here' CHECK (origin IN ('here', 'hub'))")
    db.execute(
        """UPDATE visits SET origin = 'hub'
           WHERE EXISTS (SELECT 1 FROM sync_acks a WHERE a.entity = 'visit' AND a.entity_id = visits.id)
             AND NOT EXISTS (SELECT 1 FROM signatures s WHERE s.visit_id = visits.id)
             AND NOT EXISTS (SELECT 1 FROM photo_links l WHERE l.visit_id = visits.id)
             AND NOT EXISTS (SELECT 1 FROM audit_log g WHERE json_extract(g.detail, '$.visit_id') = visits.id)
             AND steward IS NOT (SELECT json_extract(value, '$') FROM settings WHERE key = 'steward_name')"""
    )


@migration("0009_template_item_problem")
def template_item_problem(db: Database) -> None:
    # A checklist item's default wording for a finding: the deficiency (问题描述) and what to do (整改要求).
    # Versions imported before this have neither; they stay as they were (a used version never changes).
    for column in ("problem", "problem_en", "requirement", "requirement_en"):
        db.execute(f"ALTER TABLE template_items ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")


@migration("0010_visit_draft_event_notes")
def visit_draft_event_notes(db: Database) -> None:
    # A re-check comment typed after choosing the result must be kept. While its visit is in progress an event is a
    # draft that has left no laptop (sync sends only finished visits' events), so its note alone may change then;
    # everything else, and every event of a finished visit or outside a visit, stays append-only.
    db.execute("DROP TRIGGER finding_events_append_only")
    db.execute(
        """CREATE TRIGGER finding_events_append_only BEFORE UPDATE ON finding_events
           WHEN NOT (NEW.id = OLD.id AND NEW.finding_id = OLD.finding_id AND NEW.kind = OLD.kind
                     AND NEW.at = OLD.at AND NEW.by = OLD.by AND NEW.visit_id IS OLD.visit_id
                     AND EXISTS (SELECT 1 FROM visits WHERE id = OLD.visit_id AND status = 'in_progress'))
           BEGIN SELECT RAISE(ABORT, 'finding events are append-only'); END"""
    )


@migration("0012_enterprise_events")
def enterprise_events(db: Database) -> None:
    # What the rating needs besides findings: substantiated complaints (信访投诉), administrative penalties or cases,
    # hazardous-waste violations found. `on_date` is the local date it happened; records are only ever added.
    db.execute(
        "CREATE TABLE enterprise_events (id TEXT PRIMARY KEY, enterprise_id TEXT NOT NULL REFERENCES enterprises(id), "
        "kind TEXT NOT NULL CHECK (kind IN ('complaint', 'penalty', 'hazwaste')), on_date TEXT NOT NULL, "
        "source TEXT NOT NULL DEFAULT '', authority TEXT NOT NULL DEFAULT '', number TEXT NOT NULL DEFAULT '', "
        "substantiated INTEGER NOT NULL DEFAULT 1 CHECK (substantiated IN (0, 1)), note TEXT NOT NULL DEFAULT '', "
        "created_at TEXT NOT NULL, created_by TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX enterprise_events_enterprise ON enterprise_events(enterprise_id, on_date)")


@migration("0013_sync_refusals")
def sync_refusals(db: Database) -> None:
    # A record the hub refused (with its code and words) and the content it refused: held back until that content
    # changes, instead of being sent and refused again at every sync. Listed as "refused, not sent".
    db.execute(
        "CREATE TABLE sync_refusals (entity TEXT NOT NULL, entity_id TEXT NOT NULL, content_hash TEXT NOT NULL, "
        "code TEXT NOT NULL, zh TEXT NOT NULL, en TEXT NOT NULL, refused_at TEXT NOT NULL, "
        "PRIMARY KEY (entity, entity_id))"
    )


@migration("0014_photo_markup")
def photo_markup(db: Database) -> None:
    # Markup (circles, arrows, text, blur) drawn on a copy of a photo: the shapes as JSON in the photo's pixel
    # coordinates and the marked JPEG they make, kept under blobs/ by its own hash. Rows are only added: the newest
    # per photo is its markup now, older ones keep naming the marked copies that finished visits' documents printed.
    db.execute(
        """CREATE TABLE photo_markup (
               id TEXT PRIMARY KEY,
               sha256 TEXT NOT NULL REFERENCES photos(sha256),
               shapes TEXT NOT NULL,
               marked_sha256 TEXT,
               created_at TEXT NOT NULL,
               by TEXT NOT NULL DEFAULT ''
           )"""
    )
    db.execute("CREATE INDEX photo_markup_by_photo ON photo_markup(sha256, created_at)")


@migration("0015_event_new_deadline")
def event_new_deadline(db: Database) -> None:
    # 部分整改 agrees a new deadline for the rest: it is the event's own field (it travels with the event), and the
    # finding's `deadline` becomes the date it is due now (derived from its events like its status, so every list,
    # overdue count and figure follows it). What was set when it was found (or amended) stays in
    # `original_deadline`: that is the finding record's own deadline, the one its notice printed and sync carries.
    db.execute("ALTER TABLE finding_events ADD COLUMN new_deadline TEXT")
    db.execute("ALTER TABLE findings ADD COLUMN original_deadline TEXT")
    db.execute("UPDATE findings SET original_deadline = deadline")


@migration("0016_finding_description_confirmed")
def finding_description_confirmed(db: Database) -> None:
    # When the steward confirmed that the checklist's wording of a finding's 问题描述 says what they saw: a fact of
    # the finding, no longer a settings key per visit. Confirmations kept as such keys move here once (at the
    # finding's last change, the nearest moment known), and the keys go.
    db.execute("ALTER TABLE findings ADD COLUMN description_confirmed_at TEXT")
    db.execute(
        """UPDATE findings SET description_confirmed_at = updated_at
           WHERE id IN (SELECT j.value FROM settings s, json_each(s.value) j
                        WHERE substr(s.key, 1, 23) = 'confirmed_descriptions:')"""
    )
    db.execute("DELETE FROM settings WHERE substr(key, 1, 23) = 'confirmed_descriptions:'")


@migration("0017_dashboard_period_indexes")
def dashboard_period_indexes(db: Database) -> None:
    # The period figures (summary PDF, 看板) read the findings found in a period: by their date, not by scanning every
    # finished visit (a month of a three-year profile: 266 -> 76 ms). The stewards of finished visits, for the
    # dashboard's group chooser, from an index alone.
    db.execute("CREATE INDEX findings_created ON findings(created_at)")
    db.execute("CREATE INDEX visits_status_steward ON visits(status, steward)")


def _split(script: str) -> list[str]:
    """Split on statement ends, keeping trigger bodies (which contain ';') whole."""
    statements: list[str] = []
    current: list[str] = []
    in_trigger = False
    for line in script.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("--"):
            continue
        current.append(line)
        if stripped.upper().startswith("CREATE TRIGGER"):
            in_trigger = True
        if stripped.endswith(";") and (not in_trigger or stripped.upper().endswith("END;")):
            statements.append("\n".join(current))
            current = []
            in_trigger = False
    if current:
        statements.append("\n".join(current))
    return statements


@migration("0018_event_tombstones")
def event_tombstones(db: Database) -> None:
    # Complaints, penalties and hazardous-waste records become editable and deletable. Each change raises
    # `revision` (so sync sees a new version of the same id) and is audited; a delete keeps the row with deleted = 1
    # (a tombstone the hub can carry to colleagues), and the rating and every listing skip it.
    db.execute("ALTER TABLE enterprise_events ADD COLUMN revision INTEGER NOT NULL DEFAULT 1")
    db.execute("ALTER TABLE enterprise_events ADD COLUMN updated_at TEXT")
    db.execute("ALTER TABLE enterprise_events ADD COLUMN updated_by TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE enterprise_events ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))")


@migration("0019_event_origin")
def event_origin(db: Database) -> None:
    # Which complaint/penalty/hazardous-waste records this profile entered ('here') and which it pulled from the hub
    # (a colleague's, or imported on the hub): only its own are pushed, and only their author may change them.
    db.execute(
        "ALTER TABLE enterprise_events ADD COLUMN origin TEXT NOT NULL DEFAULT 'here' CHECK (origin IN ('here', 'hub'))"
    )


@migration("0020_rating_indexes")
def rating_indexes(db: Database) -> None:
    # A rating as of a day reads the findings still open then and each enterprise's last few finished visits
    # (storage/ratings.py): with these, 500 enterprises with three years of visits are rated from a few thousand
    # rows found by index, not by reading every finding and visit.
    db.execute("CREATE INDEX findings_closed_at ON findings(closed_at)")
    db.execute("CREATE INDEX visits_enterprise_finished ON visits(enterprise_id, finished_at)")


@migration("0021_records_enterprise_merges")
def records_enterprise_merges(db: Database) -> None:
    # An enterprise entered on this laptop that the hub lists under another id with the same credit code is merged
    # into the hub's at pull (the hub's id wins; visits, findings and records re-pointed). What the laptop's row said
    # is kept here: the fields the hub's lacked (kept on the merged row, also at later pulls) and the values the
    # hub's replaced, so nothing is dropped silently.
    db.execute(
        "CREATE TABLE enterprise_merges (old_id TEXT PRIMARY KEY, new_id TEXT NOT NULL, credit_code TEXT NOT NULL, "
        "merged_at TEXT NOT NULL, kept TEXT NOT NULL, replaced TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX enterprise_merges_new ON enterprise_merges(new_id)")


# Each enterprise's rating history is kept worked out (storage/rating_cache.py, a file of its own beside the profile)
# and only worked out again for an enterprise whose rating inputs changed. Every write to what a rating reads (its
# findings, their events, its visits, its complaints/penalties/hazardous-waste records), from any door (the app, the
# CLI, a sync pull, an amendment, a bundle), gives the enterprise a new random token in the same transaction; kept
# ratings name the token they were made from (and the dashboard's figures, kept while nothing they count changed,
# read the tokens as a version: hence a visit's steward too). Random, not counted: a profile restored from a backup
# never reaches a token it had before with other rows.
# No statement here can conflict (no UPSERT, no OR clause): a statement that fires a trigger imposes its own conflict
# handling on the trigger's statements (a sync pull's upsert of an enterprise made an upsert here fail), and a row
# whose enterprise is gone (NULL) marks nothing and never fails the write.
_RATING_MARK = (
    "INSERT INTO rating_marks (enterprise, token) SELECT e, '' FROM (SELECT {who} AS e) "
    "WHERE e IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rating_marks WHERE enterprise = e);\n"
    "UPDATE rating_marks SET token = lower(hex(randomblob(8))) WHERE enterprise = {who};"
)


@migration("0022_speed11_rating_marks")
def speed11_rating_marks(db: Database) -> None:
    triggers: tuple[tuple[str, str, tuple[str, ...]], ...] = (
        ("findings", "INSERT", ("NEW.enterprise_id",)),
        ("findings", "UPDATE", ("OLD.enterprise_id", "NEW.enterprise_id")),
        ("findings", "DELETE", ("OLD.enterprise_id",)),
        ("finding_events", "INSERT", ("(SELECT enterprise_id FROM findings WHERE id = NEW.finding_id)",)),
        ("finding_events", "UPDATE", ("(SELECT enterprise_id FROM findings WHERE id = NEW.finding_id)",)),
        ("finding_events", "DELETE", ("(SELECT enterprise_id FROM findings WHERE id = OLD.finding_id)",)),
        ("visits", "INSERT", ("NEW.enterprise_id",)),
        ("visits", "UPDATE OF enterprise_id, status, finished_at, steward", ("OLD.enterprise_id", "NEW.enterprise_id")),
        ("visits", "DELETE", ("OLD.enterprise_id",)),
        ("enterprise_events", "INSERT", ("NEW.enterprise_id",)),
        ("enterprise_events", "UPDATE", ("OLD.enterprise_id", "NEW.enterprise_id")),
        ("enterprise_events", "DELETE", ("OLD.enterprise_id",)),
        ("enterprises", "INSERT", ("NEW.id",)),
    )
    # The column is not called enterprise_id: merging an enterprise into the hub's re-points every table that has one
    # (storage.sync_records.merge_enterprise), and the merged-into enterprise has its own mark already.
    db.execute("CREATE TABLE rating_marks (enterprise TEXT PRIMARY KEY, token TEXT NOT NULL) WITHOUT ROWID")
    db.execute("INSERT INTO rating_marks (enterprise, token) SELECT id, lower(hex(randomblob(8))) FROM enterprises")
    mark = _RATING_MARK  # named here, not only in the generator below: the migration's fingerprint covers its SQL
    for table, event, whose in triggers:
        name = f"rating_mark_{table}_{event.split()[0].lower()}"
        body = "\n".join(mark.format(who=who) for who in whose)
        db.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN\n{body}\nEND")


@migration("0023_dash11_period_counts")
def dash11_period_counts(db: Database) -> None:
    # The dashboard counts a period's findings in SQL from their kept state (storage/period_counts.py): every column
    # it reads in one index, so a year of a three-year profile is a scan of an index range rather than thirteen
    # thousand reads of large rows; and the findings with an event after a period's end (counted from their events)
    # found by the events' time.
    db.execute(
        "CREATE INDEX findings_period ON findings"
        "(created_at, visit_id, status, closed_at, deadline, severity, item_id, enterprise_id, id)"
    )
    db.execute("CREATE INDEX finding_events_at ON finding_events(at)")
