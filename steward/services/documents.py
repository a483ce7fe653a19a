"""Printed documents: gather what each says from the profile, draw it (steward.reports), write it safely."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, MutableMapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from steward.domain import clock
from steward.domain.documents import (
    ColourChange,
    EnterpriseBlock,
    ItemResult,
    Ledger,
    LedgerEntry,
    Letterhead,
    Notice,
    NoticeFinding,
    PeriodColours,
    PeriodSummary,
    Photo,
    RecheckLine,
    RenderResult,
    Signature,
    SummaryRow,
    VisitReport,
    from_json,
    to_json,
)
from steward.domain.documents_english import NOT_CHECKED, in_english
from steward.domain.errors import InvalidInput, StewardError
from steward.domain.findings import FindingEvent, FindingState, current_deadline, percent, state_as_of
from steward.domain.ids import new_id
from steward.domain.labels import AnswerResult, EventKind, Severity, VisitKind
from steward.domain.period import Period, Standing
from steward.domain.period import standing_at as period_standing
from steward.domain.pinyin import sort_key
from steward.domain.templates import TemplateItem
from steward.reports.output import render
from steward.reports.wording import EN, LANGUAGES, ZH
from steward.services import enterprises, findings, photo_markup, ratings, settings, visits
from steward.storage import documents as store
from steward.storage import records
from steward.storage import settings as settings_store
from steward.storage import templates as template_store
from steward.storage import visits as visit_store
from steward.storage.blob_files import atomic_write
from steward.storage.profile import Profile
from steward.storage.records import VisitItem

COPY_LABELS = ("第一联 企业留存", "第二联 服务机构留存", "第三联 保险公司留存")
_OUTCOME = {
    "recheck_rectified": "已整改",
    "recheck_partly": "部分整改",
    "recheck_not_rectified": "未整改",
}
# Without these a document would name nobody: "环境服务机构" and "环保管家" are not a firm and an inspector.
REQUIRED_SETTINGS = (settings.STEWARD_NAME, settings.FIRM_NAME, settings.INSURER_NAME)


class SettingsMissing(InvalidInput):
    """A document cannot be printed before the profile says who issues it."""

    def __init__(self, missing: list[settings.Setting]) -> None:
        self.missing = missing
        zh = "、".join(s.label_zh for s in missing)
        en = ", ".join(s.label_en for s in missing)
        keys = "; ".join(f"steward settings set {s.key} …" for s in missing)
        super().__init__(
            f"请先在“设置”中填写{zh}，再打印文件（命令行：{keys}）。",
            f"Set the {en} before printing documents (command line: {keys}).",
        )


def missing_settings(profile: Profile) -> list[settings.Setting]:
    """The settings a printed document needs that this profile has never been given."""
    out = []
    for setting in REQUIRED_SETTINGS:
        value = settings_store.get(profile.db, setting.key)
        if not isinstance(value, str) or not value.strip():
            out.append(setting)
    return out


def require_settings(profile: Profile) -> None:
    missing = missing_settings(profile)
    if missing:
        raise SettingsMissing(missing)


def _local(text: str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return clock.from_text(text).astimezone().strftime(fmt) if text else ""


def _letterhead(profile: Profile, title: str, document_id: str, generated_at: str) -> Letterhead:
    return Letterhead(
        firm_name=settings.get(profile, settings.FIRM_NAME),
        insurer_name=settings.get(profile, settings.INSURER_NAME),
        logo_path=settings.get(profile, settings.LOGO_PATH) or None,
        title=title,
        document_id=document_id,
        generated_at=generated_at,
        author=settings.get(profile, settings.STEWARD_NAME),
        insurer_policy=settings.get(profile, settings.POLICY_NUMBER),
    )


def _enterprise(row: records.Enterprise) -> EnterpriseBlock:
    contact = " ".join(x for x in (row["contact_person"], row["contact_phone"]) if x)
    return EnterpriseBlock(
        row["name"],
        row["credit_code"],
        row["legal_representative"],
        row["address"],
        contact,
        row["policy_number"],
        row["insurer"],
    )


def _photo(profile: Profile, row: records.PhotoOfFinding, number: int, caption: str, steward: str) -> Photo:
    marked = photo_markup.marked_sha256(profile, row["sha256"])
    path = _photo_path(profile, row["sha256"], marked)
    taken = (row["taken_at"] or "").replace("T", " ")[:16] or _local(row["linked_at"])
    lines = [f"拍摄 {taken}  检查人员 {steward}"]
    if row["gps_lat"] is not None:
        lines.append(f"拍摄地点 GPS {row['gps_lat']:.5f}, {row['gps_lon']:.5f}")
    aspect = row["width"] / row["height"] if row["width"] and row["height"] else 4 / 3
    return Photo(number, str(path) if path else None, row["sha256"], caption, tuple(lines), aspect, marked)


def _photo_path(profile: Profile, sha256: str, marked: str | None) -> Path | None:
    """The marked copy when the photo has markup (never the unblurred rendition in its place), else the rendition."""
    if marked:
        return photo_markup.marked_path(profile, marked)
    path = profile.photos.rendition_path(sha256)
    return path if path.exists() else None


def _signatures(profile: Profile, visit_id: str) -> tuple[Signature, ...]:
    roles = {"steward": "检查人员", "representative": "企业负责人"}
    out = []
    for s in visit_store.signatures(profile.db, visit_id):
        path = profile.photos.blob_path(s["image_sha256"], "png") if s["image_sha256"] else None
        out.append(
            Signature(
                roles[s["role"]],
                s["signer_name"],
                str(path) if path and path.exists() else None,
                bool(s["refused"]),
                s["witness"],
                _local(s["signed_at"], "%Y-%m-%d"),
                s["image_sha256"] or "",
            )
        )
    return tuple(out)


def _events(profile: Profile, finding_ids: list[str]) -> dict[str, list[FindingEvent]]:
    by_finding: dict[str, list[FindingEvent]] = {i: [] for i in finding_ids}
    for row in store.events_of(profile.db, finding_ids):
        by_finding[row["finding_id"]].append(findings.event_from_row(row))
    return by_finding


_BOILERPLATE_REQUIREMENT = ("的要求整改到位，并提交整改前后照片。", "按要求整改到位，并提交整改前后照片。")


def printed_wording(profile: Profile, f: Mapping[str, Any], items: MutableMapping[str, Any]) -> tuple[str, str, str]:
    """问题描述, 依据, 整改要求 as printed. A description left as the checklist's requirement is a requirement, not a
    problem: the item's problem wording is printed instead, or the requirement marked as not met. `f` is any finding
    row (the exports' rows are plain dicts); `items` caches template items by id."""
    item_id = f.get("item_id")
    if item_id and item_id not in items:
        items[item_id] = template_store.item(profile.db, item_id)
    item = items.get(item_id) if item_id else None
    description, requirement = f["description"], f["requirement"]
    if item and description.strip() == (item.get("text_zh") or "").strip():
        description = (item.get("problem") or "").strip() or f"未达到检查要求：{description}"
    if item and (item.get("requirement") or "").strip() and requirement.endswith(_BOILERPLATE_REQUIREMENT):
        requirement = item["requirement"].strip()
    return description, f["basis"].strip() or "—", requirement


def _finding_rows(
    profile: Profile, visit: records.Visit, rows: list[records.FindingOfVisit], first_photo: int = 1
) -> tuple[list[NoticeFinding], list[Photo]]:
    """The findings numbered 1..n, and their photos numbered in that order (after-photos belong to re-checks)."""
    photo_rows = store.finding_photos(profile.db, [f["id"] for f in rows])
    photos: list[Photo] = []
    listed: list[NoticeFinding] = []
    items: dict[str, records.TemplateItem | None] = {}
    for n, f in enumerate(rows, start=1):
        numbers: list[int] = []
        shown: set[str] = set()  # the same picture linked twice to one finding is printed once
        for row in photo_rows:
            if row["finding_id"] != f["id"] or row["event_id"] or row["sha256"] in shown:
                continue
            shown.add(row["sha256"])
            number = first_photo + len(photos)
            numbers.append(number)
            photos.append(_photo(profile, row, number, f"问题 {n}", visit["steward"]))
        description, basis, requirement = printed_wording(profile, f, items)
        listed.append(
            NoticeFinding(
                n,
                f["location"],
                description,
                basis,
                Severity(f["severity"]).zh,
                requirement,
                f["deadline"] or "",
                tuple(numbers),
            )
        )
    return listed, photos


def _moment(visit: records.Visit) -> str:
    """The moment a visit's documents speak of: its finish (the record); a visit in progress, now."""
    return (
        visit["finished_at"] if visit["status"] == "finished" and visit["finished_at"] else clock.to_text(clock.now())
    )


def _in_checklist_order(items: list[VisitItem]) -> list[VisitItem]:
    """A visit's items as its checklist lists them: a routine visit takes the items that are due, in the order they
    came due, and its report listed them so (B6, B3, D2, A2…)."""
    return sorted(items, key=lambda i: (i["position"], i["code"]))


def _new_findings(profile: Profile, visit_id: str) -> list[records.FindingOfVisit]:
    """The visit's findings in checklist order, then as recorded."""
    order = {i["id"]: n for n, i in enumerate(_in_checklist_order(visits.items(profile, visit_id)))}
    rows = visits.findings_of_visit(profile, visit_id)
    return sorted(rows, key=lambda f: (order.get(f["item_id"] or "", len(order)), f["created_at"], f["id"]))


_Kept = TypeVar("_Kept", VisitReport, Notice)


def _kept(profile: Profile, visit_id: str, kind: str, cls: type[_Kept]) -> _Kept | None:
    """The document as kept at finish, its photo and signature files found again where they are now. A name the
    profile lacked at finish (the firm, the insurer) is the one set since: the record never prints a blank issuer."""
    data = store.snapshot(profile.db, visit_id, kind)
    if data is None:
        return None
    document: _Kept = from_json(cls, data)
    photos = tuple(
        replace(p, path=str(path) if (path := _photo_path(profile, p.sha256, p.marked_sha256)) else None)
        for p in document.photos
    )
    signatures = []
    for s in document.signatures:
        path = profile.photos.blob_path(s.image_sha256, "png") if s.image_sha256 else None
        signatures.append(replace(s, image_path=str(path) if path and path.exists() else None))
    lh = document.letterhead
    letterhead = replace(
        lh,
        firm_name=lh.firm_name or settings.get(profile, settings.FIRM_NAME),
        insurer_name=lh.insurer_name or settings.get(profile, settings.INSURER_NAME),
        logo_path=settings.get(profile, settings.LOGO_PATH) or None,
    )
    return replace(document, photos=photos, signatures=tuple(signatures), letterhead=letterhead)


def build_notice(profile: Profile, visit_id: str, copies: int | None = None) -> Notice:
    """The visit's 整改通知书. For a finished visit: what it said at finish (kept then), whatever happened since."""
    require_settings(profile)
    count = max(1, min(3, copies or settings.get(profile, settings.NOTICE_COPIES)))
    labels = COPY_LABELS[:count] if count > 1 else ("",)
    kept = _kept(profile, visit_id, "notice", Notice)
    if kept is not None:
        return replace(kept, copies=labels)
    return replace(_make_notice(profile, visit_id), copies=labels)


def _make_notice(profile: Profile, visit_id: str) -> Notice:
    visit = visits.get(profile, visit_id)
    rows = _new_findings(profile, visit_id)
    if not rows:
        raise InvalidInput(
            "本次巡查没有发现问题，无需开具整改通知书。", "This visit found no problems; no notice is needed."
        )
    enterprise = enterprises.get(profile, visit["enterprise_id"])
    year = clock.local_date(clock.from_text(visit["started_at"])).year
    # A reprint reads the visit's number (the prefix is asked only for a first print: it may make the profile's id).
    number = visit.get("notice_number") or store.next_notice_number(
        profile.db, visit_id, settings.notice_prefix(profile), year
    )
    moment = _moment(visit)
    listed, photos = _finding_rows(profile, visit, rows)
    return Notice(
        letterhead=_letterhead(profile, f"整改通知书 {number} {enterprise['name']}", number, _local(moment)),
        notice_number=number,
        enterprise=_enterprise(enterprise),
        visit_kind=VisitKind(visit["kind"]).zh,
        visit_time=_local(visit["started_at"]),
        stewards=visit["steward"],
        findings=tuple(listed),
        photos=tuple(photos),
        signatures=_signatures(profile, visit_id),
        issued_on=_local(moment, "%Y年%m月%d日"),
    )


def build_visit_report(profile: Profile, visit_id: str, language: str = ZH) -> VisitReport:
    """The visit's report. For a finished visit: what it said at finish (kept then), whatever happened since. In
    English on request: the same kept facts, said in English (documents_english)."""
    if language not in LANGUAGES:
        raise InvalidInput(
            f"不支持的报告语言：{language}（可选 {'、'.join(LANGUAGES)}）。",
            f"Unsupported report language: {language} (choose {', '.join(LANGUAGES)}).",
        )
    require_settings(profile)
    kept = _kept(profile, visit_id, "visit_report", VisitReport)
    report = kept if kept is not None else _make_visit_report(profile, visit_id)
    return in_english(report) if language == EN else report


def _make_visit_report(profile: Profile, visit_id: str) -> VisitReport:
    visit = visits.get(profile, visit_id)
    moment = _moment(visit)
    as_of = clock.from_text(moment)
    visit_day = clock.local_date(clock.from_text(visit["started_at"]))
    enterprise = enterprises.get(profile, visit["enterprise_id"])
    items = _in_checklist_order(visits.items(profile, visit_id))
    results = {r.value: r.zh for r in AnswerResult}
    item_lines = tuple(
        ItemResult(
            i["code"],
            i["category_zh"],
            i["text_zh"],
            results.get(i["result"] or "", NOT_CHECKED[0]),
            i["note"] or "",
            i["category_en"] or "",
            i["text_en"] or "",
        )
        for i in items
    )
    new_rows = _new_findings(profile, visit_id)
    listed, finding_photos = _finding_rows(profile, visit, new_rows)
    # Earlier findings as they stood when this visit began: those still open then are re-checked now. Findings
    # raised later, and events recorded after the visit was finished, are not part of this report.
    earlier = store.earlier_findings(profile.db, visit["enterprise_id"], visit_id, visit["started_at"])
    events = _events(profile, [f["id"] for f in earlier] + [f["id"] for f in new_rows])
    began = clock.from_text(visit["started_at"])
    rechecks = []
    still_open = 0
    closed_here = 0
    for f in earlier:
        mine = [e for e in events[f["id"]] if e.at <= as_of]
        outcome = next(
            (e for e in reversed(mine) if e.visit_id == visit_id and e.kind.value.startswith("recheck_")), None
        )
        if not state_as_of(mine, began).closed or outcome:
            state = state_as_of(mine, as_of)
            deadline = _deadline_then(f, state)
            late = 0 if state.closed or deadline is None else max(0, (visit_day - deadline).days)
            rechecks.append(
                RecheckLine(
                    f["description"],
                    _local(f["created_at"], "%Y-%m-%d"),
                    deadline.isoformat() if deadline else "",
                    _OUTCOME.get(outcome.kind.value, "未复查") if outcome else "未复查",
                    late,
                    outcome.note if outcome else "",
                )
            )
            if outcome and outcome.kind == EventKind.RECHECK_RECTIFIED:
                closed_here += 1
        if not state_as_of(mine, as_of).closed:
            still_open += 1
    still_open += sum(1 for f in new_rows if not state_as_of(events[f["id"]], as_of).closed)
    other_photos = [row for row in store.visit_photos(profile.db, visit_id) if not row["finding_id"] or row["event_id"]]
    photos = list(finding_photos)
    for row in other_photos:
        label = "整改后" if row["event_id"] else (row["item_code"] or row["caption"] or "现场")
        photos.append(_photo(profile, row, len(photos) + 1, label, visit["steward"]))
    kind = VisitKind(visit["kind"])
    answered = sum(1 for i in items if i["result"])
    failed = sum(1 for i in items if i["result"] == AnswerResult.NOT_COMPLIANT)
    when = _local(moment)
    lines = (
        f"本次{kind.zh}共检查 {len(items)} 项，已检查 {answered} 项，其中不合格 {failed} 项。",
        f"新发现问题 {len(new_rows)} 个；复查以往问题 {len(rechecks)} 个，本次确认已整改 {closed_here} 个。",
        f"截至 {when}（本次巡查结束），企业尚有待整改问题 {still_open} 个（含本次新发现）。",
    )
    title = "一企一策全面检查报告" if kind == VisitKind.FIRST else "环保管家巡查报告"
    return VisitReport(
        letterhead=_letterhead(
            profile, f"{title} {enterprise['name']} {visit_day.isoformat()}", visit["id"][:13], when
        ),
        enterprise=_enterprise(enterprise),
        visit_kind=kind.zh,
        visit_time=_local(visit["started_at"]),
        steward=visit["steward"],
        items=item_lines,
        new_findings=tuple(listed),
        rechecks=tuple(rechecks),
        photos=tuple(photos),
        summary=lines,
        signatures=_signatures(profile, visit_id),
        as_of=when,
        heading=title,
        counts=(len(items), answered, failed, len(new_rows), len(rechecks), closed_here, still_open),
    )


def keep_at_finish(profile: Profile, visit_id: str) -> None:
    """Keep what the finished visit's report and notice say now, as the record every reprint repeats. Called when a
    visit is finished; cheap (no drawing), and it gives the notice its number in the order visits are finished."""
    visit = visits.get(profile, visit_id)
    if visit["status"] != "finished":
        return
    made = clock.to_text(clock.now())
    store.keep_snapshot(profile.db, visit_id, "visit_report", to_json(_make_visit_report(profile, visit_id)), made)
    if visits.findings_of_visit(profile, visit_id):
        store.keep_snapshot(profile.db, visit_id, "notice", to_json(_make_notice(profile, visit_id)), made)


def _period(start: date | None, end: date | None) -> tuple[date, date, str, str]:
    period = Period.of(start, end, clock.today())
    return period.first, period.last, clock.to_text(period.start), clock.to_text(period.end)


def _deadline_then(f: records.Finding, state: FindingState) -> date | None:
    """Due as the document's moment saw it: a 部分整改 made later had not moved it yet."""
    own = f["original_deadline"] or f["deadline"]
    return current_deadline(date.fromisoformat(own) if own else None, state)


def standing_at(f: Mapping[str, Any], events: list[FindingEvent], end: datetime, day: date) -> Standing:
    """How a finding stood at `end`: its own deadline (as found or amended), moved by any 部分整改 recorded by then."""
    own = f.get("original_deadline") or f["deadline"]
    return period_standing(date.fromisoformat(own) if own else None, events, end, day)


def _counts_line(found: int, rectified: int, waived: int, still_open: int, overdue: int, last: date) -> str:
    return (
        f"截至 {last.isoformat()}：已整改 {rectified} 个，已豁免 {waived} 个，尚待整改 {still_open} 个"
        f"（其中逾期 {overdue} 个）；整改率 {percent(rectified, found)}（已整改 ÷ 发现问题）。"
    )


def build_ledger(profile: Profile, enterprise_id: str, start: date | None = None, end: date | None = None) -> Ledger:
    require_settings(profile)
    enterprise = enterprises.get(profile, enterprise_id)
    first, last, lo, hi = _period(start or date(2000, 1, 1), end)
    period_end = clock.from_text(hi) - timedelta(milliseconds=1)
    rows = store.enterprise_findings(profile.db, enterprise_id, lo, hi)
    events = _events(profile, [f["id"] for f in rows])
    photo_rows = [r for r in store.finding_photos(profile.db, [f["id"] for f in rows]) if r["linked_at"] < hi]
    steward = settings.get(profile, settings.STEWARD_NAME)
    entries = []
    number = 0
    tally = {"rectified": 0, "waived": 0, "open": 0}
    overdue = 0
    items: dict[str, records.TemplateItem | None] = {}
    for n, f in enumerate(rows, start=1):
        standing = standing_at(f, events[f["id"]], period_end, last)
        tally[standing.bucket] += 1
        overdue += standing.overdue_days > 0
        before: list[Photo] = []
        after: list[Photo] = []
        for row in (r for r in photo_rows if r["finding_id"] == f["id"]):
            number += 1
            kind = "整改后" if row["event_id"] else "整改前"
            (after if row["event_id"] else before).append(_photo(profile, row, number, f"序号{n} {kind}", steward))
        closed = standing.closed_at
        created = clock.from_text(f["created_at"])
        description, _, _ = printed_wording(profile, f, items)
        entries.append(
            LedgerEntry(
                n,
                _local(f["created_at"], "%Y-%m-%d"),
                f["item_code"] or "",
                f["location"],
                description,
                Severity(f["severity"]).zh,
                standing.deadline.isoformat() if standing.deadline else "",
                standing.status.zh,
                closed.astimezone().strftime("%Y-%m-%d") if closed else "",
                str(max(0, (clock.local_date(closed) - clock.local_date(created)).days)) if closed else "",
                standing.overdue_days,
                tuple(before),
                tuple(after),
            )
        )
    found = len(rows)
    totals = f"期间共发现问题 {found} 个。" + _counts_line(
        found, tally["rectified"], tally["waived"], tally["open"], overdue, last
    )
    begin = _local(rows[0]["created_at"], "%Y-%m-%d") if rows and not start else first.isoformat()
    period = f"{begin} 至 {last.isoformat()}"
    return Ledger(
        _letterhead(profile, f"问题台账 {enterprise['name']}", new_id()[:13], _local(clock.to_text(clock.now()))),
        _enterprise(enterprise),
        period,
        tuple(entries),
        totals,
    )


@dataclass(frozen=True)
class PeriodFinding:
    """A finding found in the period by a finished visit, and how it stood on the period's last day."""

    row: records.PeriodFindingRow
    standing: Standing

    @cached_property
    def found_month(self) -> str:
        return _month(clock.from_text(self.row["created_at"]))

    @cached_property
    def rectified_month(self) -> str | None:
        """The month it was rectified in, if it stood rectified at the period's end."""
        closed = self.standing.closed_at
        if self.standing.bucket != "rectified" or closed is None:
            return None
        return _month(closed)


def _month(moment: datetime) -> str:
    """YYYY-MM of an instant on this computer's calendar (strftime costs a tenth of a year's figures)."""
    local = moment.astimezone()
    return f"{local.year:04d}-{local.month:02d}"


@dataclass(frozen=True)
class PeriodFindings:
    first: date
    last: date
    start_text: str  # the period as stored instants: [start_text, end_text)
    end_text: str
    findings: tuple[PeriodFinding, ...]


def period_findings(
    profile: Profile, start: date | None = None, end: date | None = None, only: Collection[str] | None = None
) -> PeriodFindings:
    """The one definition of the period figures (the summary PDF and the dashboard count these): the findings found
    in the period by finished visits, each as it stood at the period's end (rectified, waived or still open;
    overdue if open past its deadline on the period's last day). `only`: of these findings alone (the dashboard
    counts most findings from their kept state, and these from their events)."""
    first, last, lo, hi = _period(start, end)
    period_end = clock.from_text(hi) - timedelta(milliseconds=1)
    rows = store.period_findings(profile.db, lo, hi, only)
    events = _events(profile, [f["id"] for f in rows])
    found = tuple(PeriodFinding(f, standing_at(f, events[f["id"]], period_end, last)) for f in rows)
    return PeriodFindings(first, last, lo, hi, found)


def build_summary(profile: Profile, start: date | None = None, end: date | None = None) -> PeriodSummary:
    """The period's figures, every one as of the period's end (see period_findings)."""
    require_settings(profile)
    period = period_findings(profile, start, end)
    names: dict[str, str] = {}
    per: dict[str, dict[str, int]] = {}
    fields = ("visits", "major", "serious", "general", "found", "rectified", "waived", "open", "overdue")

    def slot(enterprise_id: str, name: str) -> dict[str, int]:
        names[enterprise_id] = name
        return per.setdefault(enterprise_id, dict.fromkeys(fields, 0))

    for v in store.period_visits(profile.db, period.start_text, period.end_text):
        slot(v["enterprise_id"], v["enterprise_name"])["visits"] = v["visits"]
    months: dict[str, list[int]] = {}
    categories: dict[str, int] = {}
    for pf in period.findings:
        f, standing = pf.row, pf.standing
        counts = slot(f["enterprise_id"], f["enterprise_name"])
        counts["found"] += 1
        counts[f["severity"]] += 1
        counts[standing.bucket] += 1
        counts["overdue"] += standing.overdue_days > 0
        months.setdefault(pf.found_month, [0, 0])[0] += 1
        rectified_in = pf.rectified_month
        if rectified_in is not None:
            months.setdefault(rectified_in, [0, 0])[1] += 1
        categories[f["category"]] = categories.get(f["category"], 0) + 1
    order = sorted(per, key=lambda k: (sort_key(names[k]), names[k]))
    summary_rows = tuple(SummaryRow(names[k], **per[k]) for k in order)
    total = SummaryRow("合计", **{k: sum(per[e][k] for e in per) for k in fields})
    return PeriodSummary(
        letterhead=_letterhead(profile, "环保管家服务情况汇总", new_id()[:13], _local(clock.to_text(clock.now()))),
        period=f"{period.first.isoformat()} 至 {period.last.isoformat()}",
        rows=summary_rows,
        total=total,
        by_category=tuple(sorted(categories.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_month=tuple((m, c[0], c[1]) for m, c in sorted(months.items())),
        as_of=period.last.isoformat(),
        colours=_period_colours(profile, period.first, period.last),
    )


def _period_colours(profile: Profile, first: date, last: date) -> PeriodColours:
    """The park's colours at the period's end and each change within it, for the summary; a malformed rules file
    is said in place of the colours and never keeps the rest of the summary from printing."""
    try:
        period = ratings.period_colours(profile, first, last)
    except StewardError as exc:
        return PeriodColours("", (), (), exc.zh)
    changes = sorted(period.changes, key=lambda nc: (sort_key(nc[0]), nc[0], nc[1].on))
    return PeriodColours(
        period.rules_name,
        tuple((colour.zh, period.at_end[colour]) for colour in period.at_end),
        tuple(
            ColourChange(
                name,
                change.on.isoformat(),
                change.previous.zh if change.previous else "",
                change.rating.colour.zh,
                tuple(reason.zh for reason in change.rating.reasons),
            )
            for name, change in changes
        ),
    )


class FileInUse(StewardError):
    """The file to be replaced is open in another program (Windows locks a PDF a viewer shows)."""

    def __init__(self, path: Path, other: Path) -> None:
        self.path, self.other = path, other
        super().__init__(
            f"文件正被其他程序打开(例如 PDF 阅读器),无法覆盖:{path}。请关闭该程序后重试,或另存为“{other.name}”。",
            f"The file is open in another program (a PDF viewer, say) and cannot be replaced: {path}. "
            f"Close it and try again, or save as '{other.name}'.",
        )


def free_name(path: Path) -> Path:
    """The first of 'name (2).pdf', 'name (3).pdf'… that does not exist yet."""
    n = 2
    while (candidate := path.with_name(f"{path.stem} ({n}){path.suffix}")).exists():
        n += 1
    return candidate


def save_pdf(result: RenderResult, path: Path) -> Path:
    """Write the PDF whole or not at all (a full disk or a pulled USB stick leaves no half file)."""
    try:
        atomic_write(path, result.pdf)
    except PermissionError:
        # The new file was written beside it (the folder is writable) but could not replace the old one: on Windows
        # that is a file held open by another program, which a person fixes differently from a read-only folder.
        if path.exists() and os.access(path.parent, os.W_OK):
            raise FileInUse(path, free_name(path)) from None
        raise StewardError(f"没有写入权限：{path}", f"Permission denied: {path}") from None
    except OSError as exc:
        raise StewardError(f"无法保存文件 {path}:{exc.strerror}", f"Cannot save {path}: {exc.strerror}") from None
    return path


def render_file(document: Any, path: Path) -> tuple[Path, list[str]]:
    """One PDF drawn and written (in a worker process of a batch, or in this one)."""
    result = render(document)
    save_pdf(result, path)
    return path, result.warnings


def by_visit_date(profile: Profile, visit_ids: Iterable[str]) -> list[str]:
    """Visits in the order they took place (notice numbers follow the visits' dates, also in a batch)."""
    rows = [visits.get(profile, v) for v in dict.fromkeys(visit_ids)]
    return [r["id"] for r in sorted(rows, key=lambda r: (r["started_at"], r["id"]))]


def assign_notice_numbers(profile: Profile, visit_ids: Iterable[str]) -> None:
    """Give every visit with findings its notice number now (a write), in the order of the visits' dates, so that
    drawing can run read-only."""
    for visit_id in by_visit_date(profile, visit_ids):
        visit = visits.get(profile, visit_id)
        if not visit["notice_number"] and visits.findings_of_visit(profile, visit_id):
            year = clock.local_date(clock.from_text(visit["started_at"])).year
            store.next_notice_number(profile.db, visit_id, settings.notice_prefix(profile), year)


def warm_up() -> float:
    """Draw a small notice and visit report once and discard them, so that this process's first real document costs
    what a later one does (the app does it on its pool after start); the bundled checklists' wording goes into them,
    as most visits print it. Seconds taken; 0 when done before."""
    from steward.reports.warm import warm_up as draw_once
    from steward.resources import checklists_dir
    from steward.services.template_files import read_template_file

    items: list[TemplateItem] = []
    try:
        for path in sorted(checklists_dir().glob("*.yaml")):
            items += read_template_file(path).items
    except (StewardError, OSError):
        items = []  # a damaged installation draws the sample alone; printing will say what is missing
    return draw_once(items)


DOCUMENT_NAMESPACE = uuid.UUID("9d1c6a52-5f7e-4d8a-b0a4-3e2f1c7b6a90")


def archive_visit(profile: Profile, visit_id: str) -> list[records.Document]:
    """Render the finished visit's report (and notice, if it found problems) once and keep them, content-addressed,
    for the hub. A visit's archived PDFs are the ones as finished: amendments travel as audit records."""
    existing = store.archived(profile.db, visit_id)
    if existing or missing_settings(profile):
        # Without an issuer nothing is drawn (printing says which setting is missing); the record kept at finish
        # is drawn once the settings are there.
        return existing
    visit = visits.get(profile, visit_id)
    made: list[tuple[str, VisitReport | Notice, str]] = [
        ("visit_report", build_visit_report(profile, visit_id), "巡查报告")
    ]
    if visits.findings_of_visit(profile, visit_id):
        made.append(("notice", build_notice(profile, visit_id), "整改通知书"))
    for kind, document, label in made:
        pdf = render(document).pdf
        sha = hashlib.sha256(pdf).hexdigest()
        profile.photos.write_blob(sha, "pdf", pdf)
        store.archive(
            profile.db,
            {
                "id": str(uuid.uuid5(DOCUMENT_NAMESPACE, f"{visit_id}:{kind}")),
                "visit_id": visit_id,
                "kind": kind,
                "sha256": sha,
                "bytes": len(pdf),
                "notice_number": getattr(document, "notice_number", None),
                "name": f"{_local(visit['started_at'], '%Y%m%d')}_{_safe(visit['enterprise_name'])}_{label}.pdf",
                "created_at": clock.to_text(clock.now()),
            },
        )
    return store.archived(profile.db, visit_id)


RECENT_DAYS = 14


def archive_finished(
    profile: Profile, progress: Callable[[int, int], None] | None = None, within_days: int = RECENT_DAYS
) -> int:
    """PDFs for visits finished in the last days that have none (the app makes them at finish; this catches the
    rest). Never all history: older visits were printed at the time, and drawing years of them takes minutes."""
    if missing_settings(profile):
        return 0
    since = clock.to_text(clock.now() - timedelta(days=max(0, within_days)))
    pending = store.finished_without_documents(profile.db, since)
    for n, visit_id in enumerate(pending, start=1):
        archive_visit(profile, visit_id)
        if progress:
            progress(n, len(pending))
    return len(pending)


# Documents: below this, starting worker processes costs more than it saves. A document now takes ~0.05-0.1 s and a
# worker ~0.6 s to start (imports, fonts): bench/report.py measured 32 PDFs at 1.55 s on one core, 1.92 s on two.
POOL_FROM = 64


def batch_workers(jobs: int) -> int:
    """Processes for a batch: one per core (drawing is pure Python, so threads would share one), never more than
    there are documents; one for a small batch."""
    return 1 if jobs < POOL_FROM else max(1, min(os.cpu_count() or 1, 8, jobs))


def export_visit_reports(
    profile: Profile,
    visit_ids: Iterable[str],
    folder: Path,
    progress: Callable[[int, int, str], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    workers: int | None = None,
) -> list[Path]:
    """Each visit's report (and notice, when it has findings) into a folder, named by date and enterprise. What each
    says is read here (one connection); the drawing runs on every core. `progress(n, total, enterprise)` after each
    visit's documents are written; `cancel()` true stops the batch (the files already written stay, whole)."""
    require_settings(profile)
    ids = by_visit_date(profile, visit_ids)
    jobs: list[tuple[Any, Path, str]] = []
    names: dict[str, str] = {}
    for visit_id in ids:
        if cancel and cancel():
            return []
        visit = visits.get(profile, visit_id)
        names[visit_id] = visit["enterprise_name"]
        stem = f"{_local(visit['started_at'], '%Y%m%d')}_{_safe(visit['enterprise_name'])}_{visit_id[:8]}"
        jobs.append((build_visit_report(profile, visit_id), folder / f"{stem}_巡查报告.pdf", visit_id))
        if visits.findings_of_visit(profile, visit_id):
            jobs.append((build_notice(profile, visit_id), folder / f"{stem}_整改通知书.pdf", visit_id))
    left = {v: sum(1 for _, _, owner in jobs if owner == v) for v in ids}
    written: list[Path] = []
    finished = 0

    def one_done(visit_id: str, path: Path) -> None:
        nonlocal finished
        written.append(path)
        left[visit_id] -= 1
        if not left[visit_id]:
            finished += 1
            if progress:
                progress(finished, len(ids), names[visit_id])

    count = workers or batch_workers(len(jobs))
    if count == 1:
        for document, path, visit_id in jobs:
            if cancel and cancel():
                break
            render_file(document, path)
            one_done(visit_id, path)
        return written
    # "spawn": a fresh interpreter per worker, never a fork of a process that runs Qt's threads.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        pending = {pool.submit(render_file, document, path): visit_id for document, path, visit_id in jobs}
        try:
            for future in as_completed(pending):
                path, _warnings = future.result()
                one_done(pending[future], path)
                if cancel and cancel():
                    break
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    return sorted(written)


def _safe(name: str) -> str:
    return "".join(ch for ch in name if ch not in '\\/:*?"<>|').strip()[:40] or "enterprise"


def default_name(kind: str, subject: str) -> str:
    return f"{kind}_{_safe(subject)}_{clock.today().strftime('%Y%m%d')}.pdf"


__all__ = ["EventKind", "build_ledger", "build_notice", "build_summary", "build_visit_report", "render", "save_pdf"]
