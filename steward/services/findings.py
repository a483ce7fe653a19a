"""Findings: what they say and its editing, their events (the truth), the state derived from them, and the figures
the insurer reads. A finding is raised in a visit (services.visits.create_finding); from then on it is edited here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, cast

from steward.domain import clock
from steward.domain.errors import InvalidInput, NotFound, VisitLocked
from steward.domain.findings import (
    Figures,
    FindingEvent,
    FindingState,
    FindingSummary,
    current_deadline,
    days_to_close,
    derive_state,
    figures,
    new_deadline_problem,
    overdue_days,
)
from steward.domain.ids import new_id
from steward.domain.labels import EventKind, FindingStatus, Severity, VisitStatus
from steward.services import amendments, settings
from steward.storage import findings as store
from steward.storage import records
from steward.storage import templates as template_store
from steward.storage import visits as visits_store
from steward.storage.profile import Profile

_EVENT_KINDS = {kind.value: kind for kind in EventKind}  # a dict look-up: EventKind(value) is slow in bulk reads


def event_from_row(row: Mapping[str, Any]) -> FindingEvent:
    """A row of finding_events (records.FindingEvent, or one read elsewhere) parsed for the domain's rules."""
    return FindingEvent(
        id=row["id"],
        finding_id=row["finding_id"],
        kind=_EVENT_KINDS.get(row["kind"]) or EventKind(row["kind"]),
        at=clock.from_text(row["at"]),
        by=row["by"],
        note=row["note"],
        visit_id=row["visit_id"],
        new_deadline=date.fromisoformat(row["new_deadline"]) if row.get("new_deadline") else None,
    )


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def refresh_state(profile: Profile, finding_id: str) -> FindingState:
    """Recompute the cached status and current deadline from the events; call inside the transaction that added
    events (or changed the finding's own deadline)."""
    state = derive_state(event_from_row(r) for r in store.events(profile.db, finding_id))
    finding = store.get(profile.db, finding_id)
    # A row written without its own deadline kept apart (pulled, or made before it was) has it in `deadline`.
    own = (finding["original_deadline"] or finding["deadline"]) if finding else None
    due = current_deadline(_day(own), state)
    store.update_fields(
        profile.db,
        finding_id,
        {
            "status": state.status.value,
            "closed_at": clock.to_text(state.closed_at) if state.closed_at else None,
            "original_deadline": own,
            "deadline": due.isoformat() if due else None,
            "updated_at": clock.to_text(clock.now()),
        },
    )
    return state


def add_event(
    profile: Profile,
    finding_id: str,
    kind: EventKind | str,
    *,
    note: str = "",
    by: str | None = None,
    at: datetime | None = None,
    visit_id: str | None = None,
    event_id: str | None = None,
    new_deadline: date | None = None,
) -> records.FindingEvent:
    """Append an event. `new_deadline` only with 部分整改: the date the rest is due, not before the event's day."""
    kind = EventKind(kind)
    finding = get(profile, finding_id)
    moment = at or clock.now()
    if new_deadline is not None:
        if kind != EventKind.RECHECK_PARTLY:
            raise InvalidInput(
                "只有“部分整改”才能约定新的整改期限。", "Only a partial rectification sets a new deadline."
            )
        problem = new_deadline_problem(new_deadline, clock.local_date(moment))
        if problem:
            raise InvalidInput(*problem)
    if kind == EventKind.WAIVED and not note.strip():
        raise InvalidInput("免于整改必须填写理由。", "Waiving a finding requires a reason.")
    if kind == EventKind.OPENED:
        raise InvalidInput("问题只能在创建时“发现”一次。", "A finding is opened only once, when it is created.")
    replay = event_id is not None and any(e["id"] == event_id for e in store.events(profile.db, finding_id))
    closed = FindingStatus(finding["status"]).closed and not replay  # sending the same event twice changes nothing
    if kind == EventKind.REOPENED and not closed:
        raise InvalidInput("只有已闭环(已整改或免于整改)的问题才能重新打开。", "Only a closed finding can be reopened.")
    if kind in (EventKind.WAIVED, EventKind.RECTIFICATION_REPORTED) and closed:
        raise InvalidInput("该问题已闭环;如需继续跟踪,请先重新打开。", "The finding is closed; reopen it first.")
    event: records.FindingEvent = {
        "id": event_id or new_id(),
        "finding_id": finding["id"],
        "kind": kind.value,
        "at": clock.to_text(moment),
        "by": by or settings.get(profile, settings.STEWARD_NAME),
        "note": note.strip(),
        "visit_id": visit_id,
        "new_deadline": new_deadline.isoformat() if new_deadline else None,
    }
    with profile.db.write():
        store.insert_event(profile.db, event)
        refresh_state(profile, finding_id)
    return event


def get(profile: Profile, finding_id: str) -> records.FindingInContext:
    row = store.get(profile.db, finding_id)
    if row is None:
        raise NotFound(f"找不到问题:{finding_id}", f"No such finding: {finding_id}")
    return row


@dataclass(frozen=True)
class FindingDetail:
    finding: records.FindingInContext
    events: list[records.FindingEvent]
    status: FindingStatus
    overdue_days: int
    days_to_close: int | None


def detail(profile: Profile, finding_id: str, today: date | None = None) -> FindingDetail:
    finding = get(profile, finding_id)
    events = store.events(profile.db, finding_id)
    state = derive_state(event_from_row(r) for r in events)
    deadline = date.fromisoformat(finding["deadline"]) if finding["deadline"] else None
    return FindingDetail(
        finding=finding,
        events=events,
        status=state.status,
        overdue_days=overdue_days(deadline, state, today or clock.today()),
        days_to_close=days_to_close(clock.from_text(finding["created_at"]), state),
    )


def listing(
    profile: Profile,
    *,
    query: str = "",
    open_only: bool = False,
    overdue_only: bool = False,
    status: str | None = None,
    severity: str | None = None,
    enterprise_id: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    today: date | None = None,
) -> list[records.FindingListed]:
    return store.search(
        profile.db,
        today=(today or clock.today()).isoformat(),
        query=query,
        open_only=open_only,
        overdue_only=overdue_only,
        status=status,
        severity=severity,
        enterprise_id=enterprise_id,
        limit=limit,
        offset=offset,
    )


def open_for_recheck(profile: Profile, enterprise_id: str, visit_id: str | None = None) -> list[records.FindingOfVisit]:
    """Every finding still open at the enterprise, except those raised in this very visit."""
    return store.open_for_enterprise(profile.db, enterprise_id, before_visit=visit_id)


def _summary(row: records.FindingFacts, today: date) -> FindingSummary:
    status = FindingStatus(row["status"])
    state = FindingState(status, clock.from_text(row["closed_at"]) if row["closed_at"] else None)
    deadline = date.fromisoformat(row["deadline"]) if row["deadline"] else None
    return FindingSummary(
        severity=Severity(row["severity"]),
        category=row["category"],
        status=status,
        overdue_days=overdue_days(deadline, state, today),
        closed=status.closed,
    )


def _figures_from(row: records.FigureCounts) -> Figures:
    return Figures(
        found=row["found"], rectified=row["rectified"], waived=row["waived"], open=row["open"], overdue=row["overdue"]
    )


def figures_for(profile: Profile, enterprise_id: str | None = None, today: date | None = None) -> Figures:
    """Found, rectified, rate, open and overdue: for one enterprise, or for the whole profile."""
    rows = store.figure_counts(profile.db, (today or clock.today()).isoformat(), enterprise_id)
    return Figures(*(sum(r[k] for r in rows) for k in ("found", "rectified", "waived", "open", "overdue")))


def figures_by_enterprise(profile: Profile, today: date | None = None) -> dict[str, Figures]:
    rows = store.figure_counts(profile.db, (today or clock.today()).isoformat())
    return {r["enterprise_id"]: _figures_from(r) for r in rows}


def figures_replayed(profile: Profile, today: date | None = None) -> Figures:
    """The same figures computed by the domain rule from each finding (slow; proves the SQL agrees)."""
    day = today or clock.today()
    return figures(_summary(r, day) for r in store.summaries(profile.db))


# -- what a finding says: prefilled from its checklist item, edited while its visit is open, amended after ----------
EditableField = Literal["location", "description", "basis", "severity", "requirement", "deadline"]
EDITABLE_FIELDS: tuple[EditableField, ...] = ("location", "description", "basis", "severity", "requirement", "deadline")


def default_requirement(item: Mapping[str, Any] | None) -> str:
    if item and item.get("requirement"):
        return str(item["requirement"])  # the checklist's own 整改要求 for this item
    if item and item["basis"]:
        return f"按照{item['basis']}的要求整改到位，并提交整改前后照片。"
    return "按要求整改到位，并提交整改前后照片。"


def default_description(item: Mapping[str, Any] | None) -> str:
    """The item's problem wording (what is wrong); the requirement's text only for a checklist without one, since
    an unedited requirement states compliance as if it were the problem."""
    if not item:
        return ""
    return str(item.get("problem") or item["text_zh"])


def _visit(profile: Profile, visit_id: str) -> records.VisitOfEnterprise:
    visit = visits_store.get(profile.db, visit_id)
    if visit is None:
        raise NotFound(f"找不到巡查记录:{visit_id}", f"No such visit: {visit_id}")
    return visit


def confirm_description(
    profile: Profile, visit_id: str, finding_id: str, at: datetime | None = None
) -> records.FindingInContext:
    """The steward read the prefilled 问题描述 and says it describes what they saw (kept on the finding, while its
    visit is open: after that the finding says what it said)."""
    finding = store.get(profile.db, finding_id)
    if finding is None or finding["visit_id"] != visit_id:
        raise NotFound(f"本次巡查中找不到问题:{finding_id}", f"No such finding in this visit: {finding_id}")
    amendments.require_change_allowed(_visit(profile, visit_id), None)
    store.update_fields(profile.db, finding_id, {"description_confirmed_at": clock.to_text(at or clock.now())})
    return store.get(profile.db, finding_id) or finding


def description_untouched(profile: Profile, finding: records.Finding) -> bool:
    """Still the checklist's wording, neither edited nor confirmed."""
    item = template_store.item(profile.db, finding["item_id"]) if finding["item_id"] else None
    confirmed = bool(finding.get("description_confirmed_at"))
    return bool(item) and finding["description"] == default_description(item) and not confirmed


def delete(profile: Profile, finding_id: str) -> None:
    """Undo a finding recorded by mistake. Only while its visit is open: after that it is history."""
    finding = store.get(profile.db, finding_id)
    if finding is None:
        return
    visit = _visit(profile, finding["visit_id"])
    if visit["status"] != VisitStatus.IN_PROGRESS:
        raise VisitLocked(
            "巡查已完成，问题不能删除；如属误记，请以免于整改并注明理由的方式处理。",
            "The visit is finished; a finding cannot be deleted. Waive it with a reason instead.",
        )
    store.delete_unfinished(profile.db, finding_id)


def update(profile: Profile, finding_id: str, *, reason: str | None = None, **changes: Any) -> records.FindingInContext:
    """Change what a finding says (while its visit is open, or as an amendment with a reason)."""
    finding = store.get(profile.db, finding_id)
    if finding is None:
        raise NotFound(f"找不到问题:{finding_id}", f"No such finding: {finding_id}")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"不能修改:{', '.join(sorted(unknown))}", f"Cannot change: {', '.join(sorted(unknown))}")
    visit = _visit(profile, finding["visit_id"])
    amendment = amendments.require_change_allowed(visit, reason)
    clean: dict[str, str] = {}
    for key, value in changes.items():
        if key == "severity":
            clean[key] = Severity(value).value
        elif key == "deadline":
            clean[key] = value.isoformat() if isinstance(value, date) else date.fromisoformat(str(value)).isoformat()
        else:
            clean[key] = str(value).strip()
    if "description" in clean and not clean["description"]:
        raise InvalidInput("问题描述不能为空。", "The description must not be empty.")
    if not clean:
        return finding
    # The finding's own deadline is what is edited; the one it is due now follows (a later 部分整改 still wins).
    before = {**finding, "deadline": finding["original_deadline"] or finding["deadline"]}
    own = {("original_deadline" if k == "deadline" else k): v for k, v in clean.items()}
    stored = cast(store.FindingChanges, {**own, "updated_at": clock.to_text(clock.now())})  # EDITABLE_FIELDS
    with profile.db.write():
        store.update_fields(profile.db, finding_id, stored)
        if "deadline" in clean:
            refresh_state(profile, finding_id)
        if amendment:
            amendments.record(
                profile,
                visit["id"],
                "finding",
                finding_id,
                "amend",
                reason or "",
                {"before": {k: before[k] for k in changes}, "after": {k: clean[k] for k in changes}},
            )
    return store.get(profile.db, finding_id) or finding
