"""部分整改 agrees a new deadline: a field of the event, from which the finding is due (overdue counts, lists, figures,
re-check lists and the rating follow it), carried to the hub and to colleagues' laptops."""

from __future__ import annotations

from datetime import date

import pytest

from steward.domain.errors import InvalidInput
from steward.domain.findings import FindingEvent, current_deadline, derive_state
from steward.domain.labels import EventKind
from steward.services import findings, ratings, visits
from steward.storage.profile import Profile
from steward.sync import engine
from steward.sync.wire import record
from tests.conftest import local
from tests.prepared import Office, hub_engine  # noqa: F401 (the fixture)
from tests.test_sync import client_for
from tests.test_sync_records import visit_synced, with_visit  # noqa: F401 (the fixtures)

OWN_DEADLINE = date(2026, 10, 15)
NEW_DEADLINE = date(2026, 11, 30)


def _found_and_partly_rechecked(profile: Profile, enterprise: dict) -> tuple[dict, dict, dict]:
    first = visits.start(profile, enterprise["id"], "first", at=local(2026, 10, 1, 10))
    b6 = next(i for i in visits.items(profile, first["id"]) if i["code"] == "B6")
    finding = visits.create_finding(
        profile, first["id"], b6["id"], location="喷漆房", deadline=OWN_DEADLINE, at=local(2026, 10, 1, 10)
    )
    visits.finish(profile, first["id"], at=local(2026, 10, 1, 11))
    second = visits.start(profile, enterprise["id"], "recheck", item_codes=["B6"], at=local(2026, 10, 20, 10))
    event = visits.recheck(
        profile,
        second["id"],
        finding["id"],
        "recheck_partly",
        "过滤棉已换,门未修",
        at=local(2026, 10, 20, 10),
        new_deadline=NEW_DEADLINE,
    )
    visits.finish(profile, second["id"], at=local(2026, 10, 20, 11))
    return finding, second, event


def test_domain_the_last_partial_rectification_sets_the_deadline() -> None:
    def ev(kind: EventKind, day: int, new: date | None = None) -> FindingEvent:
        return FindingEvent(f"e{day:02d}", "f", kind, local(2026, 10, day, 10), "李明", new_deadline=new)

    events = [ev(EventKind.OPENED, 1), ev(EventKind.RECHECK_PARTLY, 10, date(2026, 10, 31))]
    assert current_deadline(OWN_DEADLINE, derive_state(events)) == date(2026, 10, 31)
    events.append(ev(EventKind.RECHECK_PARTLY, 20, NEW_DEADLINE))
    assert current_deadline(OWN_DEADLINE, derive_state(events)) == NEW_DEADLINE
    assert current_deadline(OWN_DEADLINE, derive_state(events[:1])) == OWN_DEADLINE
    # A partial re-check of a finding already closed is ignored, deadline and all.
    closed = [
        ev(EventKind.OPENED, 1),
        ev(EventKind.RECHECK_RECTIFIED, 5),
        ev(EventKind.RECHECK_PARTLY, 9, NEW_DEADLINE),
    ]
    assert current_deadline(OWN_DEADLINE, derive_state(closed)) == OWN_DEADLINE


def test_overdue_counts_lists_and_figures_follow_the_new_deadline(profile: Profile, enterprise: dict) -> None:
    finding, _second, event = _found_and_partly_rechecked(profile, enterprise)
    row = findings.get(profile, finding["id"])
    assert (row["deadline"], row["original_deadline"]) == (NEW_DEADLINE.isoformat(), OWN_DEADLINE.isoformat())
    assert profile.db.scalar("SELECT new_deadline FROM finding_events WHERE id = ?", [event["id"]]) == "2026-11-30"

    before_new = date(2026, 11, 10)  # past the finding's own deadline, not yet the agreed one
    assert findings.figures_for(profile, today=before_new).overdue == 0
    assert findings.figures_replayed(profile, today=before_new).overdue == 0
    assert findings.listing(profile, overdue_only=True, today=before_new) == []
    assert findings.detail(profile, finding["id"], today=before_new).overdue_days == 0

    after_new = date(2026, 12, 5)
    assert findings.figures_for(profile, today=after_new).overdue == 1
    [late] = findings.listing(profile, overdue_only=True, today=after_new)
    assert late["overdue_days"] == 5

    third = visits.start(profile, enterprise["id"], "recheck", item_codes=["B6"])
    [listed] = visits.recheck_list(profile, third["id"], today=before_new)
    assert (listed["deadline"], listed["overdue_days"]) == (NEW_DEADLINE.isoformat(), 0)


def test_the_rating_as_of_a_day_before_the_agreement_used_the_own_deadline(profile: Profile, enterprise: dict) -> None:
    _found_and_partly_rechecked(profile, enterprise)
    facts = ratings.facts_by_enterprise(profile, enterprise["id"])[enterprise["id"]]
    [rated] = facts.findings
    assert rated.deadline == OWN_DEADLINE  # its own; the event moves it from 20 October on
    from steward.domain.rating import _findings_as_of

    [then] = _findings_as_of(facts.findings, local(2026, 10, 18, 0))
    [now] = _findings_as_of(facts.findings, local(2026, 11, 10, 0))
    assert then.overdue(date(2026, 10, 17)) and then.deadline == OWN_DEADLINE
    assert not now.overdue(date(2026, 11, 9)) and now.deadline == NEW_DEADLINE


def test_amending_the_own_deadline_keeps_the_agreed_one(profile: Profile, enterprise: dict) -> None:
    finding, _second, _event = _found_and_partly_rechecked(profile, enterprise)
    findings.update(profile, finding["id"], deadline=date(2026, 10, 18), reason="期限抄错")
    row = findings.get(profile, finding["id"])
    assert (row["deadline"], row["original_deadline"]) == (NEW_DEADLINE.isoformat(), "2026-10-18")


def test_a_new_deadline_must_be_a_partial_rectifications_and_not_before_the_recheck(
    profile: Profile, enterprise: dict
) -> None:
    first = visits.start(profile, enterprise["id"], "first", at=local(2026, 10, 1, 10))
    b6 = next(i for i in visits.items(profile, first["id"]) if i["code"] == "B6")
    finding = visits.create_finding(profile, first["id"], b6["id"], deadline=OWN_DEADLINE, at=local(2026, 10, 1, 10))
    visits.finish(profile, first["id"], at=local(2026, 10, 1, 11))
    second = visits.start(profile, enterprise["id"], "recheck", item_codes=["B6"], at=local(2026, 10, 20, 10))
    with pytest.raises(InvalidInput, match="早于复查日期") as err:
        visits.recheck(
            profile,
            second["id"],
            finding["id"],
            "recheck_partly",
            at=local(2026, 10, 20, 10),
            new_deadline=date(2026, 10, 19),
        )
    assert "before the re-check" in err.value.en
    with pytest.raises(InvalidInput, match="只有“部分整改”"):
        visits.recheck(
            profile,
            second["id"],
            finding["id"],
            "recheck_not_rectified",
            at=local(2026, 10, 20, 10),
            new_deadline=NEW_DEADLINE,
        )
    assert findings.get(profile, finding["id"])["deadline"] == OWN_DEADLINE.isoformat()
    assert visits.recheck_list(profile, second["id"])[0]["outcome"] is None  # nothing was recorded


def test_the_new_deadline_travels_through_a_real_hub(visit_synced: Office) -> None:  # noqa: F811
    # Li's finished visit with a finding, synced to the hub and pulled by Wang (a copy of an office prepared so).
    server, tokens, store = visit_synced.server, visit_synced.tokens, visit_synced.store
    laptop_a, laptop_b = visit_synced.a, visit_synced.b
    visit, finding = visit_synced.extra["visit"], visit_synced.extra["finding"]
    li = client_for(laptop_a, server, tokens["李明"])
    wang = client_for(laptop_b, server, tokens["王芳"])
    agreed = date.fromisoformat(finding["deadline"]).replace(year=2027)
    recheck = visits.start(laptop_b, visit["enterprise_id"], "recheck", item_codes=["B1"], steward="王芳")
    event = visits.recheck(laptop_b, recheck["id"], finding["id"], "recheck_partly", "部分完成", new_deadline=agreed)
    visits.finish(laptop_b, recheck["id"])
    report = engine.sync(laptop_b, wang)
    assert not report.refused and not report.conflicts

    assert store.record_body("finding_event", event["id"])["new_deadline"] == agreed.isoformat()
    # The finding record keeps its own deadline; only the event moves it.
    assert store.record_body("finding", finding["id"])["deadline"] == finding["deadline"]
    # An event without one travels as before the field existed (same body, same hash for older laptops and hubs).
    opened = laptop_a.db.scalar(
        "SELECT id FROM finding_events WHERE finding_id = ? AND kind = 'opened'", [finding["id"]]
    )
    assert "new_deadline" not in store.record_body("finding_event", opened)

    engine.sync(laptop_a, li)
    row = findings.get(laptop_a, finding["id"])
    assert (row["deadline"], row["original_deadline"], row["status"]) == (
        agreed.isoformat(),
        finding["deadline"],
        "partly",
    )


def test_the_hub_refuses_a_new_deadline_before_the_event_or_on_another_kind(with_visit: Office) -> None:  # noqa: F811
    server, tokens, store, laptop_a = with_visit.server, with_visit.tokens, with_visit.store, with_visit.a
    finding = with_visit.extra["finding"]  # of Li's finished visit, not synced yet
    engine.sync(laptop_a, client_for(laptop_a, server, tokens["李明"]))
    opened = store.record_body(
        "finding_event",
        laptop_a.db.scalar("SELECT id FROM finding_events WHERE finding_id = ?", [finding["id"]]),
    )

    def event(n: int, kind: str, new_deadline: str) -> dict:
        rid = f"01a21400-0000-7000-8000-00000000010{n}"
        body = {**opened, "id": rid, "kind": kind, "at": "2026-11-20T02:00:00.000Z", "new_deadline": new_deadline}
        return record("finding_event", rid, body)

    early, wrong_kind, fine = (
        event(1, "recheck_partly", "2026-11-18"),
        event(2, "recheck_rectified", "2026-12-31"),
        event(3, "recheck_partly", "2026-11-20"),
    )
    li = client_for(laptop_a, server, tokens["李明"])
    assert li.push([fine])["accepted"] == [{"entity": "finding_event", "id": fine["id"]}]
    for bad, says in ((early, "before the event's date"), (wrong_kind, "recheck_partly")):
        answer = li.push([bad])  # the record is refused on its own, naming the field
        (refused,) = answer["refused"]
        assert refused["id"] == bad["id"] and refused["code"] == "invalid_record"
        assert refused["field"] == "new_deadline" and "new_deadline" in refused["zh"] and says in refused["en"]
        assert store.record_body("finding_event", bad["id"]) is None
