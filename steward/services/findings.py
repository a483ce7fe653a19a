"""Findings: their events (the truth), the state derived from them, and the figures the insurer reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from steward.domain import clock
from steward.domain.errors import InvalidInput, NotFound
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
from steward.domain.labels import EventKind, FindingStatus, Severity
from steward.services import settings
from steward.storage import findings as store
from steward.storage.profile import Profile

_EVENT_KINDS = {kind.value: kind for kind in EventKind}  # a dict look-up: EventKind(value) is slow in bulk reads


def event_from_row(row: dict[str, Any]) -> FindingEvent:
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
    own = finding["original_deadline"] if finding and finding["original_deadline"] else (finding or {}).get("deadline")
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
) -> dict[str, Any]:
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
    event = {
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


def get(profile: Profile, finding_id: str) -> dict[str, Any]:
    row = store.get(profile.db, finding_id)
    if row is None:
        raise NotFound(f"找不到问题:{finding_id}", f"No such finding: {finding_id}")
    return row


@dataclass(frozen=True)
class FindingDetail:
    finding: dict[str, Any]
    events: list[dict[str, Any]]
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
) -> list[dict[str, Any]]:
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


def open_for_recheck(profile: Profile, enterprise_id: str, visit_id: str | None = None) -> list[dict[str, Any]]:
    """Every finding still open at the enterprise, except those raised in this very visit."""
    return store.open_for_enterprise(profile.db, enterprise_id, before_visit=visit_id)


def _summary(row: dict[str, Any], today: date) -> FindingSummary:
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


def _figures_from(row: dict[str, Any]) -> Figures:
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
