"""The Sync screen closes its connection to the hub when a sync ends, whether it succeeded or was refused: an open
one holds a TLS hub's graceful shutdown and keeps a socket per sync for as long as the window is open."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from steward.hub.store import HubStore
from steward.services import demo
from steward.storage.profile import Profile
from steward.sync.client import HubClient
from steward.ui.main_window import MainWindow
from tests.hub_process import Hub


@pytest.fixture
def park_size() -> demo.DemoSize:
    return demo.DemoSize(enterprises=2, weeks=1)


def test_every_sync_from_the_screen_closes_its_client(
    qtbot: QtBot, tmp_path: Path, park: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[HubClient] = []
    closed: list[HubClient] = []
    first_init, first_close = HubClient.__init__, HubClient.close

    def init(self: HubClient, *args: object, **kwargs: object) -> None:
        first_init(self, *args, **kwargs)  # type: ignore[arg-type]
        made.append(self)

    def close(self: HubClient) -> None:
        closed.append(self)
        first_close(self)

    monkeypatch.setattr(HubClient, "__init__", init)
    monkeypatch.setattr(HubClient, "close", close)
    data = tmp_path / "hub"
    data.mkdir()
    token = HubStore(data).add_steward("李明")
    server = Hub(data).start()
    try:
        window = MainWindow(park)
        qtbot.addWidget(window)
        window.show_sync()
        screen = window.sync_screen
        screen.hub.setText(server.url)
        screen.token.setText("wrong")
        screen.sync_button.click()
        qtbot.waitUntil(lambda: "令牌无效" in screen.error.text(), timeout=10000)
        qtbot.waitUntil(lambda: not screen.running, timeout=10000)
        assert len(made) == 1 and closed == made  # refused: closed all the same

        screen.token.setText(token)
        screen.sync_button.click()
        lines = lambda: [screen.log.item(i).text() for i in range(screen.log.count())]  # noqa: E731
        qtbot.waitUntil(lambda: any("同步完成" in line for line in lines()), timeout=30000)
        qtbot.waitUntil(lambda: not screen.running, timeout=10000)
        assert len(made) == 2 and closed == made
        assert made[1]._http.is_closed
    finally:
        server.stop()
