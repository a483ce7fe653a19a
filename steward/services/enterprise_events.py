"""Complaints (信访投诉), penalties/cases and hazardous-waste violations: entered, edited and deleted by a steward,
read by the rating. Every edit and delete is audited (who, when, before and after) and raises the record's revision;
a delete leaves a tombstone, so sync can tell the hub and colleagues that the record is gone."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, TypedDict

from steward.domain import clock
from steward.domain.errors import InvalidInput, NotFound
from steward.domain.ids import new_id
from steward.domain.rating import RecordKind
from steward.services import settings
from steward.storage import audit, records
from steward.storage import enterprise_events as store
from steward.storage import enterprises as enterprise_store
from steward.storage.profile import Profile

AUDIT_ENTITY = "enterprise_event"
EARLIEST = date(2000, 1, 1)  # before this a date is a typing slip, not a record the rating could use
SHORT_TEXT = 100  # source, authority, document number
LONG_TEXT = 2000  # note


def _kind(kind: RecordKind | str) -> RecordKind:
    try:
        return RecordKind(kind)
    except ValueError:
        raise InvalidInput(
            f"记录类型应为 complaint(信访投诉)、penalty(行政处罚/立案)或 hazwaste(危险废物违法),而不是“{kind}”。",
            f"The kind must be complaint, penalty or hazwaste, not '{kind}'.",
        ) from None


class Entered(TypedDict):
    """A record's fields as a form or the CLI gives them (None: left empty)."""

    on_date: date
    source: str | None
    authority: str | None
    number: str | None
    substantiated: bool
    note: str | None


def _checked(kind: RecordKind, fields: Entered, today: date) -> store.EventDetails:
    """The fields as stored (trimmed), or a zh/en message naming the first thing wrong."""
    on: date = fields["on_date"]
    if on > today:
        raise InvalidInput(
            f"日期 {on} 在今天之后:只能记录已经发生的事。", f"The date {on} is in the future: record what happened."
        )
    if on < EARLIEST:
        raise InvalidInput(
            f"日期 {on} 早于 {EARLIEST}:请检查年份。", f"The date {on} is before {EARLIEST}: check the year."
        )
    text = {name: str(fields[name] or "").strip() for name in ("source", "authority", "number", "note")}
    names = {
        "source": ("来源", "source"),
        "authority": ("处罚机关", "authority"),
        "number": ("文书编号", "document number"),
        "note": ("说明", "note"),
    }
    for name, value in text.items():
        limit = LONG_TEXT if name == "note" else SHORT_TEXT
        if len(value) > limit:
            zh, en = names[name]
            raise InvalidInput(
                f"“{zh}”过长({len(value)} 字),最多 {limit} 字。",
                f"The {en} is too long ({len(value)} characters); at most {limit}.",
            )
    required = {
        RecordKind.COMPLAINT: (
            "source",
            "请填写投诉来源(如 12345 热线、信访局)。",
            "Enter where the complaint came from.",
        ),
        RecordKind.PENALTY: ("authority", "请填写处罚或立案机关。", "Enter the authority that imposed the penalty."),
        RecordKind.HAZWASTE: (
            "note",
            "请说明发现的危险废物违法情况。",
            "Describe the hazardous-waste violation found.",
        ),
    }[kind]
    if not text[required[0]]:
        raise InvalidInput(required[1], required[2])
    return {
        "on_date": on.isoformat(),
        "source": text["source"],
        "authority": text["authority"],
        "number": text["number"],
        "note": text["note"],
        "substantiated": 1 if fields["substantiated"] or kind is not RecordKind.COMPLAINT else 0,
    }


def add(
    profile: Profile,
    enterprise_id: str,
    kind: RecordKind | str,
    on: date,
    *,
    source: str = "",
    authority: str = "",
    number: str = "",
    substantiated: bool = True,
    note: str = "",
    today: date | None = None,
) -> records.EnterpriseEventOfEnterprise:
    if enterprise_store.get(profile.db, enterprise_id) is None:
        raise NotFound(f"找不到企业:{enterprise_id}", f"No enterprise with id {enterprise_id}")
    kind = _kind(kind)
    fields: Entered = {
        "on_date": on,
        "source": source,
        "authority": authority,
        "number": number,
        "note": note,
        "substantiated": substantiated,
    }
    record_id = new_id()
    row: store.NewEvent = {
        "id": record_id,
        "enterprise_id": enterprise_id,
        "kind": kind.value,
        **_checked(kind, fields, today or clock.today()),
        "created_at": clock.to_text(clock.now()),
        "created_by": settings.get(profile, settings.STEWARD_NAME),
    }
    store.insert(profile.db, row)
    return get(profile, record_id)


def get(profile: Profile, record_id: str) -> records.EnterpriseEventOfEnterprise:
    row = store.get(profile.db, record_id)
    if row is None or row["deleted"]:
        raise NotFound(f"找不到记录:{record_id}(可能已被删除)", f"No record {record_id} (it may have been deleted)")
    return row


_FROM_HUB = "hub"  # enterprise_events.origin of a record pulled from the hub (imported there, or a colleague's)
READ_ONLY = (
    "这条记录来自保险公司服务器(服务器导入,或同事录入),在本机只读;如需更改,请在服务器上修改或由录入人修改。",
    "This record came from the hub (imported there, or entered by a colleague) and is read-only here: it is changed "
    "on the hub or by the steward who entered it.",
)


def read_only_reason(row: Mapping[str, Any]) -> tuple[str, str] | None:
    """Why this record may not be changed or deleted on this laptop (zh, en), or None when it may. Only records
    entered here travel to the hub; a change to one pulled from it would stay on this laptop alone."""
    return READ_ONLY if row.get("origin") == _FROM_HUB else None


def _require_own(row: Mapping[str, Any]) -> None:
    reason = read_only_reason(row)
    if reason is not None:
        raise InvalidInput(*reason)


def _stale(record_id: str) -> InvalidInput:
    return InvalidInput(
        f"记录 {record_id} 已被他人更改或删除,请重新打开后再改。",
        f"Record {record_id} was changed or deleted meanwhile; open it again before changing it.",
    )


def _require_reason(reason: str, deleting: bool) -> None:
    """A change to a record the rating counted is an amendment: like one to a finished visit, it says why."""
    if not reason.strip():
        if deleting:
            raise InvalidInput(
                "请填写删除理由:审计记录会保留它。", "Give a reason for deleting: the audit log keeps it."
            )
        raise InvalidInput("请填写修改理由:审计记录会保留它。", "Give a reason for the change: the audit log keeps it.")


def _audit(
    profile: Profile,
    row: records.EnterpriseEvent,
    action: str,
    reason: str,
    detail: dict[str, Any],  # free-form JSON
) -> None:
    audit.record(
        profile.db,
        id=new_id(),
        at=clock.to_text(clock.now()),
        actor=settings.get(profile, settings.STEWARD_NAME),
        entity=AUDIT_ENTITY,
        entity_id=row["id"],
        action=action,
        reason=reason.strip(),
        detail={"enterprise_id": row["enterprise_id"], "kind": row["kind"], **detail},
    )


def edit(
    profile: Profile,
    record_id: str,
    *,
    on: date | None = None,
    source: str | None = None,
    authority: str | None = None,
    number: str | None = None,
    substantiated: bool | None = None,
    note: str | None = None,
    reason: str = "",
    today: date | None = None,
) -> records.EnterpriseEventOfEnterprise:
    """Change what was typed (None keeps a field); the whole record is checked again as if entered anew."""
    before = get(profile, record_id)
    was: Mapping[str, Any] = before  # read by field name below
    _require_own(before)
    kind = RecordKind(before["kind"])
    merged: Entered = {
        "on_date": on or date.fromisoformat(before["on_date"]),
        "source": before["source"] if source is None else source,
        "authority": before["authority"] if authority is None else authority,
        "number": before["number"] if number is None else number,
        "note": before["note"] if note is None else note,
        "substantiated": bool(before["substantiated"]) if substantiated is None else substantiated,
    }
    after = _checked(kind, merged, today or clock.today())
    changed = {k: v for k, v in after.items() if was[k] != v}
    if not changed:
        return before
    _require_reason(reason, deleting=False)
    at = clock.to_text(clock.now())
    by = settings.get(profile, settings.STEWARD_NAME)
    with profile.db.write():
        if not store.update(profile.db, record_id, changed, before["revision"], at, by):
            raise _stale(record_id)
        _audit(
            profile,
            before,
            "edit",
            reason,
            {
                "revision": before["revision"] + 1,
                "before": {k: was[k] for k in changed},
                "after": changed,
            },
        )
    return get(profile, record_id)


def delete(profile: Profile, record_id: str, reason: str) -> records.EnterpriseEventOfEnterprise:
    """Remove a record from the rating; the row stays as a tombstone and the audit log keeps what it said."""
    before = get(profile, record_id)
    was: Mapping[str, Any] = before  # read by field name below
    _require_own(before)
    _require_reason(reason, deleting=True)
    at = clock.to_text(clock.now())
    with profile.db.write():
        if not store.mark_deleted(
            profile.db, record_id, before["revision"], at, settings.get(profile, settings.STEWARD_NAME)
        ):
            raise _stale(record_id)
        _audit(
            profile,
            before,
            "delete",
            reason,
            {"revision": before["revision"] + 1, "before": {k: was[k] for k in store.EDITABLE}},
        )
    return before


def listing(profile: Profile, enterprise_id: str | None = None) -> list[records.EnterpriseEventOfEnterprise]:
    return store.listing(profile.db, enterprise_id)


def history(profile: Profile, record_id: str) -> list[records.AuditEntry]:
    """The audited edits and the delete of one record, oldest first."""
    return audit.for_entity(profile.db, AUDIT_ENTITY, record_id)
