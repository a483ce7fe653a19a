"""The hub page's facts are brought up to date with each sync's records instead of parsed again from every record
(steward.hub.web.facts.FactsCache): after any sequence of syncs they equal a full parse of the same records, a
request keeps seeing the facts it was handed, and what an increment cannot place exactly is parsed in full."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

from steward.hub.web.dashboard import RatingMemo, compute, load_rules, period_in_china
from steward.hub.web.facts import FactsCache, HubFacts, read_facts
from tests.hub_process import plant_raw
from tests.hub_web_data import china, make_hub


def _same(cache: FactsCache) -> HubFacts:
    facts = cache.get()
    full = read_facts(cache.store)
    assert facts == full
    assert list(facts.visits) == list(full.visits) and list(facts.enterprises) == list(full.enterprises)
    assert facts.rated() == full.rated_anew()  # the rating's facts, rebuilt only where a sync touched them
    return facts


def test_facts_after_each_sync_equal_a_full_parse_and_are_parsed_in_full_only_when_they_must(tmp_path: Path) -> None:
    hub = make_hub(tmp_path / "hub")
    a = hub.enterprise("仙居县源泉工艺品有限公司", 1)
    b = hub.enterprise("浙江白塔化工有限公司", 2)
    cache = FactsCache(hub.store)
    first = _same(cache)
    assert cache.full_parses == 1 and first.findings == []

    # A sync: a visit with two findings, one re-checked.
    v1 = hub.visit("李明", a, china(2026, 11, 3))
    f1 = hub.finding("李明", v1, a, china(2026, 11, 3), "serious", date(2026, 11, 20))
    f2 = hub.finding("李明", v1, a, china(2026, 11, 3))
    hub.event("李明", f2, "recheck_rectified", china(2026, 11, 10))
    handed = _same(cache)
    kept = copy.deepcopy(handed)
    assert len(handed.findings) == 2 and cache.full_parses == 1
    # B's facts for the rating were not touched: the same object, so a rating of it can be kept.
    assert handed.rated_facts[b] is first.rated_facts[b] and handed.rated_facts[a] is not first.rated_facts[a]

    # The next: events and photos of findings already listed, a document, a colleague's visit elsewhere.
    hub.event("李明", f1, "rectification_reported", china(2026, 11, 12))
    plant_raw(
        hub.store, "photo_link", "link-1", {"id": "link-1", "finding_id": f1, "visit_id": v1, "sha256": "ab" * 32}
    )
    plant_raw(hub.store, "document", "doc-1", {"id": "doc-1", "visit_id": v1, "sha256": "cd" * 32, "kind": "report"})
    v2 = hub.visit("王芳", b, china(2026, 11, 5))
    hub.finding("王芳", v2, b, china(2026, 11, 5), "major")
    now = _same(cache)
    assert cache.full_parses == 1
    assert handed == kept  # the facts a request was handed did not change under it
    listed = {f.id: f for f in now.findings}
    assert listed[f1].photos == 1 and [e.kind.value for e in listed[f1].events] == ["rectification_reported"]
    assert now.photos[v1] == ["ab" * 32] and now.documents[v1] == [("cd" * 32, "report", "")]

    # A finding whose visit comes in a later sync is left out, then counted once its visit is there.
    waiting_visit = hub.next_id("v")
    late = hub.next_id("f")
    body = {
        "id": late,
        "enterprise_id": b,
        "visit_id": waiting_visit,
        "severity": "general",
        "created_at": "2026-11-06T02:00:00.000Z",
        "description": "先到的问题",
    }
    plant_raw(hub.store, "finding", late, body)
    assert late not in {f.id for f in _same(cache).findings} and cache.full_parses == 1
    visit = {
        "id": waiting_visit,
        "enterprise_id": b,
        "kind": "routine",
        "status": "finished",
        "started_at": "2026-11-06T01:00:00.000Z",
        "finished_at": "2026-11-06T03:00:00.000Z",
    }
    plant_raw(hub.store, "visit", waiting_visit, visit)
    assert late in {f.id for f in _same(cache).findings} and cache.full_parses == 2

    # Complaints, one revised (the revision replaces it and comes last), and one deleted (a tombstone).
    prior = cache.get()
    complaint = {"id": "c-1", "enterprise_id": a, "kind": "complaint", "on_date": "2026-11-07", "source": "信访"}
    plant_raw(hub.store, "enterprise_event", "c-1", complaint)
    plant_raw(hub.store, "enterprise_event", "p-1", {**complaint, "id": "p-1", "kind": "penalty", "number": "1号"})
    assert [r.id for r in _same(cache).records[a]] == ["c-1", "p-1"]
    plant_raw(hub.store, "enterprise_event", "c-1", {**complaint, "source": "12345 热线"})
    plant_raw(hub.store, "enterprise_event", "p-1", {**complaint, "id": "p-1", "deleted": 1})
    assert [(r.id, r.source) for r in _same(cache).records[a]] == [("c-1", "12345 热线")]
    assert cache.full_parses == 2

    # Ratings kept across syncs (RatingMemo) equal those made anew; only the enterprise the sync touched is rated.
    rules, _source = load_rules(hub.data)
    period = period_in_china(date(2026, 11, 1), date(2026, 11, 30), date(2026, 11, 30))
    memo = RatingMemo(rules)
    before = compute(prior, rules, period, prior.rated(), memo)
    facts = cache.get()
    kept = compute(facts, rules, period, facts.rated(), memo)
    assert kept.ratings == compute(facts, rules, period).ratings
    assert kept.ratings[b] is before.ratings[b] and kept.ratings[a] is not before.ratings[a]  # A was rated again

    # A new enterprise, or a record replaced that only a full parse places, is parsed in full.
    hub.enterprise("台州永安机械厂", 3)
    _same(cache)
    assert cache.full_parses == 3
    plant_raw(hub.store, "finding", late, {**body, "description": "改过的问题"})
    assert {f.id: f.description for f in _same(cache).findings}[late] == "改过的问题"
    assert cache.full_parses == 4
    assert _same(cache) is cache.get() and cache.full_parses == 4  # nothing new: the same facts
