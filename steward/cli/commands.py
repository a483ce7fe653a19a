"""What each `steward` subcommand does: open the profile, call the use case, print the outcome."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path

from steward.cli import backup_commands, export_commands, rating_commands
from steward.cli.output import print_json, table
from steward.domain import clock
from steward.domain.documents import Ledger, Notice, PeriodSummary, VisitReport
from steward.domain.errors import StewardError
from steward.domain.findings import Figures
from steward.domain.labels import FindingStatus, Severity, VisitKind
from steward.services import demo, enterprises, findings, photos, profiles, ratings, settings, templates, visits
from steward.services.check import check_profile
from steward.storage import enterprises as enterprise_rows
from steward.storage.paths import list_profiles, profile_dir, resolve_data_dir
from steward.storage.profile import Profile


def profile_folder(args: argparse.Namespace) -> Path:
    return profile_dir(resolve_data_dir(args.data_dir), args.profile)


def open_profile(args: argparse.Namespace) -> Profile:
    return profiles.open_profile(args.data_dir, args.profile)


def _demo(args: argparse.Namespace) -> int:
    with open_profile(args) as profile:
        if args.if_missing and enterprise_rows.count(profile.db) > 0:
            print(f"演示档案已存在:{profile.folder}  (demo profile already exists)")
            return 0
        started = time.perf_counter()
        counts = demo.make_demo(
            profile,
            demo.DemoSize(args.enterprises, args.weeks, args.seed, photos=not args.no_photos),
            progress=lambda s: print(f"… {s}"),
        )
        print(
            f"已生成演示档案 {profile.folder}:{counts['enterprises']} 家企业,{counts['visits']} 次巡查,"
            f"{counts['findings']} 个问题,用时 {time.perf_counter() - started:.1f} 秒。\n"
            f"Demo profile made: {counts}"
        )
    return 0


def _check(args: argparse.Namespace) -> int:
    with open_profile(args) as profile:
        report = check_profile(profile, repair=args.repair)
        for p in report.problems:
            mark = "已修复 repaired" if p.repaired else ("残留 leftover" if p.leftover else "问题 problem")
            print(f"[{mark}] {p.zh} | {p.en}")
        if report.leftovers:
            print(
                f"有 {len(report.leftovers)} 个残留文件,不影响数据,可用 --repair 清理。"
                f"{len(report.leftovers)} leftover file(s): harmless; --repair removes them."
            )
        print(f"已检查 {report.photos_checked} 张照片。Checked {report.photos_checked} photos.")
        if report.clean:
            print("档案完好。Profile is sound.")
            return 0
        print(f"仍有 {len(report.remaining)} 个问题。{len(report.remaining)} problem(s) remain.", file=sys.stderr)
        return 1


def _enterprises(args: argparse.Namespace) -> int:
    with open_profile(args) as profile:
        if args.action == "add":
            fields = {k: getattr(args, k) for k in ("name", "credit_code", *enterprise_rows.DETAIL_FIELDS)}
            row = enterprises.create(profile, **fields)
            print(row["id"])
            return 0
        rows = enterprises.listing(profile, args.search)
        colours = ratings.colours(profile)
        if args.json:
            print_json([{**r, "colour": c.value if (c := colours.get(r["id"])) else None} for r in rows])
        else:
            print(
                table(
                    [
                        "三色码 colour",
                        "名称 name",
                        "信用代码 credit code",
                        "待整改 open",
                        "逾期 overdue",
                        "最近巡查 last visit",
                        "id",
                    ],
                    [
                        [
                            c.zh if (c := colours.get(r["id"])) else "—",
                            r["name"],
                            r["credit_code"],
                            r["open_findings"],
                            r["overdue_findings"],
                            (clock.local_day(r["last_visit_at"]) if r["last_visit_at"] else ""),
                            r["id"],
                        ]
                        for r in rows
                    ],
                )
            )
    return 0


def _visits(args: argparse.Namespace) -> int:
    with open_profile(args) as profile:
        if args.action == "start":
            codes = [c.strip() for c in args.items.split(",") if c.strip()] if args.items else None
            visit = visits.start(profile, args.enterprise, args.kind, item_codes=codes, resume_draft=args.resume)
            print(visit["id"])
            return 0
        rows = visits.listing(profile, enterprise_id=args.enterprise, status=args.status, limit=args.limit)
        if args.json:
            print_json(rows)
        else:
            print(
                table(
                    [
                        "开始 started",
                        "企业 enterprise",
                        "类型 kind",
                        "状态 status",
                        "已答 answered",
                        "新问题 new",
                        "id",
                    ],
                    [
                        [
                            r["started_at"][:16].replace("T", " "),
                            r["enterprise_name"],
                            VisitKind(r["kind"]).zh,
                            r["status"],
                            f"{r['answered']}/{r['item_count']}",
                            r["new_findings"],
                            r["id"],
                        ]
                        for r in rows
                    ],
                )
            )
    return 0


def _findings(args: argparse.Namespace) -> int:
    with open_profile(args) as profile:
        rows = findings.listing(
            profile,
            query=args.search,
            open_only=args.open,
            overdue_only=args.overdue,
            severity=args.severity,
            enterprise_id=args.enterprise,
            limit=args.limit,
        )
        if args.json:
            print_json(rows)
        else:
            print(
                table(
                    ["期限 deadline", "企业 enterprise", "等级", "状态 status", "逾期天数", "问题 description", "id"],
                    [
                        [
                            r["deadline"],
                            r["enterprise_name"],
                            Severity(r["severity"]).zh,
                            FindingStatus(r["status"]).zh,
                            r["overdue_days"] or "",
                            r["description"][:24],
                            r["id"],
                        ]
                        for r in rows
                    ],
                )
            )
    return 0


def _figures(args: argparse.Namespace) -> int:
    def as_dict(f: Figures) -> dict[str, object]:  # printed as JSON
        return {**asdict(f), "rectification_rate": round(f.rectification_rate, 4)}

    with open_profile(args) as profile:
        total = findings.figures_for(profile)
        if args.by_enterprise:
            names = {r["id"]: r["name"] for r in enterprises.listing(profile)}
            per = findings.figures_by_enterprise(profile)
            if args.json:
                print_json({names.get(k, k): as_dict(v) for k, v in per.items()} | {"total": as_dict(total)})
                return 0
            print(
                table(
                    ["企业 enterprise", "发现 found", "已整改 rectified", "整改率 rate", "待整改 open", "逾期 overdue"],
                    [
                        [names.get(k, k), f.found, f.rectified, f.rate_text, f.open, f.overdue]
                        for k, f in sorted(per.items(), key=lambda kv: names.get(kv[0], ""))
                    ],
                )
            )
        if args.json:
            print_json(as_dict(total))
        else:
            print(
                f"共发现问题 {total.found} 个,已整改 {total.rectified} 个,整改率 {total.rate_text};"
                f"待整改 {total.open} 个,其中逾期 {total.overdue} 个。\n"
                f"Found {total.found}, rectified {total.rectified} ({total.rate_text}), "
                f"open {total.open}, overdue {total.overdue}."
            )
    return 0


def _photos(args: argparse.Namespace) -> int:
    with open_profile(args) as profile:
        item_id = None
        if args.item:
            match = [i for i in visits.items(profile, args.visit) if i["code"] == args.item]
            if not match:
                raise StewardError(f"本次巡查没有检查项 {args.item}。", f"The visit has no item {args.item}.")
            item_id = match[0]["id"]
        target = photos.LinkTarget(visit_id=args.visit, item_id=item_id, finding_id=args.finding)
        started = time.perf_counter()

        def progress(done: int, total: int, result: photos.PhotoResult) -> None:
            mark = {"imported": "✓", "already_stored": "=", "rejected": "✗"}[result.outcome]
            print(f"[{done}/{total}] {mark} {result.path.name}", flush=True)
            if result.error:
                print(f"        {result.error.zh}\n        {result.error.en}", flush=True)

        report = photos.import_photos(profile, args.paths, target, workers=args.workers, progress=progress)
        seconds = time.perf_counter() - started
        imported = report.count(photos.Outcome.IMPORTED)
        reused = report.count(photos.Outcome.ALREADY_STORED)
        print(
            f"导入 {imported} 张,已存在 {reused} 张,未导入 {len(report.rejected)} 张,用时 {seconds:.1f} 秒。\n"
            f"Imported {imported}, already stored {reused}, rejected {len(report.rejected)} in {seconds:.1f} s."
        )
        return 1 if report.rejected else 0


def _templates(args: argparse.Namespace) -> int:
    with open_profile(args) as profile:
        if args.action == "import":
            outcome = templates.import_file(profile, args.file)
            t = outcome.template
            if outcome.created:
                print(f"已导入 {t['code']} 第{t['version']}版。Imported {t['code']} version {t['version']}.")
            else:
                print(f"内容未变,仍为 {t['code']} 第{t['version']}版。Unchanged: {t['code']} version {t['version']}.")
            return 0
        if args.action == "show":
            template, items = templates.version_items(profile, args.code, args.version)
            if args.json:
                print_json({**template, "items": items})
                return 0
            print(f"{template['name_zh']}({template['code']} 第{template['version']}版,{len(items)} 项)")
            for i in items:
                print(
                    f"\n{i['code']} [{Severity(i['severity']).zh}] {i['text_zh']}\n  问题描述:{i['problem'] or '—'}"
                    f"\n  整改要求:{i['requirement'] or '—'}\n  依据:{i['basis'] or '—'}"
                )
            return 0
        rows = templates.listing(profile)
        if args.json:
            print_json(rows)
        else:
            print(
                table(
                    ["编号 code", "版本 version", "名称 name", "检查项 items", "已用于巡查 visits", "导入 imported"],
                    [
                        [
                            r["code"],
                            r["version"],
                            r["name_zh"],
                            r["item_count"],
                            r["visit_count"],
                            clock.local_day(r["imported_at"]),
                        ]
                        for r in rows
                    ],
                )
            )
    return 0


def _report(args: argparse.Namespace) -> int:
    from steward.services import documents

    with open_profile(args) as profile:
        if args.action == "batch":
            since = args.since.isoformat() if args.since else ""
            chosen = [
                v["id"]
                for v in visits.listing(profile, enterprise_id=args.enterprise, status="finished")
                if clock.local_day(v["started_at"]) >= since
            ]
            written = documents.export_visit_reports(
                profile,
                chosen,
                args.output,
                progress=lambda n, total, name: print(f"[{n}/{total}] {name}", flush=True),
            )
            print(f"已导出 {len(written)} 个文件到 {args.output}。Exported {len(written)} files.")
            return 0
        document: Notice | VisitReport | Ledger | PeriodSummary
        if args.action == "notice":
            document = documents.build_notice(profile, args.visit, args.copies)
        elif args.action == "visit":
            document = documents.build_visit_report(profile, args.visit, args.language)
        elif args.action == "ledger":
            document = documents.build_ledger(profile, args.enterprise, args.start, args.end)
        else:
            document = documents.build_summary(profile, args.start, args.end)
        result = documents.render(document)
        documents.save_pdf(result, args.output)
        for warning in result.warnings:
            print(f"注意 warning: {warning}", file=sys.stderr)
        print(f"已生成 {args.output}({len(result.pdf) / 1024:.0f} KB)。Written {args.output}.")
    return 0


def _settings(args: argparse.Namespace) -> int:
    with open_profile(args) as profile:
        if args.action == "set":
            setting = settings.by_key(args.key)
            settings.put(profile, setting, settings.parse(setting, args.value))

        def shown(s: settings.Setting) -> object:
            value = settings.get(profile, s)
            return ("*" * 8 if value else "") if s in settings.SECRET else value

        print(
            table(
                ["设置 key", "说明 meaning", "值 value"],
                [[s.key, f"{s.label_zh} {s.label_en}", shown(s)] for s in settings.ALL],
            )
        )
    return 0


def _sync(args: argparse.Namespace) -> int:
    from steward.sync import engine
    from steward.sync.client import HubClient

    with open_profile(args) as profile:
        if args.pending:
            waiting = engine.pending(profile)
            print(
                f"待同步:巡查 {waiting.visits} 次,记录 {waiting.records} 条,文件 {waiting.blobs} 个,"
                f"{waiting.bytes / 1e6:.1f} MB。Pending: {waiting.visits} visits, {waiting.records} records, "
                f"{waiting.blobs} files, {waiting.bytes / 1e6:.1f} MB."
            )
            if waiting.refused:
                print(
                    f"服务器拒收、未再上传(修改后才会重新上传)的记录 {len(waiting.refused)} 条。"
                    f"Refused by the hub, not sent again until changed: {len(waiting.refused)}."
                )
            for refused in waiting.refused:
                print(f"  拒收,未上传 refused, not sent: {_refusal_line(refused)}")
            return 0
        if args.retry_refused:
            forgotten = engine.retry_refused(profile)
            print(f"将重新上传曾被拒收的记录 {forgotten} 条。Refused records to send again: {forgotten}.")
        url = args.hub or settings.get(profile, settings.HUB_URL)
        token = args.token or settings.get(profile, settings.HUB_TOKEN)
        if args.remember:
            settings.put(profile, settings.HUB_URL, url or "")
            settings.put(profile, settings.HUB_TOKEN, token or "")
        ca_bundle = args.ca_bundle or settings.get(profile, settings.HUB_CA_BUNDLE)
        if args.remember and args.ca_bundle:
            settings.put(profile, settings.HUB_CA_BUNDLE, settings.parse(settings.HUB_CA_BUNDLE, args.ca_bundle))
        client = HubClient(url or "", token or "", engine.profile_id(profile), ca_bundle=ca_bundle or None)
        started = time.perf_counter()
        last = [0.0]

        def progress(stage: str, done: int, total: int) -> None:
            now = time.perf_counter()
            if stage == "upload" and (now - last[0] > 0.5 or done == total):
                last[0] = now
                rate = done / max(now - started, 1e-6) / 1e6
                left = (total - done) / 1e6 / rate if rate > 0 else 0
                print(
                    f"  上传 {done / 1e6:.1f}/{total / 1e6:.1f} MB  {rate:.1f} MB/s  剩余约 {left:.0f} 秒", flush=True
                )

        # Closed as the sync ends: a connection left open holds up the hub's graceful shutdown for as long as this
        # process lives (over TLS until asyncio's 30 s wait for the laptop's close_notify).
        with client:
            report = engine.sync(profile, client, progress)
        for line in report.log:
            print(line)
        for conflict in report.conflicts:
            print(f"冲突 conflict: {conflict['entity']} {conflict['id']}({conflict['reason']})", file=sys.stderr)
        for refusal in report.refused:
            print(
                f"拒收 refused: {refusal['entity']} {refusal['id']}:{refusal.get('zh', '')} {refusal.get('en', '')}",
                file=sys.stderr,
            )
        for skipped in report.skipped:
            print(f"跳过 skipped: {skipped['entity']} {skipped['id']}:{skipped['zh']} {skipped['en']}", file=sys.stderr)
        for held in report.held_back:
            print(f"拒收,未上传 refused, not sent: {_refusal_line(held)}", file=sys.stderr)
        if report.key_problem:
            print(f"签名密钥 signing key: {report.key_problem['zh']} {report.key_problem['en']}", file=sys.stderr)
        print(f"同步完成,用时 {report.seconds:.1f} 秒。Sync done in {report.seconds:.1f} s.")
        return 1 if report.conflicts or report.refused or report.held_back or report.key_problem else 0


def _refusal_line(refused: Mapping[str, object]) -> str:
    return f"{refused['entity']} {refused['id']}({refused['code']}):{refused['zh']} {refused['en']}"


def _bundle(args: argparse.Namespace) -> int:
    from steward.sync import bundle

    with open_profile(args) as profile:
        token = args.token or settings.get(profile, settings.HUB_TOKEN)
        if not token:
            raise StewardError(
                "离线包需要用本人的同步令牌签名:请在设置中填写或使用 --token。",
                "A bundle is sealed with your token: set it in settings or pass --token.",
            )
        made = bundle.export(profile, token, args.output)
        print(
            f"已生成离线包 {args.output}:记录 {made['records']} 条,文件 {made['blobs']} 个,"
            f"{made['bytes'] / 1e6:.1f} MB。连上网络后正常同步一次,即可确认服务器已收到。\n"
            f"Bundle written: {made}. Sync once online to have the hub acknowledge it."
        )
        if not made["signed"]:
            print(
                "此档案的签名密钥尚未在服务器登记(联网同步一次即登记),本离线包仅以令牌封签。\n"
                "This profile's signing key is not registered on the hub yet (one online sync registers it); "
                "the bundle is sealed with the token only."
            )
    return 0


def _profiles(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data_dir)
    print(f"数据文件夹 data folder: {data_dir}")
    for name in list_profiles(data_dir):
        print(name)
    return 0


_HANDLERS = {
    "demo": _demo,
    "check": _check,
    "enterprises": _enterprises,
    "visits": _visits,
    "findings": _findings,
    "figures": _figures,
    "photos": _photos,
    "templates": _templates,
    "profiles": _profiles,
    "report": _report,
    "settings": _settings,
    "sync": _sync,
    "bundle": _bundle,
    "backup": backup_commands.backup_command,
    "restore": backup_commands.restore_command,
    "diagnostics": backup_commands.diagnostics_command,
    "events": rating_commands.events_command,
    "ratings": rating_commands.ratings_command,
    "export": export_commands.export_command,
}


def dispatch(args: argparse.Namespace) -> int:
    return _HANDLERS[args.command](args)
