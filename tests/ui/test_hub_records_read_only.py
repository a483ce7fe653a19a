"""A complaint/penalty/hazardous-waste record pulled from the hub (imported there, or a colleague's) is read-only in
the enterprise detail: 修改 and 删除 are disabled with a tooltip saying why, and a double click opens no editor."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from steward.domain import clock
from steward.services import demo, enterprise_events
from steward.storage import sync_records
from steward.storage.profile import Profile
from steward.ui.main_window import MainWindow

HUB_RECORD = "01a21400-0000-7000-8000-00000000c002"


@pytest.fixture
def park_size() -> demo.DemoSize:
    return demo.DemoSize(enterprises=2, weeks=2)


def test_a_record_from_the_hub_cannot_be_changed_in_the_detail(window: MainWindow, qtbot: QtBot, park: Profile) -> None:
    eid = park.db.scalar("SELECT id FROM enterprises ORDER BY name LIMIT 1")
    sync_records.put_pulled_enterprise_event(  # as a pull from the hub stores it
        park.db,
        {
            "id": HUB_RECORD,
            "enterprise_id": eid,
            "kind": "penalty",
            "on_date": "2026-10-12",
            "authority": "台州市生态环境局",
            "number": "台环罚〔2026〕12号",
            "created_at": "2026-11-01T01:00:00.000Z",
            "created_by": "服务器导入 hub import",
        },
    )
    own = enterprise_events.add(park, eid, "complaint", on=clock.today(), source="12345热线")
    window.show_enterprise(eid)
    detail = window.detail
    rows = detail.records.rows
    hub_row = next(i for i, r in enumerate(rows) if r["id"] == HUB_RECORD)
    own_row = next(i for i, r in enumerate(rows) if r["id"] == own["id"])

    detail.records_table.selectRow(hub_row)
    for button in (detail.edit_record_button, detail.delete_record_button):
        assert not button.isEnabled()
        assert "只读" in button.toolTip() and "read-only" in button.toolTip()
    detail.edit_record(rows[hub_row])  # what a double click does: nothing opens (no modal is left waiting)

    detail.records_table.selectRow(own_row)
    for button in (detail.edit_record_button, detail.delete_record_button):
        assert button.isEnabled() and button.toolTip() == ""
