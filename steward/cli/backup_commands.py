"""`steward backup`, `steward restore` (a profile copied whole and put back) and `steward diagnostics`."""

from __future__ import annotations

import argparse
from pathlib import Path

from steward.storage.paths import resolve_data_dir


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="备份档案 back up a profile (database and photos)")
    p.add_argument("-o", "--output", type=Path, help="folder to write the backup into (e.g. a USB stick)")
    p.add_argument("--list", action="store_true", help="list this profile's backups in the data folder")
    p = sub.add_parser("restore", help="从备份恢复档案 restore a profile from a backup")
    p.add_argument("backup", type=Path, help="a backup folder made by `steward backup`")
    p = sub.add_parser(
        "diagnostics", help="导出诊断信息 a zip for support (logs, check, versions; no photos or tokens)"
    )
    p.add_argument("-o", "--output", type=Path, required=True)


def backup_command(args: argparse.Namespace) -> int:
    from steward.services import backup, profiles  # not when the parser is built: see steward.cli.main

    if args.list:
        found = backup.listing(resolve_data_dir(args.data_dir), args.profile)
        if not found:
            print("还没有备份。No backups yet.")
        for info in found:
            print(
                f"{info.path}  {info.created_at}  {info.reason}  {info.files} 个文件 files  {info.bytes / 1e6:.1f} MB"
            )
        return 0
    with profiles.open_profile(args.data_dir, args.profile) as profile:
        info = backup.back_up(profile, args.output, "manual")
    print(
        f"已备份到 {info.path}({info.files} 个照片文件,{info.bytes / 1e6:.1f} MB)。\n"
        f"Backed up to {info.path} ({info.files} photo files, {info.bytes / 1e6:.1f} MB)."
    )
    return 0


def restore_command(args: argparse.Namespace) -> int:
    from steward.services import backup

    done = backup.restore(resolve_data_dir(args.data_dir), args.profile, args.backup.expanduser().resolve())
    kept_zh = f";被替换的档案保存在 {done.replaced_kept_at}" if done.replaced_kept_at else ""
    kept_en = f"; the replaced profile is kept at {done.replaced_kept_at}" if done.replaced_kept_at else ""
    print(
        f"已从 {done.backup.path.name}({done.backup.created_at})恢复档案“{done.profile}”,并已通过完整性检查{kept_zh}。\n"
        f"Restored profile '{done.profile}' from {done.backup.path.name} ({done.backup.created_at}); "
        f"it passed the integrity check{kept_en}."
    )
    return 0


def diagnostics_command(args: argparse.Namespace) -> int:
    from steward.services import diagnostics, profiles

    data_dir = resolve_data_dir(args.data_dir)
    with profiles.open_profile(args.data_dir, args.profile) as profile:
        target = diagnostics.write_zip(profile, data_dir / "logs", args.output)
    print(f"已生成诊断信息 {target}(不含照片和令牌)。\nWritten {target} (no photos, no tokens).")
    return 0
