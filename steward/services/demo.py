"""`steward demo`: a realistic profile — a park of craft enterprises in 仙居县 and a year of weekly visits.

Deterministic for a given seed. Rows are built here and written in bulk (one transaction per table), so the default
profile takes a couple of seconds; the states of findings are derived by the same domain rules as live data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypedDict

from steward.domain import clock
from steward.domain.credit_code import ALPHABET, check_character
from steward.domain.errors import StewardError
from steward.domain.findings import FindingEvent, derive_state
from steward.domain.ids import new_id
from steward.domain.labels import EventKind, Severity
from steward.domain.pinyin import name_keys
from steward.services import settings
from steward.services import templates as template_service
from steward.services.demo_photos import PhotoPool
from steward.storage import bulk, records
from steward.storage import photos as photos_store
from steward.storage import templates as template_store
from steward.storage.photo_processing import PreparedPhoto
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
# Where each item's problem is found and what its photo shows (a scene of services/demo_photos.py): an EIA or a
# ledger is looked at in the office, a drum in the hazardous-waste store.
_OFFICE = "办公室（档案）"
_LEDGERS = "办公室（台账）"
_COMMON_PLACES: dict[str, tuple[str, str]] = {
    "A": (_OFFICE, "papers"),
    "H1": (_OFFICE, "papers"),
}
_PLACES: dict[str, dict[str, tuple[str, str]]] = {
    "craft": {
        "B1": ("喷漆车间", "booth"),
        "B2": ("喷漆房", "booth"),
        "B3": ("调漆间", "booth"),
        "B4": ("喷漆房集气罩及风管", "duct"),
        "B5": ("废气处理设施", "duct"),
        "B6": ("漆雾预处理装置", "duct"),
        "B7": ("活性炭吸附装置", "duct"),
        "B8": (_LEDGERS, "papers"),
        "B9": ("废气处理设施", "duct"),
        "B10": ("UV光解设备", "duct"),
        "B11": ("油漆仓库", "drums"),
        "B12": ("排气筒", "stack"),
        "B13": ("厂界", "stack"),
        "B14": ("油漆仓库", "drums"),
        "C1": ("打磨车间", "machines"),
        "C2": ("布袋除尘器", "duct"),
        "C3": ("打磨车间", "machines"),
        "D1": ("危废仓库", "drums"),
        "D2": ("危废仓库", "drums"),
        "D3": ("危废仓库", "drums"),
        "D4": ("危废仓库", "sign"),
        "D5": (_LEDGERS, "papers"),
        "D6": (_LEDGERS, "papers"),
        "D7": ("危废仓库", "drums"),
        "D8": ("喷漆房水帘池", "drain"),
        "E1": ("一般固废堆场", "heap"),
        "E2": (_LEDGERS, "papers"),
        "F1": ("厂区雨水口", "drain"),
        "F2": ("循环水池", "drain"),
        "G1": ("风机房", "machines"),
        "H2": ("油漆仓库", "drums"),
        "H3": ("油漆仓库", "drums"),
        "I1": (_LEDGERS, "papers"),
        "I2": (_LEDGERS, "papers"),
        "I3": (_OFFICE, "papers"),
        "I4": (_OFFICE, "papers"),
        "J1": ("废气处理设施", "sign"),
    },
    "rubber-plastics": {
        "R1": ("密炼车间投料口", "machines"),
        "R2": ("硫化车间", "machines"),
        "R3": ("厂界", "stack"),
        "R4": ("注塑车间", "machines"),
        "R5": ("原料仓库", "drums"),
        "R6": ("废塑料清洗池", "drain"),
        "D1": ("危废仓库", "drums"),
        "D2": (_LEDGERS, "papers"),
        "D3": (_LEDGERS, "papers"),
        "H2": (_LEDGERS, "papers"),
    },
    "machinery": {
        "M1": ("机加工车间", "drums"),
        "M2": ("金属屑堆放点", "heap"),
        "M3": ("焊接车间", "machines"),
        "M4": ("抛丸车间", "machines"),
        "M5": ("喷涂车间", "booth"),
        "D1": ("危废仓库", "drums"),
        "D2": (_LEDGERS, "papers"),
        "D3": (_LEDGERS, "papers"),
        "H2": ("危废仓库", "drums"),
    },
}
_OVERVIEW = {"craft": "booth", "rubber-plastics": "machines", "machinery": "machines"}


def place_of(template_code: str, item: records.TemplateItem) -> tuple[str, str]:
    """(location, photo scene) of a checklist item's problem."""
    code = item["code"]
    own = _PLACES.get(template_code, {})
    return (
        own.get(code)
        or _COMMON_PLACES.get(code)
        or _COMMON_PLACES.get(item["category_code"])
        or ("生产车间", "machines")
    )


_PARK = "安创小微园区"


@dataclass(frozen=True)
class DemoSize:
    enterprises: int = 53
    weeks: int = 52
    seed: int = 2026
    # Photos for every finding (~2 per finding, ~17 KB each): off for scale benchmarks of hundreds of enterprises
    # over years, which measure queries and screens, not gigabytes of drawn pictures.
    photos: bool = True


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def _credit_code(rng: random.Random, used: set[str]) -> str:
    while True:
        first17 = "91331024" + "".join(rng.choice(ALPHABET) for _ in range(9))
        code = first17 + check_character(first17)
        if code not in used:
            used.add(code)
            return code


def _enterprise_rows(rng: random.Random, count: int, stamp: str) -> list[records.Enterprise]:
    rows: list[records.Enterprise] = []
    used_codes: set[str] = set()
    used_names: set[str] = set()
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


class _VisitItemRow(TypedDict):
    """A row of `visit_items`: an item a visit takes, in the visit's order."""

    visit_id: str
    item_id: str
    position: int


@dataclass(frozen=True)
class _Visit:
    id: str
    start: datetime
    end: datetime


class _Builder:
    def __init__(self, profile: Profile, rng: random.Random, today: date, photo_rng: random.Random | None) -> None:
        self.profile = profile
        self.rng = rng
        self.today = today
        # Photos draw from their own generator: with or without them, the visits and findings are the same.
        self.pool = PhotoPool(photo_rng) if photo_rng else None
        self.visits: list[records.Visit] = []
        self.visit_items: list[_VisitItemRow] = []
        self.answers: list[records.Answer] = []
        self.findings: list[records.Finding] = []
        self.events: list[records.FindingEvent] = []
        self.links: list[records.PhotoLink] = []
        self.photos: list[records.Photo] = []
        self.files: list[tuple[PreparedPhoto, bytes, str | None]] = []  # (photo, bytes, same picture as)
        self.first_of_picture: dict[tuple[str, str, int], str] = {}
        # Pictures already shown in a visit (or an enterprise's report), by scene: none is shown twice there.
        self.shown: dict[str, dict[tuple[str, str], set[int]]] = {}
        self.templates: dict[str, tuple[records.Template, list[records.TemplateItem]]] = {}
        for row in template_store.list_all(profile.db):
            latest = template_store.latest_version(profile.db, row["code"])
            assert latest is not None
            self.templates[row["code"]] = (latest, template_store.items(profile.db, latest["id"]))

    def _moment(self, day: date) -> datetime:
        local = datetime(
            day.year,
            day.month,
            day.day,
            self.rng.randint(8, 15),
            self.rng.randint(0, 59),
            tzinfo=clock.now().astimezone().tzinfo,
        )
        return local.astimezone(UTC)

    def _evidence(
        self,
        shown_in: str,
        scene: str,
        state: str,
        taken: datetime,
        spot: tuple[float, float],
        visit_id: str | None,
        item_id: str | None = None,
        finding_id: str | None = None,
        event_id: str | None = None,
        caption: str = "",
    ) -> None:
        """A new photo file of `scene`, taken at `taken` (UTC) at the enterprise's spot, and its link.
        `shown_in` names where it is shown (a visit): no picture appears there twice."""
        if self.pool is None:
            return
        used = self.shown.setdefault(shown_in, {}).setdefault((scene, state), set())
        variant = self.pool.pick(scene, state, used)
        jitter = self.pool.rng.uniform(-0.4, 0.4), self.pool.rng.uniform(-0.4, 0.4)  # a few metres across the plant
        prepared, data = self.pool.photo(
            scene, state, variant, taken.astimezone().replace(tzinfo=None), spot[0] + jitter[0], spot[1] + jitter[1]
        )
        first = self.first_of_picture.setdefault((scene, state, variant), prepared.sha256)
        self.files.append((prepared, data, None if first == prepared.sha256 else first))
        self.photos.append(photos_store.row_for(prepared, clock.to_text(taken)))
        self.links.append(
            {
                "id": new_id(),
                "sha256": prepared.sha256,
                "visit_id": visit_id,
                "item_id": item_id,
                "finding_id": finding_id,
                "event_id": event_id,
                "caption": caption,
                "created_at": clock.to_text(taken),
            }
        )

    def enterprise(self, ent: records.Enterprise, weeks: int, steward: str) -> None:
        template, items = self.templates.get(ent["template_code"]) or self.templates["craft"]
        offset = self.rng.randint(0, 4)
        days = [self.today - timedelta(days=7 * (weeks - w) - offset) for w in range(weeks)]
        days = [d for d in days if d < self.today]
        starts = [self._moment(d) for d in days]
        plan = [_Visit(new_id(), s, s + timedelta(minutes=self.rng.randint(40, 150))) for s in starts]
        spot = (self.rng.uniform(5, 55), self.rng.uniform(5, 55))  # where in the park (seconds of arc)
        for index, visit in enumerate(plan):
            kind = "first" if index == 0 else ("recheck" if self.rng.random() < 0.05 else "routine")
            chosen = items if kind == "first" else self.rng.sample(items, min(12, len(items)))
            started, finished = visit.start, visit.end
            self.visits.append(
                {
                    "id": visit.id,
                    "enterprise_id": ent["id"],
                    "template_id": template["id"],
                    "steward": steward,
                    "kind": kind,
                    "status": "finished",
                    "started_at": clock.to_text(started),
                    "finished_at": clock.to_text(finished),
                    "notice_number": None,
                    "summary": "",
                    "updated_at": clock.to_text(finished),
                    "origin": "here",
                }
            )
            if index == 0 or self.rng.random() < 0.1:
                scene = _OVERVIEW.get(template["code"], "machines")
                at = started + timedelta(minutes=1)
                self._evidence(visit.id, scene, "after", at, spot, visit.id, caption="现场全景")
            problem_rate = 0.3 if kind == "first" else 0.06
            step = (finished - started) / (len(chosen) + 1)  # the items are walked through during the visit
            for pos, item in enumerate(chosen):
                self.visit_items.append({"visit_id": visit.id, "item_id": item["id"], "position": pos})
                roll = self.rng.random()
                result = "not_compliant" if roll < problem_rate else ("not_applicable" if roll > 0.95 else "compliant")
                note = "现场发现问题,已拍照取证" if result == "not_compliant" else ""
                at = started + step * (pos + 1)
                self.answers.append(
                    {
                        "id": new_id(),
                        "visit_id": visit.id,
                        "item_id": item["id"],
                        "result": result,
                        "note": note,
                        "updated_at": clock.to_text(at),
                    }
                )
                if result == "not_compliant":
                    self._finding(ent, template, item, visit, at, plan[index + 1 :], steward, spot)

    def _finding(
        self,
        ent: records.Enterprise,
        template: records.Template,
        item: records.TemplateItem,
        visit: _Visit,
        seen_at: datetime,
        later: list[_Visit],
        steward: str,
        spot: tuple[float, float],
    ) -> None:
        created = visit.start
        severity = Severity(item["severity"])
        deadline = clock.local_date(created) + timedelta(days=template_service.deadline_days(template, severity))
        finding_id = new_id()
        stamp = clock.to_text(created)
        events = [FindingEvent(new_id(), finding_id, EventKind.OPENED, created, steward, "")]
        roll = self.rng.random()
        later_visits = [v.start for v in later]

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
        visit_of = {v.start: v for v in later}
        location, scene = place_of(template["code"], item)
        for e in events:
            at_visit = visit_of.get(e.at) if e.kind != EventKind.OPENED else visit
            self.events.append(
                {
                    "id": e.id,
                    "finding_id": finding_id,
                    "kind": e.kind.value,
                    "at": clock.to_text(e.at),
                    "by": e.by,
                    "note": e.note,
                    "visit_id": at_visit.id if at_visit else None,
                    "new_deadline": None,
                }
            )
            if e.kind == EventKind.RECHECK_RECTIFIED and at_visit is not None:
                # The after-photo, taken by the steward during the re-check visit.
                at = at_visit.start + (at_visit.end - at_visit.start) * self.rng.uniform(0.05, 0.95)
                self._evidence(
                    at_visit.id, scene, "after", at, spot, at_visit.id, item["id"], finding_id, e.id, "整改后"
                )
            elif e.kind == EventKind.RECTIFICATION_REPORTED:
                at = e.at - timedelta(minutes=self.rng.randint(30, 600))  # taken by the enterprise before reporting
                self._evidence(e.id, scene, "after", at, spot, None, item["id"], finding_id, e.id, "企业提交的整改照片")
        state = derive_state(events)
        basis = item["basis"]
        self.findings.append(
            {
                "id": finding_id,
                "enterprise_id": ent["id"],
                "visit_id": visit.id,
                "item_id": item["id"],
                "location": location,
                "description": item["problem"] or item["text_zh"],
                "basis": basis,
                "severity": severity.value,
                "requirement": item["requirement"] or f"整改至符合“{item['text_zh']}”的要求，并提交整改前后照片。",
                "deadline": deadline.isoformat(),
                "created_at": stamp,
                "created_by": steward,
                "status": state.status.value,
                "closed_at": clock.to_text(state.closed_at) if state.closed_at else None,
                "updated_at": stamp,
                "original_deadline": None,
                "description_confirmed_at": None,
            }
        )
        views = ("before", "close") if severity == Severity.MAJOR else ("before",)  # a major one: also a close view
        for n, view in enumerate(views):
            at = seen_at + timedelta(seconds=20 * n)
            self._evidence(visit.id, scene, view, at, spot, visit.id, item["id"], finding_id)

    def write(self) -> None:
        store = self.profile.photos
        for prepared, data, same_picture_as in self.files:
            store.write_made_photo(prepared, data, same_picture_as)
        db = self.profile.db
        with db.write():
            for table, rows in (
                ("photos", self.photos),
                ("visits", self.visits),
                ("visit_items", self.visit_items),
                ("answers", self.answers),
                ("findings", self.findings),
                ("finding_events", self.events),
                ("photo_links", self.links),
            ):
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
    say("visits")
    builder = _Builder(profile, rng, day, random.Random(size.seed + 1) if size.photos else None)
    for ent in enterprises:
        if rng.random() < 0.85:  # most enterprises are visited weekly; a few were insured only recently
            builder.enterprise(ent, size.weeks if rng.random() < 0.9 else rng.randint(1, 8), "李明")
    say("photos")
    builder.write()
    say("complaints and penalties")
    kept = _records(random.Random(size.seed + 2), enterprises, day, size.weeks)
    bulk.insert_rows(profile.db, "enterprise_events", kept)
    return {
        "enterprises": len(enterprises),
        "visits": len(builder.visits),
        "answers": len(builder.answers),
        "findings": len(builder.findings),
        "photos": len(builder.photos),
        "records": len(kept),
    }


_COMPLAINT_SOURCES = ("12345热线", "信访局转办", "生态环境局转办", "周边居民来电")
_COMPLAINT_NOTES = ("夜间喷漆异味扰民", "雨水口排出有色污水", "厂界噪声超标", "露天焚烧边角料")


def _records(
    rng: random.Random, enterprises: list[records.Enterprise], today: date, weeks: int
) -> list[records.EnterpriseEvent]:
    """A few complaints (some not substantiated), a rare penalty or hazardous-waste violation, as a park has them.
    Drawn from their own generator: the visits and findings are the same with or without them."""
    rows: list[records.EnterpriseEvent] = []
    stamp = clock.to_text(clock.now())

    def add(
        ent: records.Enterprise,
        kind: str,
        note: str,
        source: str = "",
        authority: str = "",
        number: str = "",
        substantiated: int = 1,
    ) -> None:
        on = today - timedelta(days=rng.randint(1, max(1, 7 * weeks)))
        rows.append(
            {
                "id": new_id(),
                "enterprise_id": ent["id"],
                "kind": kind,
                "on_date": on.isoformat(),
                "source": source,
                "authority": authority,
                "number": number,
                "substantiated": substantiated,
                "note": note,
                "created_at": stamp,
                "created_by": "李明",
                "revision": 1,
                "updated_at": None,
                "updated_by": "",
                "deleted": 0,
                "origin": "here",
            }
        )

    # How many, as shares of the park (a fifth had a complaint, one in 25 a penalty, one in 50 a waste violation);
    # which ones, drawn.
    for ent in rng.sample(enterprises, round(len(enterprises) * 0.2)):
        add(
            ent,
            "complaint",
            source=rng.choice(_COMPLAINT_SOURCES),
            note=rng.choice(_COMPLAINT_NOTES),
            substantiated=0 if rng.random() < 0.3 else 1,
        )
    for ent in rng.sample(enterprises, round(len(enterprises) * 0.04)):
        number = f"台环仙罚〔{today.year}〕{rng.randint(1, 60)}号"
        add(ent, "penalty", authority="台州市生态环境局仙居分局", number=number, note="废气未经处理直接排放")
    for ent in rng.sample(enterprises, round(len(enterprises) * 0.02)):
        add(ent, "hazwaste", note="废漆渣未按规定贮存,转移未执行联单")
    return rows
