"""The records the insurer needs complete (issue 14): amendments applied on the hub with every revision kept, one
enterprise per credit code, colleagues' photos for re-check, notice numbers unique per steward, and hub-imported
records read-only on the laptop. Each against a real uvicorn hub on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from steward.hub.store import HubStore
from steward.hub.web import Viewers
from steward.services import visits
from steward.services.findings import get as get_finding
from steward.services.profiles import open_profile
from steward.storage.profile import Profile
from steward.sync import engine
from steward.sync.client import HubClient
from steward.sync.wire import record
from tests.hub_process import Hub
from tests.test_hub_web import log_in
from tests.test_sync import WHEN, _issuer, client_for, finished_visit_with_finding

REASON = "现场复核后更正"


@dataclass
class Office:
    """A hub with two stewards of one firm, 李明 (laptop a) and 王芳 (laptop b)."""

    server: Hub
    tokens: dict[str, str]
    store: HubStore
    a: Profile
    b: Profile

    def li(self) -> HubClient:
        return client_for(self.a, self.server, self.tokens["李明"])

    def wang(self) -> HubClient:
        return client_for(self.b, self.server, self.tokens["王芳"])


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Office]:
    data = tmp_path / "hub"
    data.mkdir()
    store = HubStore(data)
    tokens = {name: store.add_steward(name) for name in ("李明", "王芳")}
    server = Hub(data).start()
    try:
        with open_profile(tmp_path / "a", "li") as a, open_profile(tmp_path / "b", "wang") as b:
            yield Office(server, tokens, store, _issuer(a, "李明"), _issuer(b, "王芳"))
    finally:
        server.stop()


def _answer_of(body: dict, item_id: str) -> dict:
    return next(a for a in body["answers"] if a["item_id"] == item_id)


def test_amendments_after_a_sync_are_applied_on_the_hub_with_every_revision_kept(
    office: Office, tmp_path: Path
) -> None:
    server, store, laptop_a, laptop_b = office.server, office.store, office.a, office.b
    visit, finding = finished_visit_with_finding(laptop_a, tmp_path)
    engine.sync(laptop_a, office.li())
    engine.sync(laptop_b, office.wang())  # Wang holds the visit as first finished
    first = store.record_body("finding", finding["id"])
    item = visits.items(laptop_a, visit["id"])[1]

    visits.update_finding(
        laptop_a, finding["id"], description="喷漆废气未经收集直排", deadline="2026-12-20", reason=REASON
    )
    visits.answer(laptop_a, visit["id"], item["id"], "not_applicable", "本企业无此工序", reason="漏录")
    report = engine.sync(laptop_a, office.li())
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
    engine.sync(laptop_b, office.wang())
    assert get_finding(laptop_b, finding["id"])["description"] == "喷漆废气未经收集直排"
    assert get_finding(laptop_b, finding["id"])["deadline"] == "2026-12-20"
    row = laptop_b.db.query_one(
        "SELECT result, note FROM answers WHERE visit_id = ? AND item_id = ?", [visit["id"], item["id"]]
    )
    assert row == {"result": "not_applicable", "note": "本企业无此工序"}

    # The insurer's page shows the amended finding and the revision with its reason, before and after.
    password = Viewers(store).add("人保仙居")
    with httpx.Client(base_url=server.url) as browser:
        assert log_in(browser, "人保仙居", password).status_code == 303
        page = browser.get(f"/enterprise/{visit['enterprise_id']}").text
    assert "喷漆废气未经收集直排" in page
    assert "完成后的修订(2 次" in page and REASON in page and "漏录" in page
    assert f"问题描述:{first['description']} → 喷漆废气未经收集直排" in page
    assert "结论:(无) → 不适用" in page


def test_only_the_visits_own_steward_amends_it(office: Office, tmp_path: Path) -> None:
    """A hostile colleague with their own token: an audit entry naming Li's visit, or naming Wang's own visit but
    Li's finding, changes nothing on the hub."""
    store, laptop_a, laptop_b = office.store, office.a, office.b
    visit, finding = finished_visit_with_finding(laptop_a, tmp_path)
    engine.sync(laptop_a, office.li())
    wang = office.wang()
    engine.sync(laptop_b, wang)
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
