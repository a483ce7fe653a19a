"""`steward hub ...`: serve the hub, and the administrator's commands on its data (stewards, viewers, imports, the move
to PostgreSQL). Loaded on its own by steward.cli.main, so a hub server never imports the laptop's services (the
keychain, Pillow's HEIF plug-in, the PDF and spreadsheet writers), nor do the worker processes uvicorn starts."""

from __future__ import annotations

import argparse
import os
from typing import Any, TypedDict

from steward.domain import clock
from steward.domain.errors import StewardError
from steward.storage import enterprises as enterprise_rows


def hub_command(args: argparse.Namespace) -> int:
    from steward.hub.engine import DatabaseUnavailable
    from steward.hub.store import HubError, HubStore

    try:
        if args.action == "serve":
            return _serve_hub(args)
        if args.action == "migrate-to-postgres":
            return _migrate_hub_to_postgres(args)
        store = HubStore(args.hub_dir, db_url=args.hub_db)
        if args.action == "import":
            from steward.sync.bundle import BundleRejected

            try:
                result = store.import_bundle(args.file)
            except BundleRejected as exc:
                raise StewardError(exc.zh, exc.en) from None
            print(
                f"已导入:新记录 {result['accepted']} 条,重复 {result['duplicates']} 条,冲突 {result['conflicts']} 条,"
                f"文件 {result['blobs']} 个。Imported: {result}"
            )
            return 1 if result["conflicts"] else 0
        if args.action == "import-enterprises":
            from steward.domain.ids import new_id
            from steward.domain.pinyin import name_keys
            from steward.services.enterprise_files import read_enterprise_file

            stamp = clock.to_text(clock.now())
            changed = 0
            rows = read_enterprise_file(args.file)
            for row in rows:
                rid = store.reference_id("enterprise", "credit_code", row["credit_code"]) or new_id()
                fields = {
                    "name": row["name"],
                    "credit_code": row["credit_code"],
                    **{k: row.get(k, "") for k in enterprise_rows.DETAIL_FIELDS},
                    "archived": 0,
                    "name_pinyin": name_keys(row["name"]),
                }
                before = store.record_body("enterprise", rid) or {}
                if all(before.get(k) == v for k, v in fields.items()):
                    continue  # unchanged: the timestamps stay, so laptops pull nothing
                body = {"id": rid, **fields, "created_at": before.get("created_at", stamp), "updated_at": stamp}
                changed += store.put_reference("enterprise", rid, body)
            print(
                f"已导入企业 {len(rows)} 家,其中新增或更新 {changed} 家;各电脑下次同步时获取。"
                f"Imported {len(rows)} enterprises ({changed} new or changed)."
            )
            return 0
        if args.action == "import-events":
            from steward.hub.event_import import import_events
            from steward.services.event_files import read_event_file

            read, changed = import_events(store, lambda find: read_event_file(args.file, find))
            print(
                f"已导入投诉、处罚、危废记录 {read} 条,其中新增或更新 {changed} 条;各电脑下次同步时获取。"
                f"Imported {read} records ({changed} new or changed)."
            )
            return 0
        if args.action == "import-template":
            from steward.services.template_files import read_template_file
            from steward.services.templates import template_rows
            from steward.sync.wire import TEMPLATE_LOCAL_FIELDS

            template = read_template_file(args.file)
            template_row, items = template_rows(template, 1, args.file.name)
            body = {k: v for k, v in template_row.items() if k not in TEMPLATE_LOCAL_FIELDS}
            changed = store.put_reference("template", template_row["id"], {**body, "items": items})
            print(f"检查表 {template.code}:{'已导入' if changed else '内容未变'}。Template {template.code} imported.")
            return 0
        if args.action == "add-viewer":
            from steward.hub.web import Viewers

            password = Viewers(store).add(args.name)
            print(f"保险公司查询账号“{args.name}”的密码(只显示这一次):\n{password}")
            return 0
        if args.action == "remove-viewer":
            if not store.remove_viewer(args.name):
                raise StewardError(
                    f"没有名为“{args.name}”的查询账号。现有账号:{'、'.join(store.viewer_names()) or '无'}",
                    f"No viewer named '{args.name}'.",
                )
            print(f"已删除查询账号“{args.name}”,其所有登录已结束。Viewer '{args.name}' removed; sessions ended.")
            return 0
        if args.action == "add-steward":
            token = store.add_steward(args.name)
            print(f"环保管家“{args.name}”的同步令牌(只显示这一次,请妥善交给本人):\n{token}")
            return 0
        if args.action == "merge-duplicates":
            return _merge_duplicates(store, args.dry_run)
        store.rebind(args.profile_id, args.name)
        print(f"档案 {args.profile_id} 已绑定到“{args.name}”。Profile re-bound.")
        return 0
    except (HubError, DatabaseUnavailable) as exc:
        raise StewardError(exc.zh, exc.en) from None


def _merge_duplicates(store: Any, dry_run: bool) -> int:
    """`steward hub merge-duplicates`: each credit code's copies, the one that stays and why, then the merge."""
    from steward.hub.store import EnterpriseCopy, merge_duplicate_enterprises

    def named(copy: EnterpriseCopy) -> str:
        sender = f"{copy.sender} 录入" if copy.sender else "服务器名单"
        return f"{copy.id}“{copy.name}”({sender},{copy.naming} 条记录引用)"

    groups = merge_duplicate_enterprises(store, dry_run=dry_run)
    if not groups:
        print("没有信用代码重复的企业。No enterprises share a credit code.")
        return 0
    for group in groups:
        print(f"信用代码 {group.credit_code}:保留 {named(group.kept)},因为{group.reason_zh}。")
        for copy in group.merged:
            print(f"  {'将并入' if dry_run else '已并入'}:{named(copy)}")
        print(
            f"  Credit code {group.credit_code}: keeps {group.kept.id} ({group.reason_en}); "
            f"{'would merge' if dry_run else 'merged'} {', '.join(c.id for c in group.merged)}."
        )
    moved = sum(c.naming for g in groups for c in g.merged)
    if dry_run:
        print(f"试运行,未做任何更改;去掉 --dry-run 即合并 {len(groups)} 组。Dry run: nothing changed.")
    else:
        print(
            f"已合并 {len(groups)} 组,{moved} 条记录改为引用保留的企业;被并入企业的原始内容已存档(别名),"
            f"各电脑下次同步时自动合并。Merged {len(groups)} groups; {moved} records re-pointed; laptops follow at "
            "their next sync."
        )
    return 0


class _ServeOptions(TypedDict):
    """What `hub serve` hands uvicorn.run (mypy checks the names and types against uvicorn's)."""

    host: str
    port: int
    log_level: str
    ssl_keyfile: str | None
    ssl_certfile: str | None
    proxy_headers: bool
    forwarded_allow_ips: str | None


def _serve_hub(args: argparse.Namespace) -> int:
    import uvicorn

    from steward.hub import app
    from steward.hub.store import HubStore

    if args.workers < 1:
        raise StewardError("--workers 至少为 1。", "--workers must be at least 1.")
    # Forwarded headers are anyone's to forge: believed only from the proxy the operator names.
    trusted = args.trusted_proxy.strip()
    options: _ServeOptions = {
        "host": args.host,
        "port": args.port,
        "log_level": "warning",
        "ssl_keyfile": args.ssl_keyfile,
        "ssl_certfile": args.ssl_certfile,
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or None,
    }
    if args.workers == 1:
        uvicorn.run(app.create_app(args.hub_dir, args.hub_db), **options)
        return 0
    # Several processes: each builds its own app (uvicorn needs an import string and a factory) from the
    # environment. The schema is migrated once here first, so a database that cannot be reached is said once.
    HubStore(args.hub_dir, db_url=args.hub_db).close()
    os.environ[app.ENV_DATA_DIR] = str(args.hub_dir.resolve())
    if args.hub_db:
        os.environ[app.ENV_DB] = args.hub_db
    else:
        os.environ.pop(app.ENV_DB, None)
    uvicorn.run("steward.hub.app:app_from_environment", factory=True, workers=args.workers, **options)
    return 0


def _migrate_hub_to_postgres(args: argparse.Namespace) -> int:
    from steward.hub.copy import CopyRefused, copy_to_postgres

    try:
        report = copy_to_postgres(args.hub_dir, args.hub_db)
    except CopyRefused as exc:
        raise StewardError(exc.zh, exc.en) from None
    lines = [f"  {table}: {count}" for table, count in report.counts.items()]
    print(
        "已将 SQLite 中的数据复制到 PostgreSQL,并核对了每张表的行数和内容散列;文件(blobs)仍在数据目录中。\n"
        "Copied the hub's rows to PostgreSQL and verified every table's count and hash; the files stay in the data "
        "directory.\n" + "\n".join(lines) + f"\n下次启动请用 Start it with: steward hub serve --data-dir "
        f"{args.hub_dir} --db <URL>"
    )
    return 0
