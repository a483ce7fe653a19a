"""The finding editor shows each finding's own deadline, never the one before it."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot

from steward.storage import records
from steward.storage.profile import Profile
from steward.ui.theme import chosen_day
from steward.ui.widgets.finding_editor import FindingEditor


def _finding(deadline: str | None) -> records.Finding:
    return {
        "id": f"f-{deadline}",
        "enterprise_id": "e",
        "visit_id": "v",
        "item_id": None,
        "location": "喷漆车间",
        "description": "废气收集不完善",
        "basis": "",
        "severity": "general",
        "requirement": "",
        "deadline": deadline,
        "created_at": "2026-11-02T08:00:00+08:00",
        "created_by": "王伟",
        "status": "open",
        "closed_at": None,
        "updated_at": "2026-11-02T08:00:00+08:00",
        "original_deadline": deadline,
        "description_confirmed_at": None,
    }


def test_a_finding_without_a_deadline_is_offered_today_not_the_last_ones(qtbot: QtBot, profile: Profile) -> None:
    """mypy found QDate.fromString given None: Qt made an invalid date of it, which the field ignored, so it kept
    showing the previous finding's deadline."""
    editor = FindingEditor(profile)
    qtbot.addWidget(editor)
    editor.show_finding(_finding("2020-03-04"), {}, editable=False)
    assert chosen_day(editor.deadline.date()) == date(2020, 3, 4)
    before = date.today()
    editor.show_finding(_finding(None), {}, editable=False)
    assert chosen_day(editor.deadline.date()) in {before, date.today()}  # midnight may pass in between
