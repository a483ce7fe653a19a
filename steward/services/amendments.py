"""A finished visit is locked: a change to it (its answers, its findings) is an amendment with a reason, audited."""

from __future__ import annotations

from typing import Any

from steward.domain import clock
from steward.domain.errors import VisitLocked
from steward.domain.ids import new_id
from steward.domain.labels import VisitStatus
from steward.services import settings
from steward.storage import audit, records
from steward.storage.profile import Profile


def require_change_allowed(visit: records.Visit, reason: str | None) -> bool:
    """True when the change is an amendment of a finished visit (and so must be audited)."""
    if visit["status"] == VisitStatus.IN_PROGRESS:
        return False
    if not (reason and reason.strip()):
        raise VisitLocked(
            "这次巡查已完成并锁定;如需更改,请以“修订”方式进行并填写理由。",
            "This visit is finished and locked; changes must be amendments with a reason.",
        )
    return True


def record(
    profile: Profile,
    visit_id: str,
    entity: str,
    entity_id: str,
    action: str,
    reason: str,
    detail: dict[str, Any],  # free-form JSON: before/after of whichever fields the amendment changed
) -> None:
    """The audit row of one amendment: who changed what in which visit, why, and before/after."""
    audit.record(
        profile.db,
        id=new_id(),
        at=clock.to_text(clock.now()),
        actor=settings.get(profile, settings.STEWARD_NAME),
        entity=entity,
        entity_id=entity_id,
        action=action,
        reason=reason.strip(),
        detail={"visit_id": visit_id, **detail},
    )
