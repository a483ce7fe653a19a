"""Complaints, penalties and hazardous-waste violations (the rating's other facts) over the wire: laptop -> hub ->
colleague's laptop with edits and deletes, hostile revisions refused, the hub's own import from CSV/XLSX. Real uvicorn
hubs on 127.0.0.1."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from steward.cli.main import main as cli
from steward.hub.event_import import HUB_AUTHOR
from steward.services import enterprise_events, enterprises
from steward.storage import enterprise_events as events_store
from steward.storage import settings as settings_store
from steward.storage.profile import Profile
from steward.sync import engine
from steward.sync.wire import FIRST_ENTITIES, record
from tests.conftest import make_code
from tests.hub_http import call
from tests.prepared import hub, hub_engine, laptop_a, laptop_b, office  # noqa: F401 - fixtures
from tests.test_sync import client_for

LI, WANG = "李明", "王芳"
AT = "2026-11-20T01:00:00.000Z"


def events_on(profile: Profile) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in profile.db.query("SELECT * FROM enterprise_events")}


@pytest.fixture
def li_with_events(hub, laptop_a: Profile) -> dict[str, Any]:  # noqa: F811
    """Li's laptop: an enterprise with a complaint and a penalty, synced to the hub."""
    server, tokens, _store = hub
    ent = enterprises.create(laptop_a, name="仙居县白塔化工有限公司", credit_code=make_code(81), template_code="craft")
    complaint = enterprise_events.add(
        laptop_a, ent["id"], "complaint", date(2026, 11, 1), source="12345 热线", note="夜间异味"
    )
    penalty = enterprise_events.add(
        laptop_a, ent["id"], "penalty", date(2026, 10, 20), authority="仙居县生态环境局", number="台环罚〔2026〕12号"
    )
    client = client_for(laptop_a, server, tokens[LI])
    report = engine.sync(laptop_a, client)
    assert report.refused == []
    return {"enterprise": ent, "complaint": complaint, "penalty": penalty, "client": client, "profile": laptop_a}


def test_events_travel_to_colleagues_with_their_edits_and_deletes(
    hub,  # noqa: F811
    laptop_a: Profile,  # noqa: F811
    laptop_b: Profile,  # noqa: F811
    li_with_events: dict[str, Any],
) -> None:
    server, tokens, store = hub
    complaint, penalty = li_with_events["complaint"], li_with_events["penalty"]
    assert store.record_body("enterprise_event", complaint["id"])["note"] == "夜间异味"
    wang = client_for(laptop_b, server, tokens[WANG])
    engine.sync(laptop_b, wang)
    pulled = events_on(laptop_b)
    assert pulled[complaint["id"]]["source"] == "12345 热线" and pulled[penalty["id"]]["number"] == "台环罚〔2026〕12号"
    assert {r["created_by"] for r in pulled.values()} == {LI} and {r["origin"] for r in pulled.values()} == {"hub"}

    # Li corrects the complaint and deletes the penalty on her laptop; both changes travel.
    assert events_store.update(laptop_a.db, complaint["id"], {"note": "夜间异味,已查实"}, 1, AT, LI)
    assert events_store.mark_deleted(laptop_a.db, penalty["id"], 1, AT, LI)
    report = engine.sync(laptop_a, li_with_events["client"])
    assert report.pushed == 2 and report.conflicts == [] and report.refused == []
    engine.sync(laptop_b, wang)
    pulled = events_on(laptop_b)
    assert (pulled[complaint["id"]]["note"], pulled[complaint["id"]]["revision"]) == ("夜间异味,已查实", 2)
    assert pulled[penalty["id"]]["deleted"] == 1
    assert [r["id"] for r in enterprise_events.listing(laptop_b)] == [complaint["id"]]
    # Nothing more to say either way: Wang's laptop never pushes Li's records back.
    again = engine.sync(laptop_b, wang)
    assert (again.pushed, again.duplicates, again.refused, again.conflicts) == (0, 0, [], [])
    assert engine.sync(laptop_a, li_with_events["client"]).pushed == 0


def test_a_hub_that_does_not_list_events_is_sent_none_and_an_upgraded_laptop_pulls_them_once(
    hub,  # noqa: F811
    laptop_a: Profile,  # noqa: F811
    laptop_b: Profile,  # noqa: F811
    li_with_events: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, tokens, _store = hub
    # An older hub answers hello without "entities": the new kind of record waits on the laptop, not refused.
    client = li_with_events["client"]
    hello = client.hello
    monkeypatch.setattr(client, "hello", lambda: {k: v for k, v in hello().items() if k != "entities"})
    pushed: list[str] = []
    push = client.push
    monkeypatch.setattr(client, "push", lambda batch: pushed.extend(r["entity"] for r in batch) or push(batch))
    enterprise_events.add(laptop_a, li_with_events["enterprise"]["id"], "hazwaste", date(2026, 11, 2), note="渗漏")
    report = engine.sync(laptop_a, client)
    assert "enterprise_event" not in pushed and report.refused == []
    assert engine.pending(laptop_a).records == 1
    # A laptop whose earlier version skipped events (its cursor is past them) reads the hub once more from the start.
    wang = client_for(laptop_b, server, tokens[WANG])
    engine.sync(laptop_b, wang)
    with laptop_b.db.write() as conn:
        conn.execute("DELETE FROM enterprise_events")
    settings_store.put(laptop_b.db, "sync_entities_understood", list(FIRST_ENTITIES))
    report = engine.sync(laptop_b, wang)
    assert li_with_events["complaint"]["id"] in events_on(laptop_b) and report.skipped == []
    assert engine.sync(laptop_b, wang).pulled == 0  # once


# -- hostile revisions ------------------------------------------------------------------------------------------
def push(server: Any, token: str, *records: dict[str, Any]) -> dict[str, Any]:
    status, answer = call(server.url, "POST", "/v1/records", token, payload={"records": list(records)})
    assert status == 200, answer
    return answer


def test_only_the_author_revises_an_event_and_every_body_is_checked(
    hub,  # noqa: F811
    li_with_events: dict[str, Any],
) -> None:
    server, tokens, store = hub
    complaint = store.record_body("enterprise_event", li_with_events["complaint"]["id"])
    assert complaint is not None
    cid = complaint["id"]

    def revised(**changes: Any) -> dict[str, Any]:
        body = {**complaint, "revision": 2, "updated_at": AT, **changes}
        return record("enterprise_event", body["id"], body)

    # Wang "corrects" Li's complaint away, or deletes it: refused, hers stays.
    answer = push(server, tokens[WANG], revised(substantiated=0, updated_by=WANG), revised(deleted=1))
    assert [r["code"] for r in answer["refused"]] == ["not_your_record", "not_your_record"]
    assert store.record_body("enterprise_event", cid) == complaint
    # Li herself: not another enterprise or kind, not an older or equal revision; a later one is kept.
    other = li_with_events["enterprise"]["id"][:-4] + "ffff"
    answer = push(server, tokens[LI], revised(kind="penalty"), revised(created_at=AT))
    assert [c["id"] for c in answer["conflicts"]] == [cid, cid]
    answer = push(server, tokens[LI], revised(revision=1, note="改回"))
    assert [c["id"] for c in answer["conflicts"]] == [cid]
    answer = push(server, tokens[LI], revised(note="已查实"))
    assert answer["accepted"] == [{"entity": "enterprise_event", "id": cid}]
    assert store.record_body("enterprise_event", cid)["note"] == "已查实"
    # The audit entry of a change travels with it, from its author only.
    audit = {
        "id": "01a21400-0000-7000-8000-000000000081",
        "at": AT,
        "actor": LI,
        "entity": "enterprise_event",
        "entity_id": cid,
        "action": "edit",
        "reason": "核实后补充",
        "detail": {"revision": 3},
        "visit_id": None,
    }
    forged = {**audit, "id": "01a21400-0000-7000-8000-000000000082", "actor": WANG}
    assert [r["code"] for r in push(server, tokens[WANG], record("audit", forged["id"], forged))["refused"]] == [
        "not_your_record"
    ]
    assert push(server, tokens[LI], record("audit", audit["id"], audit))["accepted"] == [
        {"entity": "audit", "id": audit["id"]}
    ]
    # Bodies: a kind outside the fixed set, dates that cannot be, texts beyond their bounds; refused on their own.
    new = {**complaint, "revision": 1, "updated_at": None}
    bad = {
        "01a21400-0000-7000-8000-000000000091": ("kind", {"kind": "bribe"}),
        "01a21400-0000-7000-8000-000000000092": ("on_date", {"on_date": "2099-01-01"}),
        "01a21400-0000-7000-8000-000000000093": ("on_date", {"on_date": "1999-12-31"}),
        "01a21400-0000-7000-8000-000000000094": ("on_date", {"on_date": "2026-02-30"}),
        "01a21400-0000-7000-8000-000000000095": ("note", {"note": "长" * 2001}),
        "01a21400-0000-7000-8000-000000000096": ("source", {"source": "源" * 101}),
        "01a21400-0000-7000-8000-000000000097": ("substantiated", {"substantiated": 2}),
    }
    answer = push(
        server,
        tokens[WANG],
        *(record("enterprise_event", rid, {**new, "id": rid, **change}) for rid, (_f, change) in bad.items()),
    )
    assert {r["id"]: r["field"] for r in answer["refused"]} == {rid: field for rid, (field, _c) in bad.items()}
    assert answer["accepted"] == []
    # An event on an enterprise the hub does not know waits (the laptop sends it again once the enterprise is there).
    rid = "01a21400-0000-7000-8000-000000000098"
    answer = push(server, tokens[WANG], record("enterprise_event", rid, {**new, "id": rid, "enterprise_id": other}))
    assert [r["code"] for r in answer["refused"]] == ["unknown_enterprise"]


# -- the hub's own import ---------------------------------------------------------------------------------------
def write_csv(path: Path, rows: list[list[str]], encoding: str) -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_import_events_checks_every_row_keeps_nothing_half_and_laptops_pull_the_rest(
    hub,  # noqa: F811
    laptop_b: Profile,  # noqa: F811
    li_with_events: dict[str, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
) -> None:
    server, tokens, store = hub
    code = li_with_events["enterprise"]["credit_code"]
    data = server.storage_args
    header = ["统一社会信用代码", "类型", "日期", "来源", "处罚机关", "文号", "是否查实", "说明"]
    before = store.stats()
    bad = write_csv(
        tmp_path / "events_gbk.csv",
        [
            header,
            [code, "信访投诉", "2026-09-03", "12345 热线", "", "", "是", "噪声扰民"],
            [make_code(99), "行政处罚", "2026-09-04", "", "仙居县生态环境局", "罚1号", "", ""],
            [code, "贿赂", "2026-09-05", "", "", "", "", ""],
            [code, "危险废物", "2026-13-40", "", "", "", "", "桶装废液露天堆放"],
            [code, "行政处罚", "2026-09-06", "", "", "罚2号", "", ""],
        ],
        "gbk",
    )
    assert cli(["hub", "import-events", str(bad), *data]) == 2
    err = capsys.readouterr().err
    for zh, en in (("第3行", "row 3"), ("第4行", "row 4"), ("第5行", "row 5"), ("第6行", "row 6")):
        assert zh in err and en in err
    assert "第2行" not in err and "未导入任何记录" in err and "nothing was imported" in err
    assert store.stats() == before  # not even the good row

    good = tmp_path / "events.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    sheet.append([code, "信访投诉", datetime(2026, 9, 3), "12345 热线", None, None, "否", "噪声扰民"])
    sheet.append([code, "行政处罚", "2026-09-04", None, "仙居县生态环境局", "台环罚〔2026〕7号", None, None])
    book.save(good)
    assert cli(["hub", "import-events", str(good), *data]) == 0
    assert "新增或更新 2 条" in capsys.readouterr().out
    assert cli(["hub", "import-events", str(good), *data]) == 0  # the same file again changes nothing
    assert "新增或更新 0 条" in capsys.readouterr().out

    wang = client_for(laptop_b, server, tokens[WANG])
    engine.sync(laptop_b, wang)
    imported = [r for r in events_on(laptop_b).values() if r["created_by"] == HUB_AUTHOR]
    assert sorted((r["kind"], r["on_date"], r["substantiated"]) for r in imported) == [
        ("complaint", "2026-09-03", 0),
        ("penalty", "2026-09-04", 1),
    ]
    # Read-only for stewards: a revision from a laptop is refused.
    penalty = next(r for r in imported if r["kind"] == "penalty")
    body = store.record_body("enterprise_event", penalty["id"])
    assert body is not None
    answer = push(server, tokens[WANG], record("enterprise_event", body["id"], {**body, "revision": 2, "deleted": 1}))
    assert [r["code"] for r in answer["refused"]] == ["hub_record"]
    # A corrected row imported again is the record's next revision, and laptops pull it.
    sheet.cell(row=3, column=8, value="未批先建")
    book.save(good)
    assert cli(["hub", "import-events", str(good), *data]) == 0
    engine.sync(laptop_b, wang)
    assert (events_on(laptop_b)[penalty["id"]]["note"], events_on(laptop_b)[penalty["id"]]["revision"]) == (
        "未批先建",
        2,
    )


def test_a_bundle_carries_events_only_for_a_hub_known_to_take_them(
    hub,  # noqa: F811
    laptop_b: Profile,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A bundle made before any sync may meet an older hub, which would refuse it whole for a kind it does not know:
    events stay out until a sync has seen the hub list them. Then the bundle brings them in."""
    from steward.sync import bundle

    server, tokens, store = hub
    ent = enterprises.create(laptop_b, name="仙居县永安电镀厂", credit_code=make_code(82), template_code="craft")
    event = enterprise_events.add(laptop_b, ent["id"], "hazwaste", date(2026, 11, 3), note="废液未入库")
    before = bundle.export(laptop_b, tokens[WANG], tmp_path / "first.zip")
    result = store.import_bundle(tmp_path / "first.zip")
    assert before["records"] == 1 and result["refused"] == 0 and store.record_body("enterprise", ent["id"])
    assert store.record_body("enterprise_event", event["id"]) is None
    hello = client_for(laptop_b, server, tokens[WANG]).hello()
    assert "enterprise_event" in hello["entities"]
    engine.sync(laptop_b, client_for(laptop_b, server, tokens[WANG]))
    assert store.record_body("enterprise_event", event["id"])["note"] == "废液未入库"
    assert "enterprise_event" in engine.hub_takes(laptop_b)
