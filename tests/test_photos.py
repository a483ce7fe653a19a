"""The photo store: renditions from one decode, EXIF kept, duplicates linked once, every bad file refused whole."""

from __future__ import annotations

import errno
import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from steward.services import photos, visits
from steward.services.photos import LinkTarget, Outcome
from steward.storage.profile import Profile
from tests.images import jpeg_bytes, write_jpeg


@pytest.fixture
def visit(profile: Profile, enterprise: dict) -> dict:
    return visits.start(profile, enterprise["id"], "routine")


def _import(profile: Profile, visit: dict, *paths: Path) -> photos.ImportReport:
    return photos.import_photos(profile, list(paths), LinkTarget(visit_id=visit["id"]), workers=2)


def _stored_files(profile: Profile) -> list[Path]:
    return [p for _, p in profile.photos.files()]


def _assert_nothing_stored(profile: Profile) -> None:
    assert profile.db.scalar("SELECT count(*) FROM photos") == 0
    assert profile.db.scalar("SELECT count(*) FROM photo_links") == 0
    assert _stored_files(profile) == []


def test_camera_photo_with_orientation_and_gps(profile: Profile, visit: dict, tmp_path: Path) -> None:
    path = write_jpeg(tmp_path / "DSC_0042.JPG", (3200, 2400), orientation=6, gps=(28.8512, 120.7345))
    report = _import(profile, visit, path)
    assert [r.outcome for r in report.results] == [Outcome.IMPORTED]
    sha = report.results[0].sha256
    row = profile.db.query_one("SELECT * FROM photos WHERE sha256 = ?", [sha])
    assert (row["width"], row["height"]) == (2400, 3200)  # as seen, after orientation 6
    assert row["taken_at"] == "2026-05-01T10:22:33"
    assert row["gps_lat"] == pytest.approx(28.8512, abs=1e-4)
    assert row["gps_lon"] == pytest.approx(120.7345, abs=1e-4)
    original = profile.photos.original_path(sha, "jpg")
    assert original.read_bytes() == path.read_bytes()  # kept byte for byte
    with Image.open(profile.photos.rendition_path(sha)) as rendition:
        assert rendition.size == (1200, 1600)  # long side 1600, turned upright
        # The red marker drawn at the raw top-left is at the top-right once rotated 90° clockwise.
        r, g, _b = rendition.convert("RGB").getpixel((1150, 40))
        assert r > 200 and g < 80
    with Image.open(profile.photos.thumb_path(sha)) as thumb:
        assert max(thumb.size) == 256


def test_same_photo_twice_is_stored_once_and_linked_twice(profile: Profile, visit: dict, photo: Path) -> None:
    first = _import(profile, visit, photo)
    copy = photo.with_name("copy.jpg")
    copy.write_bytes(photo.read_bytes())
    second = _import(profile, visit, copy)
    assert second.results[0].outcome == Outcome.ALREADY_STORED
    assert second.results[0].sha256 == first.results[0].sha256
    assert profile.db.scalar("SELECT count(*) FROM photos") == 1
    assert profile.db.scalar("SELECT count(*) FROM photo_links") == 2


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


BAD_FILES = {
    "truncated.jpg": (lambda: jpeg_bytes((1600, 1200))[:9000], "不完整"),
    "notes.jpg": (lambda: "这是一段文字,不是照片。\n".encode() * 20, "不是可识别的图片"),
    "empty.jpg": (lambda: b"", "空的"),
    "bomb.png": (lambda: _png_header_only(30000, 30000), "像素过多"),
    "large-bomb.png": (lambda: _png_header_only(12000, 12000), "像素过多"),
    "drawing.gif": (lambda: _gif(), "不支持的图片格式"),
}


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, format="GIF")
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_are_refused_with_a_reason_and_nothing_is_stored(
    profile: Profile, visit: dict, tmp_path: Path, name: str
) -> None:
    make, reason = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(make())
    report = _import(profile, visit, path)
    [result] = report.results
    assert result.outcome == Outcome.REJECTED
    assert reason in result.error.zh
    assert name in result.error.zh and name in result.error.en
    _assert_nothing_stored(profile)


def test_one_bad_file_does_not_stop_the_others(profile: Profile, visit: dict, tmp_path: Path) -> None:
    good = [write_jpeg(tmp_path / f"g{i}.jpg", colour=(i * 20, 90, 90)) for i in range(4)]
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 garbage")
    report = _import(profile, visit, good[0], good[1], bad, good[2], good[3])
    assert [r.outcome for r in report.results] == [Outcome.IMPORTED] * 2 + [Outcome.REJECTED] + [Outcome.IMPORTED] * 2
    assert profile.db.scalar("SELECT count(*) FROM photos") == 4


def test_heic_from_a_phone(profile: Profile, visit: dict, tmp_path: Path) -> None:
    path = tmp_path / "IMG_1234.HEIC"
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (10, 150, 60)).save(out, format="HEIF")
    path.write_bytes(out.getvalue())
    [result] = _import(profile, visit, path).results
    assert result.outcome == Outcome.IMPORTED
    assert profile.photos.original_path(result.sha256, "heic").read_bytes() == path.read_bytes()
    with Image.open(profile.photos.rendition_path(result.sha256)) as img:
        assert img.format == "JPEG" and img.size == (400, 300)


def test_png_with_alpha_lands_on_white(profile: Profile, visit: dict, tmp_path: Path) -> None:
    img = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    img.paste((200, 0, 0, 255), (0, 0, 100, 100))
    path = tmp_path / "screenshot.png"
    img.save(path)
    [result] = _import(profile, visit, path).results
    with Image.open(profile.photos.rendition_path(result.sha256)) as rendition:
        assert rendition.mode == "RGB"
        assert min(rendition.getpixel((150, 50))) > 240  # transparent became white, not black
        assert rendition.getpixel((50, 50))[0] > 180


def test_cmyk_jpeg(profile: Profile, visit: dict, tmp_path: Path) -> None:
    path = tmp_path / "scan.jpg"
    Image.new("CMYK", (300, 200), (0, 255, 255, 0)).save(path, format="JPEG")
    [result] = _import(profile, visit, path).results
    assert result.outcome == Outcome.IMPORTED
    with Image.open(profile.photos.rendition_path(result.sha256)) as rendition:
        assert rendition.mode == "RGB"


def test_16_bit_tiff_is_scaled_not_clipped(profile: Profile, visit: dict, tmp_path: Path) -> None:
    img = Image.new("I;16", (256, 64))
    for x in range(256):
        for y in range(64):
            img.putpixel((x, y), x * 256)
    path = tmp_path / "scan16.tif"
    img.save(path, format="TIFF")
    [result] = _import(profile, visit, path).results
    assert result.outcome == Outcome.IMPORTED
    with Image.open(profile.photos.rendition_path(result.sha256)) as rendition:
        dark, bright = rendition.getpixel((5, 30)), rendition.getpixel((250, 30))
        assert dark[0] < 30 and bright[0] > 220


def test_a_full_disk_is_reported_and_nothing_half_stored(
    profile: Profile, visit: dict, photo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import steward.storage.blob_files as blob_files

    calls = {"n": 0}
    real_fsync = blob_files.os.fsync

    def fsync_fails_on_third_file(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 5:  # rendition and thumb written (and their folders synced); the original fails
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(blob_files.os, "fsync", fsync_fails_on_third_file)
    [result] = _import(profile, visit, photo).results
    assert result.outcome == Outcome.REJECTED
    assert "磁盘空间已满" in result.error.zh
    assert profile.db.scalar("SELECT count(*) FROM photos") == 0
    assert not any(p.name.endswith(".tmp") for p in _stored_files(profile))


def test_a_camera_folder_is_searched_for_photos(profile: Profile, visit: dict, tmp_path: Path) -> None:
    dcim = tmp_path / "DCIM" / "100CANON"
    for i in range(3):
        write_jpeg(dcim / f"IMG_{i:04d}.JPG", colour=(i * 50, 10, 10))
    (dcim / "INDEX.DAT").write_bytes(b"camera bookkeeping")
    (dcim / "._IMG_0000.JPG").write_bytes(b"macOS resource fork")
    report = _import(profile, visit, tmp_path / "DCIM")
    assert [r.path.name for r in report.results] == ["IMG_0000.JPG", "IMG_0001.JPG", "IMG_0002.JPG"]
    assert report.count(Outcome.IMPORTED) == 3


def test_remove_and_undo(profile: Profile, visit: dict, photo: Path) -> None:
    [result] = _import(profile, visit, photo).results
    row = photos.remove_link(profile, result.link_id)
    assert photos.links(profile, LinkTarget(visit_id=visit["id"])) == []
    photos.restore_link(profile, row)
    assert [r["id"] for r in photos.links(profile, LinkTarget(visit_id=visit["id"]))] == [result.link_id]


def test_photos_cannot_be_added_to_a_finished_visit(profile: Profile, visit: dict, photo: Path) -> None:
    visits.finish(profile, visit["id"])
    with pytest.raises(Exception, match="锁定"):
        _import(profile, visit, photo)
