"""`steward check` finds and repairs what is safe; the demo profile is realistic and sound."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from PIL import Image

from steward.domain.credit_code import is_valid
from steward.resources import checklists_dir
from steward.services import demo, findings, photos, visits
from steward.services.check import check_profile
from steward.services.demo_photos import SCENES
from steward.services.photos import LinkTarget
from steward.services.template_files import read_template_file
from steward.storage.profile import Profile
from tests.shared_build import copy_of, demo_key, link_photos


def demo_copy(factory: pytest.TempPathFactory, size: demo.DemoSize, today: date) -> Profile:
    """The module's own copy of a demo park of `size` ending `today`, open: made once per test run whatever the number
    of workers (tests/shared_build.py), its photo files linked into the copy (the tests here only read them)."""

    def build(folder: Path) -> None:
        with Profile(folder) as profile:
            demo.make_demo(profile, size, today=today)

    folder = factory.mktemp("demo") / "demo"
    copy_of(factory, demo_key("check", size, today), build, folder, link_photos)
    return Profile(folder)


@pytest.fixture(scope="module")
def demo_profile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Profile]:
    profile = demo_copy(tmp_path_factory, demo.DemoSize(), date(2026, 11, 25))
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
    assert report.photos_checked == demo_profile.db.scalar("SELECT count(*) FROM photos") > 2000


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


@pytest.fixture
def every_kind_of_file(profile: Profile, enterprise: dict, photo: Path) -> dict[str, Path]:
    """A finished visit with a photo, a signature and its archived PDFs, and a letterhead logo in the store."""
    from steward.services import documents, settings

    settings.put(profile, settings.STEWARD_NAME, "李明")
    settings.put(profile, settings.FIRM_NAME, "仙居绿源环境服务有限公司")
    settings.put(profile, settings.INSURER_NAME, "中国人民财产保险股份有限公司仙居支公司")
    visit = visits.start(profile, enterprise["id"], "routine", item_codes=["A1"])
    [result] = photos.import_photos(profile, [photo], LinkTarget(visit_id=visit["id"])).results
    visits.sign(profile, visit["id"], "steward", "李明", png=b"\x89PNG\r\n\x1a\n" + b"signature" * 50)
    visits.finish(profile, visit["id"])
    [report] = documents.archive_visit(profile, visit["id"])
    logo = profile.photos.write_blob("cd" * 32, "png", b"\x89PNG\r\n\x1a\n logo")
    settings.put(profile, settings.LOGO_PATH, str(logo))
    sha, signature = result.sha256, profile.db.scalar("SELECT image_sha256 FROM signatures")
    return {
        "original": profile.photos.original_path(sha, "jpg"),
        "rendition": profile.photos.rendition_path(sha),
        "thumbnail": profile.photos.thumb_path(sha),
        "signature": profile.photos.blob_path(signature, "png"),
        "document": profile.photos.blob_path(report["sha256"], "pdf"),
        "logo": logo,
    }


@pytest.mark.parametrize("kind", ["original", "rendition", "thumbnail", "signature", "document", "logo"])
def test_repair_keeps_every_file_the_profile_refers_to(
    profile: Profile, every_kind_of_file: dict[str, Path], kind: str
) -> None:
    path = every_kind_of_file[kind]
    before = path.read_bytes()
    report = check_profile(profile)
    assert report.problems == [] and report.clean  # not even a "harmless leftover"
    check_profile(profile, repair=True)
    assert path.read_bytes() == before


def test_check_names_a_missing_visit_pdf(profile: Profile, every_kind_of_file: dict[str, Path]) -> None:
    every_kind_of_file["document"].unlink()
    assert [p.code for p in check_profile(profile).remaining] == ["document_missing"]


# The demo looks like evidence: its own photos per finding, taken during the visit, where the problem is.


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Profile]:
    profile = demo_copy(tmp_path_factory, demo.DemoSize(enterprises=6, weeks=14, seed=11), date(2026, 3, 2))
    yield profile
    profile.close()


def _local(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone().replace(tzinfo=None)


def test_no_photo_is_evidence_for_two_problems_nor_shown_twice_in_a_visit(small_demo: Profile) -> None:
    db = small_demo.db
    shared = db.query(
        "SELECT sha256 FROM photo_links WHERE finding_id IS NOT NULL "
        "GROUP BY sha256 HAVING count(DISTINCT finding_id) > 1"
    )
    assert shared == []
    visits_with_findings = db.query("SELECT DISTINCT visit_id FROM findings")
    assert len(visits_with_findings) >= 5
    for row in db.query("SELECT id FROM visits"):
        links = db.query("SELECT sha256 FROM photo_links WHERE visit_id = ?", [row["id"]])
        pictures = [small_demo.photos.rendition_path(link["sha256"]).read_bytes() for link in links]
        assert len(set(pictures)) == len(pictures), "the same picture twice in one visit"


def test_photo_times_are_inside_their_visit_in_the_exif_and_the_stamp(small_demo: Profile) -> None:
    rows = small_demo.db.query(
        """SELECT p.sha256, p.taken_at, p.original_ext, v.started_at, v.finished_at
           FROM photo_links l JOIN photos p ON p.sha256 = l.sha256 JOIN visits v ON v.id = l.visit_id"""
    )
    assert len(rows) > 100
    for r in rows:
        taken = datetime.fromisoformat(r["taken_at"])
        assert _local(r["started_at"]) <= taken <= _local(r["finished_at"]), r
        with Image.open(small_demo.photos.original_path(r["sha256"], r["original_ext"])) as img:
            exif_time = img.getexif().get_ifd(0x8769)[0x9003]
        assert exif_time == taken.strftime("%Y:%m:%d %H:%M:%S")
    assert check_profile(small_demo).clean


def test_rectified_findings_have_after_photos_taken_at_the_recheck(small_demo: Profile) -> None:
    rectified = small_demo.db.query(
        """SELECT f.id, e.id AS event_id, v.started_at, v.finished_at FROM findings f
           JOIN finding_events e ON e.finding_id = f.id AND e.kind = 'recheck_rectified'
           JOIN visits v ON v.id = e.visit_id WHERE f.status = 'rectified'"""
    )
    assert len(rectified) >= 10
    for r in rectified:
        after = small_demo.db.query(
            "SELECT p.taken_at FROM photo_links l JOIN photos p ON p.sha256 = l.sha256 "
            "WHERE l.finding_id = ? AND l.event_id = ?",
            [r["id"], r["event_id"]],
        )
        assert len(after) == 1
        assert _local(r["started_at"]) <= datetime.fromisoformat(after[0]["taken_at"]) <= _local(r["finished_at"])


def test_findings_use_the_checklist_wording_and_a_fitting_place(small_demo: Profile) -> None:
    rows = small_demo.db.query(
        """SELECT f.location, f.description, f.requirement, f.basis, i.code, i.category_code, i.problem,
                  i.requirement AS item_requirement, i.basis AS item_basis
           FROM findings f JOIN template_items i ON i.id = f.item_id"""
    )
    assert len(rows) > 30
    for r in rows:
        assert (r["description"], r["requirement"], r["basis"]) == (
            r["problem"],
            r["item_requirement"],
            r["item_basis"],
        )
        assert r["description"] and r["requirement"] and r["basis"]
    permits = [r for r in rows if r["category_code"] == "A"]
    assert permits and all(r["location"].startswith("办公室") for r in permits)
    stores = [r for r in rows if r["code"] in ("D2", "D3")]
    assert all("仓库" in r["location"] or "办公室" in r["location"] for r in stores)
    assert not [r for r in rows if r["location"] == "危废仓库" and r["category_code"] not in ("D", "H", "M")]


@pytest.mark.parametrize("code", ["craft", "rubber-plastics", "machinery"])
def test_every_bundled_item_has_a_place_in_the_demo(code: str) -> None:
    template = read_template_file(checklists_dir() / f"{code}.yaml")
    for item in template.items:
        location, scene = demo.place_of(code, {"code": item.code, "category_code": item.category_code})
        assert location != "生产车间" and scene in SCENES, item.code


def test_a_demo_without_photos_has_the_same_visits_and_findings(tmp_path: Path) -> None:
    def made(photos: bool) -> tuple[list[tuple], int]:
        with Profile(tmp_path / f"p{photos}") as profile:
            demo.make_demo(profile, demo.DemoSize(enterprises=3, weeks=6, seed=5, photos=photos), date(2026, 3, 2))
            rows = profile.db.query("SELECT location, description, severity, status, deadline FROM findings")
            count = profile.db.scalar("SELECT count(*) FROM photos")
            return sorted(tuple(r.values()) for r in rows), count

    with_photos, photo_count = made(True)
    without, none = made(False)
    assert with_photos == without and len(without) > 5
    assert photo_count > len(without) and none == 0
