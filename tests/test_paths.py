"""Where a laptop keeps its data: Windows' local (not roaming) application data, moved there once; names Windows
cannot use as folders are refused before anything is created."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.domain.errors import InvalidInput
from steward.storage import paths


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[Path, Path]:
    roaming, local = tmp_path / "Roaming", tmp_path / "Local"
    monkeypatch.setattr(paths.sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(roaming))
    monkeypatch.setenv("LOCALAPPDATA", str(local))
    return roaming, local


def test_windows_data_lives_under_localappdata(windows: tuple[Path, Path]) -> None:
    _roaming, local = windows
    assert paths.default_data_dir() == local / "Steward"


def test_an_old_roaming_folder_is_moved_once_with_everything_in_it(windows: tuple[Path, Path]) -> None:
    roaming, local = windows
    old_db = roaming / "Steward" / "profiles" / "default" / "steward.db"
    old_db.parent.mkdir(parents=True)
    old_db.write_bytes(b"SQLite format 3\x00 and the rest")
    (old_db.parent / "steward.db-wal").write_bytes(b"wal frames")

    target = paths.default_data_dir()

    moved = target / "profiles" / "default"
    assert (moved / "steward.db").read_bytes() == b"SQLite format 3\x00 and the rest"
    assert (moved / "steward.db-wal").read_bytes() == b"wal frames"
    assert not (roaming / "Steward").exists()
    assert not (local / "Steward.moving").exists()


def test_existing_local_data_is_never_overwritten_by_the_roaming_folder(windows: tuple[Path, Path]) -> None:
    roaming, local = windows
    (roaming / "Steward" / "profiles" / "old").mkdir(parents=True)
    (local / "Steward" / "profiles" / "new").mkdir(parents=True)

    target = paths.default_data_dir()

    assert (target / "profiles" / "new").is_dir()
    assert not (target / "profiles" / "old").exists()
    assert (roaming / "Steward" / "profiles" / "old").is_dir(), "left for a person to look at, not deleted"


@pytest.mark.parametrize("name", ["con", "NUL", "com1", "lpt9", "aux.txt", "prn", "name."])
def test_names_windows_reserves_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(InvalidInput) as err:
        paths.profile_dir(tmp_path, name)
    assert "Windows" in err.value.zh and "Windows" in err.value.en


@pytest.mark.parametrize("name", ["default", "demo", "李明", "console", "com10", "nully"])
def test_ordinary_names_are_accepted(tmp_path: Path, name: str) -> None:
    assert paths.profile_dir(tmp_path, name) == tmp_path / "profiles" / name
