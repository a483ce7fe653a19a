"""A full pull of the change feed, against a real uvicorn hub on 127.0.0.1: in pages of any size, compressed or not,
each reader gets every shared record and their own, in sequence, and never a colleague's private record, although
the hub hands the same kept pages to every reader; the laptop asks for the largest page every hub gives."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from steward.hub.schema import SHARED_ENTITIES
from steward.hub.store import PAGE_ROWS, HubStore
from steward.storage.sync_records import PULLED_TABLES
from steward.sync import engine
from steward.sync.client import PAGE_LIMIT, HubClient
from steward.sync.wire import content_hash
from tests.hub_http import call
from tests.hub_process import Hub
from tests.prepared import new_laptop
from tests.test_hub_hot_paths import enterprise

LI, WANG, ZHAO = "李敏", "王刚", "赵强"
BEFORE, AFTER = 1300, 1000  # the hub's enterprises before and after Li's photos


def _photos(first: int, n: int) -> list[dict[str, Any]]:
    out = []
    for k in range(first, first + n):
        sha = hashlib.sha256(b"photo %d" % k).hexdigest()
        body = {"sha256": sha, "original_name": f"IMG_{k}.jpg", "taken_at": "2026-11-02T02:30:00.000Z"}
        out.append({"entity": "photo", "id": sha, "hash": content_hash(body), "body": body})
    return out


def listed(store: HubStore, numbers: range) -> None:
    """Enterprises of the hub's own list, kept as `steward hub import-enterprises` keeps them but without looking
    each one's credit code up among all the others (a list this long would take a busy machine seconds)."""
    with store.transaction() as conn:
        for n in numbers:
            rid, body = enterprise(n, f"仙居县第{n}工艺品有限公司")
            HubStore._insert_record(conn, "enterprise", rid, 0, "hub", content_hash(body), body)


@pytest.fixture(scope="module")
def prepared_feed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A hub's data folder (closed, nobody has pulled yet) whose feed holds 2,300 enterprises with 30 of Li's photos
    among them and 5 at the end; the stewards' tokens."""
    data = tmp_path_factory.mktemp("feed") / "hub"
    store = HubStore(data)
    try:
        tokens = {name: store.add_steward(name) for name in (LI, WANG, ZHAO)}
        li = store.steward_and_binding(tokens[LI], "p-li")[0]
        listed(store, range(BEFORE))
        assert len(store.push(li, "p-li", _photos(0, 30))["accepted"]) == 30
        listed(store, range(BEFORE, BEFORE + AFTER))
        assert len(store.push(li, "p-li", _photos(30, 5))["accepted"]) == 5
    finally:
        store.close()
    return data, tokens


@pytest.fixture
def feed(tmp_path: Path, prepared_feed: tuple[Path, dict[str, str]]) -> Iterator[tuple[Hub, dict[str, str], HubStore]]:
    """The test's own copy of the prepared feed, served: the pages a hub keeps are built by the test's own pulls."""
    data = tmp_path / "hub"
    shutil.copytree(prepared_feed[0], data)
    store = HubStore(data)
    try:
        server = Hub(data).start()
        try:
            yield server, dict(prepared_feed[1]), store
        finally:
            server.stop()
    finally:
        store.close()


def pull(server: Hub, token: str, limit: int, gzipped: bool) -> tuple[list[dict[str, Any]], int, list[bytes]]:
    """Every page from the start: the records, the last cursor, and each page's bytes as sent."""
    records: list[dict[str, Any]] = []
    sent: list[bytes] = []
    since = 0
    headers = {"Accept-Encoding": "gzip"} if gzipped else {"Accept-Encoding": "identity"}
    while True:
        status, body = call(
            server.url, "GET", "/v1/changes", token, params={"since": since, "limit": limit}, headers=headers
        )
        assert status == 200
        if gzipped:
            sent.append(body)
            body = json.loads(gzip.decompress(body))
        else:
            sent.append(json.dumps(body).encode())
        assert len(body["records"]) <= 2 * limit and body["cursor"] > since
        records += body["records"]
        since = body["cursor"]
        if not body["more"]:
            return records, since, sent


def seen_by(store: HubStore, token: str) -> list[tuple[str, str]]:
    """What a reader should get, in sequence: every shared record and their own."""
    reader = store.steward_for(token)["id"]
    with store.connect() as conn:
        return [(r[1], r[2]) for r in conn.execute(PAGE_ROWS, [0, 10**9, reader, 10**6]).fetchall()]


def in_order(records: list[dict[str, Any]]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """A pull's shared records and the reader's own, each in the order they came (a page carries the reader's own
    after its shared ones)."""
    keys = [(r["entity"], r["id"]) for r in records]
    return [k for k in keys if k[0] in SHARED_ENTITIES], [k for k in keys if k[0] not in SHARED_ENTITIES]


def test_every_page_size_brings_each_reader_the_same_records_and_never_a_colleagues(feed) -> None:
    """Li pulls first, so the kept pages were built during her requests. Pages of 500 (the laptop until now) and of
    2,000 (the laptop now), compressed or not, read by the laptop's own client (httpx) or another, bring each reader
    the same records with the same last cursor: every shared one in sequence and every one of their own in
    sequence, Li's 35 photos to her and none to Wang or Zhao."""
    server, tokens, store = feed
    pulls = {
        (name, limit, gzipped): pull(server, tokens[name], limit, gzipped)
        for name in (LI, WANG, ZHAO)
        for limit in (500, PAGE_LIMIT)
        for gzipped in (True, False)
    }
    for name in (LI, WANG, ZHAO):
        expected = in_order([{"entity": e, "id": i} for e, i in seen_by(store, tokens[name])])
        with HubClient(server.url, tokens[name], f"laptop-{len(name)}-{tokens[name][-6:]}") as client:
            pages = [client.changes(0)]
            while pages[-1]["more"]:
                pages.append(client.changes(pages[-1]["cursor"]))
        by_laptop = [r for page in pages for r in page["records"]], pages[-1]["cursor"]
        for records, cursor, _sent in [*(pulls[(name, n, z)] for n in (500, PAGE_LIMIT) for z in (True, False))]:
            assert in_order(records) == expected and cursor == by_laptop[1], name
            assert sorted(map(json.dumps, records)) == sorted(map(json.dumps, by_laptop[0])), name
    lis = pulls[(LI, PAGE_LIMIT, True)][0]
    assert [r["author"] for r in lis if r["entity"] == "photo"] == [LI] * 35
    assert len(lis) == BEFORE + AFTER + 35
    for name in (WANG, ZHAO):
        assert [r["entity"] for r in pulls[(name, PAGE_LIMIT, True)][0]] == ["enterprise"] * (BEFORE + AFTER)
    # Wang and Zhao read the very bytes kept once; Li's first page of 2,000 (her photos in its range) is that page
    # with hers after its records: her second page starts where theirs does and is the kept one.
    assert pulls[(WANG, PAGE_LIMIT, True)][2] == pulls[(ZHAO, PAGE_LIMIT, True)][2]
    wangs, lis_sent = pulls[(WANG, PAGE_LIMIT, True)][2], pulls[(LI, PAGE_LIMIT, True)][2]
    assert len(wangs) == len(lis_sent) == 2 and lis_sent[0] != wangs[0]
    first, kept = json.loads(gzip.decompress(lis_sent[0])), json.loads(gzip.decompress(wangs[0]))
    assert first["records"][:2000] == kept["records"] and first["cursor"] == kept["cursor"]
    assert [r["entity"] for r in first["records"][2000:]] == ["photo"] * 30


class PageCounter(HubClient):
    """The laptop's client, noting the size of each page of the change feed it asks for."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.limits: list[int] = []

    def changes(self, since: int, limit: int = PAGE_LIMIT) -> dict[str, Any]:
        self.limits.append(limit)
        return super().changes(since, limit)


def test_a_laptop_pulls_in_pages_of_the_largest_size_every_hub_gives(
    feed, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """2,000 records a page (every hub has given pages that large since the first protocol): Wang's new laptop
    pulls the 2,300 enterprises in two requests, not five, and holds every one of them. Each record's row is checked
    against the laptop's schema, read once, not once a row (a year of an office's visits is some 450,000 rows)."""
    server, tokens, _store = feed
    assert PAGE_LIMIT == 2000
    with new_laptop(request, tmp_path / "wang", "wang", None) as laptop:
        client = PageCounter(server.url, tokens[WANG], engine.profile_id(laptop))
        schema_reads: list[str] = []
        laptop.db.conn.set_trace_callback(lambda sql: schema_reads.append(sql) if "table_info" in sql else None)
        try:
            report = engine.sync(laptop, client)
        finally:
            laptop.db.conn.set_trace_callback(None)
        assert client.limits == [2000, 2000]
        assert 0 < len(schema_reads) <= len(PULLED_TABLES)
        assert report.pulled == BEFORE + AFTER and not report.skipped
        assert laptop.db.scalar("SELECT count(*) FROM enterprises") == BEFORE + AFTER
        assert laptop.db.scalar("SELECT count(*) FROM photos") == 0


def test_a_pulled_visit_with_an_answer_the_laptop_cannot_hold_is_skipped_whole(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Its rows are checked against the laptop's schema as they are written: an answer without its item leaves
    nothing of the visit behind (not the visit, not its other answers), and the next good visit is kept."""
    from steward.storage import sync_records as store
    from steward.sync.engine import SyncReport, _apply
    from tests.test_hub_hot_paths import STAMP, _uid, _visit

    with new_laptop(request, tmp_path / "wang", "wang", None) as laptop:
        template = laptop.db.scalar("SELECT id FROM templates LIMIT 1")
        item = laptop.db.scalar("SELECT id FROM template_items WHERE template_id = ? LIMIT 1", [template])
        rid, body = enterprise(1, "仙居县第一工艺品有限公司")
        report = SyncReport()
        with laptop.db.write():
            assert _apply(laptop, {"entity": "enterprise", "id": rid, "body": body}, report)
        kept = []
        for n, answers in enumerate(
            (
                [{"item_id": item, "result": "compliant"}, {"result": "compliant"}],
                [{"item_id": item, "result": "compliant"}],
            )
        ):
            visit = _visit(n, rid, "李敏")["body"] | {"template_id": template}
            visit["items"] = [{"item_id": item, "position": 0}]
            visit["answers"] = [
                {"id": _uid(5, 10 * n + k), "visit_id": visit["id"], "note": "", "updated_at": STAMP, **a}
                for k, a in enumerate(answers)
            ]
            try:
                with laptop.db.write(), store.one_record(laptop.db):
                    kept.append(_apply(laptop, {"entity": "visit", "id": visit["id"], "body": visit}, report))
            except store.NotApplied as exc:
                assert "item_id" in str(exc)
                kept.append(False)
        assert kept == [False, True]
        assert laptop.db.scalar("SELECT count(*) FROM visits") == 1
        assert laptop.db.scalar("SELECT count(*) FROM visit_items") == 1
        assert laptop.db.scalar("SELECT count(*) FROM answers") == 1
