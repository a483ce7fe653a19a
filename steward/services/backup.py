"""Backups and restore of a profile, for the app, the command line and the automatic ones (before a migration,
once a day on close). A lost laptop then loses at most a day, not everything since the last sync."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from steward.services import settings
from steward.services.check import check_profile
from steward.storage import backup as backup_store
from steward.storage.backup import BackupError, BackupInfo, Progress
from steward.storage.paths import database_path, profile_dir
from steward.storage.profile import Profile

AUTOMATIC_REASONS = ("daily", "before-migration")


def data_dir_of(profile_folder: Path) -> Path:
    """Profiles live in DATA/profiles/NAME; backups beside them in DATA/backups."""
    return profile_folder.parent.parent


def backups_dir(data_dir: Path) -> Path:
    return data_dir / "backups"


def back_up(
    profile: Profile, destination: Path | None = None, reason: str = "manual", progress: Progress | None = None
) -> BackupInfo:
    """Back the profile up into `destination` (a USB stick, say) or the data folder's backups, where only the newest
    few automatic and manual backups are kept (setting backups_kept)."""
    own_place = destination is None
    target = destination if destination is not None else backups_dir(data_dir_of(profile.folder))
    info = backup_store.make_backup(profile.folder, target, reason, progress)
    if own_place:
        backup_store.keep_newest(target, profile.name, settings.get(profile, settings.BACKUPS_KEPT))
    return info


def daily_backup_due(profile: Profile, today: date | None = None) -> bool:
    """True when no backup of this profile was made today (in the data folder's backups)."""
    today = today or date.today()
    newest = backup_store.list_backups(backups_dir(data_dir_of(profile.folder)), profile.name)
    return not newest or datetime.fromisoformat(newest[0].created_at).date() < today


def backup_before_migration(profile_folder: Path) -> BackupInfo | None:
    """Called before a migration changes an existing database; a profile with no database yet has nothing to keep."""
    if not database_path(profile_folder).exists():
        return None
    return backup_store.make_backup(profile_folder, backups_dir(data_dir_of(profile_folder)), "before-migration")


def listing(data_dir: Path, profile_name: str | None = None) -> list[BackupInfo]:
    return backup_store.list_backups(backups_dir(data_dir), profile_name)


@dataclass(frozen=True)
class Restored:
    profile: str
    backup: BackupInfo
    replaced_kept_at: Path | None


def restore(data_dir: Path, profile_name: str, backup_path: Path) -> Restored:
    """Replace the profile with a backup, only after the backup has been laid out and passed `check`; the profile it
    replaces is kept whole in DATA/replaced/. Steward must not have the profile open meanwhile."""
    info = backup_store.read_backup(backup_path)
    target = profile_dir(data_dir, profile_name)
    staging = data_dir / "restoring" / profile_name
    backup_store.stage_restore(info, staging)
    try:
        staged = Profile(staging)
        try:
            report = check_profile(staged)
        finally:
            staged.close()
        if not report.clean:
            problems = "; ".join(p.zh for p in report.remaining[:5])
            problems_en = "; ".join(p.en for p in report.remaining[:5])
            raise BackupError(
                f"备份“{backup_path.name}”未通过完整性检查,档案未被替换:{problems}",
                f"Backup '{backup_path.name}' failed the integrity check; the profile was not replaced: {problems_en}",
            )
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = data_dir / "replaced" / f"{profile_name}-{stamp}"
        kept = backup_store.swap_in(staging, target, aside)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Restored(profile_name, info, kept)
