"""`steward demo`: a realistic profile — a park of craft enterprises in 仙居县 and a year of weekly visits.

Deterministic for a given seed. Rows are built here and written in bulk (one transaction per table), so the default
profile takes a couple of seconds; the states of findings are derived by the same domain rules as live data.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from PIL import Image, ImageDraw

from steward.domain import clock
from steward.domain.credit_code import ALPHABET, check_character
from steward.domain.errors import StewardError
from steward.domain.findings import FindingEvent, derive_state
from steward.domain.ids import new_id
from steward.domain.labels import EventKind, Severity
from steward.domain.pinyin import name_keys
from steward.services import settings
from steward.services import templates as template_service
from steward.storage import bulk
from steward.storage import photos as photos_store
from steward.storage import templates as template_store
from steward.storage.photo_processing import prepare_photo, sha256_hex
from steward.storage.photo_store import PhotoStore
from steward.storage.profile import Profile

_TRADE_NAMES = [
    "源泉",
    "永安",
    "华艺",
    "鑫达",
    "盛景",
    "金竹",
    "木韵",
    "博雅",
    "恒远",
    "天工",
    "巧匠",
    "雅轩",
    "荣昌",
    "德润",
    "明辉",
    "东方",
    "锦绣",
    "福泰",
    "嘉禾",
    "瑞丰",
    "宏图",
    "新雕",
    "竹韵",
    "古今",
    "逸品",
    "匠心",
    "美林",
    "春晖",
    "和顺",
    "富华",
    "旺达",
    "晨光",
    "正大",
    "汇通",
    "兴隆",
    "万家",
    "丰源",
    "祥和",
    "腾飞",
    "卓越",
    "星海",
    "蓝天",
    "青松",
    "翠竹",
    "银杉",
    "金鼎",
    "玉华",
    "顺发",
    "安康",
    "康乐",
    "淼鑫",
    "堃元",
    "瑞雪",
    "朝阳",
    "广源",
    "仙艺",
    "神仙居",
    "括苍",
    "永泰",
    "凯旋",
]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱马胡郭林何高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤应"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志海燕飞鹏辉文斌晓东雪梅林波宇浩凯"
_TOWNS = ("福应街道", "南峰街道", "安洲街道", "白塔镇", "田市镇", "官路镇", "下各镇", "横溪镇", "埠头镇", "安岭乡")
_INDUSTRIES = (("craft", "工艺品", 0.7), ("rubber-plastics", "橡塑", 0.15), ("machinery", "机械", 0.15))
_LOCATIONS = (
    "喷漆车间",
    "打磨车间",
    "危废仓库",
    "调漆间",
    "废气处理设施",
    "雕刻车间",
    "原料仓库",
    "厂区雨水口",
    "烘干房",
)
_PARK = "安创小微园区"


@dataclass(frozen=True)
class DemoSize:
    enterprises: int = 53
    weeks: int = 52
    seed: int = 2026


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def _credit_code(rng: random.Random, used: set[str]) -> str:
    while True:
        first17 = "91331024" + "".join(rng.choice(ALPHABET) for _ in range(9))
        code = first17 + check_character(first17)
        if code not in used:
            used.add(code)
            return code


def _enterprise_rows(rng: random.Random, count: int, stamp: str) -> list[dict[str, Any]]:
    rows, used_codes, used_names = [], set(), set()
    for n in range(count):
        template_code, industry = "craft", "工艺品"
        if n >= 53:  # the first 53 are the craft park of the article; larger profiles mix industries
            roll, acc = rng.random(), 0.0
            for code, label, share in _INDUSTRIES:
                acc += share
                if roll <= acc:
                    template_code, industry = code, label
                    break
        trade = _TRADE_NAMES[n % len(_TRADE_NAMES)]
        if n >= len(_TRADE_NAMES):
            trade += rng.choice(_TRADE_NAMES)[:1] + str(n // len(_TRADE_NAMES))
        suffix = {"craft": "工艺品有限公司", "rubber-plastics": "橡塑制品有限公司", "machinery": "机械有限公司"}
        name = f"仙居县{trade}{suffix[template_code]}"
        while name in used_names:
            name = name.replace("有限公司", "制造有限公司", 1)
        used_names.add(name)
        in_park = n < 53
        address = (
            f"浙江省台州市仙居县安岭乡{_PARK}{n + 1}号"
            if in_park
            else f"浙江省台州市仙居县{rng.choice(_TOWNS)}工业区{rng.randint(1, 199)}号"
        )
        rows.append(
            {
                "id": new_id(),
                "name": name,
                "credit_code": _credit_code(rng, used_codes),
                "industry": industry,
                "address": address,
                "legal_representative": _name(rng),
                "contact_person": _name(rng),
                "contact_phone": f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
                "policy_number": f"PICC-XJ-2026-{n + 1:04d}",
                "insurer": "中国人民财产保险仙居支公司",
                "park": _PARK if in_park else "",
                "template_code": template_code,
                "name_pinyin": name_keys(name),
                "archived": 0,
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
    return rows


def _demo_photo_bytes(rng: random.Random, index: int, taken: datetime) -> bytes:
    """A small plausible 'site photo' (walls, a booth, drums) with EXIF time, drawn without any font."""
    img = Image.new("RGB", (800, 600), (rng.randint(150, 210),) * 3)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 420, 800, 600), fill=(110 + index * 5 % 60, 100, 90))
    for _ in range(rng.randint(2, 5)):
        x, y = rng.randint(20, 650), rng.randint(220, 420)
        colour = rng.choice(((30, 90, 160), (200, 60, 40), (60, 130, 60), (210, 170, 40)))
        draw.rectangle((x, y, x + rng.randint(60, 140), y + rng.randint(80, 180)), fill=colour, outline=(20, 20, 20))
    draw.rectangle((300, 60, 520, 260), outline=(40, 40, 40), width=6)
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=80, exif=exif)
    return out.getvalue()


def _store_demo_photos(store: PhotoStore, rng: random.Random, count: int) -> list[dict[str, Any]]:
    from pathlib import Path

    rows = []
    base = datetime.now().astimezone() - timedelta(days=30)
    for i in range(count):
        data = _demo_photo_bytes(rng, i, base + timedelta(hours=i * 7))
        prepared = prepare_photo(Path(f"IMG_{2000 + i}.jpg"), data, sha256_hex(data))
        store.write_photo(prepared, data)
        # The drawn photos carry no GPS; the rows get it, as a phone's watermark camera would have recorded.
        row = photos_store.row_for(prepared, clock.to_text(clock.now()))
        rows.append({**row, "gps_lat": 28.85 + rng.random() / 100, "gps_lon": 120.73 + rng.random() / 100})
    return rows


class _Builder:
    def __init__(self, profile: Profile, rng: random.Random, today: date) -> None:
        self.profile = profile
        self.rng = rng
        self.today = today
        self.visits: list[dict[str, Any]] = []
        self.visit_items: list[dict[str, Any]] = []
        self.answers: list[dict[str, Any]] = []
        self.findings: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.links: list[dict[str, Any]] = []
        self.templates: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
        for row in template_store.list_all(profile.db):
            latest = template_store.latest_version(profile.db, row["code"])
            assert latest is not None
            self.templates[row["code"]] = (latest, template_store.items(profile.db, latest["id"]))

    def _moment(self, day: date) -> datetime:
        local = datetime(day.year, day.month, day.day, self.rng.randint(8, 16), self.rng.randint(0, 59),
                         tzinfo=clock.now().astimezone().tzinfo)  # fmt: skip
        return local.astimezone(UTC)

    def enterprise(self, ent: dict[str, Any], weeks: int, steward: str, photos: list[str]) -> None:
        template, items = self.templates.get(ent["template_code"]) or self.templates["craft"]
        offset = self.rng.randint(0, 4)
        days = [self.today - timedelta(days=7 * (weeks - w) - offset) for w in range(weeks)]
        days = [d for d in days if d < self.today]
        visit_times = [self._moment(d) for d in days]
        visit_ids = [new_id() for _ in visit_times]
        for index, started in enumerate(visit_times):
            kind = "first" if index == 0 else ("recheck" if self.rng.random() < 0.05 else "routine")
            chosen = items if kind == "first" else self.rng.sample(items, min(12, len(items)))
            visit_id = visit_ids[index]
            finished = started + timedelta(minutes=self.rng.randint(40, 150))
            self.visits.append({
                "id": visit_id, "enterprise_id": ent["id"], "template_id": template["id"], "steward": steward,
                "kind": kind, "status": "finished", "started_at": clock.to_text(started),
                "finished_at": clock.to_text(finished), "notice_number": None, "summary": "",
                "updated_at": clock.to_text(finished),
            })  # fmt: skip
            problem_rate = 0.3 if kind == "first" else 0.06
            for pos, item in enumerate(chosen):
                self.visit_items.append({"visit_id": visit_id, "item_id": item["id"], "position": pos})
                roll = self.rng.random()
                result = "not_compliant" if roll < problem_rate else ("not_applicable" if roll > 0.95 else "compliant")
                note = "现场发现问题,已拍照取证" if result == "not_compliant" else ""
                self.answers.append({
                    "id": new_id(), "visit_id": visit_id, "item_id": item["id"], "result": result, "note": note,
                    "updated_at": clock.to_text(started + timedelta(minutes=pos + 1)),
                })  # fmt: skip
                if result == "not_compliant":
                    later = list(zip(visit_times[index + 1 :], visit_ids[index + 1 :], strict=True))
                    self._finding(ent, template, item, visit_id, started, later, steward, photos)
            if photos and self.rng.random() < 0.5:
                self.links.append({
                    "id": new_id(), "sha256": self.rng.choice(photos), "visit_id": visit_id, "item_id": None,
                    "finding_id": None, "event_id": None, "caption": "现场全景", "created_at": clock.to_text(started),
                })  # fmt: skip

    def _finding(self, ent: dict[str, Any], template: dict[str, Any], item: dict[str, Any], visit_id: str,
                 created: datetime, later: list[tuple[datetime, str]], steward: str, photos: list[str]) -> None:  # fmt: skip
        severity = Severity(item["severity"])
        deadline = clock.local_date(created) + timedelta(days=template_service.deadline_days(template, severity))
        finding_id = new_id()
        stamp = clock.to_text(created)
        events = [FindingEvent(new_id(), finding_id, EventKind.OPENED, created, steward, "")]
        roll = self.rng.random()
        later_visits = [t for t, _ in later]

        def add(kind: EventKind, at: datetime, note: str, by: str = steward) -> None:
            events.append(FindingEvent(new_id(), finding_id, kind, at, by, note))

        if later_visits:
            horizon = later_visits[: self.rng.randint(1, 6)]
            settled = len(later_visits) >= 8  # old findings have mostly been dealt with
            if roll < 0.72 or (settled and roll >= 0.92 and self.rng.random() < 0.7):
                if len(horizon) > 1 and self.rng.random() < 0.25:
                    add(EventKind.RECHECK_PARTLY, horizon[0], "已部分整改，仍需完善")
                add(EventKind.RECHECK_RECTIFIED, horizon[-1], "现场复查，已按要求整改")
            elif roll < 0.77:
                add(EventKind.WAIVED, horizon[-1], "该工序已停产拆除，免于整改")
            elif roll < 0.87:
                add(EventKind.RECHECK_NOT_RECTIFIED, horizon[0], "复查时尚未整改")
                if settled:
                    add(EventKind.RECHECK_RECTIFIED, later_visits[min(len(later_visits) - 1, 7)], "再次复查，已整改")
            elif roll < 0.92:
                add(
                    EventKind.RECTIFICATION_REPORTED,
                    horizon[0] - timedelta(days=1),
                    "企业报告已整改，附整改照片",
                    by=ent["contact_person"],
                )
                if settled:
                    add(EventKind.RECHECK_RECTIFIED, horizon[0], "复查确认已整改")
            elif self.rng.random() < 0.5:
                add(EventKind.RECHECK_PARTLY, horizon[0], "已部分整改，仍需完善")
        visit_of = dict(later)
        for e in events:
            self.events.append({
                "id": e.id, "finding_id": finding_id, "kind": e.kind.value, "at": clock.to_text(e.at), "by": e.by,
                "note": e.note, "visit_id": visit_id if e.kind == EventKind.OPENED else visit_of.get(e.at),
            })  # fmt: skip
        state = derive_state(events)
        self.findings.append({
            "id": finding_id, "enterprise_id": ent["id"], "visit_id": visit_id, "item_id": item["id"],
            "location": self.rng.choice(_LOCATIONS), "description": item["text_zh"], "basis": item["basis"],
            "severity": severity.value, "requirement": f"按照{item['basis'] or '相关规定'}的要求整改到位，并提交整改前后照片。",
            "deadline": deadline.isoformat(), "created_at": stamp, "created_by": steward,
            "status": state.status.value, "closed_at": clock.to_text(state.closed_at) if state.closed_at else None,
            "updated_at": stamp,
        })  # fmt: skip
        if photos:
            for sha in self.rng.sample(photos, self.rng.randint(1, 2)):
                self.links.append({
                    "id": new_id(), "sha256": sha, "visit_id": visit_id, "item_id": item["id"],
                    "finding_id": finding_id, "event_id": None, "caption": "", "created_at": stamp,
                })  # fmt: skip

    def write(self) -> None:
        db = self.profile.db
        with db.write():
            for table, rows in (("visits", self.visits), ("visit_items", self.visit_items),
                                ("answers", self.answers), ("findings", self.findings),
                                ("finding_events", self.events), ("photo_links", self.links)):  # fmt: skip
                bulk.insert_rows(db, table, rows)


def make_demo(
    profile: Profile,
    size: DemoSize = DemoSize(),
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Fill an empty profile with demo data. Returns counts of what was made."""
    say = progress or (lambda _msg: None)
    if not bulk.is_empty(profile.db):
        raise StewardError(
            "该档案中已有数据,演示数据只能写入空档案。",
            "The profile already has data; demo data goes only into an empty one.",
        )
    rng = random.Random(size.seed)
    day = today or clock.today()
    settings.put(profile, settings.STEWARD_NAME, "李明")
    settings.put(profile, settings.FIRM_NAME, "仙居绿源环境服务有限公司")
    settings.put(profile, settings.INSURER_NAME, "中国人民财产保险股份有限公司仙居支公司")
    say("checklists")
    template_service.install_bundled(profile)
    say("enterprises")
    stamp = clock.to_text(clock.now())
    enterprises = _enterprise_rows(rng, size.enterprises, stamp)
    bulk.insert_rows(profile.db, "enterprises", enterprises)
    say("photos")
    photo_rows = _store_demo_photos(profile.photos, rng, 12)
    bulk.insert_rows(profile.db, "photos", photo_rows)
    photos = [r["sha256"] for r in photo_rows]
    say("visits")
    builder = _Builder(profile, rng, day)
    for ent in enterprises:
        if rng.random() < 0.85:  # most enterprises are visited weekly; a few were insured only recently
            builder.enterprise(ent, size.weeks if rng.random() < 0.9 else rng.randint(1, 8), "李明", photos)
    builder.write()
    return {
        "enterprises": len(enterprises),
        "visits": len(builder.visits),
        "answers": len(builder.answers),
        "findings": len(builder.findings),
        "photos": len(photo_rows),
    }
