"""A visit, from start to finish: answers, findings from non-compliant answers, signatures, amendments."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from steward.domain import clock
from steward.domain.errors import InvalidInput, NotFound
from steward.domain.ids import new_id
from steward.domain.labels import AnswerResult, EventKind, Severity, VisitKind, VisitStatus
from steward.services import amendments, enterprises, findings, settings
from steward.services import templates as template_service
from steward.storage import findings as findings_store
from steward.storage import photos as photos_store
from steward.storage import records
from steward.storage import settings as settings_store
from steward.storage import templates as template_store
from steward.storage import visits as store
from steward.storage.profile import Profile

DEFAULT_TEMPLATE = "craft"


def _stamp(at: datetime | None) -> str:
    return clock.to_text(at or clock.now())


def get(profile: Profile, visit_id: str) -> records.VisitOfEnterprise:
    row = store.get(profile.db, visit_id)
    if row is None:
        raise NotFound(f"找不到巡查记录:{visit_id}", f"No such visit: {visit_id}")
    return row


class DraftExists(InvalidInput):
    """The enterprise has a visit in progress already: one draft per enterprise (continue it, or finish it first)."""

    def __init__(self, draft: records.VisitListed, enterprise_name: str) -> None:
        started = clock.from_text(draft["started_at"]).astimezone().strftime("%Y-%m-%d %H:%M")
        answered, total = draft["answered"], draft["item_count"]
        super().__init__(
            f"{enterprise_name} 已有一次未完成的巡查({started} 开始,已检查 {answered}/{total} 项)。"
            "每家企业同时只能有一次未完成的巡查:请继续这次巡查,或先将其完成。",
            f"{enterprise_name} already has a visit in progress (started {started}, {answered} of {total} items "
            "checked). An enterprise has one unfinished visit at a time: continue it, or finish it first.",
        )
        self.draft = draft


def require_no_draft(profile: Profile, enterprise_id: str) -> None:
    """Raises DraftExists (naming the draft) when the enterprise has a visit in progress."""
    draft = draft_of_enterprise(profile, enterprise_id)
    if draft is not None:
        raise DraftExists(draft, enterprises.get(profile, enterprise_id)["name"])


def start(
    profile: Profile,
    enterprise_id: str,
    kind: VisitKind | str = VisitKind.ROUTINE,
    *,
    item_codes: list[str] | None = None,
    template_code: str | None = None,
    steward: str | None = None,
    at: datetime | None = None,
    resume_draft: bool = False,
) -> records.VisitOfEnterprise:
    """Begin a visit on the enterprise's current checklist; `item_codes` picks a subset (routine visits).
    One draft per enterprise: while it has a visit in progress, that one is returned (`resume_draft`) or
    DraftExists is raised."""
    with profile.db.write():  # the check and the new visit in one transaction: no second draft slips in between
        draft = draft_of_enterprise(profile, enterprise_id)
        if draft is not None and resume_draft:
            return get(profile, draft["id"])
        require_no_draft(profile, enterprise_id)
        return _start(profile, enterprise_id, kind, item_codes, template_code, steward, at)


def _start(
    profile: Profile,
    enterprise_id: str,
    kind: VisitKind | str,
    item_codes: list[str] | None,
    template_code: str | None,
    steward: str | None,
    at: datetime | None,
) -> records.VisitOfEnterprise:
    try:
        kind = VisitKind(kind)
    except ValueError:
        raise InvalidInput(
            f"未知的巡查类型“{kind}”,可选:{'、'.join(k.zh for k in VisitKind)}",
            f"Unknown visit kind '{kind}'; choose one of {', '.join(k.value for k in VisitKind)}",
        ) from None
    enterprise = enterprises.get(profile, enterprise_id)
    template = template_service.latest(profile, template_code or enterprise["template_code"] or DEFAULT_TEMPLATE)
    items = template_store.items(profile.db, template["id"])
    if item_codes:
        by_code = {i["code"]: i for i in items}
        unknown = [c for c in item_codes if c not in by_code]
        if unknown:
            raise InvalidInput(
                f"检查表中没有这些检查项:{', '.join(unknown)}", f"The checklist has no items {', '.join(unknown)}"
            )
        items = [by_code[c] for c in dict.fromkeys(item_codes)]
    stamp = _stamp(at)
    visit_id = new_id()
    # Not a whole Visit: `origin` is left to its column default (here), as before migration 0008 (test_sync replays it).
    visit = {
        "id": visit_id,
        "enterprise_id": enterprise["id"],
        "template_id": template["id"],
        "steward": steward or settings.get(profile, settings.STEWARD_NAME),
        "kind": kind.value,
        "status": VisitStatus.IN_PROGRESS.value,
        "started_at": stamp,
        "finished_at": None,
        "notice_number": None,
        "summary": "",
        "updated_at": stamp,
    }
    store.insert(profile.db, visit, [i["id"] for i in items])
    return get(profile, visit_id)


def answer(
    profile: Profile,
    visit_id: str,
    item_id: str,
    result: AnswerResult | str | None,
    note: str | None = None,
    *,
    reason: str | None = None,
    at: datetime | None = None,
) -> records.Answer:
    """Record (or clear, with result None) the answer to one item; saved at once."""
    visit = get(profile, visit_id)
    amendment = amendments.require_change_allowed(visit, reason)
    if not store.covers_item(profile.db, visit_id, item_id):
        raise InvalidInput("该检查项不在本次巡查范围内。", "This item is not part of the visit.")
    value = AnswerResult(result).value if result else None
    before = store.answer(profile.db, visit_id, item_id)
    row: records.Answer = {
        "id": before["id"] if before else new_id(),
        "visit_id": visit_id,
        "item_id": item_id,
        "result": value,
        "note": (before["note"] if before and note is None else (note or "")).strip(),
        "updated_at": _stamp(at),
    }
    with profile.db.write():
        store.upsert_answer(profile.db, row)
        store.set_fields(profile.db, visit_id, {"updated_at": row["updated_at"]})
        if amendment:
            amendments.record(
                profile,
                visit_id,
                "answer",
                str(row["id"]),
                "amend",
                reason or "",
                {
                    "item_id": item_id,  # the hub adds an answer first given after finishing to its copy by it
                    "before": {k: before[k] for k in ("result", "note")} if before else None,
                    "after": {"result": row["result"], "note": row["note"]},
                },
            )
    return row


def create_finding(
    profile: Profile,
    visit_id: str,
    item_id: str | None = None,
    *,
    location: str = "",
    description: str | None = None,
    basis: str | None = None,
    severity: Severity | str | None = None,
    requirement: str | None = None,
    deadline: date | None = None,
    reason: str | None = None,
    at: datetime | None = None,
) -> records.Finding:
    """A finding, prefilled from the item (description, basis, severity, requirement, deadline by severity)."""
    visit = get(profile, visit_id)
    amendment = amendments.require_change_allowed(visit, reason)
    item = template_store.item(profile.db, item_id) if item_id else None
    if item_id and item is None:
        raise NotFound(f"找不到检查项:{item_id}", f"No such checklist item: {item_id}")
    sev = Severity(severity) if severity else Severity(item["severity"]) if item else Severity.GENERAL
    text = (description if description is not None else findings.default_description(item)).strip()
    if not text:
        raise InvalidInput("问题描述不能为空。", "The description must not be empty.")
    moment = at or clock.now()
    if deadline is None:
        template = template_store.get(profile.db, visit["template_id"])
        days = template_service.deadline_days(template, sev) if template else 7
        deadline = clock.local_date(moment) + timedelta(days=days)
    stamp = clock.to_text(moment)
    finding: records.Finding = {
        "id": new_id(),
        "enterprise_id": visit["enterprise_id"],
        "visit_id": visit_id,
        "item_id": item_id,
        "location": location.strip(),
        "description": text,
        "basis": (basis if basis is not None else (item["basis"] if item else "")).strip(),
        "severity": sev.value,
        "requirement": (requirement if requirement is not None else findings.default_requirement(item)).strip(),
        "deadline": deadline.isoformat(),
        "original_deadline": deadline.isoformat(),
        "created_at": stamp,
        "created_by": visit["steward"],
        "status": "open",
        "closed_at": None,
        "updated_at": stamp,
        "description_confirmed_at": None,
    }
    with profile.db.write():
        # Unconfirmed is the column's default: the row is written without it, as before (and as a profile being
        # migrated from before 0016 takes it).
        findings_store.insert(profile.db, {k: v for k, v in finding.items() if k != "description_confirmed_at"})
        findings_store.insert_event(
            profile.db,
            {
                "id": new_id(),
                "finding_id": finding["id"],
                "kind": EventKind.OPENED.value,
                "at": stamp,
                "by": visit["steward"],
                "note": "",
                "visit_id": visit_id,
            },
        )
        if item_id:
            photos_store.attach_item_photos_to_finding(profile.db, visit_id, item_id, finding["id"])
        if amendment:
            amendments.record(
                profile,
                visit_id,
                "finding",
                finding["id"],
                "amend_create",
                reason or "",
                {"after": {k: finding[k] for k in findings.EDITABLE_FIELDS}},
            )
    return finding


def findings_for_item(profile: Profile, visit_id: str, item_id: str) -> list[records.Finding]:
    return findings_store.for_item_in_visit(profile.db, visit_id, item_id)


def earlier_open_findings_for_item(profile: Profile, visit_id: str, item_id: str) -> list[records.FindingOfVisit]:
    """Findings on this item still open from earlier visits: marking it 不合格 again is most often the same problem,
    to be re-checked as 仍未整改 rather than found a second time."""
    visit = get(profile, visit_id)
    return [
        f
        for f in findings_store.open_for_enterprise(profile.db, visit["enterprise_id"], visit_id)
        if f["item_id"] == item_id
    ]


def still_not_rectified(
    profile: Profile, visit_id: str, item_id: str, finding_id: str, note: str = ""
) -> records.FindingEvent:
    """The item is not compliant because an earlier finding is still not rectified: answer the item and re-check
    that finding as 未整改, instead of opening a duplicate."""
    answer(profile, visit_id, item_id, AnswerResult.NOT_COMPLIANT)
    return recheck(profile, visit_id, finding_id, EventKind.RECHECK_NOT_RECTIFIED, note)


def finish_warnings(profile: Profile, visit_id: str) -> list[str]:
    """What a steward should look at before locking the visit (each a sentence; none stops the finish)."""
    warnings: list[str] = []
    new = findings_store.for_visit(profile.db, visit_id)
    no_place = [f["item_code"] or "—" for f in new if not f["location"].strip()]
    if no_place:
        warnings.append(f"问题未填写位置:{'、'.join(no_place)}")
    untouched = [f["item_code"] or "—" for f in new if findings.description_untouched(profile, f)]
    if untouched:
        warnings.append(f"问题描述仍是检查表原文,未确认或修改:{'、'.join(untouched)}")
    pending = [r for r in recheck_list(profile, visit_id) if r["outcome"] is None]
    if pending:
        names = "、".join(f"{r.get('item_code') or ''}{r['location'] and ' ' + r['location']}" for r in pending)
        warnings.append(f"还有 {len(pending)} 个未整改问题没有复查:{names}")
    loose = photos_store.unassigned_in_visit(profile.db, visit_id)
    if loose:
        warnings.append(f"还有 {len(loose)} 张照片未分配到检查项:{'、'.join(p['original_name'] for p in loose)}")
    return warnings


def last_results(profile: Profile, visit_id: str) -> dict[str, str]:
    """Each item's answer at the enterprise's last finished visit that checked it, by item code."""
    visit = get(profile, visit_id)
    return store.last_results(profile.db, visit["enterprise_id"], visit_id)


def answer_rest_compliant(profile: Profile, visit_id: str) -> int:
    """其余全部合格: every item not yet answered becomes compliant (the GUI asks first). Returns how many."""
    rest = [i for i in store.items(profile.db, visit_id) if not i["result"]]
    with profile.db.write():
        for item in rest:
            answer(profile, visit_id, item["id"], AnswerResult.COMPLIANT)
    return len(rest)


def draft_of_enterprise(profile: Profile, enterprise_id: str) -> records.VisitListed | None:
    """The enterprise's visit still in progress, if any: one draft per enterprise."""
    return next((v for v in store.in_progress(profile.db) if v["enterprise_id"] == enterprise_id), None)


def findings_of_visit(profile: Profile, visit_id: str) -> list[records.FindingOfVisit]:
    """The findings raised in the visit."""
    return findings_store.for_visit(profile.db, visit_id)


class Recheck(records.FindingOfVisit):
    """An earlier visit's finding to re-check in this visit, with this visit's latest outcome (None: not yet
    re-checked; the note is then the draft typed so far) and how many days it is overdue."""

    outcome: str | None
    outcome_event_id: str | None
    outcome_note: str
    overdue_days: int


def recheck_list(profile: Profile, visit_id: str, today: date | None = None) -> list[Recheck]:
    """Findings of earlier visits to re-check in this one: those still open, and those already re-checked here
    (with this visit's latest outcome and its event id, to which after-photos belong)."""
    visit = get(profile, visit_id)
    day = (today or clock.today()).isoformat()
    outcomes: dict[str, records.FindingEvent] = {}
    for recorded in findings_store.events_in_visit(profile.db, visit_id):
        if recorded["kind"].startswith("recheck_"):
            outcomes[recorded["finding_id"]] = recorded
    drafts = settings_store.get(profile.db, _recheck_draft_key(visit_id)) or {}
    rows = {f["id"]: f for f in findings_store.open_for_enterprise(profile.db, visit["enterprise_id"], visit_id)}
    for finding_id in outcomes.keys() - rows.keys():
        closed = findings_store.get(profile.db, finding_id)
        if closed:
            rows[finding_id] = closed
    listed: list[Recheck] = []
    for row in sorted(rows.values(), key=lambda r: (r["deadline"] or "", r["created_at"])):
        event = outcomes.get(row["id"])
        overdue = 0
        if row["deadline"] and row["status"] not in ("rectified", "waived") and row["deadline"] < day:
            overdue = (date.fromisoformat(day) - date.fromisoformat(row["deadline"])).days
        listed.append(
            {
                **row,
                "outcome": event["kind"] if event else None,
                "outcome_event_id": event["id"] if event else None,
                "outcome_note": event["note"] if event else drafts.get(row["id"], ""),
                "overdue_days": overdue,
            }
        )
    return listed


_RESUME_KEY = "resume_position"


def _recheck_draft_key(visit_id: str) -> str:
    return f"recheck_notes:{visit_id}"


def save_recheck_note(profile: Profile, visit_id: str, finding_id: str, note: str) -> None:
    """Keep a re-check comment as it is typed: on this visit's outcome once one is chosen (still a draft while the
    visit is open, so changing it rewrites nothing anyone has seen), before that as a draft of the visit."""
    visit = get(profile, visit_id)
    amendments.require_change_allowed(visit, None)
    note = note.strip()
    outcome = None
    for event in findings_store.events_in_visit(profile.db, visit_id):
        if event["finding_id"] == finding_id and event["kind"].startswith("recheck_"):
            outcome = event
    with profile.db.write():
        if outcome is not None:
            if outcome["note"] != note:
                findings_store.set_event_note(profile.db, outcome["id"], note)
            return
        drafts = settings_store.get(profile.db, _recheck_draft_key(visit_id)) or {}
        drafts[finding_id] = note
        settings_store.put(profile.db, _recheck_draft_key(visit_id), drafts)


def remember_position(profile: Profile, visit_id: str, position: str) -> None:
    """Where the steward is in a visit, so that a restart continues exactly there."""
    settings_store.put(profile.db, _RESUME_KEY, {"visit_id": visit_id, "position": position})


def resume_point(profile: Profile) -> tuple[records.VisitListed, str | None] | None:
    """The visit left in progress (the most recent), and the position last shown in it."""
    open_visits = store.in_progress(profile.db)
    if not open_visits:
        return None
    saved = settings_store.get(profile.db, _RESUME_KEY) or {}
    for visit in open_visits:
        if visit["id"] == saved.get("visit_id"):
            return visit, saved.get("position")
    return open_visits[0], None


def recheck(
    profile: Profile,
    visit_id: str,
    finding_id: str,
    outcome: EventKind | str,
    note: str = "",
    at: datetime | None = None,
    *,
    new_deadline: date | None = None,
) -> records.FindingEvent:
    """Re-check an open finding during a visit: rectified, partly (with the new deadline agreed for the rest, from
    which the finding is due) or not rectified."""
    kind = EventKind(outcome)
    if kind not in (EventKind.RECHECK_RECTIFIED, EventKind.RECHECK_PARTLY, EventKind.RECHECK_NOT_RECTIFIED):
        raise InvalidInput("复查结论只能是：已整改、部分整改、未整改。", "A re-check is rectified, partly or not.")
    visit = get(profile, visit_id)
    amendments.require_change_allowed(visit, None)
    return findings.add_event(
        profile, finding_id, kind, note=note, by=visit["steward"], at=at, visit_id=visit_id, new_deadline=new_deadline
    )


def sign(
    profile: Profile,
    visit_id: str,
    role: str,
    signer_name: str,
    *,
    png: bytes | None = None,
    refused: bool = False,
    witness: str = "",
    at: datetime | None = None,
) -> records.Signature:
    """A signature as a PNG drawn on the pad, or a refusal to sign recorded with a witness."""
    if role not in ("steward", "representative"):
        raise InvalidInput(
            "签名角色只能是检查人员或企业代表。", "A signature is the steward's or the representative's."
        )
    visit = get(profile, visit_id)
    amendments.require_change_allowed(visit, None)
    if refused and not witness.strip():
        raise InvalidInput("企业拒绝签字时,须填写见证人姓名。", "When the enterprise refuses to sign, name a witness.")
    if not refused and not png:
        raise InvalidInput("请先签名。", "Please sign first.")
    sha = None
    if png:
        sha = hashlib.sha256(png).hexdigest()
        profile.photos.write_blob(sha, "png", png)
    row: records.Signature = {
        "id": new_id(),
        "visit_id": visit_id,
        "role": role,
        "signer_name": signer_name.strip(),
        "image_sha256": sha,
        "refused": 1 if refused else 0,
        "witness": witness.strip(),
        "signed_at": _stamp(at),
    }
    store.put_signature(profile.db, row)
    return row


@dataclass(frozen=True)
class VisitSummary:
    items_total: int
    items_answered: int
    not_compliant: int
    findings_new: int
    findings_closed: int
    findings_still_open: int


def summary(profile: Profile, visit_id: str) -> VisitSummary:
    visit = get(profile, visit_id)
    items = store.items(profile.db, visit_id)
    new = findings_store.for_visit(profile.db, visit_id)
    rechecked_rows = findings_store.events_in_visit(profile.db, visit_id)
    closed = {r["finding_id"] for r in rechecked_rows if r["kind"] == EventKind.RECHECK_RECTIFIED}
    still_open = findings_store.open_for_enterprise(profile.db, visit["enterprise_id"])
    return VisitSummary(
        items_total=len(items),
        items_answered=sum(1 for i in items if i["result"]),
        not_compliant=sum(1 for i in items if i["result"] == AnswerResult.NOT_COMPLIANT),
        findings_new=len(new),
        findings_closed=len(closed),
        findings_still_open=len(still_open),
    )


def finish(profile: Profile, visit_id: str, at: datetime | None = None) -> records.VisitOfEnterprise:
    """Lock the visit; later changes are amendments with a reason."""
    visit = get(profile, visit_id)
    if visit["status"] == VisitStatus.FINISHED:
        return visit
    stamp = _stamp(at)
    with profile.db.write():
        store.set_fields(
            profile.db, visit_id, {"status": VisitStatus.FINISHED.value, "finished_at": stamp, "updated_at": stamp}
        )
        for finding in findings_store.for_visit(profile.db, visit_id):
            findings.refresh_state(profile, finding["id"])
    from steward.services import documents  # documents reads visits: imported here, not at the top

    documents.keep_at_finish(profile, visit_id)  # the record: what its report and notice say, as of now
    return get(profile, visit_id)


def items(profile: Profile, visit_id: str) -> list[records.VisitItem]:
    return store.items(profile.db, visit_id)


def listing(
    profile: Profile, enterprise_id: str | None = None, status: str | None = None, limit: int | None = None
) -> list[records.VisitListed]:
    return store.list_visits(profile.db, enterprise_id=enterprise_id, status=status, limit=limit)


def in_progress(profile: Profile) -> list[records.VisitListed]:
    return store.in_progress(profile.db)
