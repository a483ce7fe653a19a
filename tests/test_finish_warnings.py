"""Before a visit is locked the steward is told what may be unfinished; none of it stops the finish."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.domain.errors import VisitLocked
from steward.services import enterprises, findings, photos, visits
from steward.services.photos import LinkTarget
from steward.services.profiles import open_profile
from steward.storage import migrations
from steward.storage import settings as settings_store
from steward.storage.profile import Profile
from tests.conftest import make_code
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
    assert findings.default_description(item) == "喷漆房门窗未密闭"
    assert findings.default_description({**item, "problem": ""}) == "喷漆房门窗密闭完好"
    assert findings.default_requirement(item) == "立即关闭门窗"


def test_a_confirmed_description_is_kept_on_the_finding(profile: Profile, enterprise: dict) -> None:
    visit = visits.start(profile, enterprise["id"], "routine", item_codes=["B1"])
    b1 = visits.items(profile, visit["id"])[0]
    finding = visits.create_finding(profile, visit["id"], b1["id"], location="喷漆房")
    assert findings.description_untouched(profile, finding)
    confirmed = findings.confirm_description(profile, visit["id"], finding["id"])
    assert confirmed["description_confirmed_at"] and not findings.description_untouched(profile, confirmed)
    assert profile.db.scalar("SELECT count(*) FROM settings WHERE key LIKE 'confirmed%'") == 0
    assert not any("未确认或修改" in w for w in visits.finish_warnings(profile, visit["id"]))
    visits.finish(profile, visit["id"])
    with pytest.raises(VisitLocked):
        findings.confirm_description(profile, visit["id"], finding["id"])


def test_confirmations_kept_as_settings_move_onto_their_findings_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "0016_finding_description_confirmed"
    monkeypatch.setattr(migrations, "_STEPS", [s for s in migrations._STEPS if s[0] != name])
    with open_profile(tmp_path, "wang") as old:  # a profile as the version before kept it
        ent = enterprises.create(old, name="仙居县源泉工艺品有限公司", credit_code=make_code(5), template_code="craft")
        visit = visits.start(old, ent["id"], "routine", item_codes=["B1", "B6"])
        b1, b6 = visits.items(old, visit["id"])
        kept = visits.create_finding(old, visit["id"], b1["id"])
        other = visits.create_finding(old, visit["id"], b6["id"])
        settings_store.put(old.db, f"confirmed_descriptions:{visit['id']}", [kept["id"]])
        settings_store.put(old.db, "steward_name", "王芳")
    monkeypatch.undo()
    with open_profile(tmp_path, "wang") as upgraded:
        assert name in upgraded.db.applied_migrations()
        assert not findings.description_untouched(upgraded, findings.get(upgraded, kept["id"]))
        assert findings.description_untouched(upgraded, findings.get(upgraded, other["id"]))
        assert upgraded.db.scalar("SELECT count(*) FROM settings WHERE key LIKE 'confirmed%'") == 0
        assert settings_store.get(upgraded.db, "steward_name") == "王芳"  # other settings stay
