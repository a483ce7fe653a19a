"""The hub's re-check index (steward/hub/recheck.py) holds what is open, not the hub's history: a closed finding
leaves it with its events and links, and an event that names a finding it let go (a reopening) makes the store
read that finding's records again. Pure: the rows are those the store would read."""

from __future__ import annotations

import json

from steward.hub.recheck import RecheckIndex

AT = "2026-03-02T01:30:00.000Z"
LI, WANG = 1, 2


def _row(seq: int, entity: str, rid: str, owner: int, body: dict) -> tuple[int, str, str, int, str]:
    return seq, entity, rid, owner, json.dumps(body)


def finding_rows(n: int, closed: bool) -> list[tuple[int, str, str, int, str]]:
    """Li's visit to enterprise e{n}, a finding with a photo link, opened and (if closed) re-checked rectified."""
    base = n * 10
    rows = [
        _row(base + 1, "visit", f"v{n}", LI, {"id": f"v{n}", "enterprise_id": f"e{n}"}),
        _row(base + 2, "finding", f"f{n}", LI, {"id": f"f{n}", "enterprise_id": f"e{n}", "visit_id": f"v{n}"}),
        _row(base + 3, "finding_event", f"ev{n}a", LI, {"finding_id": f"f{n}", "kind": "opened", "at": AT}),
        _row(base + 4, "photo_link", f"l{n}", LI, {"finding_id": f"f{n}", "sha256": f"s{n}", "created_at": AT}),
    ]
    if closed:
        event = {"finding_id": f"f{n}", "kind": "recheck_rectified", "at": "2026-03-09T01:30:00.000Z"}
        rows.append(_row(base + 5, "finding_event", f"ev{n}b", LI, event))
    return rows


def test_closed_findings_leave_the_index_and_a_late_reopening_reads_them_again() -> None:
    index = RecheckIndex()
    index.apply(finding_rows(1, closed=False) + finding_rows(2, closed=True) + finding_rows(3, closed=True))
    index.apply([_row(41, "visit", "v9", WANG, {"id": "v9", "enterprise_id": "e2"})])  # Wang visits e2 and e1
    index.apply([_row(42, "visit", "v10", WANG, {"id": "v10", "enterprise_id": "e1"})])
    index.present.update({"s1", "s2", "s3"})

    assert set(index.findings) == {"f1"} and set(index.events) == {"f1"} and set(index.links) == {"l1"}
    assert set(index.event_finding) == {"ev1a"} and set(index.links_of) == {"f1"}
    assert [p[0] for p in index.photos_for(WANG)] == ["s1"]
    assert index.seq == 42

    # Li reopens f2 later: the index holds nothing of it, so it asks for its records again.
    reopened = {"finding_id": "f2", "kind": "reopened", "at": "2026-03-10T01:30:00.000Z"}
    index.apply([_row(50, "finding_event", "ev2c", LI, reopened)])
    assert index.wanted == {"f2"} and "f2" not in index.findings
    f2 = [r for r in finding_rows(2, closed=True) if r[1] != "visit"] + [
        _row(50, "finding_event", "ev2c", LI, reopened)
    ]
    index.reload({"f2"}, list(reversed(f2)))  # in any order
    assert index.wanted == set() and index.seq == 50
    assert [p[0] for p in index.photos_for(WANG)] == ["s1", "s2"]  # in the order the links arrived

    # An event naming a finding the hub does not hold is asked about once, not at every request.
    index.apply([_row(51, "finding_event", "ev-x", LI, {"finding_id": "fx", "kind": "opened", "at": AT})])
    assert index.wanted == {"fx"}
    index.reload({"fx"}, [_row(51, "finding_event", "ev-x", LI, {"finding_id": "fx", "kind": "opened", "at": AT})])
    assert index.wanted == set() and "fx" not in index.findings
