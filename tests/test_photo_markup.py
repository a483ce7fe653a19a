"""Photo markup: drawn on a copy; the original stays byte for byte; documents print the copy with the original's hash."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from steward.domain.errors import InvalidInput, VisitLocked
from steward.services import documents, photo_markup, photos, settings, visits
from steward.services.check import check_profile
from steward.services.photos import LinkTarget
from steward.storage import audit
from steward.storage.profile import Profile
from tests.pdf_helpers import reader, text


@pytest.fixture
def visit(profile: Profile, enterprise: dict) -> dict:
    settings.put(profile, settings.STEWARD_NAME, "李明")
    settings.put(profile, settings.FIRM_NAME, "仙居绿源环境服务有限公司")
    settings.put(profile, settings.INSURER_NAME, "中国人民财产保险股份有限公司仙居支公司")
    return visits.start(profile, enterprise["id"], "first")


def _detailed_photo(path: Path) -> Path:
    """A 1200x900 photo full of fine detail (a checkerboard), as a face or a number plate would be."""
    img = Image.new("RGB", (1200, 900), (200, 200, 200))
    draw = ImageDraw.Draw(img)
    for x in range(0, 1200, 8):
        for y in range(0, 900, 8):
            if (x // 8 + y // 8) % 2:
                draw.rectangle((x, y, x + 7, y + 7), fill=(10, 10, 10))
    img.save(path, format="JPEG", quality=95)
    return path


@pytest.fixture
def shot(profile: Profile, visit: dict, tmp_path: Path) -> dict:
    items = {i["code"]: i for i in visits.items(profile, visit["id"])}
    finding = visits.create_finding(profile, visit["id"], items["B1"]["id"], location="喷漆车间东侧")
    report = photos.import_photos(
        profile,
        [_detailed_photo(tmp_path / "IMG_0001.jpg")],
        LinkTarget(visit_id=visit["id"], item_id=items["B1"]["id"], finding_id=finding["id"]),
    )
    sha = report.results[0].sha256
    assert sha is not None
    row = photos.links(profile, LinkTarget(visit_id=visit["id"]))[0]
    return {"sha": sha, "original": profile.photos.original_path(sha, row["original_ext"])}


def _region_variance(jpeg: bytes, box: tuple[int, int, int, int]) -> float:
    with Image.open(io.BytesIO(jpeg)) as img:
        return ImageStat.Stat(img.convert("L").crop(box)).var[0]


def _printed_is(pdf: bytes, jpeg: bytes) -> bool:
    """Whether every picture in the document (one photo, printed once per copy) is this JPEG: same size, pixels equal
    but for decoder rounding (the PDF writer rewraps the JPEG, and two decoders differ by a level or two)."""
    pictures = [image.image.convert("RGB") for page in reader(pdf).pages for image in page.images]
    assert pictures
    with Image.open(io.BytesIO(jpeg)) as img:
        expected = img.convert("RGB")
    return all(
        p.size == expected.size and max(ImageStat.Stat(ImageChops.difference(p, expected)).mean) < 2 for p in pictures
    )


SHAPES = [
    {"tool": "circle", "x1": 100, "y1": 100, "x2": 400, "y2": 300},
    {"tool": "arrow", "x1": 600, "y1": 700, "x2": 450, "y2": 350},
    {"tool": "text", "x1": 700, "y1": 100, "x2": 700, "y2": 100, "text": "漆雾外逸"},
    {"tool": "blur", "x1": 800, "y1": 500, "x2": 1100, "y2": 800},
]


def test_markup_draws_on_a_copy_and_leaves_the_original_byte_for_byte(profile: Profile, shot: dict) -> None:
    original = shot["original"].read_bytes()
    rendition = profile.photos.rendition_path(shot["sha"]).read_bytes()
    row = photo_markup.save(profile, shot["sha"], SHAPES)

    assert shot["original"].read_bytes() == original
    assert hashlib.sha256(shot["original"].read_bytes()).hexdigest() == shot["sha"]
    assert profile.photos.rendition_path(shot["sha"]).read_bytes() == rendition
    marked = photo_markup.marked_path(profile, row["marked_sha256"])
    assert marked is not None
    copy = marked.read_bytes()
    assert hashlib.sha256(copy).hexdigest() == row["marked_sha256"] != shot["sha"]
    with Image.open(io.BytesIO(copy)) as img, Image.open(io.BytesIO(rendition)) as before:
        assert img.size == before.size
        # The circle's outline at its left edge (x=100, y=200) is red ink where the photo had grey or black.
        r, g, b = img.convert("RGB").getpixel((101, 200))
        assert r > 180 and g < 90 and b < 90
        r, g, b = before.convert("RGB").getpixel((101, 200))
        assert not (r > 180 and g < 90 and b < 90)
    # Blurred: the checkerboard under the box loses its detail; outside the box it keeps it.
    blurred_box = (830, 530, 1070, 770)
    assert _region_variance(rendition, blurred_box) > 2000
    assert _region_variance(copy, blurred_box) < _region_variance(rendition, blurred_box) / 20
    untouched = (830, 100, 1070, 300)
    assert _region_variance(copy, untouched) > 2000
    assert [s.tool for s in photo_markup.shapes(profile, shot["sha"])] == ["circle", "arrow", "text", "blur"]
    assert not [p for p in check_profile(profile).problems if p.code in ("stray_file", "markup_missing")]


def test_a_report_prints_the_marked_copy_with_the_originals_hash(profile: Profile, visit: dict, shot: dict) -> None:
    row = photo_markup.save(profile, shot["sha"], SHAPES)
    copy = photo_markup.marked_path(profile, row["marked_sha256"]).read_bytes()  # type: ignore[union-attr]
    visits.finish(profile, visit["id"])
    pdf = documents.render(documents.build_visit_report(profile, visit["id"])).pdf

    assert _printed_is(pdf, copy)
    assert not _printed_is(pdf, profile.photos.rendition_path(shot["sha"]).read_bytes())
    assert f"原图 SHA-256 {shot['sha'][:12]}" in text(pdf)
    assert row["marked_sha256"][:12] not in text(pdf)


def test_markup_on_a_finished_visit_is_an_amendment_or_refused(profile: Profile, visit: dict, shot: dict) -> None:
    visits.finish(profile, visit["id"])
    with pytest.raises(VisitLocked) as refused:
        photo_markup.save(profile, shot["sha"], SHAPES)
    assert "修订" in refused.value.zh
    assert photo_markup.marked_sha256(profile, shot["sha"]) is None

    row = photo_markup.save(profile, shot["sha"], SHAPES, reason="遮挡工人面部")
    entries = audit.for_entity(profile.db, "photo_markup", row["id"])
    assert [(e["action"], e["reason"]) for e in entries] == [("amend", "遮挡工人面部")]


def test_the_notice_kept_at_finish_keeps_the_copy_it_printed(profile: Profile, visit: dict, shot: dict) -> None:
    first = photo_markup.save(profile, shot["sha"], SHAPES[:1])
    visits.finish(profile, visit["id"])
    photo_markup.save(profile, shot["sha"], SHAPES, reason="补充模糊车牌")
    pdf = documents.render(documents.build_notice(profile, visit["id"])).pdf
    kept = photo_markup.marked_path(profile, first["marked_sha256"]).read_bytes()  # type: ignore[union-attr]
    assert _printed_is(pdf, kept)
    assert not _printed_is(
        pdf, photo_markup.marked_path(profile, photo_markup.marked_sha256(profile, shot["sha"])).read_bytes()
    )  # type: ignore[union-attr]


def test_bad_markup_is_refused_in_words(profile: Profile, shot: dict) -> None:
    with pytest.raises(InvalidInput) as empty_text:
        photo_markup.save(profile, shot["sha"], [{"tool": "text", "x1": 1, "y1": 1, "x2": 1, "y2": 1, "text": " "}])
    assert "文字标注不能为空" in empty_text.value.zh
    with pytest.raises(InvalidInput):
        photo_markup.save(profile, shot["sha"], [{"tool": "smudge", "x1": 1, "y1": 1, "x2": 2, "y2": 2}])
    assert photo_markup.marked_sha256(profile, shot["sha"]) is None


def test_markup_lands_where_drawn_on_a_photo_turned_by_its_exif(profile: Profile, visit: dict, tmp_path: Path) -> None:
    """A phone held upright stores 640x480 pixels and an EXIF turn: the shapes are in the picture as seen (480x640)."""
    from tests.images import write_jpeg

    shot = write_jpeg(tmp_path / "upright.jpg", (640, 480), orientation=6, colour=(40, 120, 200))
    report = photos.import_photos(profile, [shot], LinkTarget(visit_id=visit["id"]))
    sha = report.results[0].sha256
    assert sha is not None
    row = photo_markup.save(profile, sha, [{"tool": "circle", "x1": 40, "y1": 500, "x2": 440, "y2": 620}])
    with Image.open(photo_markup.marked_path(profile, row["marked_sha256"])) as img:  # type: ignore[arg-type]
        assert img.size == (480, 640)
        r, g, b = img.convert("RGB").getpixel((240, 619))  # the circle's bottom, near the foot of the picture
        assert r > 180 and g < 90 and b < 90


def test_a_lost_marked_copy_is_reported_and_never_replaced_by_the_unblurred_photo(
    profile: Profile, visit: dict, shot: dict
) -> None:
    row = photo_markup.save(profile, shot["sha"], SHAPES)
    photo_markup.marked_path(profile, row["marked_sha256"]).unlink()  # type: ignore[union-attr]
    assert "markup_missing" in {p.code for p in check_profile(profile).problems}
    pdf = documents.render(documents.build_visit_report(profile, visit["id"])).pdf
    assert not [image for page in reader(pdf).pages for image in page.images]
    assert "照片缺失" in text(pdf)


def _red_pixels(path: Path, box: tuple[int, int, int, int]) -> int:
    """Pixels clearly redder than grey (the ink, thinned and mixed with the checkerboard at thumbnail size)."""
    with Image.open(path) as img:
        region = img.convert("RGB").crop(box)
    return sum(1 for x in range(region.width) for y in range(region.height) if _reddish(region.getpixel((x, y))))


def _reddish(pixel: tuple[int, int, int]) -> bool:
    r, g, b = pixel
    return r - max(g, b) > 35


def test_strips_show_the_marked_copy_made_again_after_each_edit(profile: Profile, shot: dict) -> None:
    own = photo_markup.thumb_path(profile, shot["sha"])
    assert own == profile.photos.thumb_path(shot["sha"])
    # The thumbnail is 256 px wide for a 1200 px photo: the circle of SHAPES[0] spans about (21..85, 21..64).
    circle_box, moved_box = (15, 15, 90, 70), (150, 15, 240, 70)
    assert _red_pixels(own, circle_box) == 0

    first = photo_markup.save(profile, shot["sha"], SHAPES[:1])
    thumb = photo_markup.thumb_path(profile, shot["sha"])
    assert thumb == profile.photos.thumb_path(first["marked_sha256"]) and thumb != own
    assert _red_pixels(thumb, circle_box) > 20

    # Edited: the circle moved to the right. The strip's picture follows; the earlier one stays for old documents.
    moved = [{"tool": "circle", "x1": 750, "y1": 100, "x2": 1100, "y2": 300}]
    second = photo_markup.save(profile, shot["sha"], moved)
    again = photo_markup.thumb_path(profile, shot["sha"])
    assert again == profile.photos.thumb_path(second["marked_sha256"]) != thumb
    assert _red_pixels(again, circle_box) == 0 and _red_pixels(again, moved_box) > 20
    assert not [p for p in check_profile(profile).problems if p.code == "stray_file"]

    again.unlink()  # a lost thumbnail of the marked copy is made again from it
    assert photo_markup.thumb_path(profile, shot["sha"]) == again and _red_pixels(again, moved_box) > 20
    again.unlink()
    photo_markup.marked_path(profile, second["marked_sha256"]).unlink()  # type: ignore[union-attr]
    assert photo_markup.thumb_path(profile, shot["sha"]) is None  # never the unmarked photo in its place

    photo_markup.save(profile, shot["sha"], [])  # markup removed: the photo as taken
    assert photo_markup.thumb_path(profile, shot["sha"]) == own
