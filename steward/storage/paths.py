"""Where profiles live. Mirrors QStandardPaths.AppLocalDataLocation for the application 'Steward' without importing
Qt (the CLI and the core never load Qt); tests/ui/test_main_window.py checks the two agree on Linux.

On Windows the data goes under %LOCALAPPDATA%, never the roaming %APPDATA%: domain-managed machines copy the roaming
profile to servers at every log-off or redirect it to a network share, which a SQLite database in WAL mode and
gigabytes of photos must not live on. A folder an older Steward made under %APPDATA% is moved once."""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
from pathlib import Path

from steward.domain.errors import InvalidInput

APP_NAME = "Steward"
ENV_DATA_DIR = "STEWARD_DATA_DIR"
DEFAULT_PROFILE = "default"
DEMO_PROFILE = "demo"
_PROFILE_NAME = re.compile(r"^[\w\-.]{1,64}$")
# Names Windows reserves for devices, with or without an extension ("nul.txt" is the device too).
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"{d}{n}" for d in ("com", "lpt") for n in "123456789"}
log = logging.getLogger(__name__)


def default_data_dir() -> Path:
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        _move_from_roaming(base / APP_NAME)
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_NAME


def _move_from_roaming(target: Path) -> None:
    """Once: an older Steward kept its data in the roaming %APPDATA%\\Steward. Move it, unless data is already in
    the new place (then the old folder is left alone for a person to look at, never merged or overwritten)."""
    roaming = os.environ.get("APPDATA")
    if not roaming:
        return
    old = Path(roaming) / APP_NAME
    if not old.is_dir() or target.exists() or old.resolve() == target.resolve():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f"{APP_NAME}.moving")
    # Copy, then rename into place, then remove the old copy: a crash midway leaves the old folder whole and at
    # worst a staging folder, never half a profile under the name Steward opens.
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(old, staging)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    log.info("moved the data folder from %s to %s", old, target)


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """--data-dir beats STEWARD_DATA_DIR beats the platform's application-data folder."""
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()


def profile_dir(data_dir: Path, name: str) -> Path:
    if not _PROFILE_NAME.match(name) or name in (".", ".."):
        raise InvalidInput(
            f"档案名称“{name}”无效:只能使用字母、数字、汉字、下划线、点和横线。",
            f"Profile name '{name}' is not valid: use letters, digits, _ . and - only.",
        )
    if name.split(".")[0].lower() in _WINDOWS_RESERVED or name.endswith("."):
        raise InvalidInput(
            f"档案名称“{name}”是 Windows 保留的设备名,请换一个名称。",
            f"Profile name '{name}' is reserved by Windows for a device; choose another name.",
        )
    return data_dir / "profiles" / name


def database_path(folder: Path) -> Path:
    return folder / "steward.db"


def list_profiles(data_dir: Path) -> list[str]:
    root = data_dir / "profiles"
    if not root.exists():
        return []
    return sorted(p.name for p in root.iterdir() if database_path(p).exists())
