"""Before a visit is locked the steward is told what may be unfinished; none of it stops the finish."""

from __future__ import annotations

from pathlib import Path

from steward.services import photos, visits
from steward.services.photos import LinkTarget
from steward.storage.profile import Profile
from tests.images import write_jpeg


def test_finish_warnings_name_what_to_look_at(profile: Profile, enterprise: dict, tmp_path: Path) -> None:
    first = visits.start(profile, enterprise["id"], "first")
    b6 = next(i for i in visits.items(profile, first["id"]) if i["code"] == "B6")
    visits.create_finding(profile, first["id"], b6["id"], location="喷漆房")
    visits.finish(profile, first["id"])
    second = visits.start(profile, enterprise["id"], "routine", item_codes=["B1", "D2"])
    assert visits.draft_of_enterprise(profile, enterprise["id"])["id"] == second["id"]
    b1 = visits.items(profile, second["id"])[0]
    visits.create_finding(profile, second["id"], b1["id"])
    photos.import_photos(profile, [write_jpeg(tmp_path / "IMG_0042.jpg")], LinkTarget(visit_id=second["id"]))
    warnings = visits.finish_warnings(profile, second["id"])
    assert any("问题未填写位置:B1" in w for w in warnings)
    assert any("未确认或修改:B1" in w for w in warnings)
    assert any("1 个未整改问题没有复查:B6 喷漆房" in w for w in warnings)
    assert any("1 张照片未分配到检查项:IMG_0042.jpg" in w for w in warnings)


def test_new_finding_starts_from_the_problem_wording_when_the_checklist_has_one(profile: Profile) -> None:
    item = {"text_zh": "喷漆房门窗密闭完好", "basis": "", "problem": "喷漆房门窗未密闭", "requirement": "立即关闭门窗"}
    assert visits.default_description(item) == "喷漆房门窗未密闭"
    assert visits.default_description({**item, "problem": ""}) == "喷漆房门窗密闭完好"
    assert visits._default_requirement(item) == "立即关闭门窗"
