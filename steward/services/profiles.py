"""Opening a profile for work: the database, the photo store, and the checklists this version of Steward ships."""

from __future__ import annotations

from pathlib import Path

from steward.services import enterprises, templates
from steward.storage.paths import profile_dir, resolve_data_dir
from steward.storage.profile import Profile


def open_profile(data_dir: str | Path | None, name: str) -> Profile:
    """Open (creating if new) the named profile. Bundled checklists are installed; a changed one becomes a new
    version, so an updated Steward brings updated checklists without touching visits made on older ones."""
    profile = Profile(profile_dir(resolve_data_dir(data_dir), name))
    try:
        templates.install_bundled(profile)
        enterprises.fill_missing_pinyin(profile)
    except BaseException:
        profile.close()
        raise
    return profile
