"""Steward Hub's API under attack by a colleague with a valid token: every body checked by its entity's model,
authorship from the token, reading limited, size limits, partial uploads, full disks. Real uvicorn on 127.0.0.1."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import stat
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from steward.hub.store import HubStore
from steward.services import visits
from steward.services.profiles import open_profile
from steward.sync import engine
from steward.sync.client import HubClient
from steward.sync.wire import record
from tests.conftest import make_code
from tests.hub_http import call
from tests.hub_process import Hub
from tests.postgres import copy_db
from tests.test_sync import _issuer, finished_visit_with_finding

LI, WANG = "李明", "王芳"


@pytest.fixture
def hub(tmp_path: Path, hub_db: str | None):
    """A hub on each engine (tests/postgres.py); tests of what no engine decides run on SQLite only (ON_SQLITE)."""
    data = tmp_path / "hub"
    store = HubStore(data, db_url=hub_db)
    try:
        tokens = {name: store.add_steward(name) for name in (LI, WANG)}
        server = Hub(data, db_url=hub_db).start()
        yield server, tokens, store
        server.stop()
    finally:
        store.close()


# Request checks made before the store is reached (models, size limits, the cursor's range): one engine suffices.
ON_SQLITE = pytest.mark.parametrize("hub_db", ["sqlite"], indirect=True)
SYNCED_ON_SQLITE = pytest.mark.parametrize("module_hub_db", ["sqlite"], indirect=True)


@pytest.fixture(scope="module")
def laptops(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Li's laptop with a finished visit (finding, photo, signature, the report and notice rendered) and Wang's new
    laptop, made once for the module (rendering the PDFs is most of a test's set-up); every test that uses them
    works on its own copy (copy_laptops), so nothing one test writes reaches another."""
    root = tmp_path_factory.mktemp("laptops")
    with open_profile(root / "a", "li") as li, open_profile(root / "b", "wang") as wang:
        _issuer(li, LI), _issuer(wang, WANG)
        visit, finding = finished_visit_with_finding(li, root)
    return {"root": root, "visit": visit, "finding": finding}


def copy_laptops(source: Path, target: Path) -> Path:
    """A copy of both laptops (folders a and b, as open_profile made them) in `target`."""
    for name in ("a", "b"):
        shutil.copytree(source / name, target / name)
    return target


@pytest.fixture(scope="module")
def synced_once(
    tmp_path_factory: pytest.TempPathFactory, module_hub_db: str | None, laptops: dict[str, Any]
) -> dict[str, Any]:
    """A hub on each engine that Li's laptop synced her finished visit into and Wang's laptop then pulled from, made
    once for the module; stopped and closed, for `synced` to copy."""
    tmp = tmp_path_factory.mktemp("synced")
    data = tmp / "hub"
    store = HubStore(data, db_url=module_hub_db)
    try:
        tokens = {name: store.add_steward(name) for name in (LI, WANG)}
        server = Hub(data, db_url=module_hub_db).start()
        try:
            copy_laptops(laptops["root"], tmp)
            with open_profile(tmp / "a", "li") as li, open_profile(tmp / "b", "wang") as wang:
                engine.sync(li, HubClient(server.url, tokens[LI], engine.profile_id(li)))
                engine.sync(wang, HubClient(server.url, tokens[WANG], engine.profile_id(wang)))
        finally:
            server.stop()
    finally:
        store.close()  # nobody may be connected to a database that is copied
    return {"root": tmp, "data": data, "db": module_hub_db, "tokens": tokens}


@pytest.fixture
def synced(synced_once: dict[str, Any], laptops: dict[str, Any], tmp_path: Path, request: pytest.FixtureRequest):
    """Li's finished visit (finding, photo, signature, PDFs) on the hub; Wang's laptop has pulled it. The test's own
    copy of the hub's data folder (and PostgreSQL database) and of both laptops, served by its own hub."""
    data = tmp_path / "hub"
    shutil.copytree(synced_once["data"], data)
    copy_laptops(synced_once["root"], tmp_path)
    db = copy_db(request, synced_once["db"])
    store = HubStore(data, db_url=db)
    try:
        server = Hub(data, db_url=db).start()
        try:
            yield {
                "hub": (server, synced_once["tokens"], store),
                "laptops": tmp_path,  # a: Li's, b: Wang's (open_profile(laptops / "b", "wang"))
                "visit": laptops["visit"],
                "finding": laptops["finding"],
            }
        finally:
            server.stop()
    finally:
        store.close()


def body_of(store: HubStore, entity: str, rid: str) -> dict:
    body = store.record_body(entity, rid)
    assert body is not None
    return body


def new_id(n: int) -> str:
    return f"01a21400-0000-7000-8000-{n:012d}"


# -- 1. every body checked by its entity's model ---------------------------------------------------------------
def test_an_invalid_record_is_refused_on_its_own_naming_entity_id_and_field(synced) -> None:
    """One push: an enterprise without a name, an event whose time is a number, a visit whose body is a list, a
    record of an entity the hub does not know, and one good enterprise. The good one is kept; each bad one is
    refused on its own, naming entity, id and field; nothing of them is kept."""
    server, tokens, store = synced["hub"]
    before = store.stats()
    enterprise = body_of(store, "enterprise", synced["visit"]["enterprise_id"])
    nameless = {k: v for k, v in enterprise.items() if k != "name"} | {"id": new_id(1), "credit_code": make_code(11)}
    event = next(b for b in store.bodies("finding_event") if b["finding_id"] == synced["finding"]["id"])
    timeless = {**event, "id": new_id(2), "at": 5}
    good = {**enterprise, "id": new_id(7), "credit_code": make_code(17), "name": "好企业"}
    status, answer = call(
        server.url,
        "POST",
        "/v1/records",
        tokens[LI],
        payload={
            "records": [
                record("enterprise", new_id(1), nameless),
                record("finding_event", new_id(2), timeless),
                {"entity": "visit", "id": new_id(3), "hash": "0" * 64, "body": [1]},
                record("spaceship", new_id(8), {"id": new_id(8)}),
                record("enterprise", new_id(7), good),
            ]
        },
    )
    assert status == 200
    assert answer["accepted"] == [{"entity": "enterprise", "id": new_id(7)}]
    refused = {(r["entity"], r["id"]): r for r in answer["refused"]}
    assert {key: r["field"] for key, r in refused.items()} == {
        ("enterprise", new_id(1)): "name",
        ("finding_event", new_id(2)): "at",
        ("visit", new_id(3)): "body",
        ("spaceship", new_id(8)): "entity",
    }
    assert refused[("enterprise", new_id(1))]["code"] == "invalid_record"
    assert "name" in refused[("enterprise", new_id(1))]["zh"] and refused[("enterprise", new_id(1))]["en"]
    assert refused[("spaceship", new_id(8))]["code"] == "unknown_entity"
    assert store.stats()["records"] == before["records"] + 1
    assert store.record_body("enterprise", new_id(1)) is None and store.record_body("finding_event", new_id(2)) is None
    # Garbage that is not a list of records at all still refuses the request.
    status, answer = call(server.url, "POST", "/v1/records", tokens[LI], payload={"records": {"entity": "visit"}})
    assert status == 422 and answer["error"]["field"] == "records"


@SYNCED_ON_SQLITE
def test_a_lone_surrogate_in_a_record_refuses_that_record_not_a_500(synced) -> None:
    server, tokens, store = synced["hub"]
    enterprise = body_of(store, "enterprise", synced["visit"]["enterprise_id"])
    broken = {**enterprise, "id": new_id(4), "credit_code": make_code(12), "address": "白塔镇\ud800"}
    status, answer = call(
        server.url,
        "POST",
        "/v1/records",
        tokens[LI],
        payload={"records": [{"entity": "enterprise", "id": new_id(4), "hash": "a" * 64, "body": broken}]},
    )
    assert status == 200 and [(r["entity"], r["id"], r["field"]) for r in answer["refused"]] == [
        ("enterprise", new_id(4), "address")
    ]
    status, answer = call(
        server.url,
        "POST",
        "/v1/records",
        tokens[LI],
        payload={"records": [{"entity": "enterprise\ud800", "id": new_id(4), "hash": "a" * 64, "body": {}}]},
    )
    # A record that cannot even be named (its entity is no text) is envelope garbage: the request is refused.
    assert status == 422 and answer["error"]["field"] == "entity"
    assert store.record_body("enterprise", new_id(4)) is None


@SYNCED_ON_SQLITE
def test_a_field_the_hub_does_not_know_is_dropped_never_handed_on(synced) -> None:
    """The attack of issue 8: a field *name* carrying SQL. It never reaches another laptop."""
    server, tokens, store = synced["hub"]
    enterprise = body_of(store, "enterprise", synced["visit"]["enterprise_id"])
    evil_field = "name) SELECT value FROM settings --"
    body = {**enterprise, "id": new_id(5), "credit_code": make_code(13), "name": "新企业", evil_field: "x"}
    status, answer = call(
        server.url, "POST", "/v1/records", tokens[WANG], payload={"records": [record("enterprise", new_id(5), body)]}
    )
    assert status == 200 and answer["accepted"] == [{"entity": "enterprise", "id": new_id(5)}]
    kept = body_of(store, "enterprise", new_id(5))
    assert evil_field not in kept and kept["name"] == "新企业"
    status, page = call(server.url, "GET", "/v1/changes", tokens[LI], params={"since": 0, "limit": 2000})
    handed = next(r for r in page["records"] if r["id"] == new_id(5))
    assert evil_field not in handed["body"]
    assert (
        handed["hash"]
        == hashlib.sha256(
            json.dumps(handed["body"], sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
        ).hexdigest()
    )


@SYNCED_ON_SQLITE
def test_the_hub_checks_each_records_hash_against_its_body(synced) -> None:
    server, tokens, store = synced["hub"]
    enterprise = body_of(store, "enterprise", synced["visit"]["enterprise_id"])
    body = {**enterprise, "id": new_id(6), "credit_code": make_code(14)}
    claimed = record("enterprise", new_id(6), body)
    claimed["body"] = {**body, "name": "改过的名字"}  # the body changed after hashing
    status, answer = call(server.url, "POST", "/v1/records", tokens[LI], payload={"records": [claimed]})
    assert status == 200 and [(r["code"], r["id"], r["field"]) for r in answer["refused"]] == [
        ("bad_hash", new_id(6), "hash")
    ]
    assert store.record_body("enterprise", new_id(6)) is None


@ON_SQLITE
def test_a_huge_cursor_is_refused_not_a_500(hub) -> None:
    server, tokens, _ = hub
    status, answer = call(server.url, "GET", "/v1/changes", tokens[LI], params={"since": 10**30})
    assert status == 422 and answer["error"]["field"] == "query.since"
    status, answer = call(server.url, "GET", "/v1/changes", tokens[LI], params={"since": 2**63 - 1})
    assert status == 200 and answer["records"] == []


# -- 2. who may write what, who may read what ----------------------------------------------------------------
def test_a_colleague_cannot_close_anothers_finding_or_link_a_photo_to_her_visit(synced) -> None:
    server, tokens, store = synced["hub"]
    finding, visit = synced["finding"], synced["visit"]
    opened = next(b for b in store.bodies("finding_event") if b["finding_id"] == finding["id"])
    waived = {
        **opened,
        "id": new_id(7),
        "kind": "waived",
        "by": LI,
        "note": "冒名豁免",
        "visit_id": None,
        "at": "2026-11-20T01:00:00.000Z",
    }
    photo_sha = store.bodies("photo")[0]["sha256"]
    link = {
        "id": new_id(8),
        "sha256": photo_sha,
        "visit_id": visit["id"],
        "item_id": None,
        "finding_id": None,
        "event_id": None,
        "caption": "",
        "created_at": "2026-11-20T01:00:00.000Z",
    }
    enterprise = body_of(store, "enterprise", visit["enterprise_id"])
    fine = {**enterprise, "id": new_id(9), "credit_code": make_code(15), "name": "另一家企业"}
    records = [
        record("enterprise", new_id(9), fine),
        record("finding_event", new_id(7), waived),
        record("photo", photo_sha, store.bodies("photo")[0]),  # he sends the photo's record as his laptop would
        record("photo_link", new_id(8), link),
    ]
    status, answer = call(server.url, "POST", "/v1/records", tokens[WANG], payload={"records": records})
    assert status == 200
    assert answer["accepted"] == [  # the rest of the push is kept
        {"entity": "enterprise", "id": new_id(9)},
        {"entity": "photo", "id": photo_sha},
    ]
    assert {(r["entity"], r["code"]) for r in answer["refused"]} == {
        ("finding_event", "not_your_finding"),
        ("photo_link", "not_your_visit"),
    }
    assert all(r["zh"] and r["en"] for r in answer["refused"])
    assert store.record_body("finding_event", new_id(7)) is None and store.record_body("photo_link", new_id(8)) is None

    # Naming a visit of her own does not help unless it is hers and at the same enterprise.
    status, answer = call(
        server.url,
        "POST",
        "/v1/records",
        tokens[WANG],
        payload={"records": [record("finding_event", new_id(7), {**waived, "visit_id": visit["id"]})]},
    )
    assert [r["code"] for r in answer["refused"]] == ["not_your_visit"]


def test_a_recheck_on_the_colleagues_own_visit_is_accepted_and_authored_by_the_token(synced) -> None:
    server, tokens, store = synced["hub"]
    finding, visit = synced["finding"], synced["visit"]
    with open_profile(synced["laptops"] / "b", "wang") as wang:
        recheck = visits.start(wang, visit["enterprise_id"], "recheck", item_codes=["B1"], steward="冒名的李明")
        visits.recheck(wang, recheck["id"], finding["id"], "recheck_rectified", "已整改到位")
        visits.finish(wang, recheck["id"])
        report = engine.sync(wang, HubClient(server.url, tokens[WANG], engine.profile_id(wang)))
    assert report.pushed > 0 and not report.conflicts
    event = next(b for b in store.bodies("finding_event") if b["kind"] == "recheck_rectified")
    assert event["visit_id"] == recheck["id"]
    _status, page = call(server.url, "GET", "/v1/changes", tokens[LI], params={"since": 0, "limit": 2000})
    authors = {(r["entity"], r["id"]): r["author"] for r in page["records"]}
    assert authors[("finding_event", event["id"])] == WANG  # the token's steward, whatever the body says
    assert authors[("visit", recheck["id"])] == WANG and authors[("visit", visit["id"])] == LI


def test_hub_reference_data_has_no_author(hub, tmp_path: Path) -> None:
    server, tokens, store = hub
    body = {
        "id": new_id(10),
        "name": "参保企业",
        "credit_code": make_code(16),
        "created_at": "2026-11-01T00:00:00Z",
        "updated_at": "2026-11-01T00:00:00Z",
    }
    assert store.put_reference("enterprise", new_id(10), body)
    status, page = call(server.url, "GET", "/v1/changes", tokens[LI])
    assert status == 200 and [(r["id"], r["author"]) for r in page["records"]] == [(new_id(10), None)]


def test_colleagues_read_findings_but_not_each_others_photos_signatures_or_documents(synced) -> None:
    server, tokens, store = synced["hub"]
    status, mine = call(server.url, "GET", "/v1/changes", tokens[LI], params={"limit": 2000})
    status, theirs = call(server.url, "GET", "/v1/changes", tokens[WANG], params={"limit": 2000})
    own_kinds = {r["entity"] for r in mine["records"]}
    colleague_kinds = {r["entity"] for r in theirs["records"]}
    assert {"photo", "photo_link", "signature", "document"} <= own_kinds
    assert colleague_kinds == {"enterprise", "template", "visit", "finding", "finding_event"}
    assert theirs["cursor"] == mine["cursor"] and theirs["more"] is False  # past what she may not see
    document = store.bodies("document")[0]
    status, pdf = call(server.url, "GET", f"/v1/blobs/{document['sha256']}", tokens[LI])
    assert status == 200 and pdf[:5] == b"%PDF-"
    status, answer = call(server.url, "GET", f"/v1/blobs/{document['sha256']}", tokens[WANG])
    assert status == 404 and answer["error"]["code"] == "no_blob"
    signature = store.bodies("signature")[0]["image_sha256"]
    assert call(server.url, "GET", f"/v1/blobs/{signature}", tokens[WANG])[0] == 404


def test_the_blob_api_never_tells_a_colleague_whether_anothers_file_is_on_the_hub(synced) -> None:
    """Wang, with a valid token and the hashes of Li's photo, signature image and report (learnt somehow), gets
    exactly the answers he would get for files the hub has never seen; only by sending all the bytes does he
    come to hold a file, and then nothing of Li's changes."""
    server, tokens, store = synced["hub"]
    photo = store.bodies("photo")[0]
    hers = [photo["sha256"], store.bodies("signature")[0]["image_sha256"], store.bodies("document")[0]["sha256"]]
    unknown = [hashlib.sha256(f"never sent {i}".encode()).hexdigest() for i in range(3)]
    status, answer = call(server.url, "POST", "/v1/blobs/missing", tokens[WANG], payload={"sha256": hers + unknown})
    assert status == 200 and answer == {"missing": hers + unknown, "offsets": {}}
    status, answer = call(server.url, "POST", "/v1/blobs/missing", tokens[LI], payload={"sha256": hers + unknown})
    assert answer["missing"] == unknown  # Li is told her own files are there
    for known, never in zip(hers, unknown, strict=True):
        assert call(server.url, "GET", f"/v1/blobs/{known}/offset", tokens[WANG]) == (200, {"offset": 0})
        assert call(server.url, "GET", f"/v1/blobs/{never}/offset", tokens[WANG]) == (200, {"offset": 0})
    assert call(server.url, "GET", f"/v1/blobs/{hers[0]}/offset", tokens[LI]) == (200, {"offset": -1})
    # An upload of a file he does not have: the same refusal as for a file the hub lacks (not "already complete").
    wrong = os.urandom(photo["bytes"])
    answers = [
        call(server.url, "PUT", f"/v1/blobs/{sha}", tokens[WANG], data=wrong, params={"offset": 0, "total": len(wrong)})
        for sha in (hers[0], unknown[0])
    ]
    assert [(s, a["error"]["code"]) for s, a in answers] == [(422, "blob_hash")] * 2
    # A photo record, and a photo link, naming her photo: answered as for a photo nobody has.
    fake = {**photo, "original_name": "wang.jpg"}
    never_photo = {**photo, "sha256": unknown[1]}
    status, answer = call(
        server.url,
        "POST",
        "/v1/records",
        tokens[WANG],
        payload={"records": [record("photo", hers[0], fake), record("photo", unknown[1], never_photo)]},
    )
    assert status == 200 and answer["accepted"] == [
        {"entity": "photo", "id": hers[0]},
        {"entity": "photo", "id": unknown[1]},
    ]
    assert body_of(store, "photo", hers[0])["original_name"] == photo["original_name"]  # hers, unchanged
    links = [
        {"id": new_id(40 + i), "sha256": sha, "visit_id": new_id(49), "created_at": "2026-11-02T02:30:00.000Z"}
        for i, sha in enumerate((hers[1], unknown[2]))
    ]
    status, answer = call(
        server.url,
        "POST",
        "/v1/records",
        tokens[WANG],
        payload={"records": [record("photo_link", link["id"], link) for link in links]},
    )
    assert [r["code"] for r in answer["refused"]] == ["unknown_photo", "unknown_photo"]
    assert call(server.url, "GET", f"/v1/blobs/{hers[0]}", tokens[WANG])[0] == 404
    # Wang has the very same photo (it was forwarded to him): his upload is checked and kept, idempotently.
    same = store.blobs.read(hers[0])
    status, answer = call(
        server.url, "PUT", f"/v1/blobs/{hers[0]}", tokens[WANG], data=same, params={"offset": 0, "total": len(same)}
    )
    assert (status, answer) == (200, {"offset": len(same), "complete": True})
    assert call(server.url, "POST", "/v1/blobs/missing", tokens[WANG], payload={"sha256": hers})[1]["missing"] == [
        hers[1],
        hers[2],
    ]
    assert store.blobs.read(hers[0]) == same and store.missing(hers) == []
    assert call(server.url, "GET", f"/v1/blobs/{hers[1]}", tokens[WANG])[0] == 404


def test_pages_of_the_change_feed_shared_by_readers_never_carry_or_hide_anyones_own_records(synced) -> None:
    """The hub keeps pages every reader sees alike. Wang asks first (the page is kept); Li, whose photos and
    signatures are in the same range, still gets them; Zhao gets Wang's very bytes; a change anywhere is seen."""
    server, tokens, store = synced["hub"]
    zhao = store.add_steward("赵强")
    wang = call(server.url, "GET", "/v1/changes", tokens[WANG], params={"limit": 2000})[1]
    li = call(server.url, "GET", "/v1/changes", tokens[LI], params={"limit": 2000})[1]
    assert {"photo", "signature", "document"} <= {r["entity"] for r in li["records"]}
    assert not {"photo", "signature", "document"} & {r["entity"] for r in wang["records"]}
    assert call(server.url, "GET", "/v1/changes", zhao, params={"limit": 2000})[1] == wang
    # Compressed for a client that accepts gzip (the laptop's httpx does), the same page once decoded.
    status, packed = call(
        server.url, "GET", "/v1/changes", zhao, params={"limit": 2000}, headers={"Accept-Encoding": "gzip"}
    )
    assert status == 200 and json.loads(gzip.decompress(packed)) == wang
    enterprise = body_of(store, "enterprise", synced["visit"]["enterprise_id"])
    body = {**enterprise, "id": new_id(30), "credit_code": make_code(30), "name": "新登记企业"}
    assert store.put_reference("enterprise", new_id(30), body)  # from another process, as the import command does
    again = call(server.url, "GET", "/v1/changes", zhao, params={"limit": 2000})[1]
    assert again["records"][-1]["id"] == new_id(30) and again["cursor"] > wang["cursor"]


# -- 3. bodies, uploads and disks -----------------------------------------------------------------------------
@ON_SQLITE
def test_bodies_above_each_endpoints_limit_are_refused_with_413(hub) -> None:
    from steward.hub.limits import CHUNK_LIMIT, PUSH_LIMIT
    from tests.hub_http import raw

    server, tokens, _ = hub
    sha = "ab" * 32
    auth = f"Authorization: Bearer {tokens[LI]}\r\nX-Steward-Protocol: 1\r\nX-Steward-Profile: p-li\r\n"
    declared = (
        f"PUT /v1/blobs/{sha}?offset=0&total={CHUNK_LIMIT + 1} HTTP/1.1\r\nHost: x\r\n{auth}"
        f"Content-Length: {CHUNK_LIMIT + 1}\r\nConnection: close\r\n\r\n"
    )
    status, answer = raw(server.port, declared, [])  # answered before any of the body is sent
    assert status == 413 and "过大" in answer["error"]["zh"] and answer["error"]["en"]
    # Without a declared length the hub counts what arrives and stops at the limit.
    chunked = (
        f"POST /v1/records HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )

    def chunks(total: int) -> list[bytes]:
        sizes = [1024 * 1024] * (total // (1024 * 1024)) + [total % (1024 * 1024)]
        return [b"%x\r\n%s\r\n" % (n, b"[" * n) for n in sizes if n] + [b"0\r\n\r\n"]

    status, answer = raw(server.port, chunked, chunks(PUSH_LIMIT + 1))
    assert status == 413 and answer["error"]["code"] == "too_large"
    chunked_put = (
        f"PUT /v1/blobs/{sha}?offset=0&total={CHUNK_LIMIT * 2} HTTP/1.1\r\nHost: x\r\n{auth}"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    status, answer = raw(server.port, chunked_put, chunks(CHUNK_LIMIT + 1))
    assert status == 413 and answer["error"]["code"] == "too_large"
    assert not list((server.data_dir / "uploads").iterdir())  # nothing of the refused chunk kept


def test_a_partial_upload_belongs_to_the_steward_who_began_it(hub) -> None:
    server, tokens, store = hub
    data = os.urandom(3000)
    sha = hashlib.sha256(data).hexdigest()
    status, answer = call(
        server.url, "PUT", f"/v1/blobs/{sha}", tokens[LI], data=data[:1000], params={"offset": 0, "total": 3000}
    )
    assert status == 200 and answer == {"offset": 1000, "complete": False}
    # Wang appends at Li's offset: refused, Li's partial upload is untouched.
    status, answer = call(
        server.url, "PUT", f"/v1/blobs/{sha}", tokens[WANG], data=b"!", params={"offset": 1000, "total": 3000}
    )
    assert status == 409 and answer["error"]["code"] == "offset"
    assert call(server.url, "GET", f"/v1/blobs/{sha}/offset", tokens[WANG])[1] == {"offset": 0}
    assert call(server.url, "GET", f"/v1/blobs/{sha}/offset", tokens[LI])[1] == {"offset": 1000}
    status, answer = call(
        server.url, "PUT", f"/v1/blobs/{sha}", tokens[LI], data=data[1000:], params={"offset": 1000, "total": 3000}
    )
    assert answer == {"offset": 3000, "complete": True} and store.blobs.read(sha) == data


def test_abandoned_partial_uploads_are_removed_after_a_day(tmp_path: Path) -> None:
    clock = [1_000_000.0]
    store = HubStore(tmp_path / "hub", clock=lambda: clock[0])
    data = b"p" * 100
    sha = hashlib.sha256(data).hexdigest()
    upload = store.begin_upload(sha, 0, 200, 1)
    assert upload is not None
    upload.write(data)
    assert upload.finish(None) == {"offset": 100, "complete": False}
    partial = store._partial(sha, 1)
    os.utime(partial, (clock[0], clock[0]))
    clock[0] += 23 * 3600
    assert store.expire_partials() == 0 and partial.exists()
    clock[0] += 2 * 3600  # 25 h untouched; the next upload call looks for abandoned ones
    other = store.begin_upload(hashlib.sha256(b"q").hexdigest(), 0, 1, 1)
    assert other is not None
    other.abort()
    assert not partial.exists()


def test_the_hub_removes_abandoned_uploads_when_it_starts(tmp_path: Path) -> None:
    data = tmp_path / "hub"
    HubStore(data)
    stale = data / "uploads" / f"{'0' * 64}.1.part"
    fresh = data / "uploads" / f"{'1' * 64}.1.part"
    stale.write_bytes(b"old")
    fresh.write_bytes(b"new")
    day_ago = datetime.now(UTC).timestamp() - 25 * 3600
    os.utime(stale, (day_ago, day_ago))
    server = Hub(data).start()
    try:
        assert not stale.exists() and fresh.exists()
    finally:
        server.stop()


def test_hub_db_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    store = HubStore(tmp_path / "hub")
    store.add_steward(LI)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "hub").stat().st_mode) == 0o700


# -- bundles -------------------------------------------------------------------------------------------------
def _rewrite_records(source: Path, target: Path, token: str, change) -> None:
    from steward.sync import bundle

    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        manifest = json.loads(src.read("manifest.json"))
        lines = [json.loads(line) for line in src.read("records.jsonl").splitlines()]
        data = b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in change(lines))
        manifest["records"]["sha256"] = hashlib.sha256(data).hexdigest()
        manifest["seal"] = bundle.seal(manifest, bundle.token_key(token))
        dst.writestr("manifest.json", json.dumps(manifest))
        dst.writestr("records.jsonl", data)
        for name in src.namelist():
            if name.startswith("blobs/"):
                dst.writestr(name, src.read(name))


def test_bundle_import_goes_through_the_same_checks_and_closes_the_zip(hub, laptops, tmp_path: Path) -> None:
    from steward.sync import bundle

    _server, tokens, store = hub
    with open_profile(copy_laptops(laptops["root"], tmp_path) / "a", "li") as li:
        bundle.export(li, tokens[LI], tmp_path / "li.zip")
    before = store.stats()

    def stewards_entity(lines: list[dict]) -> list[dict]:
        return [*lines, {"entity": "stewards", "id": "../../../etc/passwd", "hash": "0" * 64, "body": {}}]

    def nameless_enterprise(lines: list[dict]) -> list[dict]:
        for line in lines:
            if line["entity"] == "enterprise":
                line["body"].pop("name")
                line["hash"] = hashlib.sha256(
                    json.dumps(line["body"], sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
                ).hexdigest()
        return lines

    for change, words in ((stewards_entity, "无效"), (nameless_enterprise, "name")):
        evil = tmp_path / f"{change.__name__}.zip"
        _rewrite_records(tmp_path / "li.zip", evil, tokens[LI], change)
        with pytest.raises(bundle.BundleRejected, match=words):
            store.import_bundle(evil)
        assert store.stats() == before and not list((store.upload_dir).iterdir())
    result = store.import_bundle(tmp_path / "li.zip")
    assert result["accepted"] > 0 and result["blobs"] == 4
    open_files = {
        os.path.realpath(f"/proc/self/fd/{fd}")
        for fd in os.listdir("/proc/self/fd")
        if os.path.exists(f"/proc/self/fd/{fd}")
    }
    assert str((tmp_path / "li.zip").resolve()) not in open_files


@ON_SQLITE
def test_bundle_import_streams_its_files(hub, laptops, tmp_path: Path) -> None:
    import tracemalloc

    from steward.sync import bundle
    from tests.images import write_jpeg

    _server, tokens, store = hub
    finding = laptops["finding"]
    with open_profile(copy_laptops(laptops["root"], tmp_path) / "a", "li") as li:
        big = tmp_path / "big.jpg"
        write_jpeg(big, (400, 300))
        big.write_bytes(big.read_bytes() + os.urandom(24 * 1024 * 1024))  # a 24 MB photo (JPEG ignores the tail)
        from steward.services import photos

        photos.import_photos(li, [big], photos.LinkTarget(finding_id=finding["id"]))
        made = bundle.export(li, tokens[LI], tmp_path / "li.zip")
    assert made["bytes"] > 24 * 1024 * 1024
    tracemalloc.start()
    try:
        result = store.import_bundle(tmp_path / "li.zip")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result["blobs"] == 5 and peak < 8 * 1024 * 1024


def test_a_full_disk_answers_507_and_keeps_no_file_without_its_row(tmp_path: Path, monkeypatch) -> None:
    import errno
    import sqlite3

    import steward.hub.store as hub_store
    from steward.hub.app import create_app
    from tests.hub_thread import ThreadHub

    app = create_app(tmp_path / "hub")
    store: HubStore = app.state.store
    token = store.add_steward(LI)
    data = os.urandom(5000)
    sha = hashlib.sha256(data).hexdigest()

    def database_full(*_args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    with ThreadHub(app) as server:
        # The file arrived whole, but its row cannot be written: the file is not kept either.
        monkeypatch.setattr(store, "_insert_blob_row", database_full)
        status, answer = call(
            server.url, "PUT", f"/v1/blobs/{sha}", token, data=data, params={"offset": 0, "total": len(data)}
        )
        assert status == 507 and "磁盘已满" in answer["error"]["zh"] and "still on your laptop" in answer["error"]["en"]
        assert not store.blobs.exists(sha) and store.missing([sha]) == [sha]
        monkeypatch.undo()

        # The disk fills while a chunk is written: nothing of it is kept, the upload starts again at 0.
        def no_space(_fd: int) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(hub_store.os, "fsync", no_space)
        status, answer = call(
            server.url, "PUT", f"/v1/blobs/{sha}", token, data=data[:1000], params={"offset": 0, "total": len(data)}
        )
        assert status == 507 and answer["error"]["code"] == "hub_disk_full"
        monkeypatch.undo()
        assert call(server.url, "GET", f"/v1/blobs/{sha}/offset", token)[1] == {"offset": 0}

        # A push that cannot be written keeps none of its records.
        monkeypatch.setattr(hub_store, "_now", database_full)
        body = {
            "id": new_id(20),
            "name": "企业",
            "credit_code": make_code(20),
            "created_at": "2026-11-01T00:00:00Z",
            "updated_at": "2026-11-01T00:00:00Z",
        }
        status, answer = call(
            server.url, "POST", "/v1/records", token, payload={"records": [record("enterprise", new_id(20), body)]}
        )
        assert status == 507
        monkeypatch.undo()
        assert store.stats() == {"records": 0, "blobs": 0}
        status, answer = call(
            server.url, "PUT", f"/v1/blobs/{sha}", token, data=data, params={"offset": 0, "total": len(data)}
        )
        assert answer == {"offset": len(data), "complete": True} and store.blobs.read(sha) == data


def test_an_uploaded_chunk_is_written_as_it_arrives_not_held_in_memory(tmp_path: Path) -> None:
    import tracemalloc

    from steward.hub.app import create_app
    from steward.hub.limits import CHUNK_LIMIT
    from tests.hub_thread import ThreadHub

    app = create_app(tmp_path / "hub")
    store: HubStore = app.state.store
    token = store.add_steward(LI)
    data = os.urandom(CHUNK_LIMIT - 1024)  # the largest chunk the hub takes
    sha = hashlib.sha256(data).hexdigest()
    with ThreadHub(app) as server:
        call(server.url, "GET", "/v1/hello", token)  # everything imported and warmed up before measuring
        tracemalloc.start()
        try:
            status, answer = call(
                server.url, "PUT", f"/v1/blobs/{sha}", token, data=data, params={"offset": 0, "total": len(data)}
            )
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert status == 200 and answer["complete"] is True and store.blobs.read(sha) == data
    half = len(data) // 2
    assert peak < half  # the hub (same process here) never held the chunk whole


def test_a_profile_with_a_registered_key_must_sign_its_bundles_and_hub_db_cannot_forge_them(
    hub, laptops, tmp_path: Path
) -> None:
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from steward.sync import bundle

    server, tokens, store = hub
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    with open_profile(copy_laptops(laptops["root"], tmp_path) / "a", "li") as li:
        profile_id = engine.profile_id(li)
        bundle.export(li, tokens[LI], tmp_path / "sealed.zip")
    key = {"alg": "ed25519", "public_key": base64.b64encode(public).decode()}
    status, answer = call(server.url, "POST", "/v1/keys", tokens[LI], payload=key, profile=profile_id)
    assert (status, answer) == (200, {"registered": True})
    assert call(server.url, "POST", "/v1/keys", tokens[LI], payload=key, profile=profile_id)[1] == {"registered": False}
    other = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    status, answer = call(
        server.url,
        "POST",
        "/v1/keys",
        tokens[LI],
        profile=profile_id,
        payload={"alg": "ed25519", "public_key": base64.b64encode(other).decode()},
    )
    assert status == 409 and answer["error"]["code"] == "key_registered"

    # The HMAC seal alone (which anyone holding hub.db could make) is no longer enough for this profile.
    with pytest.raises(bundle.BundleRejected, match="签名无效"):
        store.import_bundle(tmp_path / "sealed.zip")

    def signed_copy(target: Path, signer: Ed25519PrivateKey) -> None:
        with zipfile.ZipFile(tmp_path / "sealed.zip") as src, zipfile.ZipFile(target, "w") as dst:
            manifest = json.loads(src.read("manifest.json"))
            value = signer.sign(bundle.signed_part(manifest))
            manifest["signature"] = {"alg": "ed25519", "value": base64.b64encode(value).decode()}
            dst.writestr("manifest.json", json.dumps(manifest))
            for name in src.namelist():
                if name != "manifest.json":
                    dst.writestr(name, src.read(name))

    signed_copy(tmp_path / "forged.zip", Ed25519PrivateKey.generate())
    with pytest.raises(bundle.BundleRejected, match="签名无效"):
        store.import_bundle(tmp_path / "forged.zip")
    signed_copy(tmp_path / "signed.zip", private)
    result = store.import_bundle(tmp_path / "signed.zip")
    assert result["accepted"] > 0 and result["blobs"] == 4 and not result["refused"]
    assert store.public_key(profile_id) == (public, 1)


def test_an_upload_whole_on_disk_but_cut_off_before_its_commit_is_finished_by_the_next_call(tmp_path: Path) -> None:
    store = HubStore(tmp_path / "hub")
    data = b"w" * 4096
    sha = hashlib.sha256(data).hexdigest()
    store._partial(sha, 1).write_bytes(data)  # the hub died after the last write, before the row was kept
    assert store.offset(sha, 1) == len(data)
    upload = store.begin_upload(sha, len(data), len(data), 1)
    assert upload is not None
    assert upload.finish(None) == {"offset": len(data), "complete": True}
    assert store.missing([sha]) == [] and store.blobs.read(sha) == data
