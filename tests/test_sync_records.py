"""The records the insurer needs complete (issue 14): amendments applied on the hub with every revision kept, one
enterprise per credit code, colleagues' photos for re-check, notice numbers unique per steward, and hub-imported
records read-only on the laptop. Each against a real uvicorn hub on 127.0.0.1."""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from steward.domain.errors import InvalidInput
from steward.domain.numbering import local_number_code
from steward.hub.store import HubStore, aliases_of
from steward.hub.web import Viewers
from steward.hub.web.facts import read_facts
from steward.services import documents, enterprise_events, enterprises, findings, photos, settings, visits
from steward.services.findings import get as get_finding
from steward.storage.profile import Profile
from steward.sync import engine
from steward.sync.wire import record
from tests.conftest import make_code
from tests.hub_http import call
from tests.prepared import Office, hub_engine, new_laptop, office, office_after  # noqa: F401 (fixtures)
from tests.test_hub_web import log_in
from tests.test_sync import WHEN, client_for, finished_visit_with_finding

REASON = "现场复核后更正"


def finished_visit(made: Office, scratch: Path) -> dict[str, Any]:
    """Li's laptop holds a finished visit with a finding (its photo, signature and PDFs), not synced yet."""
    visit, finding = finished_visit_with_finding(made.a, scratch)
    return {"visit": visit, "finding": finding}


def synced_to_both(made: Office, _scratch: Path) -> None:
    """Li synced the visit, then Wang pulled it."""
    engine.sync(made.a, made.li())
    engine.sync(made.b, made.wang())


@pytest.fixture
def with_visit(request: pytest.FixtureRequest, tmp_path: Path, hub_engine: str) -> Iterator[Office]:  # noqa: F811
    """The office (each engine) after `finished_visit`: office.extra["visit"], ["finding"]; a copy of one made once."""
    with office_after(request, tmp_path, hub_engine, finished_visit) as made:
        yield made


@pytest.fixture
def visit_synced(request: pytest.FixtureRequest, tmp_path: Path, hub_engine: str) -> Iterator[Office]:  # noqa: F811
    """The office after `finished_visit` and `synced_to_both`; a copy of one made once."""
    with office_after(request, tmp_path, hub_engine, finished_visit, synced_to_both) as made:
        yield made


def _answer_of(body: dict, item_id: str) -> dict:
    return next(a for a in body["answers"] if a["item_id"] == item_id)


def test_amendments_after_a_sync_are_applied_on_the_hub_with_every_revision_kept(visit_synced: Office) -> None:
    # Wang holds the visit as first finished.
    server, store, laptop_a, laptop_b = visit_synced.server, visit_synced.store, visit_synced.a, visit_synced.b
    visit, finding = visit_synced.extra["visit"], visit_synced.extra["finding"]
    first = store.record_body("finding", finding["id"])
    item = visits.items(laptop_a, visit["id"])[1]

    findings.update(laptop_a, finding["id"], description="喷漆废气未经收集直排", deadline="2026-12-20", reason=REASON)
    visits.answer(laptop_a, visit["id"], item["id"], "not_applicable", "本企业无此工序", reason="漏录")
    report = engine.sync(laptop_a, visit_synced.li())
    assert not report.refused and not report.conflicts

    # The hub's copy is the amended one ...
    amended = store.record_body("finding", finding["id"])
    assert amended["description"] == "喷漆废气未经收集直排" and amended["deadline"] == "2026-12-20"
    assert amended["location"] == first["location"] == "喷漆车间"
    hub_visit = store.record_body("visit", visit["id"])
    assert _answer_of(hub_visit, item["id"])["result"] == "not_applicable"
    assert _answer_of(hub_visit, item["id"])["note"] == "本企业无此工序"
    # ... and the first version stays readable in the revisions (who, when, why, before and after).
    audits = {a["entity"]: a for a in store.bodies("audit")}
    assert audits["finding"]["detail"]["before"]["description"] == first["description"]
    assert audits["finding"]["reason"] == REASON

    # The colleague's laptop follows the amendment at its next pull.
    engine.sync(laptop_b, visit_synced.wang())
    assert get_finding(laptop_b, finding["id"])["description"] == "喷漆废气未经收集直排"
    assert get_finding(laptop_b, finding["id"])["deadline"] == "2026-12-20"
    row = laptop_b.db.query_one(
        "SELECT result, note FROM answers WHERE visit_id = ? AND item_id = ?", [visit["id"], item["id"]]
    )
    assert row == {"result": "not_applicable", "note": "本企业无此工序"}

    # The insurer's page shows the amended finding and the revision with its reason, before and after.
    password = Viewers(store).add("人保仙居")
    with httpx.Client(base_url=server.url, timeout=60) as browser:
        assert log_in(browser, "人保仙居", password).status_code == 303
        page = browser.get(f"/enterprise/{visit['enterprise_id']}").text
    assert "喷漆废气未经收集直排" in page
    assert "完成后的修订(2 次" in page and REASON in page and "漏录" in page
    assert f"问题描述:{first['description']} → 喷漆废气未经收集直排" in page
    assert "结论:(无) → 不适用" in page


def test_only_the_visits_own_steward_amends_it(visit_synced: Office) -> None:
    """A hostile colleague with their own token: an audit entry naming Li's visit, or naming Wang's own visit but
    Li's finding, changes nothing on the hub."""
    store, laptop_b = visit_synced.store, visit_synced.b
    visit, finding = visit_synced.extra["visit"], visit_synced.extra["finding"]
    wang = visit_synced.wang()
    own = visits.start(laptop_b, visit["enterprise_id"], "routine", item_codes=["B1"], steward="王芳", at=WHEN)
    visits.finish(laptop_b, own["id"])
    engine.sync(laptop_b, wang)
    before = store.record_body("finding", finding["id"])

    def audit(rid: str, visit_id: str) -> dict:
        body = {
            "id": rid,
            "at": "2026-11-20T02:00:00.000Z",
            "actor": "李明",
            "entity": "finding",
            "entity_id": finding["id"],
            "action": "amend",
            "reason": "冒名修订",
            "detail": {"visit_id": visit_id, "before": {}, "after": {"description": "已被篡改"}},
            "visit_id": visit_id,
        }
        return record("audit", rid, body)

    on_his_visit = audit("01a21400-0000-7000-8000-0000000000a1", visit["id"])
    on_her_visit = audit("01a21400-0000-7000-8000-0000000000a2", own["id"])
    answer = wang.push([on_his_visit, on_her_visit])
    codes = {r["id"]: r["code"] for r in answer["refused"]}
    assert codes == {on_his_visit["id"]: "not_your_visit", on_her_visit["id"]: "wrong_visit"}
    assert store.record_body("finding", finding["id"]) == before
    assert store.record_body("audit", on_her_visit["id"]) is None


HUB_ID = "01a21400-0000-7000-8000-00000000e001"


def _hub_lists(store: HubStore, credit_code: str, address: str) -> None:
    """The insurer's own list names the enterprise under its own id (as its policy system does)."""
    stamp = "2026-11-10T01:00:00.000Z"
    body = {
        "id": HUB_ID,
        "name": "仙居县源泉工艺品有限公司",
        "credit_code": credit_code,
        "address": address,
        "policy_number": "PICC-2026-001",
        "created_at": stamp,
        "updated_at": stamp,
    }
    assert store.put_reference("enterprise", HUB_ID, body)


def _enterprise_ids(store: HubStore, credit_code: str) -> list[str]:
    return [e["id"] for e in store.bodies("enterprise") if e["credit_code"] == credit_code]


def test_an_enterprise_the_hub_lists_later_under_its_own_id_is_merged_everywhere(with_visit: Office) -> None:
    """Li entered the enterprise and synced a visit; Wang pulled it and re-checked its finding on his own visit
    (not synced yet); then the insurer's list names it under its own id. The hub's id wins on the hub and on both
    laptops, nothing of the laptops' data is lost, and the hub never shows two enterprises for the credit code."""
    store = with_visit.store
    visit, finding = with_visit.extra["visit"], with_visit.extra["finding"]
    local_id = visit["enterprise_id"]
    code = enterprises.get(with_visit.a, local_id)["credit_code"]
    enterprises.update(with_visit.a, local_id, contact_phone="0576-87654321", address="白塔镇工业区")
    engine.sync(with_visit.a, with_visit.li())
    engine.sync(with_visit.b, with_visit.wang())
    recheck = visits.start(with_visit.b, local_id, "recheck", item_codes=["B1"], steward="王芳", at=WHEN)
    visits.recheck(with_visit.b, recheck["id"], finding["id"], "recheck_rectified", "已整改")
    visits.finish(with_visit.b, recheck["id"])

    _hub_lists(store, code, address="仙居县白塔镇")
    assert _enterprise_ids(store, code) == [HUB_ID]
    assert store.record_body("visit", visit["id"])["enterprise_id"] == HUB_ID
    assert store.record_body("finding", finding["id"])["enterprise_id"] == HUB_ID
    assert aliases_of(store, HUB_ID)[0]["contact_phone"] == "0576-87654321"  # kept on the hub as Li sent it

    report = engine.sync(with_visit.b, with_visit.wang())  # Wang's visit still names Li's id: the hub re-points it
    assert not report.refused and not report.conflicts
    assert store.record_body("visit", recheck["id"])["enterprise_id"] == HUB_ID
    assert _enterprise_ids(store, code) == [HUB_ID]
    report = engine.sync(with_visit.a, with_visit.li())
    assert [m["old_id"] for m in report.merged] == [local_id]
    assert report.merged[0]["kept"] == {"contact_phone": "0576-87654321", "template_code": "craft"}
    assert report.merged[0]["replaced"] == {"address": "白塔镇工业区"}
    assert any("合并" in line and "contact_phone" in line for line in report.log)

    for laptop in (with_visit.a, with_visit.b):
        assert [e["id"] for e in laptop.db.query("SELECT id FROM enterprises WHERE credit_code = ?", [code])] == [
            HUB_ID
        ]
        assert laptop.db.scalar("SELECT count(*) FROM visits WHERE enterprise_id = ?", [local_id]) == 0
        assert laptop.db.scalar("SELECT enterprise_id FROM findings WHERE id = ?", [finding["id"]]) == HUB_ID
    li_row = enterprises.get(with_visit.a, HUB_ID)
    assert li_row["contact_phone"] == "0576-87654321" and li_row["policy_number"] == "PICC-2026-001"
    assert li_row["address"] == "仙居县白塔镇"  # the hub's wins; Li's is kept in enterprise_merges
    assert get_finding(with_visit.a, finding["id"])["status"] == "rectified"  # Wang's re-check reached Li
    assert engine.pending(with_visit.a).records == 0 and engine.pending(with_visit.b).records == 0

    engine.sync(with_visit.a, with_visit.li())  # a later pull keeps the field the hub's list lacks
    assert enterprises.get(with_visit.a, HUB_ID)["contact_phone"] == "0576-87654321"


def test_an_enterprise_entered_offline_that_the_hub_lists_already_becomes_the_hubs(
    office: Office,  # noqa: F811
) -> None:
    store = office.store
    code = make_code(88)
    _hub_lists(store, code, address="仙居县安洲街道")
    ent = enterprises.create(office.a, name="源泉工艺品", credit_code=code, template_code="craft", park="现代工业园")
    visit = visits.start(office.a, ent["id"], "first", at=WHEN)
    visits.create_finding(office.a, visit["id"], location="仓库", description="危废未分类", at=WHEN)
    visits.finish(office.a, visit["id"])

    report = engine.sync(office.a, office.li())
    assert not report.refused and not report.conflicts
    assert _enterprise_ids(store, code) == [HUB_ID]  # Li's id became an alias, not a second enterprise
    assert store.record_body("visit", visit["id"])["enterprise_id"] == HUB_ID
    assert [f["enterprise_id"] for f in store.bodies("finding")] == [HUB_ID]
    assert aliases_of(store, HUB_ID)[0]["id"] == ent["id"]
    assert office.a.db.query("SELECT id, park FROM enterprises") == [{"id": HUB_ID, "park": "现代工业园"}]
    assert office.a.db.scalar("SELECT enterprise_id FROM visits WHERE id = ?", [visit["id"]]) == HUB_ID
    assert engine.pending(office.a).records == 0
    assert len(read_facts(store).enterprises) == 1  # the insurer's page lists it once


def test_records_imported_on_the_hub_are_read_only_on_the_laptop(visit_synced: Office) -> None:
    # Li synced the visit (and Wang pulled it)
    visit = visit_synced.extra["visit"]
    rid = "01a21400-0000-7000-8000-00000000c001"
    body = {
        "id": rid,
        "enterprise_id": visit["enterprise_id"],
        "kind": "penalty",
        "on_date": "2026-10-12",
        "authority": "台州市生态环境局",
        "number": "台环罚〔2026〕12号",
        "created_at": "2026-11-01T01:00:00.000Z",
        "created_by": "服务器导入 hub import",
    }
    store = visit_synced.store
    assert store.put_references("enterprise_event", [(rid, body)]) == 1
    engine.sync(visit_synced.a, visit_synced.li())
    pulled = enterprise_events.get(visit_synced.a, rid)
    assert pulled["origin"] == "hub" and enterprise_events.read_only_reason(pulled) is not None

    with pytest.raises(InvalidInput) as refused:
        enterprise_events.edit(visit_synced.a, rid, note="改一下", reason="核对")
    assert "只读" in refused.value.zh and "read-only" in refused.value.en
    with pytest.raises(InvalidInput) as refused:
        enterprise_events.delete(visit_synced.a, rid, "重复录入")
    assert "只读" in refused.value.zh
    assert enterprise_events.get(visit_synced.a, rid) == pulled  # nothing changed, nothing deleted
    assert enterprise_events.history(visit_synced.a, rid) == []
    own = enterprise_events.add(
        visit_synced.a, visit["enterprise_id"], "complaint", on=date(2026, 11, 3), source="12345热线"
    )
    assert enterprise_events.read_only_reason(own) is None
    assert enterprise_events.edit(visit_synced.a, own["id"], note="夜间异味", reason="补充")["revision"] == 2


def _notice_number(profile: Profile, tmp_path: Path, steward: str) -> tuple[str, str]:
    """(visit id, the number its notice printed) of a new visit with a finding at the laptop's one enterprise."""
    eid = profile.db.scalar("SELECT id FROM enterprises ORDER BY created_at LIMIT 1")
    visit = visits.start(profile, eid, "routine", item_codes=["B1"], steward=steward, at=WHEN)
    visits.create_finding(profile, visit["id"], location="车间", description="废气收集不到位", at=WHEN)
    visits.finish(profile, visit["id"])
    documents.assign_notice_numbers(profile, [visit["id"]])
    return visit["id"], str(visits.get(profile, visit["id"])["notice_number"])


def test_two_stewards_of_one_firm_never_print_the_same_notice_number(
    with_visit: Office, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Two fresh laptops of one firm, both offline, each print a notice before their first sync. With the firm's
    prefix alone both printed XJ-2026-0001; each profile's own code (steward.domain.numbering) keeps them apart.
    After binding, the hub's code; the code used before is never used again."""
    store = with_visit.store
    liu_token = store.add_steward("刘敏")  # the same initials as 李明
    first_li = with_visit.extra["visit"]
    documents.assign_notice_numbers(with_visit.a, [first_li["id"]])
    offline_li = visits.get(with_visit.a, first_li["id"])["notice_number"]
    ent_b = enterprises.create(
        with_visit.b, name="仙居县白塔工艺品有限公司", credit_code=make_code(91), template_code="craft"
    )
    visit_b = visits.start(with_visit.b, ent_b["id"], "routine", item_codes=["B1"], steward="王芳", at=WHEN)
    visits.create_finding(with_visit.b, visit_b["id"], location="车间", description="废气收集不到位", at=WHEN)
    visits.finish(with_visit.b, visit_b["id"])
    documents.assign_notice_numbers(with_visit.b, [visit_b["id"]])
    offline_wang = visits.get(with_visit.b, visit_b["id"])["notice_number"]
    local_li = local_number_code(engine.profile_id(with_visit.a))
    assert offline_li == f"XJ-{local_li}-2026-0001"  # before the first sync: the firm's prefix and the profile's code
    assert offline_wang == f"XJ-{local_number_code(engine.profile_id(with_visit.b))}-2026-0001"
    assert offline_li != offline_wang

    engine.sync(with_visit.a, with_visit.li())
    engine.sync(with_visit.b, with_visit.wang())
    with new_laptop(request, tmp_path / "c", "liu", "刘敏") as liu:
        engine.sync(liu, client_for(liu, with_visit.server, liu_token))
        numbers = {
            "李明": _notice_number(with_visit.a, tmp_path, "李明")[1],
            "王芳": _notice_number(with_visit.b, tmp_path, "王芳")[1],
            "刘敏": _notice_number(liu, tmp_path, "刘敏")[1],
        }
    assert numbers == {"李明": "XJ-LM-2026-0001", "王芳": "XJ-WF-2026-0001", "刘敏": "XJ-LM2-2026-0001"}
    # The numbers printed offline stay their visits', and the code used before binding is not used again.
    assert visits.get(with_visit.a, first_li["id"])["notice_number"] == offline_li
    assert visits.get(with_visit.b, visit_b["id"])["notice_number"] == offline_wang
    assert _notice_number(with_visit.a, tmp_path, "李明")[1] == "XJ-LM-2026-0002"
    assert settings.notice_prefix(with_visit.a) == "XJ-LM"
    assert engine.sync(with_visit.a, with_visit.li()).refused == []


def test_a_profiles_own_code_is_never_one_the_hub_gives() -> None:
    """Codes of profiles before their first sync begin with a digit; the hub's begin with a letter (initials). Over
    5000 profile ids (fixed, so the test always sees the same ones) no two codes are the same."""
    ids = [str(uuid.uuid5(uuid.NAMESPACE_URL, f"steward-profile-{n}")) for n in range(5000)]
    codes = [local_number_code(i) for i in ids]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[2-9][2-9A-HJKMNP-TV-Z]{5}", code) for code in codes)
    assert local_number_code(ids[0]) == codes[0]  # the same profile always gets the same code


def test_colleagues_photos_of_open_findings_reach_a_steward_who_visits_the_enterprise_as_renditions(
    visit_synced: Office,
) -> None:
    """Wang re-checks at an enterprise Li found a problem at: once he has a visit there, his laptop holds the report
    rendition of Li's photo of the open finding (never its original), shown with the finding as it was found. A
    steward who never visited it gets neither the list nor the rendition; a rectified finding's photos stop."""
    # Li synced the visit, then Wang pulled it
    store = visit_synced.store
    visit, finding = visit_synced.extra["visit"], visit_synced.extra["finding"]
    sha = visit_synced.a.db.scalar("SELECT sha256 FROM photos")
    wang = visit_synced.wang()
    assert wang.recheck_photos() == []  # no visit of his there yet: nothing of Li's photos
    assert visit_synced.b.db.scalar("SELECT count(*) FROM photos") == 0

    routine = visits.start(
        visit_synced.b, visit["enterprise_id"], "routine", item_codes=["B1"], steward="王芳", at=WHEN
    )
    visits.finish(visit_synced.b, routine["id"])
    report = engine.sync(visit_synced.b, wang)
    assert not report.skipped and not report.refused
    target = photos.LinkTarget(visit_id=visit["id"], finding_id=finding["id"])
    assert [link["sha256"] for link in photos.links(visit_synced.b, target)] == [sha]  # the re-check's "as found" strip
    rendition = visit_synced.b.photos.rendition_path(sha).read_bytes()
    with Image.open(io.BytesIO(rendition)) as img:
        assert img.format == "JPEG" and img.size == (1200, 900)
    assert visit_synced.b.photos.thumb_path(sha).exists()
    assert rendition != store.blobs.read(sha)  # a rendition, not the original
    assert visit_synced.b.db.scalar("SELECT original_present FROM photos WHERE sha256 = ?", [sha]) == 0
    assert call(visit_synced.server.url, "GET", f"/v1/blobs/{sha}", visit_synced.tokens["王芳"])[0] == 404
    assert engine.pending(visit_synced.b).records == 0  # Li's photo and link are never sent back as Wang's
    assert engine.sync(visit_synced.b, wang).refused == []

    # A colleague who never visited the enterprise: no list, no rendition.
    stranger = store.add_steward("刘敏")
    assert call(visit_synced.server.url, "GET", "/v1/recheck-photos", stranger) == (200, {"photos": []})
    assert call(visit_synced.server.url, "GET", f"/v1/renditions/{sha}", stranger)[0] == 404

    # Rectified: the finding is no longer open, and its photos are no longer handed out.
    recheck = visits.start(
        visit_synced.b, visit["enterprise_id"], "recheck", item_codes=["B1"], steward="王芳", at=WHEN
    )
    visits.recheck(visit_synced.b, recheck["id"], finding["id"], "recheck_rectified", "已整改到位")
    visits.finish(visit_synced.b, recheck["id"])
    engine.sync(visit_synced.b, wang)
    assert wang.recheck_photos() == []
    assert call(visit_synced.server.url, "GET", f"/v1/renditions/{sha}", visit_synced.tokens["王芳"])[0] == 404
