"""Complaints, penalties and hazardous-waste records edited and deleted: checked like new ones, audited with the
before and after, the revision raised for sync, a tombstone left on delete; the rating follows; the same on the CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from steward.cli.main import main
from steward.domain.errors import InvalidInput, NotFound
from steward.domain.rating import Colour
from steward.services import enterprise_events, ratings, settings
from steward.storage import enterprise_events as store
from steward.storage.profile import Profile
from tests.conftest import make_code

TODAY = date(2026, 11, 1)


def _colour(profile: Profile, enterprise_id: str, day: date = TODAY) -> Colour:
    (only,) = ratings.ratings(profile, day, enterprise_id)
    return only.rating.colour


def test_editing_a_complaint_is_audited_raises_the_revision_and_moves_the_colour(
    profile: Profile, enterprise: dict
) -> None:
    settings.put(profile, settings.STEWARD_NAME, "王芳")
    eid = enterprise["id"]
    first = enterprise_events.add(profile, eid, "complaint", date(2026, 6, 1), source="12345热线", today=TODAY)
    assert first["revision"] == 1 and first["deleted"] == 0
    assert _colour(profile, eid) is Colour.YELLOW
    second = enterprise_events.add(profile, eid, "complaint", date(2026, 7, 1), source="信访局", today=TODAY)
    assert _colour(profile, eid) is Colour.RED  # two substantiated complaints in 12 months

    edited = enterprise_events.edit(profile, second["id"], substantiated=False, note="经核查不属实", reason="复核")
    assert edited["revision"] == 2 and edited["substantiated"] == 0 and edited["updated_by"] == "王芳"
    assert _colour(profile, eid) is Colour.YELLOW
    (entry,) = enterprise_events.history(profile, second["id"])
    assert entry["action"] == "edit" and entry["actor"] == "王芳" and entry["reason"] == "复核"
    assert entry["detail"]["before"] == {"substantiated": 1, "note": ""}
    assert entry["detail"]["after"] == {"substantiated": 0, "note": "经核查不属实"}
    assert entry["detail"]["revision"] == 2 and entry["detail"]["enterprise_id"] == eid

    unchanged = enterprise_events.edit(profile, second["id"], source=" 信访局 ")
    assert unchanged["revision"] == 2 and len(enterprise_events.history(profile, second["id"])) == 1


def test_deleting_leaves_a_tombstone_the_rating_and_listings_skip(profile: Profile, enterprise: dict) -> None:
    eid = enterprise["id"]
    penalty = enterprise_events.add(
        profile,
        eid,
        "penalty",
        date(2026, 5, 3),
        authority="台州市生态环境局",
        number="仙环罚〔2026〕12号",
        today=TODAY,
    )
    assert _colour(profile, eid) is Colour.RED
    enterprise_events.delete(profile, penalty["id"], reason="录错企业")
    assert _colour(profile, eid) is Colour.GREEN
    assert enterprise_events.listing(profile, eid) == []
    tomb = store.get(profile.db, penalty["id"])
    assert tomb is not None and tomb["deleted"] == 1 and tomb["revision"] == 2
    assert tomb["number"] == "仙环罚〔2026〕12号"  # what it said stays for the audit and for sync
    (entry,) = enterprise_events.history(profile, penalty["id"])
    assert entry["action"] == "delete" and entry["detail"]["before"]["authority"] == "台州市生态环境局"
    with pytest.raises(NotFound, match="可能已被删除"):
        enterprise_events.edit(profile, penalty["id"], note="x", reason="y")
    with pytest.raises(NotFound):
        enterprise_events.delete(profile, penalty["id"], "again")


def test_a_change_or_deletion_without_a_reason_is_refused_and_changes_nothing(
    profile: Profile, enterprise: dict
) -> None:
    row = enterprise_events.add(profile, enterprise["id"], "complaint", date(2026, 5, 3), source="热线", today=TODAY)
    with pytest.raises(InvalidInput) as caught:
        enterprise_events.edit(profile, row["id"], substantiated=False, reason="  ")
    assert "修改理由" in caught.value.zh and "reason for the change" in caught.value.en
    with pytest.raises(InvalidInput) as caught:
        enterprise_events.delete(profile, row["id"], "")
    assert "删除理由" in caught.value.zh and "reason for deleting" in caught.value.en
    kept = enterprise_events.get(profile, row["id"])
    assert (kept["substantiated"], kept["revision"], kept["deleted"]) == (1, 1, 0)
    assert enterprise_events.history(profile, row["id"]) == []


def test_a_change_based_on_a_stale_revision_is_refused(profile: Profile, enterprise: dict) -> None:
    row = enterprise_events.add(
        profile, enterprise["id"], "hazwaste", date(2026, 5, 3), note="废漆渣露天堆放", today=TODAY
    )
    assert store.update(profile.db, row["id"], {"note": "a"}, 1, "2026-11-01T00:00:00Z", "甲")
    assert not store.update(profile.db, row["id"], {"note": "b"}, 1, "2026-11-01T00:00:01Z", "乙")
    assert not store.mark_deleted(profile.db, row["id"], 1, "2026-11-01T00:00:02Z", "乙")
    assert enterprise_events.get(profile, row["id"])["note"] == "a"


@pytest.mark.parametrize(
    ("kind", "fields", "zh", "en"),
    [
        ("complaint", {"source": " "}, "投诉来源", "where the complaint came from"),
        ("penalty", {"number": "仙环罚〔2026〕1号"}, "处罚或立案机关", "authority"),
        ("hazwaste", {}, "危险废物违法情况", "hazardous-waste violation"),
        ("complaint", {"source": "热线", "note": "长" * 2001}, "“说明”过长(2001 字)", "too long"),
        ("penalty", {"authority": "局" * 101}, "最多 100 字", "at most 100"),
    ],
)
def test_what_is_missing_or_too_long_is_named_in_both_languages(
    profile: Profile, enterprise: dict, kind: str, fields: dict, zh: str, en: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        enterprise_events.add(profile, enterprise["id"], kind, date(2026, 5, 3), today=TODAY, **fields)
    assert zh in caught.value.zh and en in caught.value.en
    assert enterprise_events.listing(profile) == []


def test_an_edit_is_checked_like_a_new_record_and_keeps_the_old_one_on_refusal(
    profile: Profile, enterprise: dict
) -> None:
    row = enterprise_events.add(profile, enterprise["id"], "complaint", date(2026, 5, 3), source="热线", today=TODAY)
    with pytest.raises(InvalidInput, match="在今天之后"):
        enterprise_events.edit(profile, row["id"], on=date(2026, 11, 2), today=TODAY)
    with pytest.raises(InvalidInput, match="请检查年份"):
        enterprise_events.edit(profile, row["id"], on=date(1926, 5, 3), today=TODAY)
    with pytest.raises(InvalidInput, match="投诉来源"):
        enterprise_events.edit(profile, row["id"], source="")
    kept = enterprise_events.get(profile, row["id"])
    assert (kept["on_date"], kept["source"], kept["revision"]) == ("2026-05-03", "热线", 1)
    assert enterprise_events.history(profile, row["id"]) == []


def test_edit_and_delete_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(data), *args])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = run("enterprises", "add", "--name", "仙居县天工工艺品有限公司", "--credit-code", make_code(7))
    eid = out.strip()
    code, out, _ = run(
        "events", "add", "--enterprise", eid, "--kind", "complaint", "--date", "2026-05-04", "--source", "匿名"
    )
    assert code == 0
    rid = out.strip()
    code, out, _ = run("events", "edit", rid, "--no-substantiated", "--note", "未查实", "--reason", "复核结果")
    assert code == 0 and "revision 2" in out
    code, out, _ = run("events", "list", "--json")
    (listed,) = json.loads(out)
    assert (listed["substantiated"], listed["note"], listed["revision"]) == (0, "未查实", 2)
    code, _, err = run("events", "edit", rid, "--source", "")
    assert code == 2 and "投诉来源" in err and "Enter where the complaint came from" in err
    code, _, err = run("events", "delete", rid)
    assert code == 2 and "删除理由" in err
    code, out, _ = run("events", "delete", rid, "--reason", "重复录入")
    assert code == 0 and rid in out
    code, out, _ = run("events", "list", "--json")
    assert json.loads(out) == []
    code, _, err = run("events", "delete", rid, "--reason", "再删")
    assert code == 2 and "可能已被删除" in err


def test_the_audit_of_an_edited_record_is_not_pushed_to_a_hub_that_would_refuse_it(
    profile: Profile, enterprise: dict
) -> None:
    from steward.storage import sync_records

    row = enterprise_events.add(profile, enterprise["id"], "complaint", date(2026, 5, 3), source="热线", today=TODAY)
    enterprise_events.edit(profile, row["id"], note="补充", reason="补充说明")
    assert len(enterprise_events.history(profile, row["id"])) == 1
    assert [e for e in sync_records.audit_entries(profile.db) if e["entity_id"] == row["id"]] == []


def test_a_reason_names_a_record_in_its_own_language(profile: Profile, enterprise: dict) -> None:
    enterprise_events.add(
        profile,
        enterprise["id"],
        "penalty",
        date(2026, 5, 3),
        authority="台州市生态环境局",
        number="仙环罚〔2026〕12号",
        today=TODAY,
    )
    enterprise_events.add(profile, enterprise["id"], "hazwaste", date(2026, 6, 3), note="废漆渣露天堆放", today=TODAY)
    (rated,) = ratings.ratings(profile, TODAY, enterprise["id"])
    penalty, hazwaste = rated.rating.reasons
    assert penalty.en.endswith("2026-05-03 [仙环罚〔2026〕12号, 台州市生态环境局]")
    assert penalty.zh.endswith("2026-05-03〔仙环罚〔2026〕12号、台州市生态环境局〕")
    assert hazwaste.en.endswith("2026-06-03 [废漆渣露天堆放]")
