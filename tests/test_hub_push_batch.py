"""A push is judged record by record but read and written in a few round trips (steward/hub/store.py, _PushBatch):
its answer and what the hub keeps are exactly those of the same records pushed one at a time, on either engine,
with a duplicate, a conflict and refused records in the middle of the batch and records that depend on records
earlier in the same batch; and a push cut off mid-way keeps nothing, so its retry is kept once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from steward.hub import store as hub_store
from steward.hub.models import clean_record
from steward.hub.store import HubStore
from steward.sync.wire import content_hash
from tests.conftest import make_code
from tests.postgres import OPENED

LI, WANG = "李明", "王芳"
TEMPLATE = "00000000-0000-7000-8000-000000000001"
AT = "2026-11-20T02:00:00.000Z"


def uid(group: str, n: int) -> str:
    return f"00000000-0000-7000-{group}-{n:012d}"


E, E_ALIAS, E_OTHER = uid("a000", 1), uid("a000", 2), uid("a000", 3)
V0, V1, V_WANG = uid("b000", 1), uid("b000", 2), uid("b000", 3)
F0, F1, F2, F3, F_WANG = (uid("c000", n) for n in range(1, 6))
EV1, EV_WANG, EV0 = uid("d000", 1), uid("d000", 2), uid("d000", 3)
EE, AUDIT, LINK = uid("e000", 1), uid("e000", 2), uid("e000", 3)
PHOTO = "ab" * 32


def rec(entity: str, body: dict[str, Any], rid: str | None = None) -> dict[str, Any]:
    """A record as the API hands it to the store: checked by its model."""
    rid = rid or body["id"]
    return clean_record(entity, rid, content_hash(body), body)


def enterprise(eid: str, code_seed: int, name: str = "仙居县源泉工艺品有限公司") -> dict[str, Any]:
    return {
        "id": eid,
        "name": name,
        "credit_code": make_code(code_seed),
        "created_at": "2026-01-01T00:00:00.000Z",
        "updated_at": "2026-01-01T00:00:00.000Z",
    }


def visit(vid: str, eid: str, steward: str) -> dict[str, Any]:
    return {
        "id": vid,
        "enterprise_id": eid,
        "template_id": TEMPLATE,
        "steward": steward,
        "kind": "routine",
        "status": "finished",
        "started_at": "2026-11-20T01:00:00.000Z",
        "finished_at": AT,
    }


def finding(fid: str, vid: str, eid: str, steward: str, description: str = "危废间标识不全") -> dict[str, Any]:
    return {
        "id": fid,
        "enterprise_id": eid,
        "visit_id": vid,
        "location": "车间",
        "description": description,
        "severity": "general",
        "created_at": AT,
        "created_by": steward,
    }


def event(evid: str, fid: str, kind: str = "rectification_reported", by: str = LI) -> dict[str, Any]:
    return {"id": evid, "finding_id": fid, "kind": kind, "at": AT, "by": by}


def enterprise_event(revision: int, note: str) -> dict[str, Any]:
    return {
        "id": EE,
        "enterprise_id": E,
        "kind": "complaint",
        "on_date": "2026-11-01",
        "note": note,
        "created_at": AT,
        "created_by": LI,
        "revision": revision,
    }


def before_the_push() -> list[tuple[str, dict[str, Any]]]:
    """What Li and Wang pushed earlier: (steward, record)."""
    return [
        (LI, rec("visit", visit(V0, E, LI))),
        (LI, rec("finding", finding(F0, V0, E, LI))),
        (WANG, rec("visit", visit(V_WANG, E, WANG))),
        (WANG, rec("finding", finding(F_WANG, V_WANG, E, WANG))),
    ]


def the_push() -> list[dict[str, Any]]:
    """Li's push: new records, records naming records earlier in the same push, a duplicate, conflicts and refused
    records in the middle, a revision, an amendment, an enterprise the hub holds under another id."""
    amendment = {
        "id": AUDIT,
        "at": AT,
        "actor": LI,
        "entity": "finding",
        "entity_id": F0,
        "action": "amend",
        "reason": "描述有误",
        "detail": {"before": {"description": "危废间标识不全"}, "after": {"description": "危废间标识缺失"}},
        "visit_id": V0,
    }
    photo = {"sha256": PHOTO, "original_name": "a.jpg", "original_ext": "jpg", "format": "JPEG", "bytes": 10}
    photo = {**photo, "width": 4, "height": 3}
    link = {"id": LINK, "sha256": PHOTO, "finding_id": F1, "visit_id": V1, "caption": "", "created_at": AT}
    return [
        rec("visit", visit(V1, E, LI)),  # new
        rec("finding", finding(F1, V1, E, LI)),  # names the visit just before it
        rec("visit", visit(V0, E, LI)),  # a duplicate
        rec("finding", finding(F0, V0, E, LI, "另一种描述")),  # a conflict with the stored finding
        rec("finding_event", event(EV_WANG, F_WANG)),  # refused: Wang's finding
        rec("finding", finding(F2, V1, E_OTHER, LI)),  # refused: another enterprise than its visit's
        rec("finding_event", event(EV1, F1)),  # names the finding of this push
        rec("visit", visit(V1, E, LI)),  # a duplicate of a record of this push
        rec("finding", finding(F1, V1, E, LI, "改过的描述")),  # a conflict with a record of this push
        rec("finding", finding(F3, uid("b000", 99), E, LI)),  # refused: its visit is nowhere
        rec("enterprise_event", enterprise_event(1, "第一稿")),
        rec("enterprise_event", enterprise_event(2, "第二稿")),  # the next revision, in the same push
        rec("enterprise_event", enterprise_event(1, "第一稿")),  # now older than the hub's: a conflict
        rec("audit", amendment),  # amends F0 (moves it to the end of the sequence)
        rec("finding_event", event(EV0, F0)),  # names the amended finding
        rec("photo", photo, PHOTO),
        rec("photo_link", link),  # names the photo, finding and visit of this push
        rec("enterprise", enterprise(E_ALIAS, 7, "源泉工艺品")),  # the hub holds credit code 7 as E
        rec("visit", visit(uid("b000", 4), E_ALIAS, LI)),  # names it by the laptop's id: re-pointed to E
    ]


def new_hub(data: Path, db: str | None) -> tuple[HubStore, dict[str, dict[str, Any]]]:
    store = HubStore(data, db_url=db)
    OPENED.append(store)
    stewards = {}
    for name in (LI, WANG):
        store.add_steward(name)
        with store.connect() as conn:
            stewards[name] = dict(conn.execute("SELECT id, name FROM stewards WHERE name = ?", [name]).fetchone())
    assert store.put_reference("enterprise", E, enterprise(E, 7))
    assert store.put_reference("enterprise", E_OTHER, enterprise(E_OTHER, 8, "浙江白塔化工有限公司"))
    for name, record in before_the_push():
        assert store.push(stewards[name], f"laptop-{name}", [record])["accepted"]
    return store, stewards


def feed(store: HubStore) -> list[tuple[str, str, str, int]]:
    """Every record the hub keeps in sequence order: (entity, id, hash, owner)."""
    with store.connect() as conn:
        return [
            (r[0], r[1], r[2], r[3])
            for r in conn.execute("SELECT entity, id, content_hash, owner FROM records ORDER BY seq")
        ]


def second_db(request: pytest.FixtureRequest, db: str | None) -> str | None:
    return None if db is None else str(request.getfixturevalue("postgres_cluster").new_database())


def test_a_batch_is_judged_and_kept_exactly_as_its_records_pushed_one_at_a_time(
    tmp_path: Path, hub_db: str | None, request: pytest.FixtureRequest
) -> None:
    alone, stewards = new_hub(tmp_path / "alone", hub_db)
    batched, _ = new_hub(tmp_path / "batched", second_db(request, hub_db))
    push = the_push()

    one_by_one: dict[str, list[Any]] = {"accepted": [], "duplicates": [], "conflicts": [], "refused": []}
    for record in push:
        for key, items in alone.push(stewards[LI], "laptop-li", [record]).items():
            one_by_one[key] += items
    answer = batched.push(stewards[LI], "laptop-li", push)

    assert answer == one_by_one
    assert feed(batched) == feed(alone)
    # What that answer is (so that both paths being wrong alike would fail too).
    assert [(r["entity"], r["id"]) for r in answer["duplicates"]] == [("visit", V0), ("visit", V1)]
    assert [(r["entity"], r["id"], r["reason"]) for r in answer["conflicts"]] == [
        ("finding", F0, "different content for the same id"),
        ("finding", F1, "different content for the same id"),
        ("enterprise_event", EE, "not a later revision than the hub's"),
    ]
    assert [(r["id"], r["code"]) for r in answer["refused"]] == [
        (EV_WANG, "not_your_finding"),
        (F2, "wrong_enterprise"),
        (F3, "unknown_visit"),
    ]
    assert [r["id"] for r in answer["accepted"]] == [
        V1,
        F1,
        EV1,
        EE,
        EE,
        AUDIT,
        EV0,
        PHOTO,
        LINK,
        E_ALIAS,
        uid("b000", 4),
    ]
    kept = {(entity, rid) for entity, rid, _hash, _owner in feed(batched)}
    assert (
        ("finding", F2) not in kept and ("finding_event", EV_WANG) not in kept and ("enterprise", E_ALIAS) not in kept
    )
    assert batched.record_body("finding", F0)["description"] == "危废间标识缺失"  # the amendment applied
    assert batched.record_body("finding", F1)["description"] == "危废间标识不全"  # never overwritten
    assert batched.record_body("enterprise_event", EE)["revision"] == 2
    assert batched.record_body("visit", uid("b000", 4))["enterprise_id"] == E
    # The change sequence numbers the batch's records in the order they were accepted.
    order = [rid for _entity, rid, _hash, _owner in feed(batched)]
    assert order.index(V1) < order.index(F1) < order.index(EV1) < order.index(PHOTO) < order.index(LINK)


def test_the_same_batch_again_is_all_duplicates_and_keeps_nothing_new(tmp_path: Path, hub_db: str | None) -> None:
    store, stewards = new_hub(tmp_path / "hub", hub_db)
    push = [r for r in the_push() if r["entity"] not in ("enterprise_event", "audit")]
    store.push(stewards[LI], "laptop-li", push)
    kept = feed(store)
    again = store.push(stewards[LI], "laptop-li", push)
    assert feed(store) == kept
    assert again["accepted"] == [{"entity": "enterprise", "id": E_ALIAS}]  # an alias is answered as accepted
    assert len(again["duplicates"]) == len(push) - 1 - len(again["conflicts"]) - len(again["refused"])
    assert {r["id"] for r in again["conflicts"]} == {F0, F1}


class CutOff(Exception):
    pass


def test_a_push_cut_off_mid_way_keeps_nothing_and_its_retry_is_kept_once(
    tmp_path: Path, hub_db: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connection to the database dies while the batch's records are inserted (PostgreSQL: the backend is
    terminated; SQLite: the insert fails): nothing of the push is kept, and the laptop's retry keeps every record
    once, in order, with the cursor continuing from where it was."""
    store, stewards = new_hub(tmp_path / "hub", hub_db)
    before = feed(store)
    push = the_push()
    real_flush = hub_store._PushBatch.flush

    def dying_flush(batch: Any) -> None:
        if batch.pending:
            if store.engine.name == "postgres":
                batch.conn.execute("SELECT pg_terminate_backend(pg_backend_pid())")
            raise CutOff()
        real_flush(batch)

    monkeypatch.setattr(hub_store._PushBatch, "flush", dying_flush)
    with pytest.raises(Exception) as cut:
        store.push(stewards[LI], "laptop-li", push)
    if store.engine.name == "sqlite":
        assert cut.type is CutOff
    monkeypatch.setattr(hub_store._PushBatch, "flush", real_flush)
    assert feed(store) == before

    answer = store.push(stewards[LI], "laptop-li", push)
    assert len(answer["accepted"]) == 11 and len(answer["refused"]) == 3
    kept = feed(store)
    assert kept[: len(before) - 1] == [r for r in before if r[1] != F0]  # F0 was amended: moved to the end
    assert len({(entity, rid) for entity, rid, _h, _o in kept}) == len(kept)
    with store.connect() as conn:
        seqs = [r[0] for r in conn.execute("SELECT seq FROM records ORDER BY seq")]
    assert seqs == sorted(set(seqs))
