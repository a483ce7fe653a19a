"""An amendment replaces the hub's copy of a finding (or of the visit holding an amended answer) at the end of the
change sequence. A laptop that does not hold that finding or visit yet (a colleague's new laptop) applies a page in
order: the records naming it (its events, photo links, the visit's findings...) must not come before it, or that
laptop skips them for good. Real uvicorn hub on 127.0.0.1, on either engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.services import findings, visits
from steward.services.findings import get as get_finding
from steward.sync import engine
from tests.prepared import Office, hub_engine, new_laptop  # noqa: F401 (the fixture)
from tests.test_sync import client_for
from tests.test_sync_records import REASON, with_visit  # noqa: F401 (the fixture)


def test_a_laptop_new_to_an_amended_finding_and_visit_keeps_everything_that_names_them(
    with_visit: Office,  # noqa: F811
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    office = with_visit
    laptop_a = office.a
    visit, finding = office.extra["visit"], office.extra["finding"]  # finished, with its photo, not synced yet
    engine.sync(laptop_a, office.li())
    item = visits.items(laptop_a, visit["id"])[1]
    findings.update(laptop_a, finding["id"], description="喷漆废气未经收集直排", reason=REASON)
    visits.answer(laptop_a, visit["id"], item["id"], "not_applicable", "本企业无此工序", reason="漏录")
    report = engine.sync(laptop_a, office.li())
    assert not report.refused and not report.conflicts
    on_hub = {entity: [b for b in office.store.bodies(entity)] for entity in ("finding", "finding_event")}
    assert [b["description"] for b in on_hub["finding"]] == ["喷漆废气未经收集直排"]
    events = [b["id"] for b in on_hub["finding_event"] if b["finding_id"] == finding["id"]]
    assert events  # the finding's "opened" event, which came before the amendment

    # Wang's new laptop pulls the hub from the start.
    with new_laptop(request, tmp_path / "c", "wang-new", "王芳") as laptop_c:
        pulled = engine.sync(laptop_c, client_for(laptop_c, office.server, office.tokens["王芳"]))
        assert pulled.skipped == []
        assert get_finding(laptop_c, finding["id"])["description"] == "喷漆废气未经收集直排"
        held = {
            r["id"] for r in laptop_c.db.query("SELECT id FROM finding_events WHERE finding_id = ?", [finding["id"]])
        }
        assert held == set(events)
        row = laptop_c.db.query_one(
            "SELECT result, note FROM answers WHERE visit_id = ? AND item_id = ?", [visit["id"], item["id"]]
        )
        assert row == {"result": "not_applicable", "note": "本企业无此工序"}
