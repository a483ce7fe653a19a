"""`steward events` (complaints, penalties, hazardous waste) and `steward ratings` (the three-colour rating)."""

from __future__ import annotations

import argparse
from datetime import date

from steward.cli.output import print_json, table
from steward.domain import clock
from steward.domain.rating import Colour, RecordKind
from steward.services import enterprise_events, profiles, ratings


def events_command(args: argparse.Namespace) -> int:
    with profiles.open_profile(args.data_dir, args.profile) as profile:
        if args.action == "add":
            row = enterprise_events.add(
                profile,
                args.enterprise,
                args.kind,
                args.on,
                source=args.source,
                authority=args.authority,
                number=args.number,
                substantiated=args.substantiated,
                note=args.note,
            )
            print(row["id"])
            return 0
        if args.action == "edit":
            row = enterprise_events.edit(
                profile,
                args.id,
                on=args.on,
                source=args.source,
                authority=args.authority,
                number=args.number,
                substantiated=args.substantiated,
                note=args.note,
                reason=args.reason,
            )
            print(f"已更改(第 {row['revision']} 版)changed (revision {row['revision']}): {row['id']}")
            return 0
        if args.action == "delete":
            row = enterprise_events.delete(profile, args.id, args.reason)
            print(f"已删除 deleted: {row['id']}")
            return 0
        rows = enterprise_events.listing(profile, args.enterprise)
        if args.json:
            print_json(rows)
            return 0
        print(
            table(
                [
                    "日期 date",
                    "企业 enterprise",
                    "类型 kind",
                    "查实 subst.",
                    "来源/机关/文号 source",
                    "备注 note",
                    "id",
                ],
                [
                    [
                        r["on_date"],
                        r["enterprise_name"],
                        RecordKind(r["kind"]).zh,
                        ("是" if r["substantiated"] else "否") if r["kind"] == "complaint" else "",
                        " ".join(p for p in (r["source"], r["authority"], r["number"]) if p),
                        r["note"],
                        r["id"],
                    ]
                    for r in rows
                ],
            )
        )
    return 0


def _print_ratings(args: argparse.Namespace, as_of: date) -> int:
    with profiles.open_profile(args.data_dir, args.profile) as profile:
        rows = ratings.ratings(profile, as_of, args.enterprise)
    if args.json:
        print_json([r.to_dict() for r in rows])
        return 0
    print(f"截至 {as_of} 的三色码评级 Ratings as of {as_of}")
    for r in rows:
        print(f"\n{r.rating.colour.zh} {r.rating.colour.en:<6} {r.name}  ({r.enterprise_id})")
        for reason in r.rating.reasons:
            print(f"  - {reason.zh}\n    {reason.en}")
    counts = {c: sum(1 for r in rows if r.rating.colour is c) for c in Colour}
    print("\n" + "  ".join(f"{c.zh} {c.en}: {n}" for c, n in counts.items()))
    return 0


def _print_timeline(args: argparse.Namespace) -> int:
    with profiles.open_profile(args.data_dir, args.profile) as profile:
        changes = ratings.enterprise_timeline(profile, args.enterprise, args.until)
    if args.json:
        print_json([c.to_dict() for c in changes])
        return 0
    if not changes:
        print("尚无任何记录。No facts recorded yet.")
    for c in changes:
        was = f"{c.previous.zh} → " if c.previous else ""
        print(f"{c.on}  {was}{c.rating.colour.zh} ({c.rating.colour.en})")
        for reason in c.rating.reasons:
            print(f"    - {reason.zh}\n      {reason.en}")
    return 0


def _print_months(args: argparse.Namespace) -> int:
    end = args.end or clock.today()
    with profiles.open_profile(args.data_dir, args.profile) as profile:
        months = ratings.monthly_distribution(profile, args.start, end)
    if args.json:
        print_json([{"as_of": d.isoformat(), **{c.value: n for c, n in counts.items()}} for d, counts in months])
        return 0
    print(
        table(
            ["截至 as of", "红码 red", "黄码 yellow", "绿码 green"],
            [[d.isoformat(), counts[Colour.RED], counts[Colour.YELLOW], counts[Colour.GREEN]] for d, counts in months],
        )
    )
    return 0


def ratings_command(args: argparse.Namespace) -> int:
    if args.action == "timeline":
        return _print_timeline(args)
    if args.action == "months":
        return _print_months(args)
    return _print_ratings(args, args.as_of or clock.today())
