"""Printed documents: gather what each says from the profile, draw it (steward.reports), write it safely."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from steward.domain import clock
from steward.domain.documents import (
    EnterpriseBlock,
    ItemResult,
    Ledger,
    LedgerEntry,
    Letterhead,
    Notice,
    NoticeFinding,
    PeriodSummary,
    Photo,
    RecheckLine,
    RenderResult,
    Signature,
    SummaryRow,
    VisitReport,
)
from steward.domain.errors import InvalidInput, StewardError
from steward.domain.ids import new_id
from steward.domain.labels import AnswerResult, EventKind, FindingStatus, Severity, VisitKind
from steward.services import enterprises, findings, settings, visits
from steward.storage import documents as store
from steward.storage.blob_files import atomic_write
from steward.storage.profile import Profile

COPY_LABELS = ("第一联 企业留存", "第二联 服务机构留存", "第三联 保险公司留存")
_OUTCOME = {
    "recheck_rectified": "已整改",
    "recheck_partly": "部分整改",
    "recheck_not_rectified": "未整改",
}


def _local(text: str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return clock.from_text(text).astimezone().strftime(fmt) if text else ""


def _letterhead(profile: Profile, title: str, document_id: str) -> Letterhead:
    return Letterhead(
        firm_name=settings.get(profile, settings.FIRM_NAME) or "环境服务机构",
        insurer_name=settings.get(profile, settings.INSURER_NAME),
        logo_path=settings.get(profile, settings.LOGO_PATH) or None,
        title=title,
        document_id=document_id,
        generated_at=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M"),
        author=settings.get(profile, settings.STEWARD_NAME),
    )


def _enterprise(row: dict[str, Any]) -> EnterpriseBlock:
    contact = " ".join(x for x in (row["contact_person"], row["contact_phone"]) if x)
    return EnterpriseBlock(row["name"], row["credit_code"], row["legal_representative"], row["address"], contact,
                           row["policy_number"], row["insurer"])  # fmt: skip


def _photo(profile: Profile, row: dict[str, Any], number: int, caption: str, enterprise: str, steward: str) -> Photo:
    path = profile.photos.rendition_path(row["sha256"])
    taken = (row["taken_at"] or "").replace("T", " ")[:16] or _local(row.get("linked_at"))
    lines = [enterprise, f"{taken}  检查人员：{steward}"]
    if row["gps_lat"] is not None:
        lines.append(f"GPS {row['gps_lat']:.5f}, {row['gps_lon']:.5f}")
    aspect = row["width"] / row["height"] if row["width"] and row["height"] else 4 / 3
    return Photo(number, str(path) if path.exists() else None, row["sha256"], caption, tuple(lines), aspect)


def _signatures(profile: Profile, visit_id: str) -> tuple[Signature, ...]:
    roles = {"steward": "检查人员", "representative": "企业负责人"}
    out = []
    for s in visits.store.signatures(profile.db, visit_id):
        path = profile.photos.blob_path(s["image_sha256"], "png") if s["image_sha256"] else None
        out.append(Signature(roles[s["role"]], s["signer_name"], str(path) if path and path.exists() else None,
                             bool(s["refused"]), s["witness"], _local(s["signed_at"], "%Y-%m-%d")))  # fmt: skip
    return tuple(out)


def _finding_rows(profile: Profile, visit: dict[str, Any], rows: list[dict[str, Any]], enterprise_name: str,
                  first_photo: int = 1) -> tuple[list[NoticeFinding], list[Photo]]:  # fmt: skip
    """The findings numbered 1..n, and their photos numbered in that order (after-photos belong to re-checks)."""
    photo_rows = store.finding_photos(profile.db, [f["id"] for f in rows])
    photos: list[Photo] = []
    listed: list[NoticeFinding] = []
    for n, f in enumerate(rows, start=1):
        numbers: list[int] = []
        shown: set[str] = set()  # the same picture linked twice to one finding is printed once
        for row in photo_rows:
            if row["finding_id"] != f["id"] or row["event_id"] or row["sha256"] in shown:
                continue
            shown.add(row["sha256"])
            number = first_photo + len(photos)
            numbers.append(number)
            photos.append(_photo(profile, row, number, f"（问题 {n}）", enterprise_name, visit["steward"]))
        listed.append(NoticeFinding(n, f["location"], f["description"], f["basis"], Severity(f["severity"]).zh,
                                    f["requirement"], f["deadline"] or "", tuple(numbers)))  # fmt: skip
    return listed, photos


def build_notice(profile: Profile, visit_id: str, copies: int | None = None) -> Notice:
    visit = visits.get(profile, visit_id)
    rows = visits.findings_of_visit(profile, visit_id)
    if not rows:
        raise InvalidInput(
            "本次巡查没有发现问题，无需开具整改通知书。", "This visit found no problems; no notice is needed."
        )
    enterprise = enterprises.get(profile, visit["enterprise_id"])
    year = clock.local_date(clock.from_text(visit["started_at"])).year
    number = store.next_notice_number(profile.db, visit_id, settings.get(profile, settings.NOTICE_PREFIX), year)
    listed, photos = _finding_rows(profile, visit, rows, enterprise["name"])
    count = max(1, min(3, copies or settings.get(profile, settings.NOTICE_COPIES)))
    return Notice(
        letterhead=_letterhead(profile, f"整改通知书 {number}", number),
        notice_number=number,
        enterprise=_enterprise(enterprise),
        visit_kind=VisitKind(visit["kind"]).zh,
        visit_time=_local(visit["started_at"]),
        stewards=visit["steward"],
        findings=tuple(listed),
        photos=tuple(photos),
        signatures=_signatures(profile, visit_id),
        copies=COPY_LABELS[:count] if count > 1 else ("",),
    )


def build_visit_report(profile: Profile, visit_id: str) -> VisitReport:
    visit = visits.get(profile, visit_id)
    enterprise = enterprises.get(profile, visit["enterprise_id"])
    items = visits.items(profile, visit_id)
    results = {r.value: r.zh for r in AnswerResult}
    item_lines = tuple(
        ItemResult(i["code"], i["category_zh"], i["text_zh"], results.get(i["result"] or "", "未检查"), i["note"] or "")
        for i in items
    )
    new_rows = visits.findings_of_visit(profile, visit_id)
    listed, finding_photos = _finding_rows(profile, visit, new_rows, enterprise["name"])
    rechecks = tuple(
        RecheckLine(
            r["description"],
            _local(r["created_at"], "%Y-%m-%d"),
            r["deadline"] or "",
            _OUTCOME.get(r["outcome"] or "", "未复查"),
            r["overdue_days"],
            r["outcome_note"],
        )
        for r in visits.recheck_list(profile, visit_id)
    )
    other_photos = [
        row for row in store.visit_photos(profile.db, visit_id)
        if not row["finding_id"] or row["event_id"]
    ]  # fmt: skip
    photos = list(finding_photos)
    for row in other_photos:
        label = "整改后" if row["event_id"] else (row["item_code"] or row["caption"] or "现场")
        photos.append(_photo(profile, row, len(photos) + 1, label, enterprise["name"], visit["steward"]))
    summary = visits.summary(profile, visit_id)
    kind = VisitKind(visit["kind"])
    lines = (
        f"本次{kind.zh}共检查 {summary.items_total} 项，已检查 {summary.items_answered} 项，其中不合格 {summary.not_compliant} 项。",
        f"新发现问题 {summary.findings_new} 个；复查以往问题 {len(rechecks)} 个，本次确认已整改 {summary.findings_closed} 个。",
        f"截至本次巡查，企业尚有待整改问题 {summary.findings_still_open} 个。",
    )
    title = "一企一策全面检查报告" if kind == VisitKind.FIRST else "环保管家巡查报告"
    return VisitReport(
        letterhead=_letterhead(profile, title, visit["id"][:13]),
        enterprise=_enterprise(enterprise),
        visit_kind=kind.zh,
        visit_time=_local(visit["started_at"]),
        steward=visit["steward"],
        items=item_lines,
        new_findings=tuple(listed),
        rechecks=rechecks,
        photos=tuple(photos),
        summary=lines,
        signatures=_signatures(profile, visit_id),
    )


def _period(start: date | None, end: date | None) -> tuple[date, date, str, str]:
    last = end or clock.today()
    first = start or last.replace(day=1)
    if first > last:
        raise InvalidInput("开始日期晚于结束日期。", "The start date is after the end date.")

    def utc(day: date) -> str:
        return clock.to_text(datetime(day.year, day.month, day.day).astimezone())

    return first, last, utc(first), utc(last + timedelta(days=1))


def build_ledger(profile: Profile, enterprise_id: str, start: date | None = None, end: date | None = None) -> Ledger:
    enterprise = enterprises.get(profile, enterprise_id)
    first, last, lo, hi = _period(start or date(2000, 1, 1), end)
    rows = store.enterprise_findings(profile.db, enterprise_id, lo, hi)
    photo_rows = store.finding_photos(profile.db, [f["id"] for f in rows])
    steward = settings.get(profile, settings.STEWARD_NAME)
    entries = []
    number = 0
    for n, f in enumerate(rows, start=1):
        detail = findings.detail(profile, f["id"])
        before, after = [], []
        for row in (r for r in photo_rows if r["finding_id"] == f["id"]):
            number += 1
            kind = "整改后" if row["event_id"] else "整改前"
            (after if row["event_id"] else before).append(
                _photo(profile, row, number, f"序号{n} {kind}", enterprise["name"], steward)
            )
        entries.append(LedgerEntry(
            n, _local(f["created_at"], "%Y-%m-%d"), f["item_code"] or "", f["location"], f["description"],
            Severity(f["severity"]).zh, f["deadline"] or "", detail.status.zh, _local(f["closed_at"], "%Y-%m-%d"),
            "" if detail.days_to_close is None else str(detail.days_to_close), detail.overdue_days,
            tuple(before), tuple(after),
        ))  # fmt: skip
    closed = sum(1 for f in rows if FindingStatus(f["status"]) == FindingStatus.RECTIFIED)
    still_open = sum(1 for f in rows if not FindingStatus(f["status"]).closed)
    totals = f"期间共发现问题 {len(rows)} 个，已整改 {closed} 个，尚未整改 {still_open} 个。"
    period = (
        f"{clock.local_day(rows[0]['created_at']) if rows and not start else first.isoformat()} 至 {last.isoformat()}"
    )
    return Ledger(_letterhead(profile, f"问题台账 {enterprise['name']}", new_id()[:13]), _enterprise(enterprise),
                  period, tuple(entries), totals)  # fmt: skip


def build_summary(profile: Profile, start: date | None = None, end: date | None = None) -> PeriodSummary:
    first, last, lo, hi = _period(start, end)
    rows = []
    for r in store.period_rows(profile.db, lo, hi, clock.today().isoformat()):
        if not r["visits"] and not r["found"]:
            continue
        rate = r["rectified"] / r["found"] if r["found"] else 0.0
        rows.append(SummaryRow(r["name"], r["visits"], r["major"], r["serious"], r["general"], r["found"],
                               r["rectified"], rate, r["open"], r["overdue"]))  # fmt: skip
    fields = ("visits", "major", "serious", "general", "found", "rectified", "open", "overdue")
    sums = {k: sum(getattr(r, k) for r in rows) for k in fields}
    total = SummaryRow("合计", rate=sums["rectified"] / sums["found"] if sums["found"] else 0.0, **sums)
    return PeriodSummary(
        letterhead=_letterhead(profile, "环保管家服务情况汇总", new_id()[:13]),
        period=f"{first.isoformat()} 至 {last.isoformat()}",
        rows=tuple(rows),
        total=total,
        by_category=tuple((r["category"], r["found"]) for r in store.period_by_category(profile.db, lo, hi)),
        by_month=tuple((r["month"], r["found"], r["rectified"]) for r in store.period_by_month(profile.db, lo, hi)),
    )


def render(document: Notice | VisitReport | Ledger | PeriodSummary) -> RenderResult:
    from steward.reports.ledger import render_ledger
    from steward.reports.notice import render_notice
    from steward.reports.summary import render_summary
    from steward.reports.visit_report import render_visit_report

    renderers: dict[type, Callable[[Any], RenderResult]] = {
        Notice: render_notice, VisitReport: render_visit_report, Ledger: render_ledger, PeriodSummary: render_summary,
    }  # fmt: skip
    return renderers[type(document)](document)


def save_pdf(result: RenderResult, path: Path) -> Path:
    """Write the PDF whole or not at all (a full disk or a pulled USB stick leaves no half file)."""
    try:
        atomic_write(path, result.pdf)
    except PermissionError:
        raise StewardError(f"没有写入权限：{path}", f"Permission denied: {path}") from None
    except OSError as exc:
        raise StewardError(f"无法保存文件 {path}:{exc.strerror}", f"Cannot save {path}: {exc.strerror}") from None
    return path


def assign_notice_numbers(profile: Profile, visit_ids: Iterable[str]) -> None:
    """Give every visit with findings its notice number now (a write), so that drawing can run read-only."""
    for visit_id in visit_ids:
        visit = visits.get(profile, visit_id)
        if visits.findings_of_visit(profile, visit_id):
            year = clock.local_date(clock.from_text(visit["started_at"])).year
            store.next_notice_number(profile.db, visit_id, settings.get(profile, settings.NOTICE_PREFIX), year)


DOCUMENT_NAMESPACE = uuid.UUID("9d1c6a52-5f7e-4d8a-b0a4-3e2f1c7b6a90")


def archive_visit(profile: Profile, visit_id: str) -> list[dict[str, Any]]:
    """Render the finished visit's report (and notice, if it found problems) once and keep them, content-addressed,
    for the hub. A visit's archived PDFs are the ones as finished: amendments travel as audit records."""
    existing = store.archived(profile.db, visit_id)
    if existing:
        return existing
    visit = visits.get(profile, visit_id)
    made = [("visit_report", build_visit_report(profile, visit_id), "巡查报告")]
    if visits.findings_of_visit(profile, visit_id):
        made.append(("notice", build_notice(profile, visit_id), "整改通知书"))
    for kind, document, label in made:
        pdf = render(document).pdf
        sha = hashlib.sha256(pdf).hexdigest()
        profile.photos.write_blob(sha, "pdf", pdf)
        store.archive(profile.db, {
            "id": str(uuid.uuid5(DOCUMENT_NAMESPACE, f"{visit_id}:{kind}")), "visit_id": visit_id, "kind": kind,
            "sha256": sha, "bytes": len(pdf), "notice_number": getattr(document, "notice_number", None), "name": f"{_local(visit['started_at'], '%Y%m%d')}_{_safe(visit['enterprise_name'])}_{label}.pdf",
            "created_at": clock.to_text(clock.now()),
        })  # fmt: skip
    return store.archived(profile.db, visit_id)


def archive_finished(profile: Profile, progress: Callable[[int, int], None] | None = None,
                     within_days: int | None = None) -> int:  # fmt: skip
    """PDFs for finished visits that have none (the app makes them at finish; this catches the rest). With
    within_days, only visits finished that recently: older ones were printed at the time."""
    since = ""
    if within_days is not None:
        since = clock.to_text(clock.now() - timedelta(days=within_days))
    todo = store.finished_without_documents(profile.db, since)
    for n, visit_id in enumerate(todo, start=1):
        archive_visit(profile, visit_id)
        if progress:
            progress(n, len(todo))
    return len(todo)


def export_visit_reports(profile: Profile, visit_ids: Iterable[str], folder: Path,
                         progress: Callable[[int, int, str], None] | None = None) -> list[Path]:  # fmt: skip
    """Each visit's report (and notice, when it has findings) into a folder, named by date and enterprise."""
    ids = list(visit_ids)
    written = []
    for n, visit_id in enumerate(ids, start=1):
        visit = visits.get(profile, visit_id)
        stem = f"{_local(visit['started_at'], '%Y%m%d')}_{_safe(visit['enterprise_name'])}_{visit_id[:8]}"
        written.append(save_pdf(render(build_visit_report(profile, visit_id)), folder / f"{stem}_巡查报告.pdf"))
        if visits.findings_of_visit(profile, visit_id):
            written.append(save_pdf(render(build_notice(profile, visit_id)), folder / f"{stem}_整改通知书.pdf"))
        if progress:
            progress(n, len(ids), visit["enterprise_name"])
    return written


def _safe(name: str) -> str:
    return "".join(ch for ch in name if ch not in '\\/:*?"<>|').strip()[:40] or "enterprise"


def default_name(kind: str, subject: str) -> str:
    return f"{kind}_{_safe(subject)}_{clock.today().strftime('%Y%m%d')}.pdf"


__all__ = ["EventKind", "build_ledger", "build_notice", "build_summary", "build_visit_report", "render", "save_pdf"]
