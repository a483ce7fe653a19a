"""`steward hub merge-duplicates`: a hub that already holds one enterprise twice under one credit code (stored before
pushes and imports merged by credit code) merges the copies as a push would now: which id stays and why is printed,
nothing is lost (each merged copy kept as an alias), the records naming it are re-pointed, and laptops follow at
their next sync. On both engines."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from steward.cli.main import main
from steward.domain.pinyin import name_keys
from steward.hub import store as hub_store
from steward.hub.store import HubStore, aliases_of, duplicate_enterprises
from steward.hub.web import Viewers
from steward.services import enterprises, visits
from steward.storage.profile import Profile
from steward.sync import engine
from tests.conftest import make_code
from tests.hub_process import Hub
from tests.prepared import Office, hub_engine, office  # noqa: F401 (the fixtures)
from tests.test_hub_web import log_in
from tests.test_sync import WHEN, client_for, finished_visit_with_finding

HUB_ID = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
STAMP = "2026-11-01T00:00:00.000Z"


@pytest.fixture
def li_office(office: Office) -> tuple[Hub, HubStore, str, Profile]:  # noqa: F811
    """The hub (each engine) and Li's laptop of the prepared office (tests/prepared.py), the test's copy."""
    return office.server, office.store, office.tokens["李明"], office.a


def _listed(credit_code: str) -> dict[str, object]:
    """The insurer's list's record of the enterprise, as `steward hub import-enterprises` makes it."""
    name = "仙居县源泉工艺品有限公司(保险名单)"
    fields = {k: "" for k in enterprises.store.DETAIL_FIELDS}
    return {
        "id": HUB_ID,
        "name": name,
        "credit_code": credit_code,
        **fields,
        "address": "仙居县安洲街道工业园区 8 号",
        "archived": 0,
        "name_pinyin": name_keys(name),
        "created_at": STAMP,
        "updated_at": STAMP,
    }


def test_a_hub_holding_one_enterprise_twice_merges_it_and_the_laptop_follows(
    li_office: tuple[Hub, HubStore, str, Profile],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server, store, token, laptop = li_office
    visit, finding = finished_visit_with_finding(laptop, tmp_path)
    engine.sync(laptop, client_for(laptop, server, token))
    ours = visit["enterprise_id"]
    code = str(store.record_body("enterprise", ours)["credit_code"])
    # The insurer's list imported as the hub did before imports merged by credit code: a second record.
    with monkeypatch.context() as old_hub:
        old_hub.setattr(hub_store, "_ids_with_code", lambda _conn, _code: [])
        assert store.put_reference("enterprise", HUB_ID, _listed(code))
    assert {b["id"] for b in store.bodies("enterprise")} == {ours, HUB_ID}
    args = ["--data-dir", str(server.data_dir), *(["--db", server.db_url] if server.db_url else [])]

    assert main(["hub", "merge-duplicates", "--dry-run", *args]) == 0
    said = capsys.readouterr().out
    assert f"信用代码 {code}:保留 {HUB_ID}" in said and "保险公司服务器的企业名单" in said
    assert f"将并入:{ours}“仙居县源泉工艺品有限公司”(李明 录入," in said and "未做任何更改" in said
    assert {b["id"] for b in store.bodies("enterprise")} == {ours, HUB_ID}  # a dry run changes nothing

    assert main(["hub", "merge-duplicates", *args]) == 0
    said = capsys.readouterr().out
    assert f"已并入:{ours}" in said and "Merged 1 groups" in said
    assert [b["id"] for b in store.bodies("enterprise")] == [HUB_ID]
    assert [a["id"] for a in aliases_of(store, HUB_ID)] == [ours]  # the laptop's copy kept whole, as an alias
    assert aliases_of(store, HUB_ID)[0]["name"] == "仙居县源泉工艺品有限公司"
    assert store.record_body("visit", visit["id"])["enterprise_id"] == HUB_ID
    assert store.record_body("finding", finding["id"])["enterprise_id"] == HUB_ID
    assert duplicate_enterprises(store) == []
    # The insurer's page of the enterprise lists what was merged into it.
    password = Viewers(store).add("人保仙居")
    with httpx.Client(base_url=server.url, timeout=60) as browser:
        assert log_in(browser, "人保仙居", password).status_code == 303
        page = browser.get(f"/enterprise/{HUB_ID}").text
    assert "已合并的企业记录(1 条)" in page
    assert f'<span class="code">{ours}</span>“仙居县源泉工艺品有限公司”,李明 录入' in page

    # The laptop merges its copy into the hub's at its next sync; its records follow, nothing conflicts.
    report = engine.sync(laptop, client_for(laptop, server, token))
    assert not report.conflicts and not report.refused and not report.skipped
    assert [m["old_id"] for m in report.merged] == [ours]
    assert [r["id"] for r in laptop.db.query("SELECT id FROM enterprises")] == [HUB_ID]
    assert laptop.db.scalar("SELECT enterprise_id FROM visits WHERE id = ?", [visit["id"]]) == HUB_ID
    assert engine.pending(laptop).records == 0
    assert not engine.sync(laptop, client_for(laptop, server, token)).conflicts

    assert main(["hub", "merge-duplicates", *args]) == 0
    assert "没有信用代码重复的企业" in capsys.readouterr().out


def _plant(store: HubStore, entity: str, rid: str, owner: int, body: dict[str, object]) -> None:
    """A record as a hub from before the merge by credit code stored it."""
    with store.transaction() as conn:
        store._insert_record(conn, entity, rid, owner, f"profile-{owner}", f"h-{rid}", body)


def test_of_two_laptops_copies_the_one_most_records_name_stays(tmp_path: Path, hub_db: str | None) -> None:
    store = HubStore(tmp_path / "hub", db_url=hub_db)
    try:
        li = store.steward_for(store.add_steward("李明"))["id"]
        wang = store.steward_for(store.add_steward("王芳"))["id"]
        for rid, owner, created in (("ent-li", li, "2026-10-01"), ("ent-wang", wang, "2026-10-05")):
            _plant(
                store, "enterprise", rid, owner, {"id": rid, "name": rid, "credit_code": "C1", "created_at": created}
            )
        _plant(store, "visit", "v-li", li, {"id": "v-li", "enterprise_id": "ent-li"})
        for n in (1, 2):
            _plant(store, "visit", f"v-wang-{n}", wang, {"id": f"v-wang-{n}", "enterprise_id": "ent-wang"})
        # Equal counts: the one entered first.
        for rid, created in (("tie-a", "2026-10-09"), ("tie-b", "2026-10-02")):
            _plant(store, "enterprise", rid, li, {"id": rid, "name": rid, "credit_code": "C2", "created_at": created})

        groups = {g.credit_code: g for g in duplicate_enterprises(store)}
        assert groups["C1"].kept.id == "ent-wang" and groups["C1"].kept.sender == "王芳"
        assert groups["C1"].reason_zh == "引用它的记录最多(2 条)"
        assert [c.id for c in groups["C1"].merged] == ["ent-li"]
        assert groups["C2"].kept.id == "tie-b" and groups["C2"].reason_zh.startswith("录入最早")

        seq_before = store.changes(0, 2000, li)
        hub_store.merge_duplicate_enterprises(store)
        assert {b["id"] for b in store.bodies("enterprise")} == {"ent-wang", "tie-b"}
        assert store.record_body("visit", "v-li")["enterprise_id"] == "ent-wang"
        assert [a["id"] for a in aliases_of(store, "ent-wang")] == ["ent-li"]
        assert [a["id"] for a in aliases_of(store, "tie-b")] == ["tie-a"]
        # The kept record moved to the end of the change feed: a laptop that pulled everything gets it again.
        cursor = json.loads(seq_before)["cursor"]
        again = {(r["entity"], r["id"]) for r in json.loads(store.changes(cursor, 2000, li))["records"]}
        assert {("enterprise", "ent-wang"), ("enterprise", "tie-b"), ("visit", "v-li")} <= again
    finally:
        store.close()


def test_two_laptops_copies_merged_on_the_hub_converge_on_both_laptops(
    office: Office,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Li and Wang each entered the enterprise on their own laptop and synced to a hub from before the merge by
    credit code: it kept both. After merge-duplicates, one sync each brings both laptops to the kept id, with their
    visits, and nothing conflicts or waits to be sent."""
    store, server, tokens = office.store, office.server, office.tokens
    laptops = {"李明": office.a, "王芳": office.b}
    code = make_code(93)
    own_visits = {}
    for name, laptop in laptops.items():
        ent = enterprises.create(laptop, name=f"源泉工艺品({name})", credit_code=code, template_code="craft")
        visit = visits.start(laptop, ent["id"], "routine", item_codes=["B1"], steward=name, at=WHEN)
        visits.create_finding(laptop, visit["id"], location="车间", description="废气收集不到位", at=WHEN)
        visits.finish(laptop, visit["id"])
        own_visits[name] = visit["id"]
    with monkeypatch.context() as old_hub:  # the hub before pushes merged by credit code
        old_hub.setattr(hub_store._PushBatch, "alias_for_code", lambda *_args: False)
        for name, laptop in laptops.items():
            engine.sync(laptop, client_for(laptop, server, tokens[name]))
    assert len([b for b in store.bodies("enterprise") if b["credit_code"] == code]) == 2

    (group,) = hub_store.merge_duplicate_enterprises(store)
    kept = group.kept.id

    for _round in range(2):
        for name, laptop in laptops.items():
            report = engine.sync(laptop, client_for(laptop, server, tokens[name]))
            assert not report.conflicts and not report.refused and not report.skipped, (name, report)
    assert [b["id"] for b in store.bodies("enterprise") if b["credit_code"] == code] == [kept]
    for name, laptop in laptops.items():
        assert [r["id"] for r in laptop.db.query("SELECT id FROM enterprises")] == [kept], name
        assert laptop.db.scalar("SELECT count(*) FROM visits WHERE enterprise_id = ?", [kept]) == 2, name
        assert engine.pending(laptop).records == 0, name
        assert store.record_body("visit", own_visits[name])["enterprise_id"] == kept
