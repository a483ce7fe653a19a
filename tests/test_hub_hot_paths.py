"""The hub's hot paths (every laptop's no-op sync, the pages of a new laptop's full pull) kept cheap without changing
any answer: the counts of hello follow every change, the change feed finds a reader's private records through their
own index. Speed itself is measured by bench/hub_load.py."""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
from pathlib import Path

from steward.domain.credit_code import check_character
from steward.hub.recheck import RecheckIndex
from steward.hub.schema import SHARED_ENTITIES
from steward.hub.store import OWN_IN_RANGE, PAGE_ROWS, HubStore, recheck_photos
from steward.sync.wire import content_hash


def enterprise(n: int, name: str) -> tuple[str, dict]:
    code = f"91331024MA{n:07d}"
    rid = f"01a30000-0003-7000-8000-{n:012x}"
    body = {
        "id": rid,
        "name": name,
        "credit_code": code + check_character(code),
        "address": "浙江省台州市仙居县安岭乡",
        "template_code": "craft",
        "archived": 0,
        "created_at": "2026-03-02T01:30:00.000Z",
        "updated_at": "2026-03-02T01:30:00.000Z",
    }
    return rid, body


def test_the_counts_of_hello_follow_every_change_made_by_another_process(tmp_path: Path) -> None:
    data = tmp_path / "hub"
    reader, writer = HubStore(data), HubStore(data)  # as a hub worker and `steward hub import-enterprises`
    assert reader.stats() == {"records": 0, "blobs": 0}
    rid, body = enterprise(1, "仙居县第一工艺品有限公司")
    writer.put_reference("enterprise", rid, body)
    assert reader.stats() == {"records": 1, "blobs": 0}
    writer.put_reference("enterprise", rid, {**body, "name": "仙居县第一工艺品股份有限公司"})  # replaced, not added
    assert reader.stats() == {"records": 1, "blobs": 0}
    writer.put_reference("enterprise", *enterprise(2, "仙居县第二工艺品有限公司"))
    assert reader.stats() == {"records": 2, "blobs": 0}
    steward = reader.steward_and_binding(writer.add_steward("李明"), "laptop-1")[0]["id"]
    content = b"a photo's bytes"
    sha = hashlib.sha256(content).hexdigest()
    upload = writer.begin_upload(sha, 0, len(content), steward)
    assert upload is not None
    upload.write(content)
    assert upload.finish(None) == {"offset": len(content), "complete": True}
    assert reader.stats() == {"records": 2, "blobs": 1}


def test_a_token_and_its_profile_binding_are_read_together(tmp_path: Path) -> None:
    store = HubStore(tmp_path / "hub")
    token = store.add_steward("李明")
    steward, bound_to = store.steward_and_binding(token, "laptop-1")
    assert steward["name"] == "李明" and bound_to is None
    store.bind("laptop-1", steward)
    assert store.steward_and_binding(token, "laptop-1") == (steward, steward["id"])


def test_a_hello_reads_the_steward_binding_notice_code_and_the_hubs_moment_in_one_query(tmp_path: Path) -> None:
    store = HubStore(tmp_path / "hub")
    token = store.add_steward("李明")
    found = store.caller(token, "laptop-1")
    assert (found.steward["name"], found.bound_to, found.number_prefix) == ("李明", None, None)
    store.bind("laptop-1", found.steward)
    store.put_reference("enterprise", *enterprise(1, "仙居县第一工艺品有限公司"))
    again = store.caller(token, "laptop-1")
    assert (again.bound_to, again.number_prefix) == (found.steward["id"], "LM")
    facts = store.hello_facts(found.steward["id"], again.moment)
    assert facts == store.hello_facts(found.steward["id"]) and facts["records"] == 1
    assert facts["cursor"] == again.moment[0] > found.moment[0]
    with store.connect() as conn:
        plan = [
            str(row[3])
            for row in conn.execute("EXPLAIN QUERY PLAN SELECT 1 FROM stewards s WHERE s.token_sha256 = ?", ["x" * 64])
        ]
    assert any("USING INDEX" in step or "USING COVERING INDEX" in step for step in plan), plan


def test_a_readers_private_records_are_found_through_their_own_index(tmp_path: Path) -> None:
    store = HubStore(tmp_path / "hub")
    with store.connect() as conn:
        plan = " ".join(str(row[3]) for row in conn.execute("EXPLAIN QUERY PLAN " + OWN_IN_RANGE, [1, 0, 9, 501]))
    assert "records_private_by_owner" in plan


def test_a_page_of_the_change_feed_walks_the_sequence_not_every_shared_record(tmp_path: Path) -> None:
    """Answered through the indexes on entity and owner, a page gathered every shared record of the hub and sorted
    them: its cost grew with the hub, not with the page."""
    store = HubStore(tmp_path / "hub")
    with store.connect() as conn:
        plan = [str(row[3]) for row in conn.execute("EXPLAIN QUERY PLAN " + PAGE_ROWS, [0, 9, 1, 501])]
    assert not any("TEMP B-TREE" in step or "MULTI-INDEX" in step for step in plan), plan
    assert any(step.startswith("SEARCH r USING INTEGER PRIMARY KEY") for step in plan), plan


def test_a_hub_from_before_the_index_gets_it_when_opened(tmp_path: Path) -> None:
    """A hub migrated up to m002 (no index, m003 not recorded) gets it from migration m003 when opened."""
    data = tmp_path / "hub"
    HubStore(data).close()
    with sqlite3.connect(data / "hub.db") as conn:
        conn.execute("DROP INDEX records_private_by_owner")
        conn.execute("DELETE FROM hub_migrations WHERE name = 'm003_records_private_by_owner'")
    HubStore(data).close()
    with sqlite3.connect(data / "hub.db") as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "records_private_by_owner" in names


STAMP = "2026-03-02T01:30:00.000Z"


def _rec(entity: str, rid: str, body: dict) -> dict:
    from steward.hub.models import clean_record
    from steward.sync.wire import content_hash

    return clean_record(entity, rid, content_hash(body), body)


def _uid(kind: int, n: int) -> str:
    return f"01a30000-{kind:04x}-7000-8000-{n:012x}"


def _visit(n: int, enterprise_id: str, steward: str) -> dict:
    return _rec(
        "visit",
        _uid(4, n),
        {
            "id": _uid(4, n),
            "enterprise_id": enterprise_id,
            "template_id": _uid(1, 1),
            "steward": steward,
            "kind": "routine",
            "status": "finished",
            "started_at": STAMP,
            "finished_at": STAMP,
        },
    )


def _event(n: int, finding_id: str, kind: str, at: str, visit_id: str | None = None) -> dict:
    body = {"id": _uid(7, n), "finding_id": finding_id, "kind": kind, "at": at, "by": "李明"}
    if visit_id:
        body["visit_id"] = visit_id
    return _rec("finding_event", body["id"], body)


def test_the_recheck_list_follows_every_change_reading_only_the_records_added(tmp_path: Path) -> None:
    """Wang's list (Li's photo of an open finding at an enterprise Wang visited) follows the finding's events, the
    photo's file arriving after its record, and a replaced record, while the hub's index reads only what was added
    since it last looked; its tag (hello's, the ETag) moves with each change and only then."""
    store = HubStore(tmp_path / "hub")
    li = store.steward_and_binding(store.add_steward("李明"), "a")[0]
    wang = store.steward_and_binding(store.add_steward("王芳"), "b")[0]
    enterprise_id, body = enterprise(1, "仙居县第一工艺品有限公司")
    store.put_reference("enterprise", enterprise_id, body)
    content = b"Li's photo of the paint shop"
    sha = hashlib.sha256(content).hexdigest()
    visit, finding_id = _visit(1, enterprise_id, "李明"), _uid(6, 1)
    finding = {
        "id": finding_id,
        "enterprise_id": enterprise_id,
        "visit_id": visit["id"],
        "description": "喷漆房废气收集不完善",
        "severity": "serious",
        "created_at": STAMP,
        "created_by": "李明",
    }
    photo = {"sha256": sha, "original_name": "a.jpg", "original_ext": "jpg", "format": "JPEG", "bytes": 28}
    link = {"id": _uid(8, 1), "sha256": sha, "finding_id": finding_id, "caption": "收集口", "created_at": STAMP}
    store.push(
        li,
        "a",
        [
            visit,
            _rec("finding", finding_id, finding),
            _event(1, finding_id, "opened", STAMP),
            _rec("photo", sha, {**photo, "width": 4, "height": 3}),
            _rec("photo_link", link["id"], link),
        ],
    )
    assert store.push(wang, "b", [_visit(2, enterprise_id, "王芳")])["accepted"]
    applied: list[int] = []
    real_apply = RecheckIndex.apply

    def counted(index: RecheckIndex, rows: list) -> None:
        applied.append(len(rows))
        real_apply(index, rows)

    RecheckIndex.apply = counted  # type: ignore[method-assign]
    try:
        tags = [store.hello_facts(wang["id"])["recheck"]]
        assert recheck_photos(store, wang["id"]) == []  # the file is not on the hub yet
        upload = store.begin_upload(sha, 0, len(content), li["id"])
        assert upload is not None
        upload.write(content)
        upload.finish(None)
        tags.append(store.hello_facts(wang["id"])["recheck"])
        listed = recheck_photos(store, wang["id"])
        assert [(p["sha256"], p["finding_id"], p["visit_id"], p["caption"]) for p in listed] == [
            (sha, finding_id, visit["id"], "收集口")
        ]
        assert recheck_photos(store, li["id"]) == []  # never one's own
        assert store.recheck_answer(wang["id"])[0] == tags[-1] == store.hello_facts(wang["id"])["recheck"]

        rectified = _event(2, finding_id, "recheck_rectified", "2026-03-09T01:30:00.000Z", _uid(4, 2))
        assert store.push(wang, "b", [rectified])["accepted"]  # on his own visit there
        tags.append(store.hello_facts(wang["id"])["recheck"])
        assert recheck_photos(store, wang["id"]) == []  # rectified: no longer handed out
        assert store.push(li, "a", [_event(3, finding_id, "reopened", "2026-03-10T01:30:00.000Z")])["accepted"]
        assert [p["sha256"] for p in recheck_photos(store, wang["id"])] == [sha]
        # A replaced record (an amended finding moves to the end of the sequence) is read as its new version.
        store.put_reference("enterprise", enterprise_id, {**body, "name": "仙居县第一工艺品股份有限公司"})
        assert [p["sha256"] for p in recheck_photos(store, wang["id"])] == [sha]
    finally:
        RecheckIndex.apply = real_apply  # type: ignore[method-assign]
    assert applied == [5, 1, 1, 0]  # everything once, then only what was added (the enterprise: nothing of it)
    assert len(set(tags)) == len(tags)


def _photos(n: int, first: int = 0) -> list[dict]:
    out = []
    for k in range(first, first + n):
        sha = hashlib.sha256(b"photo %d" % k).hexdigest()
        body = {"sha256": sha, "original_name": f"IMG_{k}.jpg", "taken_at": "2026-11-02T02:30:00.000Z"}
        out.append({"entity": "photo", "id": sha, "hash": content_hash(body), "body": body})
    return out


def _walk(store: HubStore, reader: int, limit: int) -> list[bytes]:
    """Every page of a full pull, as the hub sends them to a laptop that accepts gzip."""
    pages, since = [], 0
    while True:
        pages.append(store.changes(since, limit, reader, gzipped=True))
        page = json.loads(gzip.decompress(pages[-1]))
        assert page["cursor"] >= since
        since = page["cursor"]
        if not page["more"]:
            return pages


def _records(pages: list[bytes]) -> list[dict]:
    return [r for p in pages for r in json.loads(gzip.decompress(p))["records"]]


def _seen_by(store: HubStore, reader: int) -> list[tuple[str, str]]:
    """What a reader should get, in sequence: every shared record and their own (a page of the whole feed)."""
    with store.connect() as conn:
        rows = conn.execute(PAGE_ROWS, [0, 10**9, reader, 10**6]).fetchall()
    return [(r[1], r[2]) for r in rows]


def _all_arrive(records: list[dict], store: HubStore, reader: int) -> None:
    """The records of a pull are every shared one, in sequence, and every one of the reader's own, in sequence
    (each after the shared records of its page), each once."""
    got, expected = [(r["entity"], r["id"]) for r in records], _seen_by(store, reader)
    assert [g for g in got if g[0] in SHARED_ENTITIES] == [e for e in expected if e[0] in SHARED_ENTITIES]
    assert [g for g in got if g[0] not in SHARED_ENTITIES] == [e for e in expected if e[0] not in SHARED_ENTITIES]
    assert len(got) == len(expected)


def test_a_reader_whose_own_records_lie_at_the_end_gets_the_kept_pages_before_them(tmp_path: Path) -> None:
    """Whether a reader has private records was asked up to the end of the feed, so a steward whose photos came last
    had every page of a full pull built for them alone (no page kept, compressed once per reader): fifty such
    laptops pulling at once took twice as long. Asked within each page's range, the pages before them are the kept
    ones, and the reader's own records still arrive, with every shared record."""
    store = HubStore(tmp_path / "hub")
    for n in range(12):
        store.put_reference("enterprise", *enterprise(n, f"仙居县第{n}化工厂"))
    li, wang = (store.steward_and_binding(store.add_steward(name), "p")[0] for name in ("李敏", "王刚"))
    photos = _photos(3)
    assert len(store.push(li, "p-li", photos)["accepted"]) == 3
    wangs, lis = _walk(store, wang["id"], 5), _walk(store, li["id"], 5)
    assert [p is q for p, q in zip(lis, wangs, strict=True)] == [True, True, False]  # the same kept bytes
    _all_arrive(_records(lis), store, li["id"])
    assert [r["id"] for r in _records(lis)][-3:] == [p["id"] for p in photos]
    assert not any(r["entity"] == "photo" for r in _records(wangs))


def test_a_page_with_a_readers_own_records_ends_where_the_kept_page_does(tmp_path: Path) -> None:
    """Li's photos lie in the middle of the feed. Her page there was cut at `limit` records, so it ended before the
    kept page of that range did, and every later page of hers started where no other reader's did: built and
    compressed for her alone, and kept, pushing the pages every other laptop reads out of memory (the bench's ten
    stewards with photos made the hub compress pages again and again). Her page now covers the kept page's range
    with her own records after its shared ones (the kept page's bytes up to its last record, then hers compressed
    alone), and every later page is the kept one again; nothing of hers is missing and nothing of hers reaches Wang,
    even though Li asked first and her requests built the kept pages."""
    store = HubStore(tmp_path / "hub")
    li, wang = (store.steward_and_binding(store.add_steward(name), "p")[0] for name in ("李敏", "王刚"))
    for n in range(5):
        store.put_reference("enterprise", *enterprise(n, f"仙居县第{n}化工厂"))
    photos = _photos(3)
    assert len(store.push(li, "p-li", photos)["accepted"]) == 3
    for n in range(5, 17):
        store.put_reference("enterprise", *enterprise(n, f"仙居县第{n}化工厂"))
    lis, wangs = _walk(store, li["id"], 5), _walk(store, wang["id"], 5)
    assert len(lis) == len(wangs) == 4
    assert [p is q for p, q in zip(lis, wangs, strict=True)] == [True, False, True, True]
    second, kept = json.loads(gzip.decompress(lis[1])), json.loads(gzip.decompress(wangs[1]))
    assert second["records"] == kept["records"] + [{**p, "author": "李敏"} for p in photos]
    assert (second["cursor"], second["more"]) == (kept["cursor"], kept["more"])
    assert lis[1][:100] == wangs[1][:100]  # the kept page's own compressed bytes, not compressed again
    plain = store.changes(json.loads(gzip.decompress(lis[0]))["cursor"], 5, li["id"], gzipped=False)
    assert json.loads(plain) == second
    _all_arrive(_records(lis), store, li["id"])
    assert [(r["entity"], r["id"]) for r in _records(wangs)] == _seen_by(store, wang["id"])
    assert not any(r["entity"] == "photo" for r in _records(wangs))


def test_a_reader_with_more_own_records_in_a_range_than_a_page_holds_gets_them_a_page_at_a_time(
    tmp_path: Path,
) -> None:
    """A page of one's own is at most twice `limit` records: beyond that it is cut at `limit`, as a page always
    was, and the pull still brings every record once."""
    store = HubStore(tmp_path / "hub")
    li, wang = (store.steward_and_binding(store.add_steward(name), "p")[0] for name in ("李敏", "王刚"))
    store.put_reference("enterprise", *enterprise(0, "仙居县第0化工厂"))
    assert len(store.push(li, "p-li", _photos(12))["accepted"]) == 12
    for n in range(1, 5):
        store.put_reference("enterprise", *enterprise(n, f"仙居县第{n}化工厂"))
    lis = _walk(store, li["id"], 5)
    sizes = [len(json.loads(gzip.decompress(p))["records"]) for p in lis]
    assert max(sizes) <= 10 and sizes[0] == 5
    _all_arrive(_records(lis), store, li["id"])
    assert len(_records(_walk(store, wang["id"], 5))) == 5
