"""The bundled resources/ folder, whether run from a checkout, an installed package or a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def checklists_dir() -> Path:
    return resources_dir() / "checklists"
