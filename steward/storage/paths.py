"""Where profiles live. Mirrors QStandardPaths.AppDataLocation for the application 'Steward' without importing Qt
(the CLI and the core never load Qt); tests/ui/test_data_paths.py checks the two agree."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from steward.domain.errors import InvalidInput

APP_NAME = "Steward"
ENV_DATA_DIR = "STEWARD_DATA_DIR"
DEFAULT_PROFILE = "default"
DEMO_PROFILE = "demo"
_PROFILE_NAME = re.compile(r"^[\w\-.]{1,64}$")


def default_data_dir() -> Path:
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_NAME


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
    return data_dir / "profiles" / name


def database_path(folder: Path) -> Path:
    return folder / "steward.db"


def list_profiles(data_dir: Path) -> list[str]:
    root = data_dir / "profiles"
    if not root.exists():
        return []
    return sorted(p.name for p in root.iterdir() if database_path(p).exists())
