"""Entry point of `steward`. With no subcommand it opens the app; `--data-dir` works before any subcommand."""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from steward import __version__, app_logging
from steward.cli import backup_commands, export_commands
from steward.cli.output import error
from steward.domain.errors import StewardError
from steward.storage.paths import DEFAULT_PROFILE, ENV_DATA_DIR, resolve_data_dir


def _hub_storage(p: argparse.ArgumentParser) -> None:
    """Where a hub keeps things: its data directory (blobs; hub.db unless --db) and optionally PostgreSQL."""
    p.add_argument("--data-dir", dest="hub_dir", type=Path, required=True)
    p.add_argument(
        "--db",
        dest="hub_db",
        metavar="URL",
        default=None,
        help="PostgreSQL instead of hub.db: postgresql://user:password@host:port/dbname (blobs stay in --data-dir)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="steward",
        description="环保管家 Steward — 企业环保巡查、整改跟踪与报告。 Offline field tool for environmental stewards.",
    )
    parser.add_argument("--version", action="version", version=f"Steward {__version__}")
    parser.add_argument(
        "--data-dir", help=f"数据文件夹 data folder (default: ${ENV_DATA_DIR} or the system's application-data folder)"
    )
    parser.add_argument(
        "--profile", default=os.environ.get("STEWARD_PROFILE", DEFAULT_PROFILE), help="档案名称 profile name"
    )
    parser.add_argument(
        "--quit-after-start", action="store_true", help="open the app's window, then quit (installer smoke test)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("demo", help="生成演示档案 make a demo profile")
    p.add_argument("--enterprises", type=int, default=53)
    p.add_argument("--weeks", type=int, default=52)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--no-photos", action="store_true", help="不生成照片(用于大规模测试) no photos, for scale tests")
    p.add_argument("--if-missing", action="store_true", help="profile already has data: do nothing")
    p.add_argument("--force", action="store_true", help="delete the profile first")

    p = sub.add_parser("check", help="检查档案完整性 verify a profile")
    p.add_argument("--repair", action="store_true", help="修复可安全修复的问题 fix what is safe to fix")

    ent = sub.add_parser("enterprises", help="企业 enterprises").add_subparsers(dest="action", required=True)
    p = ent.add_parser("list")
    p.add_argument("--search", default="")
    p.add_argument("--json", action="store_true")
    p = ent.add_parser("add")
    p.add_argument("--name", required=True)
    p.add_argument("--credit-code", required=True)
    for field in (
        "industry",
        "address",
        "legal-representative",
        "contact-person",
        "contact-phone",
        "policy-number",
        "insurer",
        "park",
        "template-code",
    ):
        p.add_argument(f"--{field}", default="")

    vis = sub.add_parser("visits", help="巡查 visits").add_subparsers(dest="action", required=True)
    p = vis.add_parser("list")
    p.add_argument("--enterprise")
    p.add_argument("--status", choices=("in_progress", "finished"))
    p.add_argument("--limit", type=int)
    p.add_argument("--json", action="store_true")
    p = vis.add_parser("start")
    p.add_argument("--enterprise", required=True)
    p.add_argument("--kind", default="routine", choices=("first", "routine", "special", "complaint", "recheck"))
    p.add_argument("--items", help="comma-separated item codes for a partial visit, e.g. B1,B2,D3")
    p.add_argument(
        "--resume",
        action="store_true",
        help="已有未完成的巡查时继续它(每家企业只能有一次) continue the enterprise's visit in progress, if any",
    )

    fnd = sub.add_parser("findings", help="问题 findings").add_subparsers(dest="action", required=True)
    p = fnd.add_parser("list")
    p.add_argument("--open", action="store_true")
    p.add_argument("--overdue", action="store_true")
    p.add_argument("--enterprise")
    p.add_argument("--severity", choices=("major", "serious", "general"))
    p.add_argument("--search", default="")
    p.add_argument("--limit", type=int)
    p.add_argument("--json", action="store_true")

    evt = sub.add_parser(
        "events", help="投诉、处罚、危废违法记录 complaints, penalties, hazardous waste"
    ).add_subparsers(dest="action", required=True)
    p = evt.add_parser("add")
    p.add_argument("--enterprise", required=True)
    p.add_argument(
        "--kind",
        required=True,
        choices=("complaint", "penalty", "hazwaste"),
        help="complaint 信访投诉 | penalty 行政处罚/立案 | hazwaste 危险废物违法",
    )
    p.add_argument("--date", dest="on", required=True, type=date.fromisoformat, help="发生日期 YYYY-MM-DD")
    p.add_argument("--source", default="", help="投诉来源 complaint source, e.g. 12345热线")
    p.add_argument("--authority", default="", help="处罚机关 the authority")
    p.add_argument("--number", default="", help="文书编号 document number")
    p.add_argument(
        "--substantiated",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="投诉是否查实(默认查实) complaint substantiated (default yes)",
    )
    p.add_argument("--note", default="")
    p = evt.add_parser("edit", help="更改一条记录(留有审计记录) change a record (audited)")
    p.add_argument("id")
    p.add_argument("--date", dest="on", type=date.fromisoformat, help="发生日期 YYYY-MM-DD")
    p.add_argument("--source")
    p.add_argument("--authority")
    p.add_argument("--number")
    p.add_argument("--substantiated", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--note")
    p.add_argument("--reason", default="", help="修改理由(必填) why it is changed (required)")
    p = evt.add_parser("delete", help="删除一条记录(留有审计记录) delete a record (audited)")
    p.add_argument("id")
    p.add_argument("--reason", default="", help="删除理由(必填) why it is deleted (required)")
    p = evt.add_parser("list")
    p.add_argument("--enterprise")
    p.add_argument("--json", action="store_true")

    rat = sub.add_parser("ratings", help="三色码评级 three-colour rating")
    rat.add_argument("--as-of", type=date.fromisoformat, help="截至日期 as of this date (default today)")
    rat.add_argument("--enterprise")
    rat.add_argument("--json", action="store_true")
    rat_sub = rat.add_subparsers(dest="action")
    p = rat_sub.add_parser("timeline", help="颜色变化及原因 when the colour changed and why")
    p.add_argument("--enterprise", required=True)
    p.add_argument("--until", type=date.fromisoformat, help="default today")
    p.add_argument("--json", action="store_true")
    p = rat_sub.add_parser("months", help="园区每月三色分布 the park's colours at each month end")
    p.add_argument("--from", dest="start", type=date.fromisoformat, required=True)
    p.add_argument("--to", dest="end", type=date.fromisoformat, help="default today")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("figures", help="整改统计 rectification figures")
    p.add_argument("--by-enterprise", action="store_true")
    p.add_argument("--json", action="store_true")

    pho = sub.add_parser("photos", help="照片 photos").add_subparsers(dest="action", required=True)
    p = pho.add_parser("import")
    p.add_argument("--visit", required=True)
    p.add_argument("--item", help="item code the photos belong to")
    p.add_argument("--finding", help="finding id the photos belong to")
    p.add_argument("--workers", type=int)
    p.add_argument("paths", nargs="+", type=Path)

    tpl = sub.add_parser("templates", help="检查表模板 checklist templates").add_subparsers(
        dest="action", required=True
    )
    p = tpl.add_parser("import")
    p.add_argument("file", type=Path)
    p = tpl.add_parser("list")
    p.add_argument("--json", action="store_true")
    p = tpl.add_parser("show", help="检查项及默认问题描述、整改要求、依据 items with their default wording and basis")
    p.add_argument("code")
    p.add_argument("--version", type=int, help="默认最新版 default: the latest")
    p.add_argument("--json", action="store_true")

    rep = sub.add_parser("report", help="生成PDF文书 make PDF documents").add_subparsers(dest="action", required=True)
    p = rep.add_parser("notice", help="整改通知书 rectification notice")
    p.add_argument("--visit", required=True)
    p.add_argument("--copies", type=int, choices=(1, 2, 3))
    p.add_argument("-o", "--output", type=Path, required=True)
    p = rep.add_parser("visit", help="巡查报告 visit report")
    p.add_argument("--visit", required=True)
    p.add_argument(
        "--language",
        choices=("zh", "en"),
        default="zh",
        help="报告语言（默认中文）report language: zh (default) or en, the same facts said in English",
    )
    p.add_argument("-o", "--output", type=Path, required=True)
    p = rep.add_parser("ledger", help="问题台账 enterprise ledger")
    p.add_argument("--enterprise", required=True)
    p.add_argument("--from", dest="start", type=date.fromisoformat)
    p.add_argument("--to", dest="end", type=date.fromisoformat)
    p.add_argument("-o", "--output", type=Path, required=True)
    p = rep.add_parser("summary", help="期间汇总 period summary for the insurer")
    p.add_argument("--from", dest="start", type=date.fromisoformat)
    p.add_argument("--to", dest="end", type=date.fromisoformat)
    p.add_argument("-o", "--output", type=Path, required=True)
    p = rep.add_parser("batch", help="批量导出巡查报告和整改通知书 export many visits")
    p.add_argument("--since", type=date.fromisoformat, help="visits started on or after this date")
    p.add_argument("--enterprise")
    p.add_argument("-o", "--output", type=Path, required=True, help="folder")

    cfg = sub.add_parser("settings", help="档案设置 profile settings").add_subparsers(dest="action", required=True)
    cfg.add_parser("list")
    p = cfg.add_parser("set")
    p.add_argument("key")
    p.add_argument("value")

    p = sub.add_parser("sync", help="同步到保险公司服务器 sync with Steward Hub")
    p.add_argument("--hub", help="hub address, e.g. http://127.0.0.1:8750 (default: settings)")
    p.add_argument("--token", help="this steward's token (default: settings)")
    p.add_argument("--remember", action="store_true", help="save --hub, --token, --ca-bundle in the profile's settings")
    p.add_argument("--ca-bundle", help="PEM file of the CA that signed the hub's certificate (a private CA)")
    p.add_argument("--pending", action="store_true", help="only show what is waiting to be sent")
    p.add_argument(
        "--retry-refused",
        action="store_true",
        help="send records the hub refused again, unchanged (after the hub's administrator changed something)",
    )

    hub = sub.add_parser("hub", help="同步服务器 Steward Hub (insurer side)").add_subparsers(
        dest="action", required=True
    )
    p = hub.add_parser("serve")
    _hub_storage(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8750)
    p.add_argument("--ssl-keyfile", help="serve HTTPS with this private key (PEM)")
    p.add_argument("--ssl-certfile", help="serve HTTPS with this certificate (PEM)")
    p.add_argument(
        "--trusted-proxy",
        metavar="ADDRESSES",
        default="",
        help="the reverse proxy's address(es), comma-separated: only then are its X-Forwarded-For and "
        "X-Forwarded-Proto believed (client address for the login limit; HTTPS for Secure cookies)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes serving requests (each with its own connections; for PostgreSQL, --db)",
    )
    p = hub.add_parser("add-steward")
    p.add_argument("name")
    _hub_storage(p)
    p = hub.add_parser("add-viewer", help="a read-only web login for insurer staff")
    p.add_argument("name")
    _hub_storage(p)
    p = hub.add_parser("remove-viewer", help="remove a web login; every session of it ends at once")
    p.add_argument("name")
    _hub_storage(p)
    p = hub.add_parser(
        "merge-duplicates",
        help="merge enterprises stored twice under one credit code (from before pushes merged them); says which "
        "id stays and why",
    )
    p.add_argument("--dry-run", action="store_true", help="only say what would be merged")
    _hub_storage(p)
    p = hub.add_parser("rebind", help="give a laptop profile to another steward")
    p.add_argument("profile_id")
    p.add_argument("name")
    _hub_storage(p)

    bun = sub.add_parser("bundle", help="离线包 offline bundle").add_subparsers(dest="action", required=True)
    p = bun.add_parser("export")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument("--token", help="this steward's token (default: settings)")
    p = hub.add_parser("import-enterprises", help="enterprise list (CSV/XLSX/JSON) handed to every laptop")
    p.add_argument("file", type=Path)
    _hub_storage(p)
    p = hub.add_parser(
        "import-events",
        help="complaints, penalties, hazardous-waste violations (CSV UTF-8/GBK or XLSX) handed to every laptop",
    )
    p.add_argument("file", type=Path)
    _hub_storage(p)
    p = hub.add_parser("import-template", help="checklist (YAML/JSON/XLSX) handed to every laptop")
    p.add_argument("file", type=Path)
    _hub_storage(p)
    p = hub.add_parser("import", help="import an offline bundle")
    p.add_argument("file", type=Path)
    _hub_storage(p)
    p = hub.add_parser(
        "migrate-to-postgres",
        help="copy a SQLite hub's records into an empty PostgreSQL database and verify them (blobs stay)",
    )
    p.add_argument("--data-dir", dest="hub_dir", type=Path, required=True)
    p.add_argument("--db", dest="hub_db", required=True, metavar="URL", help="postgresql://user@host:port/dbname")

    sub.add_parser("profiles", help="列出档案 list profiles")
    backup_commands.add_parsers(sub)
    export_commands.add_parser(sub)
    return parser


def _utf8_output() -> None:
    """Windows gives redirected output its ANSI code page (GBK), which cannot encode "✓" and some rare characters in
    names: print UTF-8 everywhere, and never let one character crash a command."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_output()
    args = build_parser().parse_args(argv)
    app_logging.setup(resolve_data_dir(args.data_dir))
    try:
        if args.command is None:
            from steward.ui.app import run_app

            return run_app(args.data_dir, args.profile, args.quit_after_start)
        if args.command == "hub":  # a server: loads none of the laptop's services (see steward.cli.hub_commands)
            from steward.cli.hub_commands import hub_command

            return hub_command(args)
        from steward.cli import commands

        if args.command == "demo" and args.force:
            folder = commands.profile_folder(args)
            if folder.exists():
                shutil.rmtree(folder)
        return commands.dispatch(args)
    except StewardError as exc:
        error(exc.zh, exc.en)
        return 2
    except KeyboardInterrupt:
        error("已取消。", "Cancelled.")
        return 130
    except Exception as exc:  # never a bare traceback for the user, never a failure without one in the log
        logging.getLogger("steward.cli").exception("command failed: %s", args.command)
        error(
            f"意外错误:{exc}。{app_logging.where_to_look_zh()}",
            f"Unexpected error: {exc}. {app_logging.where_to_look_en()}",
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
