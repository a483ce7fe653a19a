"""The rows the rating and the exports read (steward/storage/ratings.py, steward/storage/exports.py) are typed
records read through Database.query_as/iterate_as, which trust them: each record is held here to the query that makes
it (the same columns, no more and no fewer, each value of its declared type), as tests/test_records.py holds those of
storage/records.py. The JSON `steward ratings --json` prints is held to its TypedDicts the same way."""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator
from datetime import date

import pytest

from steward.domain import clock
from steward.services import demo, exports, ratings
from steward.storage import exports as export_rows
from steward.storage import ratings as rating_rows
from steward.storage import records
from steward.storage.profile import Profile
from tests.test_records import _check, _differences

ALWAYS = ("2000-01-01T00:00:00.000Z", "2100-01-01T00:00:00.000Z")


@pytest.fixture(scope="module")
def park(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Profile]:
    with Profile(tmp_path_factory.mktemp("typed_rows") / "park") as profile:
        demo.make_demo(profile, demo.DemoSize(enterprises=3, weeks=6, photos=False))
        yield profile


def _ids(p: Profile) -> list[str]:
    return [e["id"] for e in rating_rows.enterprises(p.db)]


def _visit_ids(p: Profile) -> list[str]:
    return [v["id"] for v in rating_rows.visits(p.db)]


def _finding_ids(p: Profile) -> list[str]:
    return [f["id"] for f in rating_rows.findings(p.db)]


QUERIES: dict[str, tuple[type, Callable[[Profile], list[typing.Any]]]] = {
    "ratings.enterprises": (records.EnterpriseName, lambda p: rating_rows.enterprises(p.db)),
    "ratings.enterprises of one": (
        records.EnterpriseName,
        lambda p: rating_rows.enterprises(p.db, _ids(p)[0]),
    ),
    "ratings.findings": (rating_rows.RatedFindingRow, lambda p: rating_rows.findings(p.db)),
    "ratings.findings_as_of": (
        rating_rows.RatedFindingRow,
        lambda p: rating_rows.findings_as_of(p.db, *ALWAYS, _visit_ids(p)),
    ),
    "ratings.findings_of": (rating_rows.RatedFindingRow, lambda p: rating_rows.findings_of(p.db, _ids(p))),
    "ratings.finding_events": (records.FindingEvent, lambda p: rating_rows.finding_events(p.db)),
    "ratings.events_of": (records.FindingEvent, lambda p: rating_rows.events_of(p.db, _finding_ids(p))),
    "ratings.finding_events_of": (records.FindingEvent, lambda p: rating_rows.finding_events_of(p.db, _ids(p))),
    "ratings.visits": (rating_rows.RatedVisitRow, lambda p: rating_rows.visits(p.db)),
    "ratings.recent_visits": (
        rating_rows.RatedVisitRow,
        lambda p: rating_rows.recent_visits(p.db, ALWAYS[0], ALWAYS[1], 4),
    ),
    "ratings.recent_visits of one": (
        rating_rows.RatedVisitRow,
        lambda p: rating_rows.recent_visits(p.db, "2020-01-01T00:00:00.000Z", ALWAYS[1], 4, _ids(p)[0]),
    ),
    "ratings.visits_of": (rating_rows.RatedVisitRow, lambda p: rating_rows.visits_of(p.db, _ids(p))),
    "exports.findings": (export_rows.ExportedFinding, lambda p: list(export_rows.findings(p.db, *ALWAYS))),
    "exports.finding_events": (
        export_rows.ExportedEvent,
        lambda p: list(export_rows.finding_events(p.db, *ALWAYS, _finding_ids(p))),
    ),
    "exports.enterprises": (export_rows.ExportedEnterprise, lambda p: export_rows.enterprises(p.db, ALWAYS[1])),
    "exports.visits": (export_rows.ExportedVisit, lambda p: export_rows.visits(p.db, *ALWAYS)),
}


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_a_row_names_exactly_the_columns_of_its_query(park: Profile, query: str) -> None:
    record, fetch = QUERIES[query]
    _check(record, fetch(park))


def test_every_row_of_the_rating_and_the_exports_is_checked() -> None:
    checked = {record for record, _fetch in QUERIES.values()}
    declared = {
        v
        for module in (rating_rows, export_rows)
        for v in vars(module).values()
        if isinstance(v, type) and typing.is_typeddict(v) and v.__module__ == module.__name__
    }
    assert declared, "the modules declare no rows"
    assert declared - checked == set(), f"rows no query here checks: {sorted(r.__name__ for r in declared - checked)}"


def test_a_rating_as_json_is_its_typed_dict(park: Profile) -> None:
    """What `steward ratings --json` prints: each rating with its reasons and their references."""
    rated = [r.to_dict() for r in ratings.ratings(park, clock.today())]
    assert rated
    assert any(reason["refs"] for r in rated for reason in r["reasons"]), "no reason with references to check"
    for r in rated:
        problem = _differences(ratings.EnterpriseRatingJson, dict(r))
        assert not problem, problem


def test_the_exports_read_every_column_they_print(park: Profile) -> None:
    """Each export's row has one cell per column, and the typed rows give the same file as before: the enterprises,
    visits and findings of the whole history, written and counted."""
    for what, counted in (
        (exports.What.ENTERPRISES, len(export_rows.enterprises(park.db, ALWAYS[1]))),
        (exports.What.VISITS, len(export_rows.visits(park.db, *ALWAYS))),
        (exports.What.FINDINGS, len(list(export_rows.findings(park.db, *ALWAYS)))),
    ):
        made = exports.build(park, what, date(2000, 1, 1), clock.today())
        rows = [list(r) for r in made.tables[0].rows]
        assert len(rows) == counted > 0, what
        assert {len(r) for r in rows} == {len(made.tables[0].columns)}, what
