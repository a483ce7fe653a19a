"""`steward export findings|enterprises|visits|ratings --format xlsx|csv [--from D] [--to D] -o FILE`."""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path
from typing import Any

from steward.domain.export_kinds import Format, What


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期应为 YYYY-MM-DD,例如 2026-01-31:{text!r} / a date is YYYY-MM-DD, e.g. 2026-01-31: {text!r}"
        ) from None


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help="导出Excel/CSV export to Excel or CSV",
        description="导出问题台账、企业、巡查或三色码评级;各项状态截至结束日期。"
        "Export findings, enterprises, visits or ratings; statuses as of the end date.",
    )
    p.add_argument("what", choices=[w.value for w in What], help="导出内容 what to export")
    p.add_argument("--format", choices=[f.value for f in Format], help="默认按文件扩展名 default: by -o's suffix")
    p.add_argument("--from", dest="start", type=_day, help="开始日期 first day (default: the first record)")
    p.add_argument("--to", dest="end", type=_day, help="结束日期(截至)last day, the 'as of' date (default today)")
    p.add_argument("-o", "--output", type=Path, required=True, help="保存为 file to write")


def export_command(args: argparse.Namespace) -> int:
    from steward.services import exports, profiles  # not when the parser is built: see steward.cli.main

    fmt = args.format or ("csv" if args.output.suffix.lower() == ".csv" else "xlsx")
    started = time.perf_counter()
    with profiles.open_profile(args.data_dir, args.profile) as profile:
        written = exports.export(profile, args.what, fmt, args.output, args.start, args.end)
    what = What(args.what)
    print(
        f"已导出{what.zh} {written.rows} 行到 {written.path},用时 {time.perf_counter() - started:.1f} 秒。\n"
        f"Exported {written.rows} {what.en.lower()} rows to {written.path}."
    )
    return 0
