"""The dependency rules of DESIGN.md, checked by walking every import in steward/."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "steward"
LAYERS = ("domain", "storage", "services", "reports", "sync", "hub", "ui", "cli")
# What each layer may import from steward (besides itself and the package's small top-level modules).
ALLOWED = {
    "domain": set(),
    "storage": {"domain"},
    "reports": {"domain"},
    "services": {"domain", "storage", "reports"},
    "sync": {"domain", "storage", "services"},
    "hub": {"domain", "storage", "sync"},
    "ui": {"domain", "storage", "services", "reports", "sync"},
    "cli": {"domain", "storage", "services", "reports", "sync", "hub", "ui"},
}
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b", re.I)


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _layer(path: Path) -> str | None:
    parts = path.relative_to(ROOT).parts
    return parts[0] if len(parts) > 1 and parts[0] in LAYERS else None


def test_only_ui_imports_qt() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in ROOT.rglob("*.py")
        if _layer(p) != "ui" and any(n.split(".")[0] in ("PySide6", "shiboken6") for n in _imports(p))
    ]
    assert offenders == []


def test_layers_import_only_downwards() -> None:
    offenders = []
    for path in ROOT.rglob("*.py"):
        layer = _layer(path)
        if layer is None:
            continue
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] == "steward" and len(parts) > 1 and parts[1] in LAYERS:
                target = parts[1]
                if target != layer and target not in ALLOWED[layer]:
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_no_sql_in_ui() -> None:
    ui = ROOT / "ui"
    offenders = [str(p.relative_to(ROOT)) for p in ui.rglob("*.py") if SQL.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_top_level_modules_stay_free_of_qt_and_layers() -> None:
    for path in ROOT.glob("*.py"):
        for name in _imports(path):
            assert not name.startswith("PySide6"), path
