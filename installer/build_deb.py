"""A .deb of the frozen app for Debian-based government laptops (统信 UOS, 麒麟 Kylin): /opt/steward with the
PyInstaller folder, `steward` on the PATH, a desktop entry and the icon. Build with `make deb` after `make installer`.

    python installer/build_deb.py dist/steward dist/"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from steward import __version__  # noqa: E402 - after the checkout is on the path

# What the frozen Qt needs from the system to open a window (the same list as the Makefile's system-deps).
DEPENDS = [
    "libegl1",
    "libgl1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libfontconfig1",
    "libdbus-1-3",
    "libglib2.0-0",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-image0",
    "libxcb-render-util0",
    "libxcb-shape0",
]

DESKTOP = """[Desktop Entry]
Type=Application
Name=Steward
Name[zh_CN]=环保管家
GenericName=Environmental inspection
GenericName[zh_CN]=企业环保巡查
Comment=Checklists, findings, rectification notices and sync for environmental stewards
Comment[zh_CN]=环保管家巡查、问题整改跟踪、整改通知书与同步
Exec=/opt/steward/steward-app
Icon=steward
Terminal=false
Categories=Office;
"""


def build(frozen: Path, out_dir: Path) -> Path:
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "pkg"
        shutil.copytree(frozen, root / "opt" / "steward", symlinks=True)
        (root / "usr" / "bin").mkdir(parents=True)
        os.symlink("/opt/steward/steward", root / "usr" / "bin" / "steward")
        apps = root / "usr" / "share" / "applications"
        apps.mkdir(parents=True)
        (apps / "steward.desktop").write_text(DESKTOP, encoding="utf-8")
        icons = root / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps"
        icons.mkdir(parents=True)
        shutil.copy2(ROOT / "resources" / "icons" / "steward.png", icons / "steward.png")
        size_kb = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
        (root / "DEBIAN").mkdir()
        (root / "DEBIAN" / "control").write_text(
            f"Package: steward\nVersion: {__version__}\nArchitecture: {arch}\n"
            "Maintainer: Steward developers <steward@localhost>\nSection: utils\nPriority: optional\n"
            f"Installed-Size: {size_kb}\nDepends: {', '.join(DEPENDS)}\n"
            "Description: 环保管家 Steward - offline field tool for environmental stewards\n"
            " Walk a factory's environmental checklist offline, record findings with photos,\n"
            " print rectification notices and sync with the insurer's Steward Hub.\n",
            encoding="utf-8",
        )
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / f"steward_{__version__}_{arch}.deb"
        # gzip: every dpkg reads it (older UOS/Kylin may lack zstd), and it builds in seconds where xz takes minutes.
        subprocess.run(["dpkg-deb", "--build", "--root-owner-group", "-Zgzip", str(root), str(target)], check=True)
    return target


if __name__ == "__main__":
    print(build(Path(sys.argv[1]), Path(sys.argv[2])))
