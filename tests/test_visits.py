"""A visit through the use cases alone: the same calls the GUI and the CLI make."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from steward.domain.errors import InvalidInput, VisitLocked
from steward.domain.labels import FindingStatus
from steward.services import enterprises, findings, visits
from steward.storage import audit
from steward.storage.profile import Profile
from tests.conftest import local, make_code


def _item(profile: Profile, visit: dict, code: str) -> dict:
    return next(i for i in visits.items(profile, visit["id"]) if i["code"] == code)


def test_start_kinds_and_subsets(profile: Profile, enterprise: dict) -> None:
    first = visits.start(profile, enterprise["id"], "first")
    assert len(visits.items(profile, first["id"])) == 42
    visits.finish(profile, first["id"])  # one visit in progress per enterprise
    routine = visits.start(profile, enterprise["id"], "routine", item_codes=["B1", "D6", "B1"])
    assert [i["code"] for i in visits.items(profile, routine["id"])] == ["B1", "D6"]
    visits.finish(profile, routine["id"])
    with pytest.raises(InvalidInput, match="Z9"):
        visits.start(profile, enterprise["id"], item_codes=["Z9"])
    with pytest.raises(InvalidInput, match="未知的巡查类型"):
        visits.start(profile, enterprise["id"], "holiday")


def test_other_industries_get_their_checklist(profile: Profile) -> None:
    ent = enterprises.create(
        profile, name="仙居县永安机械有限公司", credit_code=make_code(7), template_code="machinery"
    )
    visit = visits.start(profile, ent["id"])
    assert visits.items(profile, visit["id"])[3]["code"] == "M1"


def test_answers_are_saved_at_once_and_can_change(profile: Profile, enterprise: dict) -> None:
    visit = visits.start(profile, enterprise["id"], "first")
    b1 = _item(profile, visit, "B1")
    visits.answer(profile, visit["id"], b1["id"], "compliant", "门窗关闭")
    visits.answer(profile, visit["id"], b1["id"], "not_compliant")
    row = _item(profile, visit, "B1")
    assert (row["result"], row["note"]) == ("not_compliant", "门窗关闭")  # the note survives a changed result
    visits.answer(profile, visit["id"], b1["id"], None)
    assert _item(profile, visit, "B1")["result"] is None


@pytest.mark.dates
def test_finding_defaults_come_from_the_item_and_template(profile: Profile, enterprise: dict) -> None:
    visit = visits.start(profile, enterprise["id"], "first")
    at = local(2026, 11, 2, 7, 0)  # 1 November in UTC, if the steward is in China
    b1 = _item(profile, visit, "B1")
    major = visits.create_finding(profile, visit["id"], b1["id"], at=at)
    assert major["severity"] == "major"
    # What is wrong, in the checklist's words for a deficiency (never the compliance requirement itself).
    assert major["description"] == b1["problem"] != b1["text_zh"]
    assert major["basis"] == b1["basis"] and "《中华人民共和国大气污染防治法》" in major["basis"]
    assert major["requirement"] == b1["requirement"] and "整改到位" not in major["requirement"]
    assert major["deadline"] == (date(2026, 11, 2) + timedelta(days=60)).isoformat()
    general = visits.create_finding(profile, visit["id"], _item(profile, visit, "B6")["id"], at=at)
    assert general["deadline"] == "2026-11-09"
    custom = visits.create_finding(
        profile,
        visit["id"],
        None,
        location="厂区东侧",
        description="雨水口有油漆痕迹",
        severity="serious",
        deadline=date(2026, 11, 20),
    )
    assert (custom["severity"], custom["deadline"], custom["item_id"]) == ("serious", "2026-11-20", None)
    with pytest.raises(InvalidInput):
        visits.create_finding(profile, visit["id"], None, description="  ")


def test_finish_locks_and_amendments_need_a_reason(profile: Profile, enterprise: dict) -> None:
    visit = visits.start(profile, enterprise["id"], "routine", item_codes=["B1", "B2"])
    b1, b2 = (_item(profile, visit, c)["id"] for c in ("B1", "B2"))
    visits.answer(profile, visit["id"], b1, "not_compliant")
    finding = visits.create_finding(profile, visit["id"], b1)
    visits.finish(profile, visit["id"])
    assert visits.get(profile, visit["id"])["status"] == "finished"
    with pytest.raises(VisitLocked, match="修订"):
        visits.answer(profile, visit["id"], b2, "compliant")
    with pytest.raises(VisitLocked):
        findings.update(profile, finding["id"], location="调漆间")
    visits.answer(profile, visit["id"], b2, "compliant", reason="现场已查,漏录")
    findings.update(profile, finding["id"], location="调漆间", reason="位置记错")
    answer_log = audit.for_entity(profile.db, "answer", _item(profile, visit, "B2")["answer_id"])
    assert answer_log[0]["reason"] == "现场已查,漏录"
    assert answer_log[0]["detail"]["after"]["result"] == "compliant"
    finding_log = audit.for_entity(profile.db, "finding", finding["id"])
    assert finding_log[0]["detail"] == {
        "visit_id": visit["id"],
        "before": {"location": ""},
        "after": {"location": "调漆间"},
    }


def test_recheck_at_the_next_visit(profile: Profile, enterprise: dict) -> None:
    first = visits.start(profile, enterprise["id"], "first")
    f1 = visits.create_finding(profile, first["id"], _item(profile, first, "B1")["id"])
    f2 = visits.create_finding(profile, first["id"], _item(profile, first, "D2")["id"])
    visits.finish(profile, first["id"])
    second = visits.start(profile, enterprise["id"], "routine", item_codes=["A1"])
    assert {f["id"] for f in findings.open_for_recheck(profile, enterprise["id"], second["id"])} == {f1["id"], f2["id"]}
    visits.recheck(profile, second["id"], f1["id"], "recheck_rectified", "已关闭门窗")
    visits.recheck(profile, second["id"], f2["id"], "recheck_partly", "已建围堰,未设托盘")
    summary = visits.summary(profile, second["id"])
    assert (summary.findings_closed, summary.findings_still_open) == (1, 1)
    assert findings.detail(profile, f1["id"]).status == FindingStatus.RECTIFIED
    assert findings.detail(profile, f2["id"]).status == FindingStatus.PARTLY
    with pytest.raises(InvalidInput):
        visits.recheck(profile, second["id"], f2["id"], "waived")


def test_waiving_needs_a_reason_and_events_merge_idempotently(profile: Profile, enterprise: dict) -> None:
    visit = visits.start(profile, enterprise["id"], "first")
    f = visits.create_finding(profile, visit["id"], _item(profile, visit, "G1")["id"])
    with pytest.raises(InvalidInput, match="理由"):
        findings.add_event(profile, f["id"], "waived")
    event = findings.add_event(profile, f["id"], "waived", note="设备已拆除")
    again = findings.add_event(profile, f["id"], "waived", note="设备已拆除", event_id=event["id"])
    assert again["id"] == event["id"]
    assert len(findings.detail(profile, f["id"]).events) == 2  # opened + waived, the repeat ignored
    assert findings.get(profile, f["id"])["status"] == "waived"


def test_signatures_and_refusal(profile: Profile, enterprise: dict) -> None:
    visit = visits.start(profile, enterprise["id"])
    with pytest.raises(InvalidInput, match="见证人"):
        visits.sign(profile, visit["id"], "representative", "王伟", refused=True)
    visits.sign(profile, visit["id"], "representative", "王伟", refused=True, witness="园区管理员 张强")
    png = b"\x89PNG\r\n\x1a\nfake-signature"
    row = visits.sign(profile, visit["id"], "steward", "李明", png=png)
    assert profile.photos.blob_path(row["image_sha256"], "png").read_bytes() == png
    sigs = {s["role"]: s for s in profile.db.query("SELECT * FROM signatures WHERE visit_id = ?", [visit["id"]])}
    assert sigs["representative"]["refused"] == 1 and sigs["representative"]["witness"] == "园区管理员 张强"


@pytest.mark.dates
def test_figures_per_enterprise_and_overall(profile: Profile, enterprise: dict) -> None:
    other = enterprises.create(profile, name="仙居县鑫达工艺品有限公司", credit_code=make_code(9))
    for ent, closed in ((enterprise, 2), (other, 0)):
        visit_at = local(2026, 1, 5, 7)
        visit = visits.start(profile, ent["id"], "first", at=visit_at)
        made = [
            visits.create_finding(profile, visit["id"], i["id"], at=visit_at)
            for i in visits.items(profile, visit["id"])[:3]
        ]
        visits.finish(profile, visit["id"], at=visit_at)  # drafts are not counted: only a finished visit's findings
        for f in made[:closed]:
            findings.add_event(profile, f["id"], "recheck_rectified")
    per = findings.figures_by_enterprise(profile, today=date(2026, 11, 1))
    assert (per[enterprise["id"]].found, per[enterprise["id"]].rectified, per[enterprise["id"]].open) == (3, 2, 1)
    total = findings.figures_for(profile, today=date(2026, 11, 1))
    assert (total.found, total.rectified, total.open, total.overdue) == (6, 2, 4, 4)
    assert enterprises.listing(profile, "源泉")[0]["open_findings"] == 1


class TestEnterprises:
    def test_create_validates_and_refuses_duplicates(self, profile: Profile, enterprise: dict) -> None:
        with pytest.raises(InvalidInput, match="校验位"):
            enterprises.create(profile, name="某公司", credit_code="91331024MA0000001X")
        with pytest.raises(InvalidInput, match="已属于"):
            enterprises.create(profile, name="另一家", credit_code=enterprise["credit_code"].lower())
        with pytest.raises(InvalidInput, match="名称"):
            enterprises.create(profile, name=" ", credit_code=make_code(2))

    def test_update(self, profile: Profile, enterprise: dict) -> None:
        updated = enterprises.update(profile, enterprise["id"], contact_phone="13800000000", archived=True)
        assert updated["contact_phone"] == "13800000000" and updated["archived"] == 1
        assert enterprises.listing(profile) == []
        with pytest.raises(InvalidInput, match="未知字段"):
            enterprises.update(profile, enterprise["id"], colour="red")


def test_rectification_report_with_after_photos(profile: Profile, enterprise: dict, tmp_path) -> None:
    from steward.services import photos
    from tests.images import write_jpeg

    visit = visits.start(profile, enterprise["id"], "first")
    finding = visits.create_finding(profile, visit["id"], _item(profile, visit, "D2")["id"])
    visits.finish(profile, visit["id"])
    event = findings.add_event(profile, finding["id"], "rectification_reported", note="已加装围堰", by="企业 王伟")
    after = write_jpeg(tmp_path / "after.jpg", colour=(20, 200, 20))
    report = photos.import_photos(profile, [after], photos.LinkTarget(finding_id=finding["id"], event_id=event["id"]))
    assert report.count(photos.Outcome.IMPORTED) == 1
    linked = photos.links(profile, photos.LinkTarget(event_id=event["id"]))
    assert [row["sha256"] for row in linked] == [report.results[0].sha256]
    detail = findings.detail(profile, finding["id"])
    assert detail.status == FindingStatus.REPORTED
    assert [e["by"] for e in detail.events] == [visit["steward"], "企业 王伟"]


def test_a_mistaken_finding_can_be_removed_while_the_visit_is_open(
    profile: Profile, enterprise: dict, tmp_path
) -> None:
    from steward.services import photos
    from tests.images import write_jpeg

    visit = visits.start(profile, enterprise["id"], "first")
    b1 = _item(profile, visit, "B1")["id"]
    shot = write_jpeg(tmp_path / "b1.jpg")
    photos.import_photos(profile, [shot], photos.LinkTarget(visit_id=visit["id"], item_id=b1))
    finding = visits.create_finding(profile, visit["id"], b1)
    assert len(photos.links(profile, photos.LinkTarget(finding_id=finding["id"]))) == 1  # item photos go along
    findings.delete(profile, finding["id"])
    assert visits.findings_for_item(profile, visit["id"], b1) == []
    assert len(photos.links(profile, photos.LinkTarget(visit_id=visit["id"], item_id=b1))) == 1  # photo stays
    again = visits.create_finding(profile, visit["id"], b1)
    visits.finish(profile, visit["id"])
    with pytest.raises(VisitLocked, match="免于整改"):
        findings.delete(profile, again["id"])


def test_camera_folder_photos_are_assigned_to_items(profile: Profile, enterprise: dict, tmp_path) -> None:
    from steward.services import photos
    from tests.images import write_jpeg

    visit = visits.start(profile, enterprise["id"], "first")
    shots = [write_jpeg(tmp_path / "DCIM" / f"IMG_{i}.jpg", colour=(i * 40, 0, 0)) for i in range(3)]
    photos.import_photos(profile, shots, photos.LinkTarget(visit_id=visit["id"]))
    loose = photos.unassigned(profile, visit["id"])
    assert len(loose) == 3
    d2 = _item(profile, visit, "D2")["id"]
    finding = visits.create_finding(profile, visit["id"], d2)
    photos.assign_to_item(profile, loose[0]["id"], visit["id"], d2)
    assert len(photos.unassigned(profile, visit["id"])) == 2
    assert [r["id"] for r in photos.links(profile, photos.LinkTarget(finding_id=finding["id"]))] == [loose[0]["id"]]


def test_resume_point(profile: Profile, enterprise: dict) -> None:
    assert visits.resume_point(profile) is None
    visit = visits.start(profile, enterprise["id"])
    assert visits.resume_point(profile) == (
        visits.get(profile, visit["id"]) | {"answered": 0, "item_count": 42, "new_findings": 0},
        None,
    )
    visits.remember_position(profile, visit["id"], "item:B7")
    found, position = visits.resume_point(profile)
    assert found["id"] == visit["id"] and position == "item:B7"
    visits.finish(profile, visit["id"])
    assert visits.resume_point(profile) is None


@pytest.mark.dates
def test_recheck_list_keeps_what_was_rechecked_in_this_visit(profile: Profile, enterprise: dict) -> None:
    first = visits.start(profile, enterprise["id"], "first", at=local(2026, 10, 1, 7))
    old = visits.create_finding(profile, first["id"], _item(profile, first, "B6")["id"], at=local(2026, 10, 1, 7))
    other = visits.create_finding(profile, first["id"], _item(profile, first, "D2")["id"])
    visits.finish(profile, first["id"])
    second = visits.start(profile, enterprise["id"], item_codes=["A1"])
    listed = visits.recheck_list(profile, second["id"], today=date(2026, 10, 20))
    assert [r["id"] for r in listed] == [old["id"], other["id"]]
    assert listed[0]["overdue_days"] == 12  # general: 7 days from 10-01, overdue since 10-08
    event = visits.recheck(profile, second["id"], old["id"], "recheck_rectified", "已更换过滤棉")
    again = visits.recheck_list(profile, second["id"], today=date(2026, 10, 20))
    assert [(r["id"], r["outcome"]) for r in again] == [(old["id"], "recheck_rectified"), (other["id"], None)]
    assert again[0]["outcome_event_id"] == event["id"] and again[0]["overdue_days"] == 0


def test_recheck_comment_changes_only_while_the_visit_is_open(profile: Profile, enterprise: dict) -> None:
    import sqlite3

    first = visits.start(profile, enterprise["id"], "first")
    finding = visits.create_finding(profile, first["id"], _item(profile, first, "B6")["id"], location="喷漆房")
    visits.finish(profile, first["id"])
    second = visits.start(profile, enterprise["id"])
    visits.save_recheck_note(profile, second["id"], finding["id"], "整改中")  # before the result: a draft
    assert visits.recheck_list(profile, second["id"])[0]["outcome_note"] == "整改中"
    event = visits.recheck(profile, second["id"], finding["id"], "recheck_partly", "整改中")
    visits.save_recheck_note(profile, second["id"], finding["id"], "过滤棉已换,门未修")
    [listed] = visits.recheck_list(profile, second["id"])
    assert listed["outcome_note"] == "过滤棉已换,门未修" and listed["outcome_event_id"] == event["id"]
    visits.finish(profile, second["id"])
    with pytest.raises(VisitLocked):
        visits.save_recheck_note(profile, second["id"], finding["id"], "改写")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), profile.db.write() as conn:
        conn.execute("UPDATE finding_events SET note = 'x' WHERE id = ?", [event["id"]])
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), profile.db.write() as conn:
        conn.execute("UPDATE finding_events SET kind = 'recheck_rectified' WHERE id = ?", [event["id"]])


def test_one_visit_in_progress_per_enterprise(profile: Profile, enterprise: dict) -> None:
    draft = visits.start(profile, enterprise["id"], "first")
    with pytest.raises(visits.DraftExists) as refused:
        visits.start(profile, enterprise["id"], "routine", item_codes=["B1"])
    assert refused.value.draft["id"] == draft["id"]
    assert "已有一次未完成的巡查" in refused.value.zh and "already has a visit in progress" in refused.value.en
    assert visits.start(profile, enterprise["id"], "routine", resume_draft=True)["id"] == draft["id"]
    assert [v["id"] for v in visits.in_progress(profile)] == [draft["id"]]
    other = enterprises.create(profile, name="仙居县永安机械有限公司", credit_code=make_code(8), template_code="craft")
    visits.start(profile, other["id"], "first")  # another enterprise may have its own
    visits.finish(profile, draft["id"])
    assert visits.start(profile, enterprise["id"], "routine")["id"] != draft["id"]  # once finished, a new one
