"""Backups of a profile: a consistent copy of the database (SQLite's online backup API, safe while the app writes)
and the photo store (hard links where the disk allows, copies elsewhere), made under a temporary name and renamed
into place only when whole, so a backup killed halfway is never mistaken for one that can be restored."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from steward.domain.errors import StewardError
from steward.storage.blob_files import TEMP_SUFFIX, _fsync_dir
from steward.storage.paths import database_path

MANIFEST = "manifest.json"
PARTIAL_SUFFIX = ".partial"
FORMAT = "steward-backup/1"

Progress = Callable[[int, int], None]  # files done, files in all


class BackupError(StewardError):
    pass


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    profile: str
    created_at: str
    reason: str
    files: int
    bytes: int
    database_sha256: str


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _store_files(photos_root: Path) -> Iterator[Path]:
    """Every finished file of the photo store; temp files of an interrupted write are not evidence."""
    if not photos_root.exists():
        return
    for path in sorted(photos_root.rglob("*")):
        if path.is_file() and not (path.name.startswith(".") and path.name.endswith(TEMP_SUFFIX)):
            yield path


def _link_or_copy(source: Path, target: Path) -> None:
    """The store's files never change once written (their name is their hash), so a hard link is as good as a copy
    and costs no space; across disks (a USB stick) it is a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _disk_full(exc: OSError) -> BackupError | None:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return BackupError(
            "目标磁盘空间不足,备份未完成(档案本身没有任何改动)。请换一个有足够空间的位置。",
            "The target disk is full; the backup was not made (the profile itself is untouched). "
            "Choose a place with more room.",
        )
    return None


def snapshot_database(source: Path, target: Path) -> None:
    """A consistent copy of a live database: the online backup API copies committed pages, whatever other
    connections are doing, and the copy is a plain single file (no -wal beside it)."""
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def make_backup(profile_folder: Path, destination: Path, reason: str, progress: Progress | None = None) -> BackupInfo:
    """A whole backup of the profile in `profile_folder`, as a new folder inside `destination`."""
    name = profile_folder.name
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    final = destination / f"{name}-{stamp}"
    partial = destination / f"{name}-{stamp}{PARTIAL_SUFFIX}"
    destination.mkdir(parents=True, exist_ok=True)
    remove_partials(destination)
    try:
        partial.mkdir()
        snapshot_database(database_path(profile_folder), database_path(partial))
        files = list(_store_files(profile_folder / "photos"))
        size = 0
        for done, source in enumerate(files, 1):
            _link_or_copy(source, partial / source.relative_to(profile_folder))
            size += source.stat().st_size
            if progress is not None:
                progress(done, len(files))
        info = BackupInfo(
            path=final,
            profile=name,
            created_at=datetime.now().astimezone().isoformat(timespec="seconds"),
            reason=reason,
            files=len(files),
            bytes=size,
            database_sha256=_sha256_file(database_path(partial)),
        )
        manifest = {"format": FORMAT, **{k: v for k, v in info.__dict__.items() if k != "path"}}
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        _fsync_dir(partial)
        partial.rename(final)
        _fsync_dir(destination)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        full = _disk_full(exc)
        if full is not None:
            raise full from exc
        raise
    return info


def remove_partials(destination: Path) -> int:
    """Folders of backups that never finished (the process was killed): not backups, removed."""
    removed = 0
    if destination.is_dir():
        for path in destination.iterdir():
            if path.is_dir() and path.name.endswith(PARTIAL_SUFFIX):
                shutil.rmtree(path, ignore_errors=True)
                removed += 1
    return removed


def read_backup(path: Path) -> BackupInfo:
    """A finished backup's description; anything else (a partial one, a random folder, a damaged copy) refused."""
    manifest_path = path / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise ValueError("format")
        info = BackupInfo(path=path, **{k: manifest[k] for k in BackupInfo.__dataclass_fields__ if k != "path"})
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(
            f"“{path}”不是完整的 Steward 备份(缺少或无法读取 {MANIFEST})。",
            f"'{path}' is not a complete Steward backup ({MANIFEST} missing or unreadable).",
        ) from exc
    if not database_path(path).exists() or _sha256_file(database_path(path)) != info.database_sha256:
        raise BackupError(
            f"备份“{path.name}”中的数据库已损坏或被改动,不能用来恢复。",
            f"The database in backup '{path.name}' is damaged or was changed; it cannot be restored.",
        )
    return info


def list_backups(destination: Path, profile: str | None = None) -> list[BackupInfo]:
    """Finished backups, newest first; partial and foreign folders are skipped."""
    found: list[BackupInfo] = []
    if not destination.is_dir():
        return found
    for path in destination.iterdir():
        if not path.is_dir() or path.name.endswith(PARTIAL_SUFFIX) or not (path / MANIFEST).exists():
            continue
        with contextlib.suppress(BackupError):
            info = read_backup(path)
            if profile is None or info.profile == profile:
                found.append(info)
    return sorted(found, key=lambda b: b.path.name, reverse=True)


def keep_newest(destination: Path, profile: str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups of the profile; what was deleted is returned."""
    removed = []
    for info in list_backups(destination, profile)[max(keep, 1) :]:
        shutil.rmtree(info.path, ignore_errors=True)
        removed.append(info.path)
    return removed


def stage_restore(backup: BackupInfo, staging: Path) -> None:
    """The backup's files laid out as a profile folder at `staging` (links where possible: the backup stays whole)."""
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        shutil.copy2(database_path(backup.path), database_path(staging))
        for source in _store_files(backup.path / "photos"):
            _link_or_copy(source, staging / source.relative_to(backup.path))
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        full = _disk_full(exc)
        if full is not None:
            raise full from exc
        raise


def swap_in(staging: Path, target: Path, aside: Path) -> Path | None:
    """Put the restored folder where the profile lives; the profile it replaces is kept whole at `aside`."""
    moved: Path | None = None
    if target.exists():
        aside.parent.mkdir(parents=True, exist_ok=True)
        target.rename(aside)
        moved = aside
    target.parent.mkdir(parents=True, exist_ok=True)
    staging.rename(target)
    _fsync_dir(target.parent)
    with contextlib.suppress(OSError):
        staging.parent.rmdir()  # the empty "restoring" folder
    return moved
