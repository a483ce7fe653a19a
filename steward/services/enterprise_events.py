"""Complaints (信访投诉), penalties/cases and hazardous-waste violations: entered by a steward, read by the rating."""

from __future__ import annotations

from datetime import date
from typing import Any

from steward.domain import clock
from steward.domain.errors import InvalidInput, NotFound
from steward.domain.ids import new_id
from steward.domain.rating import RecordKind
from steward.services import settings
from steward.storage import enterprise_events as store
from steward.storage import enterprises as enterprise_store
from steward.storage.profile import Profile


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
) -> dict[str, Any]:
    if enterprise_store.get(profile.db, enterprise_id) is None:
        raise NotFound(f"找不到企业:{enterprise_id}", f"No enterprise with id {enterprise_id}")
    try:
        kind = RecordKind(kind)
    except ValueError:
        raise InvalidInput(
            f"记录类型应为 complaint(信访投诉)、penalty(行政处罚/立案)或 hazwaste(危险废物违法),而不是“{kind}”。",
            f"The kind must be complaint, penalty or hazwaste, not '{kind}'.",
        ) from None
    if on > (today or clock.today()):
        raise InvalidInput(
            f"日期 {on} 在今天之后:只能记录已经发生的事。", f"The date {on} is in the future: record what happened."
        )
    row = {
        "id": new_id(),
        "enterprise_id": enterprise_id,
        "kind": kind.value,
        "on_date": on.isoformat(),
        "source": source.strip(),
        "authority": authority.strip(),
        "number": number.strip(),
        "substantiated": 1 if substantiated else 0,
        "note": note.strip(),
        "created_at": clock.to_text(clock.now()),
        "created_by": settings.get(profile, settings.STEWARD_NAME),
    }
    store.insert(profile.db, row)
    return row


def listing(profile: Profile, enterprise_id: str | None = None) -> list[dict[str, Any]]:
    return store.listing(profile.db, enterprise_id)
