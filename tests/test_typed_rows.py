"""The rows the rating and the exports read (steward/storage/ratings.py, steward/storage/exports.py) are typed
records read through Database.query_as/iterate_as, which trust them: each record is held here to the query that makes
it (the same columns, no more and no fewer, each value of its declared type), as tests/test_records.py holds those of
storage/records.py. The JSON `steward ratings --json` prints is held to its TypedDicts the same way."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types
import typing
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from datetime import date, datetime, timedelta

import pytest

import steward.domain
import steward.reports
import steward.services
import steward.storage
from steward.domain import clock, credit_code, rating
from steward.reports.sheets import Kind
from steward.services import demo, enterprise_events, enterprises, exports, ratings
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
        # A penalty of 400 days ago: red from then, green once it left its 12 months (a first colour and a change).
        code = "91330100MA2B" + "00007" + credit_code.check_character("91330100MA2B00007")
        penalised = enterprises.create(profile, name="处罚过的企业", credit_code=code)
        on = clock.today() - timedelta(days=400)
        enterprise_events.add(profile, penalised["id"], "penalty", on, authority="生态环境局")
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


def test_a_change_of_colour_as_json_is_its_typed_dict(park: Profile) -> None:
    """What `steward ratings timeline --json` prints: the day, the colour before (None for the first) and the rating."""
    changes = [c.to_dict() for e in _ids(park) for c in ratings.enterprise_timeline(park, e)]
    assert {c["from"] is None for c in changes} == {True, False}, "no first colour and later change to check"
    for change in changes:
        assert list(change)[:2] == ["on", "from"]
        problem = _differences(rating.ChangeJson, dict(change))
        assert not problem, problem


def _of_kind(value: object, kind: Kind) -> bool:
    if kind is Kind.TEXT:
        return isinstance(value, str)
    if kind is Kind.INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is Kind.DATE:
        return value is None or (isinstance(value, date) and not isinstance(value, datetime))
    if kind is Kind.DATETIME:
        return value is None or isinstance(value, datetime)
    return value is None or isinstance(value, int | float)  # a number, a percent (empty without findings)


def test_each_exported_cell_is_of_its_columns_kind(park: Profile) -> None:
    """The exports made from the typed rows: every row read (the enterprises, visits and findings of the whole
    history), one cell per column, each of its column's kind (text as text, counts as whole numbers, days as dates)."""
    for what, counted in (
        (exports.What.ENTERPRISES, len(export_rows.enterprises(park.db, ALWAYS[1]))),
        (exports.What.VISITS, len(export_rows.visits(park.db, *ALWAYS))),
        (exports.What.FINDINGS, len(list(export_rows.findings(park.db, *ALWAYS)))),
    ):
        table = exports.build(park, what, date(2000, 1, 1), clock.today()).tables[0]
        rows = [list(r) for r in table.rows]
        assert len(rows) == counted > 0, what
        for row in rows:
            assert len(row) == len(table.columns), what
            wrong = [(c.zh, v) for c, v in zip(table.columns, row, strict=True) if not _of_kind(v, c.kind)]
            assert not wrong, f"{what}: cells not of their column's kind: {wrong}"


def test_the_kind_check_tells_a_date_from_a_date_time_and_a_count_from_text() -> None:
    assert _of_kind(date(2026, 1, 5), Kind.DATE) and not _of_kind(datetime(2026, 1, 5), Kind.DATE)
    assert _of_kind(3, Kind.INTEGER) and not _of_kind("3", Kind.INTEGER) and not _of_kind(True, Kind.INTEGER)
    assert not _of_kind(None, Kind.TEXT)


# What may still hand on rows of Any values, and why.
FREE_FORM = {
    # Storage's generic reads: rows no record names (counts, aggregates, ids), read only inside storage (SQL lives
    # nowhere else: tests/test_architecture.py); what storage hands on is a record or values of their own types.
    "steward.storage.database.Database.query",
    "steward.storage.database.Database.iterate",
    "steward.storage.database.Database.query_one",
    # A checklist spreadsheet read into the YAML's shape: free-form input that domain.templates checks.
    "steward.services.template_files._xlsx_document",
    # A reportlab font's attributes as pickled: reportlab's state, not ours.
    "steward.reports.font_files._read",
}


def _untyped_rows(hint: object) -> bool:
    """Whether a type hint holds a dict or mapping of str to Any (anywhere in it: a list of them, an Optional)."""
    if isinstance(hint, str):  # an annotation naming what only type checking imports: read as written
        return "dict[str, Any]" in hint or "Mapping[str, Any]" in hint
    args = typing.get_args(hint)
    origin = typing.get_origin(hint)
    if origin in (dict, Mapping, MutableMapping) and args == (str, typing.Any):
        return True
    return any(_untyped_rows(a) for a in args)


def _returns(module: types.ModuleType) -> Iterator[tuple[str, object]]:
    """The declared return of every function and method the module defines."""
    functions: list[tuple[str, Callable[..., object]]] = []
    for name, value in vars(module).items():
        if inspect.isfunction(value) and value.__module__ == module.__name__:
            functions.append((name, value))
        elif inspect.isclass(value) and value.__module__ == module.__name__:
            functions += [(f"{name}.{n}", f) for n, f in vars(value).items() if inspect.isfunction(f)]
    for name, function in functions:
        try:
            hint = typing.get_type_hints(function).get("return")
        except NameError:
            hint = function.__annotations__.get("return")
        yield f"{module.__name__}.{name}", hint


def _modules() -> Iterator[types.ModuleType]:
    for layer in (steward.domain, steward.storage, steward.services, steward.reports):
        for info in pkgutil.walk_packages(layer.__path__, layer.__name__ + "."):
            yield importlib.import_module(info.name)


def test_what_the_layers_hand_on_is_typed() -> None:
    """No function of the domain, storage, services or reports returns rows of Any values (dict[str, Any]): what
    crosses a layer is a record, a dataclass or values of their own types, but for the free-form reads named above."""
    returns = dict(item for module in _modules() for item in _returns(module))
    assert "steward.storage.ratings.findings" in returns, "the walk missed the modules it checks"
    untyped = {name for name, hint in returns.items() if _untyped_rows(hint)}
    assert untyped == FREE_FORM


def test_the_return_check_sees_rows_of_any_however_they_are_wrapped() -> None:
    assert _untyped_rows(list[dict[str, typing.Any]])
    assert _untyped_rows(dict[str, typing.Any] | None)
    assert _untyped_rows(Iterator[tuple[Mapping[str, typing.Any], int]])
    assert _untyped_rows("list[dict[str, Any]]")
    assert not _untyped_rows(list[records.Finding])
    assert not _untyped_rows(dict[str, object])
