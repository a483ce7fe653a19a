"""帮助 → 导出诊断信息 and `steward diagnostics`: one zip a steward can send to support, with the logs, what
`check` finds, versions and settings — and never a photo, a signature, a document or a token."""

from __future__ import annotations

import json
import platform
import sys
import zipfile
from datetime import datetime
from importlib import metadata
from pathlib import Path

from steward import __version__
from steward.services import settings
from steward.services.check import check_profile
from steward.storage.profile import Profile

_PACKAGES = ("PySide6-Essentials", "sqlite-utils", "reportlab", "pillow", "httpx", "keyring", "cryptography")


def _versions() -> dict[str, str]:
    found = {"steward": __version__, "python": sys.version.split()[0], "platform": platform.platform()}
    for name in _PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def _settings(profile: Profile) -> dict[str, object]:
    """Every setting, secrets reduced to whether one is set."""
    shown: dict[str, object] = {}
    for setting in settings.ALL:
        value = settings.get(profile, setting)
        shown[setting.key] = ("(set)" if value else "(empty)") if setting in settings.SECRET else value
    return shown


def _check_text(profile: Profile) -> str:
    report = check_profile(profile)
    lines = [f"photos checked: {report.photos_checked}", f"clean: {report.clean}"]
    lines += [f"[{'leftover' if p.leftover else 'problem'}] {p.code}: {p.en}" for p in report.problems]
    return "\n".join(lines) + "\n"


def write_zip(profile: Profile, logs_dir: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "about.json",
            json.dumps(
                {
                    "made_at": datetime.now().astimezone().isoformat(timespec="seconds"),
                    "profile": profile.name,
                    "versions": _versions(),
                    "migrations": profile.db.applied_migrations(),
                    "settings": _settings(profile),
                },
                ensure_ascii=False,
                indent=2,
                default=str,
            ),
        )
        zf.writestr("check.txt", _check_text(profile))
        if logs_dir.is_dir():
            for log in sorted(logs_dir.glob("*.log*")):
                zf.write(log, f"logs/{log.name}")
    return target
