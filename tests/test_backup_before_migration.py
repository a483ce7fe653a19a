"""A profile written by an older Steward is backed up whole before it is upgraded; a new one is not."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from steward.services import backup, settings
from steward.services.profiles import open_profile
from steward.storage import migrations
from steward.storage.backup import read_backup


def test_an_older_profile_is_backed_up_before_its_migration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    newest = migrations._STEPS[-1][0]
    monkeypatch.setattr(migrations, "_STEPS", migrations._STEPS[:-1])
    with open_profile(tmp_path, "wang") as old:  # a profile as the version before kept it
        settings.put(old, settings.STEWARD_NAME, "王芳")
    assert backup.listing(tmp_path, "wang") == []  # a brand-new profile had nothing to back up
    monkeypatch.undo()

    with open_profile(tmp_path, "wang") as upgraded:
        assert newest in upgraded.db.applied_migrations()

    made = backup.listing(tmp_path, "wang")
    assert [b.reason for b in made] == ["before-migration"]
    assert made[0].path.parent == tmp_path / "backups"
    kept = read_backup(made[0].path)  # whole and verified, at the schema before the upgrade
    db = sqlite3.connect(kept.path / "steward.db")
    try:
        names = {r[0] for r in db.execute("SELECT name FROM _sqlite_migrations")}
        steward = db.execute("SELECT value FROM settings WHERE key = 'steward_name'").fetchone()
    finally:
        db.close()
    assert newest not in names
    assert steward is not None and "王芳" in steward[0]

    with open_profile(tmp_path, "wang"):  # up to date now: no further backup
        pass
    assert len(backup.listing(tmp_path, "wang")) == 1
