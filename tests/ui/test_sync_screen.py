"""The Sync screen against a real hub: pending work, one click, the log; a wrong token said plainly."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from steward.hub.store import HubStore
from steward.services import demo
from steward.storage.profile import Profile
from steward.sync import engine
from steward.ui.main_window import MainWindow
from tests.hub_process import Hub, plant_raw


@pytest.fixture
def park_size() -> demo.DemoSize:
    """The smallest park, as test_shipping's and others': built once per test run for all of them, and any park
    has records to send."""
    return demo.DemoSize(enterprises=2, weeks=2)


@pytest.fixture
def hub(tmp_path: Path):
    data = tmp_path / "hub"
    data.mkdir()
    token = HubStore(data).add_steward("李明")
    server = Hub(data).start()
    yield server, token
    server.stop()


def test_sync_screen(qtbot: QtBot, hub, park: Profile) -> None:
    server, token = hub
    window = MainWindow(park)
    qtbot.addWidget(window)
    window.show()
    window.show_sync()
    screen = window.sync_screen
    assert "待同步:巡查" in screen.pending.text() and engine.pending(park).records > 0
    screen.hub.setText(server.url)
    screen.token.setText("wrong")
    screen.sync_button.click()
    qtbot.waitUntil(lambda: "令牌无效" in screen.error.text(), timeout=10000)
    screen.token.setText(token)
    screen.sync_button.click()
    qtbot.waitUntil(
        lambda: any("同步完成" in screen.log.item(i).text() for i in range(screen.log.count())), timeout=30000
    )
    assert screen.error.text() == "" and engine.pending(park).records == 0
    assert "巡查 0 次" in screen.pending.text()


def test_the_sync_log_names_a_record_it_could_not_apply(qtbot: QtBot, hub, park: Profile) -> None:
    server, token = hub
    bad = "01a21400-0000-7000-8000-0000000000d1"
    plant_raw(HubStore(server.data_dir), "enterprise", bad, {"id": bad, "credit_code": "91331024MA0000906X"})
    window = MainWindow(park)
    qtbot.addWidget(window)
    window.show()
    window.show_sync()
    screen = window.sync_screen
    screen.hub.setText(server.url)
    screen.token.setText(token)
    screen.sync_button.click()
    lines = lambda: [screen.log.item(i).text() for i in range(screen.log.count())]  # noqa: E731
    qtbot.waitUntil(lambda: any("同步完成" in line for line in lines()), timeout=30000)
    assert [line for line in lines() if "跳过:enterprise 01a21400" in line and "name" in line]


def test_the_sync_screen_lists_records_the_hub_refused_and_that_are_not_sent(qtbot: QtBot, park: Profile) -> None:
    from steward.storage import sync_records

    waiting = engine.outbox(park)
    held = waiting[0]
    refusal = {"entity": held["entity"], "id": held["id"], "hash": held["hash"], "code": "not_your_visit"}
    sync_records.mark_refused(park.db, [{**refusal, "zh": "只能上传本人巡查的记录。", "en": "Not yours."}], "2026")
    window = MainWindow(park)
    qtbot.addWidget(window)
    window.show_sync()
    screen = window.sync_screen
    assert "服务器拒收、未上传 1 条" in screen.pending.text()
    assert "只能上传本人巡查的记录。" in screen.pending.toolTip()
    assert engine.pending(park).records == len(waiting) - 1
