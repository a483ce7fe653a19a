"""The bundled resources (checklists, fonts), whether run from a checkout, an installed wheel or a frozen build.

The repository keeps them in the top-level resources/ folder; a wheel carries the same folder as
steward/_resources (see pyproject.toml); PyInstaller unpacks it to sys._MEIPASS/resources."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from steward.domain.errors import StewardError


class MissingResource(StewardError):
    """A file that ships with Steward is not where it should be: the installation is damaged."""


@cache
def resources_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    package = Path(__file__).resolve().parent
    candidates = [Path(frozen_root) / "resources"] if frozen_root else []
    candidates += [package / "_resources", package.parent / "resources"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise MissingResource(
        "Steward 的内置资源(检查表、字体)缺失,安装已损坏,请重新安装 Steward。",
        f"Steward's bundled resources (checklists, fonts) are missing. Reinstall Steward. Looked in: "
        f"{', '.join(str(c) for c in candidates)}",
    )


def resource(*parts: str) -> Path:
    """A bundled file; a clear error (never a KeyError or traceback) when an installation lost it."""
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise MissingResource(
            f"Steward 的内置文件缺失:{'/'.join(parts)}。安装已损坏,请重新安装 Steward。",
            f"A file that ships with Steward is missing: {'/'.join(parts)}. Reinstall Steward.",
        )
    return path


def checklists_dir() -> Path:
    return resources_dir() / "checklists"
