"""`steward check` finds and repairs what is safe; the demo profile is realistic and sound."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from steward.domain.credit_code import is_valid
from steward.services import demo, findings, photos, visits
from steward.services.check import check_profile
from steward.services.photos import LinkTarget
from steward.storage.profile import Profile


@pytest.fixture(scope="module")
def demo_profile(tmp_path_factory: pytest.TempPathFactory) -> Profile:
    profile = Profile(tmp_path_factory.mktemp("demo") / "demo")
    demo.make_demo(profile, today=date(2026, 11, 25))
    yield profile
    profile.close()


def test_demo_is_a_realistic_park(demo_profile: Profile) -> None:
    rows = demo_profile.db.query("SELECT * FROM enterprises")
    assert len(rows) == 53
    assert all(is_valid(r["credit_code"]) for r in rows)
    assert all("仙居县" in r["name"] and "仙居县" in r["address"] for r in rows)
    assert len({r["name"] for r in rows}) == 53
    statuses = {r["status"] for r in demo_profile.db.query("SELECT DISTINCT status FROM findings")}
    assert statuses == {"open", "reported", "partly", "rectified", "waived"}
    visited = demo_profile.db.scalar("SELECT count(DISTINCT enterprise_id) FROM visits")
    assert visited >= 40
    weeks = demo_profile.db.scalar("SELECT max(c) FROM (SELECT count(*) c FROM visits GROUP BY enterprise_id)")
    assert weeks >= 50
    totals = findings.figures_for(demo_profile, today=date(2026, 11, 25))
    assert 0.6 < totals.rectification_rate < 0.95 and totals.overdue > 0
    assert demo_profile.db.scalar("SELECT count(*) FROM photo_links") > 100


def test_sql_figures_agree_with_the_domain_rule(demo_profile: Profile) -> None:
    day = date(2026, 11, 25)
    assert findings.figures_for(demo_profile, today=day) == findings.figures_replayed(demo_profile, today=day)
    per = findings.figures_by_enterprise(demo_profile, today=day)
    assert sum(f.found for f in per.values()) == findings.figures_for(demo_profile, today=day).found


def test_demo_is_sound(demo_profile: Profile) -> None:
    report = check_profile(demo_profile)
    assert report.clean, [p.en for p in report.problems]
    assert report.photos_checked == 12


def test_demo_refuses_a_profile_with_data(demo_profile: Profile) -> None:
    with pytest.raises(Exception, match="已有数据"):
        demo.make_demo(demo_profile)


@pytest.fixture
def with_photo(profile: Profile, enterprise: dict, photo: Path) -> tuple[Profile, str]:
    visit = visits.start(profile, enterprise["id"])
    [result] = photos.import_photos(profile, [photo], LinkTarget(visit_id=visit["id"])).results
    return profile, result.sha256


def test_check_repairs_stray_files_and_missing_renditions(with_photo: tuple[Profile, str]) -> None:
    profile, sha = with_photo
    # A whole file whose row never got written: the crash came between the rename and the commit.
    whole = b"a photo renamed into place, then the power went"
    stray = profile.photos.original_path(hashlib.sha256(whole).hexdigest(), "jpg")
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(whole)
    temp = profile.photos.thumb_path(sha).with_name(".half-written.jpg.123.4.tmp")
    temp.write_bytes(b"half")
    profile.photos.thumb_path(sha).unlink()
    report = check_profile(profile)
    assert {p.code for p in report.problems} == {"stray_file", "thumb_missing"}
    assert [p.code for p in report.remaining] == ["thumb_missing"]
    assert len(report.leftovers) == 2  # the stray original and the temp file: harmless, but reclaimable
    assert not report.clean
    repaired = check_profile(profile, repair=True)
    assert repaired.clean
    assert not stray.exists() and not temp.exists() and profile.photos.thumb_path(sha).exists()
    assert check_profile(profile).problems == []


def test_check_reports_damaged_or_missing_originals_and_cannot_repair_them(with_photo: tuple[Profile, str]) -> None:
    profile, sha = with_photo
    original = profile.photos.original_path(sha, "jpg")
    original.write_bytes(original.read_bytes()[:-10] + b"0123456789")
    report = check_profile(profile, repair=True)
    assert [p.code for p in report.remaining] == ["photo_corrupt"]
    original.unlink()
    assert [p.code for p in check_profile(profile, repair=True).remaining] == ["photo_missing"]


def test_leftovers_alone_keep_a_profile_clean(with_photo: tuple[Profile, str]) -> None:
    profile, sha = with_photo
    profile.photos.thumb_path(sha).with_name(".x.jpg.1.2.tmp").write_bytes(b"half")
    report = check_profile(profile)
    assert report.clean and len(report.leftovers) == 1


def test_check_repairs_a_stale_finding_status(profile: Profile, enterprise: dict) -> None:
    visit = visits.start(profile, enterprise["id"])
    finding = visits.create_finding(profile, visit["id"], None, description="雨水口有油漆")
    with profile.db.write() as conn:
        conn.execute("UPDATE findings SET status = 'rectified' WHERE id = ?", [finding["id"]])
    assert [p.code for p in check_profile(profile).problems] == ["finding_state"]
    assert check_profile(profile, repair=True).clean
    assert findings.get(profile, finding["id"])["status"] == "open"


def test_check_reports_foreign_key_damage(profile: Profile) -> None:
    profile.db.conn.execute("PRAGMA foreign_keys = OFF")
    profile.db.conn.execute("INSERT INTO visit_items (visit_id, item_id, position) VALUES ('gone', 'gone', 0)")
    profile.db.conn.execute("PRAGMA foreign_keys = ON")
    assert "foreign_key" in {p.code for p in check_profile(profile).problems}
