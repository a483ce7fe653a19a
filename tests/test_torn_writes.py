"""A photo file reaches its name only whole: temp file, fsync, rename, fsync the folder. A crash between the write and
the rename (injected through storage's fault hook) leaves no photo, nothing torn where photos are served from, and a
leftover `steward check` names; a torn file under a final name (damage, or a writer that skipped the temp file) is
named by check as damage, not as a harmless leftover, and is replaced rather than served."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from steward.services import photos, visits
from steward.services.check import check_profile
from steward.services.photos import LinkTarget
from steward.storage import blob_files
from steward.storage.profile import Profile


class SimulatedCrash(BaseException):
    """Not an Exception: no handler of the app catches it, as none can catch a power cut."""


@pytest.fixture
def crash_before_rename() -> Iterator[list[Path]]:
    """Tears the original's temp file in half and crashes before its rename; yields the temp files it tore."""
    torn: list[Path] = []

    def tear(tmp: Path) -> None:
        if tmp.parent.parent.name == "originals":
            tmp.write_bytes(tmp.read_bytes()[: tmp.stat().st_size // 2])
            torn.append(tmp)
            raise SimulatedCrash

    blob_files.fault_before_rename = tear
    yield torn
    blob_files.fault_before_rename = None


@pytest.fixture
def visit_target(profile: Profile, enterprise: dict) -> LinkTarget:
    return LinkTarget(visit_id=visits.start(profile, enterprise["id"])["id"])


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_crash_between_write_and_rename_leaves_no_photo_and_check_names_the_leftover(
    profile: Profile, visit_target: LinkTarget, photo: Path, crash_before_rename: list[Path]
) -> None:
    sha = _sha(photo)
    with pytest.raises(SimulatedCrash):
        photos.import_photos(profile, [photo], visit_target)
    [torn] = crash_before_rename
    assert torn.exists() and torn.stat().st_size < photo.stat().st_size
    # Nothing torn sits where a photo is served from, and no row points at anything.
    assert not profile.photos.original_path(sha, "jpg").exists()
    assert photos.links(profile, visit_target) == []
    assert profile.db.scalar("SELECT count(*) FROM photos") == 0
    report = check_profile(profile)
    assert [(p.code, p.leftover) for p in report.problems] == [("stray_file", True)] * 3  # temp, rendition, thumb
    assert any(torn.name in p.en for p in report.problems)

    blob_files.fault_before_rename = None  # the app starts again and the steward adds the photo once more
    [result] = photos.import_photos(profile, [photo], visit_target).results
    assert result.sha256 == sha and _sha(profile.photos.original_path(sha, "jpg")) == sha
    check_profile(profile, repair=True)
    assert check_profile(profile).problems == []


def test_a_torn_file_under_a_final_name_is_damage_and_is_never_served(
    profile: Profile, visit_target: LinkTarget, photo: Path
) -> None:
    # What a crash leaves if a photo is written straight to its name (no temp file, no rename), or what a disk
    # fault leaves: the first half of the photo under the photo's name, with no row.
    sha = _sha(photo)
    original = profile.photos.original_path(sha, "jpg")
    original.parent.mkdir(parents=True)
    original.write_bytes(photo.read_bytes()[: photo.stat().st_size // 2])
    report = check_profile(profile)
    [problem] = report.problems
    assert problem.code == "stray_damaged" and not problem.leftover and not report.clean
    assert sha[:2] in problem.zh and "损坏" in problem.zh and "damaged" in problem.en

    [result] = photos.import_photos(profile, [photo], visit_target).results
    assert result.sha256 == sha and _sha(original) == sha  # replaced whole, not served torn
    assert check_profile(profile).problems == []


def test_a_damaged_signature_or_document_file_is_replaced_not_kept(profile: Profile) -> None:
    data = b"%PDF-1.7 a whole document"
    sha = hashlib.sha256(data).hexdigest()
    path = profile.photos.blob_path(sha, "pdf")
    path.parent.mkdir(parents=True)
    path.write_bytes(data[:7])
    assert profile.photos.write_blob(sha, "pdf", data) == path
    assert path.read_bytes() == data


def test_photo_files_are_synced_then_renamed_then_their_folder_synced(
    profile: Profile, visit_target: LinkTarget, photo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Removing an fsync changes nothing a test can see without pulling the power: only counting the calls, as here,
    # catches it. The order matters too: the bytes are durable before the name points at them (file fsync, then
    # rename), and the rename is durable before the row is committed (then the folder's fsync).
    calls: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        is_dir = stat.S_ISDIR(os.fstat(fd).st_mode)
        calls.append(("fsync dir" if is_dir else "fsync file", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src: str | Path, dst: str | Path) -> None:
        calls.append(("rename", f"{src} -> {dst}"))
        real_replace(src, dst)

    monkeypatch.setattr(blob_files.os, "fsync", fsync)
    monkeypatch.setattr(blob_files.os, "replace", replace)
    photos.import_photos(profile, [photo], visit_target, workers=1)
    sha = _sha(photo)
    finals = [
        profile.photos.rendition_path(sha),
        profile.photos.thumb_path(sha),
        profile.photos.original_path(sha, "jpg"),
    ]
    assert len(calls) == 3 * len(finals)
    for n, final in enumerate(finals):
        (k1, tmp), (k2, rename), (k3, folder) = calls[3 * n : 3 * n + 3]
        assert (k1, k2, k3) == ("fsync file", "rename", "fsync dir")
        assert blob_files.TEMP_SUFFIX in tmp and Path(tmp).parent == final.parent
        assert rename == f"{tmp} -> {final}"
        assert Path(folder) == final.parent
