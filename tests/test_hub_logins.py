"""Logins to the hub's web page under a guesser who rotates addresses, and removing a viewer. Real uvicorn hubs on
127.0.0.1, behind a pretended reverse proxy (--trusted-proxy) so each try can come from another address."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest

from steward.cli.main import main as cli
from steward.hub.store import ACCOUNT_LOCK_FAILURES, HubStore
from steward.hub.web import Viewers
from steward.hub.web.accounts import FAILURE_WINDOW_SECONDS, FAILURES_PER_ACCOUNT
from tests.hub_process import Hub

VIEWER = "人保仙居"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def login(url: str, name: str, password: str, address: str) -> httpx.Response:
    """One login as a browser behind the proxy at `address` would send it."""
    forwarded = {"X-Forwarded-For": address}
    with httpx.Client(base_url=url, timeout=60) as browser:
        form = browser.get("/login", headers=forwarded)
        token = CSRF.search(form.text)
        assert token, form.text
        return browser.post(
            "/login",
            data={"name": name, "password": password, "csrf": token[1]},
            headers=forwarded,
            follow_redirects=False,
        )


@pytest.fixture
def hub(tmp_path: Path, hub_db: str | None):
    """A hub on each engine (tests/postgres.py) behind a pretended proxy."""
    data = tmp_path / "hub"
    store = HubStore(data, db_url=hub_db)
    password = Viewers(store).add(VIEWER)
    server = Hub(data, args=("--trusted-proxy", "127.0.0.1"), db_url=hub_db).start()
    try:
        yield server, store, password
    finally:
        server.stop()
        store.close()


def test_a_guesser_rotating_addresses_is_locked_out_of_the_account_for_the_day(hub, capsys) -> None:
    """Fewer than 5 tries per 15 minutes, each from another address, slip under both short limits for ever; the
    account lockout counts them over a day. Then even the right password waits (hours, not minutes), until an
    administrator sets a new password."""
    server, store, password = hub
    now = time.time()
    spaced = FAILURE_WINDOW_SECONDS + 120  # each earlier failure outside the short window of the next
    earlier = ACCOUNT_LOCK_FAILURES - (FAILURES_PER_ACCOUNT - 1)
    for k in range(earlier, 0, -1):  # oldest first, as they happened
        store.begin_login_attempt(
            [("account", VIEWER, FAILURES_PER_ACCOUNT), ("address", f"198.51.100.{k}", 20)],
            FAILURE_WINDOW_SECONDS,
            now - k * spaced,
        )
    tries = [login(server.url, VIEWER, f"guess{i}", f"203.0.113.{i}").status_code for i in range(4)]
    assert tries == [401] * 4  # still under the short limits: 4 tries now, each from a new address
    locked = login(server.url, VIEWER, password, "192.0.2.77")
    assert locked.status_code == 429 and "登录失败次数过多" in locked.text
    assert "steward_session" not in str(locked.headers.get_list("set-cookie"))
    assert int(locked.headers["retry-after"]) > 3600  # the lockout, not the 15-minute limit
    assert login(server.url, VIEWER, password, "192.0.2.78").status_code == 429
    # The administrator's new password lifts the lockout.
    assert cli(["hub", "add-viewer", VIEWER, *server.storage_args]) == 0
    fresh = capsys.readouterr().out.strip().splitlines()[-1]
    assert login(server.url, VIEWER, fresh, "192.0.2.79").status_code == 303


def test_removing_a_viewer_ends_their_sessions_at_once(hub, capsys) -> None:
    server, store, password = hub
    other = Viewers(store).add("平安台州")
    signed_in = login(server.url, VIEWER, password, "192.0.2.1")
    colleague = login(server.url, "平安台州", other, "192.0.2.2")
    assert signed_in.status_code == colleague.status_code == 303
    mine = {"steward_session": signed_in.cookies["steward_session"]}
    theirs = {"steward_session": colleague.cookies["steward_session"]}
    with (
        httpx.Client(base_url=server.url, timeout=60, cookies=mine) as browser,
        httpx.Client(base_url=server.url, timeout=60, cookies=theirs) as colleagues_browser,
    ):
        assert browser.get("/").status_code == 200
        assert cli(["hub", "remove-viewer", VIEWER, *server.storage_args]) == 0
        assert "已删除" in capsys.readouterr().out
        gone = browser.get("/", follow_redirects=False)
        assert (gone.status_code, gone.headers["location"]) == (303, "/login")
        assert colleagues_browser.get("/").status_code == 200  # nobody else is logged out
    assert login(server.url, VIEWER, password, "192.0.2.3").status_code == 401
    assert cli(["hub", "remove-viewer", VIEWER, *server.storage_args]) == 2
    assert "没有名为" in capsys.readouterr().err
