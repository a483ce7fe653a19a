"""The insurer's page in a real browser: Debian's chromium driven by Playwright against a real uvicorn hub. Log in,
page through the enterprises, search, open an enterprise, download the findings XLSX and read it; on a phone's
width (390 px) no page scrolls sideways. The system chromium is used (never a downloaded browser); CI installs it
(Makefile: system-deps)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.hub_process import Hub
from tests.hub_web_data import NAMES, VIEWER, HubData, china, make_hub, module_store

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOV = "from=2026-11-01&to=2026-11-30"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium): run `make system-deps`"
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HubData, Hub, dict[str, str]]]:
    """A hub with 63 enterprises, one of them red, served for the module: both tests only read it (each logs in
    in its own browser context)."""
    hub = make_hub(tmp_path_factory.mktemp("served") / "hub", open_store=module_store)
    ids = {name: hub.enterprise(name, n + 1) for n, name in enumerate(NAMES)}
    for n in range(60):
        hub.enterprise(f"仙居县第{n:03d}号工艺品有限公司", 100 + n)
    white = ids["浙江白塔化工有限公司"]
    visit = hub.visit("李明", white, china(2026, 11, 15))
    hub.finding("李明", visit, white, china(2026, 11, 15), "serious", date(2026, 11, 20), "喷漆废气直排")
    fixed = hub.finding("李明", visit, white, china(2026, 11, 15), "general", date(2026, 11, 25))
    hub.event("李明", fixed, "recheck_rectified", china(2026, 11, 22))
    try:
        server = Hub(hub.data).start()
        try:
            yield hub, server, ids
        finally:
            server.stop()
    finally:
        hub.store.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One browser for the module (each test opens its own context: no cookie or page is shared)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, timeout=60_000)
        try:
            yield browser
        finally:
            browser.close()


def log_in(page: Any, url: str, password: str) -> None:
    page.goto(url + "/login")
    page.fill("input[name=name]", VIEWER)
    page.fill("input[name=password]", password)
    page.click("form.login button[type=submit]")
    page.wait_for_url(url + "/")


@pytest.mark.slow
def test_log_in_page_search_open_and_download_in_chromium(served: Any, chromium: Any, tmp_path: Path) -> None:
    hub, server, ids = served
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(server.url + "/")
    assert page.url == server.url + "/login"  # nothing without a login
    log_in(page, server.url, hub.password)
    page.goto(f"{server.url}/?{NOV}")
    assert page.inner_text("section.figures").split() == [
        "1",
        "巡查次数",
        "2",
        "发现问题",
        "1",
        "已整改",
        "50.0%",
        "整改率",
        "1",
        "待整改",
        "1",
        "逾期",
    ]
    assert page.locator("figure.chart svg").count() == 2

    page.click("nav.nav >> text=企业列表")
    assert "共 63 家企业,第 1 / 2 页" in page.inner_text("p.count")
    first = page.locator("td.name a").all_inner_texts()
    assert len(first) == 50 and first[0] == "浙江白塔化工有限公司"  # red first
    page.click("a[rel=next]")
    assert "第 2 / 2 页" in page.inner_text("p.count")
    second = page.locator("td.name a").all_inner_texts()
    assert len(second) == 13 and not set(first) & set(second)

    page.fill("input[name=q]", "白塔")
    page.click("form.search button")
    assert page.locator("td.name a").all_inner_texts() == ["浙江白塔化工有限公司"]
    page.click("td.name a")
    assert page.url.startswith(f"{server.url}/enterprise/{ids['浙江白塔化工有限公司']}")
    reasons = page.inner_text("section.rating")
    assert "红码" in reasons and "较重问题〔喷漆废气直排〕未整改,期限 2026-11-20 已过" in reasons

    page.goto(f"{server.url}/?{NOV}")
    with page.expect_download() as caught:
        page.click("ul.downloads li:first-child a:has-text('Excel')")
    download = caught.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / "findings.xlsx"
    download.save_as(saved)
    rows = list(load_workbook(saved)["问题清单"].iter_rows(values_only=True))
    assert len(rows) == 1 + 2 and {r[6] for r in rows[1:]} == {"喷漆废气直排", "危废间标识不全"}
    context.close()


@pytest.mark.slow
def test_on_a_phone_nothing_scrolls_sideways(served: Any, chromium: Any, tmp_path: Path) -> None:
    hub, server, ids = served
    context = chromium.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    context.set_default_timeout(30_000)
    page = context.new_page()
    complaints: list[str] = []  # what the browser logs: a style or script the page's CSP blocked would show here
    page.on("console", lambda message: complaints.append(message.text) if message.type == "error" else None)
    log_in(page, server.url, hub.password)
    for name, path in (
        ("overview", f"/?{NOV}"),
        ("list", f"/enterprises?{NOV}"),
        ("enterprise", f"/enterprise/{ids['浙江白塔化工有限公司']}?{NOV}"),
    ):
        page.goto(server.url + path)
        page.screenshot(path=str(tmp_path / f"{name}-390.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (name, width)
        chart = page.locator("figure.chart svg").first
        if name == "overview":
            assert chart.bounding_box()["width"] >= 300  # the chart fills the phone's width, labels stay legible
    assert complaints == []
    context.close()
