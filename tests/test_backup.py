"""Backups: what they hold is exactly the profile at that moment; a backup killed halfway is never taken for one;
restore puts a backup back only after it passed `check`, and keeps the profile it replaces."""

from __future__ import annotations

import errno
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from steward.cli.main import main as cli
from steward.services import backup, demo, diagnostics, enterprises, settings
from steward.services.check import check_profile
from steward.services.profiles import open_profile
from steward.storage import backup as backup_store
from steward.storage.backup import BackupError
from steward.storage.paths import profile_dir
from tests.shared_build import built_once, demo_key

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the profile "field" holding a small demo park (photos included), made once per test run
    whatever the number of workers (tests/shared_build.py), closed; nobody opens it: each test copies it."""
    size = demo.DemoSize(enterprises=3, weeks=3, seed=7)

    def build(data: Path) -> None:
        with open_profile(data, "field") as profile:
            demo.make_demo(profile, size)

    return built_once(tmp_path_factory, demo_key("backup", size, None), build)[0]


@pytest.fixture
def data_dir(tmp_path: Path, demo_data_dir: Path) -> Path:
    """The test's own copy of the demo data folder: every test here changes it (backs up, restores, breaks files)."""
    shutil.copytree(demo_data_dir, tmp_path, dirs_exist_ok=True)
    return tmp_path


def _names(data_dir: Path) -> set[str]:
    with open_profile(data_dir, "field") as profile:
        return {e["name"] for e in enterprises.listing(profile)}


def _photo_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in (folder / "photos").rglob("*") if p.is_file()}


def test_restore_brings_back_exactly_what_was_backed_up(data_dir: Path) -> None:
    folder = profile_dir(data_dir, "field")
    before_names, before_photos = _names(data_dir), _photo_files(folder)
    with open_profile(data_dir, "field") as profile:
        info = backup.back_up(profile)
        enterprises.create(profile, name="备份之后新增的企业", credit_code="91331024MA28XY000N")
    victim = next((folder / "photos" / "originals").rglob("*.jpg"))
    victim.unlink()

    done = backup.restore(data_dir, "field", info.path)

    assert _names(data_dir) == before_names
    assert _photo_files(folder) == before_photos
    with open_profile(data_dir, "field") as profile:
        assert check_profile(profile).clean
    assert done.replaced_kept_at is not None
    assert (done.replaced_kept_at / "steward.db").exists(), "the replaced profile is kept whole"
    assert not (data_dir / "restoring").exists()


def test_a_backup_killed_halfway_is_never_listed_and_the_next_one_cleans_it_up(data_dir: Path) -> None:
    child = subprocess.run([sys.executable, "-m", "tests.backup_worker", str(data_dir), "5"], cwd=ROOT, timeout=120)
    assert child.returncode == -9, "the child killed itself mid-backup"
    destination = data_dir / "backups"
    partial = [p for p in destination.iterdir() if p.name.endswith(backup_store.PARTIAL_SUFFIX)]
    assert len(partial) == 1, "the killed backup left its partial folder"
    assert backup.listing(data_dir, "field") == []
    with pytest.raises(BackupError):
        backup.restore(data_dir, "field", partial[0])
    with open_profile(data_dir, "field") as profile:
        assert check_profile(profile).clean, "the profile itself is untouched by a killed backup"
        info = backup.back_up(profile, destination)
    assert [p.name for p in destination.iterdir()] == [info.path.name]
    assert backup.restore(data_dir, "field", info.path).backup.files == info.files


def test_a_damaged_backup_is_refused_and_the_profile_stays(data_dir: Path) -> None:
    with open_profile(data_dir, "field") as profile:
        info = backup.back_up(profile)
        enterprises.create(profile, name="只在档案中的企业", credit_code="91331024MA28XY000N")
    with open(info.path / "steward.db", "r+b") as fh:
        fh.seek(4096)
        fh.write(b"\xff" * 64)
    with pytest.raises(BackupError) as err:
        backup.restore(data_dir, "field", info.path)
    assert "损坏" in err.value.zh
    assert "只在档案中的企业" in _names(data_dir)


def test_a_backup_whose_photo_no_longer_matches_its_hash_fails_check_and_replaces_nothing(data_dir: Path) -> None:
    with open_profile(data_dir, "field") as profile:
        info = backup.back_up(profile, data_dir / "usb")  # a copy, so the profile's own file stays intact
        enterprises.create(profile, name="只在档案中的企业", credit_code="91331024MA28XY000N")
    original = next((info.path / "photos" / "originals").rglob("*.jpg"))
    original.write_bytes(original.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(BackupError) as err:
        backup.restore(data_dir, "field", info.path)
    assert "完整性检查" in err.value.zh
    assert "只在档案中的企业" in _names(data_dir)
    assert not (data_dir / "replaced").exists()


def test_only_the_newest_backups_are_kept(data_dir: Path) -> None:
    with open_profile(data_dir, "field") as profile:
        settings.put(profile, settings.BACKUPS_KEPT, 2)
        made = [backup.back_up(profile).path for _ in range(4)]
    assert [b.path for b in backup.listing(data_dir, "field")] == [made[3], made[2]]


def test_a_full_disk_stops_the_backup_cleanly(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_room(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_store.os, "link", no_room)
    monkeypatch.setattr(backup_store.shutil, "copy2", no_room)
    with open_profile(data_dir, "field") as profile, pytest.raises(BackupError) as err:
        backup.back_up(profile, data_dir / "usb")
    assert "空间不足" in err.value.zh
    assert list((data_dir / "usb").iterdir()) == []


def test_a_daily_backup_is_due_once_a_day(data_dir: Path) -> None:
    with open_profile(data_dir, "field") as profile:
        assert backup.daily_backup_due(profile)
        backup.back_up(profile, reason="daily")
        assert not backup.daily_backup_due(profile)


def test_backup_and_restore_from_the_command_line(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI's own entry point, in this process (a child interpreter would only add its start-up)."""

    def steward(*args: str) -> tuple[int, str, str]:
        code = cli(["--data-dir", str(data_dir), "--profile", "field", *args])
        out, err = capsys.readouterr()
        return code, out, err

    usb = data_dir / "usb"
    code, _out, err = steward("backup", "-o", str(usb))
    assert code == 0, err
    (folder,) = usb.iterdir()
    code, out, err = steward("restore", str(folder))
    assert code == 0, err
    assert "完整性检查" in out
    code, _out, err = steward("restore", str(data_dir))
    assert code == 2 and "不是完整的 Steward 备份" in err
    shutil.rmtree(usb)


def test_diagnostics_hold_logs_and_check_but_no_token_photo_or_document(data_dir: Path) -> None:
    logs = data_dir / "logs"
    logs.mkdir()
    (logs / "steward.log").write_text("2026-11-27 INFO sync done\n", encoding="utf-8")
    with open_profile(data_dir, "field") as profile:
        settings.put(profile, settings.HUB_TOKEN, "tok-SECRET-123")
        target = diagnostics.write_zip(profile, logs, data_dir / "diag.zip")
    with zipfile.ZipFile(target) as zf:
        names = zf.namelist()
        everything = b"".join(zf.read(n) for n in names)
    assert "logs/steward.log" in names and "check.txt" in names and "about.json" in names
    assert b"tok-SECRET-123" not in everything
    assert not [n for n in names if n.endswith((".jpg", ".png", ".pdf", ".db"))]
