"""Each typed record of steward.storage.records is held to the query that makes it: the same columns, no more and no
fewer, each value of its declared type. mypy trusts the records (Database.query_as is a cast): this test is what
makes that trust earned, and it fails when a migration adds a column a record does not name yet."""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest

from steward.domain.labels import VisitStatus
from steward.services import demo, enterprise_events, photos, visits
from steward.services import documents as document_service
from steward.services import photo_markup as markup
from steward.storage import documents, enterprises, findings, photo_markup, records, templates
from steward.storage import enterprise_events as event_rows
from steward.storage import photos as photo_rows
from steward.storage import visits as visit_rows
from steward.storage.profile import Profile
from tests.images import write_jpeg


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
        row = {"id": "bare", "name": "无拼音企业", "credit_code": "bare", "created_at": stamp, "updated_at": stamp}
        enterprises.insert(profile.db, row)
        document_service.archive_visit(profile, _a_finished_visit(profile)["id"])  # the PDFs kept for the hub
        # A complaint, changed once (a two-enterprise park may have none of its own).
        complaint = enterprise_events.add(
            profile, draft[0]["enterprise_id"], "complaint", date(2026, 1, 5), source="12345热线"
        )
        enterprise_events.edit(profile, complaint["id"], note="夜间异味", reason="补充说明")
        yield profile


def _matches(value: object, hint: object) -> bool:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return any(_matches(value, arg) for arg in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is float:
        return isinstance(value, float | int)
    assert isinstance(hint, type), f"a record field of a type this test does not know: {hint}"
    return isinstance(value, hint) and not (hint is int and isinstance(value, bool))


def _check(record: type, rows: list[dict[str, Any]]) -> None:
    assert rows, f"no {record.__name__} to check: the park lacks what this query finds"
    hints = typing.get_type_hints(record)
    for row in rows:
        assert set(row) == set(hints), (
            f"{record.__name__} and its query differ: only in the query {sorted(set(row) - set(hints))}, "
            f"only in the record {sorted(set(hints) - set(row))}"
        )
        wrong = {k: (row[k], hints[k]) for k in hints if not _matches(row[k], hints[k])}
        assert not wrong, f"{record.__name__}: values not of the declared type: {wrong}"


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
    "enterprises.by_credit_code": (records.Enterprise, lambda p: enterprises.by_credit_code(p.db, "bare")),
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
