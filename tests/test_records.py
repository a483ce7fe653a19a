"""Each typed record of steward.storage.records is held to the query that makes it: the same columns, no more and no
fewer, each value of its declared type. mypy trusts the records (Database.query_as is a cast): this test is what
makes that trust earned, and it fails when a migration adds a column a record does not name yet. The records sync
sends and keeps (steward/storage/sync_records.py) are held to theirs here too, and the bodies a real outbox sends to
the hub's models and to the wire's TypedDicts (steward/sync/wire.py)."""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest

from steward.domain import credit_code
from steward.domain.labels import VisitStatus
from steward.hub import models as hub_models
from steward.services import demo, enterprise_events, photos, visits
from steward.services import documents as document_service
from steward.services import photo_markup as markup
from steward.storage import audit, documents, enterprises, findings, photo_markup, records, sync_records, templates
from steward.storage import enterprise_events as event_rows
from steward.storage import photos as photo_rows
from steward.storage import visits as visit_rows
from steward.storage.profile import Profile
from steward.sync import engine, wire
from tests.images import write_jpeg

BARE = "6f1d2c3b-0000-4000-8000-00000000ba7e"  # ids and a credit code the hub takes: the park's records are sent
BARE_CODE = "91330100MA2B" + "00001" + credit_code.check_character("91330100MA2B00001")
MERGED_INTO = "6f1d2c3b-0000-4000-8000-0000000000b0"


@pytest.fixture(scope="module")
def park(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Profile]:
    folder = tmp_path_factory.mktemp("records")
    with Profile(folder / "park") as profile:
        demo.make_demo(profile, demo.DemoSize(enterprises=2, weeks=3, photos=True))
        # A photo of a camera folder not yet given to an item: the one kind of link the demo does not make.
        draft = visits.in_progress(profile) or [
            visits.start(profile, enterprises.search(profile.db, today="")[0]["id"])
        ]
        camera = write_jpeg(folder / "IMG_9001.jpg", (320, 240))
        imported = photos.import_photos(profile, [camera], photos.LinkTarget(visit_id=draft[0]["id"]))
        shape = {"tool": "circle", "x1": 10, "y1": 10, "x2": 100, "y2": 80}
        markup.save(profile, imported.results[0].sha256 or "", [shape])
        visits.sign(profile, draft[0]["id"], "steward", "王伟", png=b"\x89PNG drawn on the pad")
        visits.sign(profile, draft[0]["id"], "representative", "张三", refused=True, witness="李四")
        # An enterprise that arrived without its pinyin keys (an older profile, a bulk import).
        stamp = draft[0]["started_at"]
        row = {"id": BARE, "name": "无拼音企业", "credit_code": BARE_CODE, "created_at": stamp, "updated_at": stamp}
        enterprises.insert(profile.db, row)
        document_service.archive_visit(profile, _a_finished_visit(profile)["id"])  # the PDFs kept for the hub
        # A complaint, changed once (a two-enterprise park may have none of its own).
        complaint = enterprise_events.add(
            profile, draft[0]["enterprise_id"], "complaint", date(2026, 1, 5), source="12345热线"
        )
        enterprise_events.edit(profile, complaint["id"], note="夜间异味", reason="补充说明")
        _as_after_a_sync(profile)
        yield profile


def _as_after_a_sync(profile: Profile) -> None:
    """What a sync leaves behind: a finished visit amended after it was sent, what the hub acknowledged and refused,
    and an enterprise of this laptop merged into the hub's (same credit code, the hub's id)."""
    visit = _a_finished_visit(profile)
    item = visit_rows.items(profile.db, visit["id"])[0]
    visits.answer(profile, visit["id"], item["id"], "not_applicable", "不适用", reason="复核后更正")
    signed = visits.start(profile, BARE)  # a finished visit with signatures (the demo's have none)
    visits.answer_rest_compliant(profile, signed["id"])
    visits.sign(profile, signed["id"], "steward", "王伟", png=b"\x89PNG drawn on the pad")
    visits.sign(profile, signed["id"], "representative", "张三", refused=True, witness="李四")
    visits.finish(profile, signed["id"])
    db, at = profile.db, "2026-11-20T04:00:00.000Z"
    # One visit acknowledged with its photos (whose originals may then go); the rest is still to send.
    links = [link for link in sync_records.photo_links_ready(db) if link["visit_id"] == visit["id"]]
    acks = [("visit", visit["id"], "h")] + [("photo_link", link["id"], "h") for link in links]
    acks += [("blob", link["sha256"], link["sha256"]) for link in links]
    sync_records.mark_acked(db, acks, at)
    refused = {"entity": "finding", "id": _a_finding(profile)["id"], "hash": "h", "code": "unknown_visit"}
    sync_records.mark_refused(db, [{**refused, "zh": "服务器上没有这次巡查。", "en": "No such visit."}], at)
    ours = enterprises.get(db, _a_draft(profile)["enterprise_id"])
    assert ours is not None
    hub_row = sync_records.schema_row(db, "enterprises", {**ours, "id": MERGED_INTO, "name": "服务器上的名称"})
    sync_records.merge_enterprise(db, ours["id"], hub_row, {}, {"name": ours["name"]}, at)


def _matches(value: object, hint: object) -> bool:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return any(_matches(value, arg) for arg in typing.get_args(hint))
    if typing.get_origin(hint) is typing.NotRequired:
        return _matches(value, typing.get_args(hint)[0])
    if typing.get_origin(hint) is list:
        return isinstance(value, list) and all(_matches(v, typing.get_args(hint)[0]) for v in value)
    if typing.get_origin(hint) is dict:
        key, inner = typing.get_args(hint)
        return isinstance(value, dict) and all(_matches(k, key) and _matches(v, inner) for k, v in value.items())
    if hint is Any:
        return True  # free-form JSON (an audit's detail)
    if isinstance(hint, type) and typing.is_typeddict(hint):
        return isinstance(value, dict) and not _differences(hint, value)
    if hint is type(None):
        return value is None
    if hint is float:
        return isinstance(value, float | int)
    assert isinstance(hint, type), f"a record field of a type this test does not know: {hint}"
    return isinstance(value, hint) and not (hint is int and isinstance(value, bool))


def _required(record: type) -> set[str]:
    """The keys a TypedDict requires (read from its hints: __required_keys__ misses a NotRequired that
    `from __future__ import annotations` left a string)."""
    hints = typing.get_type_hints(record, include_extras=True)
    return {k for k, hint in hints.items() if typing.get_origin(hint) is not typing.NotRequired}


def _differences(record: type, row: dict[str, Any]) -> str:
    """What makes `row` not a `record` (keys it lacks or has beyond it, values not of their type), or ""."""
    hints = typing.get_type_hints(record)
    required = _required(record)
    if not required <= set(row) <= set(hints):
        return (
            f"{record.__name__} and its query differ: only in the query {sorted(set(row) - set(hints))}, "
            f"only in the record {sorted(required - set(row))}"
        )
    wrong = {k: (row[k], hints[k]) for k in row if not _matches(row[k], hints[k])}
    return f"{record.__name__}: values not of the declared type: {wrong}" if wrong else ""


def _check(record: type, rows: list[dict[str, Any]]) -> None:
    assert rows, f"no {record.__name__} to check: the park lacks what this query finds"
    for row in rows:
        problem = _differences(record, row)
        assert not problem, problem


def _a_finished_visit(p: Profile) -> records.VisitListed:
    return next(v for v in visit_rows.list_visits(p.db) if v["status"] == VisitStatus.FINISHED and v["new_findings"])


def _a_draft(p: Profile) -> records.VisitListed:
    return visit_rows.in_progress(p.db)[0]


def _a_finding(p: Profile) -> records.FindingOfVisit:
    return findings.for_visit(p.db, _a_finished_visit(p)["id"])[0]


def _rows(found: Any) -> list[dict[str, Any]]:
    return [found] if isinstance(found, dict) else list(found)


def _earlier_findings(p: Profile) -> list[records.FindingOfVisit]:
    return [
        f
        for v in visit_rows.list_visits(p.db)
        for f in documents.earlier_findings(p.db, v["enterprise_id"], v["id"], v["started_at"])
    ]


TODAY = date.today().isoformat()
ALWAYS = ("2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z")
QUERIES: dict[str, tuple[type, Callable[[Profile], object]]] = {
    "enterprises.by_credit_code": (records.Enterprise, lambda p: enterprises.by_credit_code(p.db, BARE_CODE)),
    "enterprises.get": (records.Enterprise, lambda p: enterprises.get(p.db, _a_draft(p)["enterprise_id"])),
    "enterprises.search": (records.EnterpriseListed, lambda p: enterprises.search(p.db, today=TODAY)),
    "enterprises.without_pinyin": (records.EnterpriseName, lambda p: enterprises.without_pinyin(p.db)),
    "templates.get": (records.Template, lambda p: templates.get(p.db, _a_draft(p)["template_id"])),
    "templates.version": (records.Template, lambda p: templates.version(p.db, "craft", 1)),
    "templates.latest_version": (records.Template, lambda p: templates.latest_version(p.db, "craft")),
    "templates.item": (
        records.TemplateItem,
        lambda p: templates.item(p.db, templates.items(p.db, _a_draft(p)["template_id"])[0]["id"]),
    ),
    "templates.list_all": (records.TemplateListed, lambda p: templates.list_all(p.db)),
    "templates.items": (records.TemplateItem, lambda p: templates.items(p.db, _a_draft(p)["template_id"])),
    "visits.get": (records.VisitOfEnterprise, lambda p: visit_rows.get(p.db, _a_finished_visit(p)["id"])),
    "visits.list_visits": (records.VisitListed, lambda p: visit_rows.list_visits(p.db)),
    "visits.items": (records.VisitItem, lambda p: visit_rows.items(p.db, _a_finished_visit(p)["id"])),
    "visits.answer": (
        records.Answer,
        lambda p: [
            a
            for i in visit_rows.items(p.db, _a_finished_visit(p)["id"])
            if (a := visit_rows.answer(p.db, _a_finished_visit(p)["id"], i["id"])) is not None
        ],
    ),
    "visits.signatures": (records.Signature, lambda p: visit_rows.signatures(p.db, _a_draft(p)["id"])),
    "findings.get": (records.FindingInContext, lambda p: findings.get(p.db, _a_finding(p)["id"])),
    "findings.for_visit": (records.FindingOfVisit, lambda p: findings.for_visit(p.db, _a_finished_visit(p)["id"])),
    "findings.for_item_in_visit": (
        records.Finding,
        lambda p: findings.for_item_in_visit(p.db, _a_finding(p)["visit_id"], _a_finding(p)["item_id"] or ""),
    ),
    "findings.open_for_enterprise": (
        records.FindingOfVisit,
        lambda p: [
            f for e in enterprises.search(p.db, today=TODAY) for f in findings.open_for_enterprise(p.db, e["id"])
        ],
    ),
    "findings.search": (records.FindingListed, lambda p: findings.search(p.db, today=TODAY)),
    "findings.events": (records.FindingEvent, lambda p: findings.events(p.db, _a_finding(p)["id"])),
    "findings.events_in_visit": (
        records.FindingEvent,
        lambda p: [e for v in visit_rows.list_visits(p.db) for e in findings.events_in_visit(p.db, v["id"])],
    ),
    "findings.figure_counts": (records.FigureCounts, lambda p: findings.figure_counts(p.db, TODAY)),
    "findings.summaries": (records.FindingFacts, lambda p: findings.summaries(p.db)),
    "photos.get": (
        records.Photo,
        lambda p: [r for x in photo_rows.all_photos(p.db) if (r := photo_rows.get(p.db, x["sha256"])) is not None],
    ),
    "photos.all_photos": (records.PhotoFile, lambda p: photo_rows.all_photos(p.db)),
    "photos.get_link": (
        records.PhotoLink,
        lambda p: [
            r
            for x in photo_rows.links_for(p.db, finding_id=_a_finding(p)["id"])
            if (r := photo_rows.get_link(p.db, x["id"])) is not None
        ],
    ),
    "photos.links_for": (records.LinkedPhoto, lambda p: photo_rows.links_for(p.db, finding_id=_a_finding(p)["id"])),
    "photos.unassigned_in_visit": (
        records.LinkedPhoto,
        lambda p: photo_rows.unassigned_in_visit(p.db, _a_draft(p)["id"]),
    ),
    "photo_markup.current": (
        records.PhotoMarkup,
        lambda p: [
            m for x in photo_rows.all_photos(p.db) if (m := photo_markup.current(p.db, x["sha256"])) is not None
        ],
    ),
    "photo_markup.visits_showing": (
        records.Visit,
        lambda p: photo_markup.visits_showing(p.db, photo_rows.all_photos(p.db)[0]["sha256"]),
    ),
    "enterprise_events.get": (
        records.EnterpriseEventOfEnterprise,
        lambda p: [e for x in event_rows.listing(p.db) if (e := event_rows.get(p.db, x["id"])) is not None],
    ),
    # The plain row has no query of its own: it is what the demo writes, so it must be the table's row.
    "enterprise_events table": (records.EnterpriseEvent, lambda p: p.db.query("SELECT * FROM enterprise_events")),
    "enterprise_events.listing": (records.EnterpriseEventOfEnterprise, lambda p: event_rows.listing(p.db)),
    "documents.archived": (records.Document, lambda p: documents.archived(p.db, _a_finished_visit(p)["id"])),
    "documents.finding_photos": (
        records.PhotoOfFinding,
        lambda p: documents.finding_photos(p.db, [_a_finding(p)["id"]]),
    ),
    "documents.visit_photos": (records.PhotoOfVisit, lambda p: documents.visit_photos(p.db, _a_draft(p)["id"])),
    "documents.enterprise_findings": (
        records.FindingOfLedger,
        lambda p: documents.enterprise_findings(p.db, _a_finding(p)["enterprise_id"], *ALWAYS),
    ),
    "documents.earlier_findings": (records.FindingOfVisit, _earlier_findings),
    "documents.events_of": (records.FindingEvent, lambda p: documents.events_of(p.db, [_a_finding(p)["id"]])),
    "documents.period_findings": (records.PeriodFindingRow, lambda p: documents.period_findings(p.db, *ALWAYS)),
    "documents.period_visits": (records.VisitCount, lambda p: documents.period_visits(p.db, *ALWAYS)),
    "documents.enterprise_addresses": (records.EnterpriseAddress, lambda p: documents.enterprise_addresses(p.db)),
    "audit.for_entity": (
        records.AuditEntry,
        lambda p: [a for e in event_rows.listing(p.db) for a in audit.for_entity(p.db, "enterprise_event", e["id"])],
    ),
    "sync_records.enterprises": (records.Enterprise, lambda p: sync_records.enterprises(p.db)),
    "sync_records.enterprise_row": (
        records.Enterprise,
        lambda p: sync_records.enterprise_row(p.db, _a_draft(p)["enterprise_id"]),
    ),
    "sync_records.finished_visits": (records.Visit, lambda p: sync_records.finished_visits(p.db)),
    "sync_records.templates_by_id": (
        records.TemplateWithItems,
        lambda p: sync_records.templates_by_id(p.db, {v["template_id"] for v in visit_rows.list_visits(p.db)}),
    ),
    "sync_records.visit_parts": (
        records.VisitParts,
        lambda p: sync_records.visit_parts(p.db, _a_finished_visit(p)["id"]),
    ),
    "sync_records.visit_parts items": (
        records.ItemPosition,
        lambda p: sync_records.visit_parts(p.db, _a_finished_visit(p)["id"])["items"],
    ),
    "sync_records.findings_of_finished_visits": (
        records.FindingAsRecorded,
        lambda p: sync_records.findings_of_finished_visits(p.db),
    ),
    "sync_records.events_ready": (records.FindingEvent, lambda p: sync_records.events_ready(p.db)),
    "sync_records.photo_links_ready": (records.PhotoLink, lambda p: sync_records.photo_links_ready(p.db)),
    "sync_records.photos_by_sha": (
        records.Photo,
        lambda p: sync_records.photos_by_sha(p.db, {x["sha256"] for x in photo_rows.all_photos(p.db)}),
    ),
    "sync_records.photo_files": (
        records.PhotoUpload,
        lambda p: sync_records.photo_files(p.db, {x["sha256"] for x in photo_rows.all_photos(p.db)}),
    ),
    "sync_records.prunable_originals": (
        records.PhotoOriginal,
        lambda p: sync_records.prunable_originals(p.db, ALWAYS[1]),
    ),
    "sync_records.signatures_of_finished_visits": (
        records.Signature,
        lambda p: sync_records.signatures_of_finished_visits(p.db),
    ),
    "sync_records.documents": (records.Document, lambda p: sync_records.documents(p.db)),
    "sync_records.own_enterprise_events": (
        records.EnterpriseEventFields,
        lambda p: sync_records.own_enterprise_events(p.db),
    ),
    "sync_records.audit_entries": (records.AuditRow, lambda p: sync_records.audit_entries(p.db)),
    "sync_records.refusals": (records.Refusal, lambda p: sync_records.refusals(p.db)),
    # What mark_refused is given is what the table keeps of it (but when).
    "sync_refusals table": (
        records.RefusalToKeep,
        lambda p: p.db.query("SELECT entity, entity_id AS id, content_hash AS hash, code, zh, en FROM sync_refusals"),
    ),
    "sync_records.merges_into": (
        records.EnterpriseMerge,
        lambda p: sync_records.merges_into(p.db, MERGED_INTO),
    ),
}


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_a_record_names_exactly_the_columns_of_its_query(park: Profile, query: str) -> None:
    record, fetch = QUERIES[query]
    _check(record, _rows(fetch(park)))


def test_the_record_check_catches_a_missing_and_a_mistyped_column() -> None:
    """The check itself can fail (an assertion that cannot fail proves nothing)."""
    row = {"id": "x", "name": "n"}
    _check(records.EnterpriseName, [row])
    with pytest.raises(AssertionError, match="only in the record"):
        _check(records.EnterpriseName, [{"id": "x"}])
    with pytest.raises(AssertionError, match="not of the declared type"):
        _check(records.EnterpriseName, [{"id": "x", "name": None}])


def test_every_record_is_checked() -> None:
    checked = {record for record, _fetch in QUERIES.values()}
    declared = {v for v in vars(records).values() if isinstance(v, type) and typing.is_typeddict(v)}
    assert declared - checked == set(), (
        f"records no query here checks: {sorted(r.__name__ for r in declared - checked)}"
    )


def test_what_sync_sends_is_what_the_wire_and_the_hub_say(park: Profile) -> None:
    """Every record a real outbox sends: its body is its entity's wire TypedDict, the hub's model takes it and keeps
    it as sent, and its hash is that of the body. Every kind of record is among them."""
    sent = engine.outbox(park)
    assert {r["entity"] for r in sent} == set(wire.ENTITIES), "the park lacks a kind of record the wire carries"
    for rec in sent:
        problem = _differences(wire.BODIES[rec["entity"]], rec["body"])
        assert not problem, f"{rec['entity']} {rec['id']}: {problem}"
        kept = hub_models.clean_record(rec["entity"], rec["id"], rec["hash"], rec["body"])
        assert kept["body"] == rec["body"], f"the hub keeps another {rec['entity']} than was sent"
        assert rec["hash"] == wire.content_hash(rec["body"])


# Each entity's table, and the fields its body carries beyond the table's columns (after them, in this order).
_BODY_TABLES = {
    "enterprise": ("enterprises", ()),
    "enterprise_event": ("enterprise_events", ()),
    "template": ("templates", ("items",)),
    "visit": ("visits", ("items", "answers")),
    "finding": ("findings", ()),
    "finding_event": ("finding_events", ()),
    "photo": ("photos", ()),
    "photo_link": ("photo_links", ()),
    "signature": ("signatures", ()),
    "audit": ("audit_log", ("visit_id",)),
    "document": ("documents", ()),
}


def test_a_body_names_its_fields_in_its_tables_column_order(park: Profile) -> None:
    """The JSON a body is sent as keeps its key order: its table's columns in the table's order, then what the body
    adds. Bodies were first built from SELECT * rows; the typed bodies that name each field keep what travels byte
    for byte (the hash sorts keys, but a hub keeps and hands on the body as it was sent)."""
    sent = engine.outbox(park)
    assert {r["entity"] for r in sent} == set(wire.ENTITIES), "the park lacks a kind of record the wire carries"
    for rec in sent:
        table, extras = _BODY_TABLES[rec["entity"]]
        columns = [r[1] for r in park.db.conn.execute(f'PRAGMA table_info("{table}")')]
        body = list(rec["body"])
        assert body == [c for c in columns if c in body] + list(extras), f"{rec['entity']} {rec['id']}"


def _fields(typed: type) -> tuple[set[str], set[str]]:
    return set(typing.get_type_hints(typed)), _required(typed)


@pytest.mark.parametrize(
    ("body", "model"),
    [(wire.BODIES[e], hub_models.MODELS[e]) for e in wire.ENTITIES]
    + [
        (wire.TemplateItemBody, hub_models.TemplateItem),
        (wire.VisitItemBody, hub_models.VisitItem),
        (wire.AnswerBody, hub_models.Answer),
    ],
    ids=lambda x: x.__name__,
)
def test_a_wire_body_names_the_fields_of_the_hubs_model(body: type, model: type[hub_models.Body]) -> None:
    """The same fields as the hub's model; each the hub requires is one the laptop always sends."""
    names, required = _fields(body)
    assert names == set(model.model_fields)
    assert {n for n, f in model.model_fields.items() if f.is_required()} <= required


def test_a_colleagues_photo_is_kept_as_its_records_say(park: Profile) -> None:
    """A colleague's photo pulled for a re-check: the record as schema_photo reads it, and its link as stored."""
    photo = sync_records.photos_by_sha(park.db, {photo_rows.all_photos(park.db)[0]["sha256"]})[0]
    body = {k: v for k, v in photo.items() if k != "original_present"}
    read = sync_records.schema_photo(body)
    _check(sync_records.ColleaguePhoto, [dict(read)])
    finding = _a_finding(park)
    link: sync_records.ColleaguePhotoLink = {
        "id": "colleague-link",
        "sha256": photo["sha256"],
        "visit_id": finding["visit_id"],
        "finding_id": finding["id"],
        "caption": "同事拍摄",
        "created_at": "2026-11-20T04:00:00.000Z",
    }
    assert sync_records.put_colleague_photo(park.db, read, link)
    stored = photo_rows.get_link(park.db, "colleague-link")
    assert stored is not None
    assert {k: stored[k] for k in link} == link
    with pytest.raises(sync_records.NotApplied, match="width"):
        sync_records.schema_photo({**body, "width": "wide"})


WRITTEN: dict[str, tuple[type, str]] = {
    "NewEnterprise": (enterprises.NewEnterprise, "enterprises"),
    "EnterpriseChanges": (enterprises.EnterpriseChanges, "enterprises"),
    "NewEvent": (event_rows.NewEvent, "enterprise_events"),
    "EventDetails": (event_rows.EventDetails, "enterprise_events"),
    "VisitChanges": (visit_rows.VisitChanges, "visits"),
    "FindingChanges": (findings.FindingChanges, "findings"),
    "ColleaguePhoto": (sync_records.ColleaguePhoto, "photos"),
    "ColleaguePhotoLink": (sync_records.ColleaguePhotoLink, "photo_links"),
}
_COLUMN_TYPES = {"TEXT": str, "INTEGER": int, "REAL": float}


@pytest.mark.parametrize("name", sorted(WRITTEN))
def test_what_storage_writes_names_columns_of_their_type(park: Profile, name: str) -> None:
    """A record storage writes (a new row, the changes to one): each key a column of the table, of the column's type
    and None only where the column takes NULL; a new row has every column without a default."""
    record, table = WRITTEN[name]
    columns = {r[1]: (r[2], bool(r[3]), r[4], bool(r[5])) for r in park.db.conn.execute(f"PRAGMA table_info({table})")}
    hints = typing.get_type_hints(record)
    assert set(hints) <= set(columns), f"not columns of {table}: {sorted(set(hints) - set(columns))}"
    for key, hint in hints.items():
        declared, not_null, _default, _key = columns[key]
        kinds = set(typing.get_args(hint)) if isinstance(hint, types.UnionType) else {hint}
        assert kinds - {type(None)} == {_COLUMN_TYPES[declared]}, f"{key}: {hint} for a {declared} column"
        assert not (not_null and type(None) in kinds), f"{key} may be None: the column is NOT NULL"
    if name.startswith("New"):
        needed = {c for c, (_t, not_null, default, key) in columns.items() if (not_null or key) and default is None}
        assert needed <= _required(record), f"a new row needs {sorted(needed - _required(record))}"


def test_an_enterprises_changes_are_what_its_update_lets_through() -> None:
    assert set(typing.get_type_hints(enterprises.EnterpriseChanges)) == {
        *enterprises.EDITABLE,
        "updated_at",
        "name_pinyin",
    }
