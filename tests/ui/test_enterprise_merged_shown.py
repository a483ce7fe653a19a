"""An enterprise this laptop entered under its own id and merged at a pull into the hub's (same credit code, the hub's
id won) says so in its detail: "已合并" with the old id, its own name when the hub's differs, and the day; an
enterprise nothing was merged into shows no such row."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from steward.services import demo
from steward.storage import sync_records
from steward.storage.profile import Profile
from steward.ui.main_window import MainWindow

HUB_ID = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"


@pytest.fixture
def park_size() -> demo.DemoSize:
    return demo.DemoSize(enterprises=2, weeks=2)


def _facts(window: MainWindow) -> dict[str, str]:
    form = window.detail.facts
    rows = {}
    for row in range(form.rowCount()):
        caption = form.itemAt(row, form.ItemRole.LabelRole).widget()
        value = form.itemAt(row, form.ItemRole.FieldRole).widget()
        assert isinstance(caption, QLabel) and isinstance(value, QLabel)
        rows[caption.text()] = value.text()
    return rows


def test_the_detail_of_an_enterprise_merged_on_this_laptop_says_so(
    window: MainWindow, qtbot: QtBot, park: Profile
) -> None:
    ours, other = [r["id"] for r in park.db.query("SELECT id FROM enterprises ORDER BY name")]
    visits_before = park.db.scalar("SELECT count(*) FROM visits WHERE enterprise_id = ?", [ours])
    local = sync_records.enterprise_row(park.db, ours)
    assert local is not None
    hub_row = {**local, "id": HUB_ID, "name": "仙居县源泉工艺品有限公司(保险名单)"}
    # As a pull merges it: the hub's id wins, our name is kept as a replaced value.
    sync_records.merge_enterprise(park.db, ours, hub_row, {}, {"name": local["name"]}, "2026-11-20T04:00:00.000Z")

    window.show_enterprise(HUB_ID)
    facts = _facts(window)
    assert facts["已合并"] == f"本机原编号 {ours[:8]}(原名“{local['name']}”) 于 2026-11-20 并入服务器上的同一企业"
    assert park.db.scalar("SELECT count(*) FROM visits WHERE enterprise_id = ?", [HUB_ID]) == visits_before

    window.show_enterprise(other)
    assert "已合并" not in _facts(window)
