"""The insurer's page on the hub: figures equal to a hand count (the summary PDF's definitions), per steward and per
enterprise; the enterprise list's paging, search and colour filter; colours with their reasons, also from complaints
and penalties (records of entity "enterprise_event"); downloads read back with openpyxl and csv; logins."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from steward.hub.app import create_app
from steward.hub.web.dashboard import PAGE_SIZE
from tests.hub_process import plant_raw
from tests.hub_web_data import NAMES, VIEWER, HubData, app_for, china, make_hub, module_store
from tests.postgres import copy_db
from tests.test_hub_web import log_in

NOV = {"from": "2026-11-01", "to": "2026-11-30"}
LINK = re.compile(r'href="/enterprise/([0-9a-f-]{36})')


def figures(page: str) -> dict[str, str]:
    """The headline tiles of a page: {"发现问题": "5", ...}."""
    return dict(
        (what, n) for n, what in re.findall(r'<span class="n">([^<]*)</span><span class="what">([^<]*)</span>', page)
    )


def steward_row(page: str, name: str) -> list[str]:
    row = page.split(f'<td class="name">{name}</td>')[1].split("</tr>")[0]
    return re.findall(r'class="num[^"]*">([^<]*)</td>', row)


@pytest.fixture(scope="module")
def counted_once(tmp_path_factory: pytest.TempPathFactory, module_hub_db: str | None) -> HubData:
    """Findings placed on the period's edges, each with a known fate, on a hub of each engine made once for the
    module; the expected figures are written in the tests. Closed: tests read a copy of it (`counted`, shared by the
    tests that only read) or work on their own (`counted_own`)."""
    hub = make_hub(tmp_path_factory.mktemp("counted") / "hub", db=module_hub_db, open_store=module_store)
    a, b, c = (hub.enterprise(name, n + 1) for n, name in enumerate(NAMES))
    # Before the period (23:00 on 31 Oct in China, 15:00 UTC): neither the visit nor the finding counts.
    v0 = hub.visit("李明", a, china(2026, 10, 31, 23))
    f0 = hub.finding("李明", v0, a, china(2026, 10, 31, 23), deadline=date(2026, 11, 5))
    hub.event("李明", f0, "recheck_rectified", china(2026, 11, 3))  # rectified in Nov, but not a Nov finding
    # The first instant of the period.
    v1 = hub.visit("李明", a, china(2026, 11, 1, 0))
    f1 = hub.finding("李明", v1, a, china(2026, 11, 1, 0), deadline=date(2026, 11, 10))
    hub.event("李明", f1, "recheck_rectified", china(2026, 11, 8))
    v2 = hub.visit("李明", b, china(2026, 11, 15))
    hub.finding("李明", v2, b, china(2026, 11, 15), "serious", date(2026, 11, 20), "喷漆废气直排")  # overdue
    hub.finding("李明", v2, b, china(2026, 11, 15), "general", date(2026, 11, 30))  # due on the last day: not yet
    f4 = hub.finding("李明", v2, b, china(2026, 11, 15), "major", date(2026, 11, 16))
    hub.event("李明", f4, "waived", china(2026, 11, 16))
    # The last hour of the period; rectified after it, so open at its end.
    v5 = hub.visit("王芳", c, china(2026, 11, 30, 23))
    f5 = hub.finding("王芳", v5, c, china(2026, 11, 30, 23), deadline=date(2026, 12, 10))
    hub.event("王芳", f5, "recheck_rectified", china(2026, 12, 2))
    # The first instant after the period.
    v6 = hub.visit("王芳", c, china(2026, 12, 1, 0))
    hub.finding("王芳", v6, c, china(2026, 12, 1, 0), deadline=date(2026, 12, 20))
    hub.store.close()  # nobody may be connected to a database that is copied
    return hub


def copy_of(template: HubData, target: Path, request: pytest.FixtureRequest) -> tuple[Path, str | None]:
    """A copy of a closed hub's data folder and PostgreSQL database: (data folder, database URL or None)."""
    shutil.copytree(template.data, target)
    return target, copy_db(request, template.db)


def logged_in(template: HubData, app: FastAPI, db: str | None) -> dict[str, Any]:
    """The hub served by `app` (a copy of `template`) and a viewer logged in to it."""
    store = app.state.store
    hub = dataclasses.replace(
        template,
        data=store.data_dir,
        store=store,
        db=db,
        stewards=dict(template.stewards),
        enterprises=list(template.enterprises),
    )
    client = TestClient(app)
    assert log_in(client, VIEWER, hub.password).status_code == 303
    a, b, c = hub.enterprises
    return {"hub": hub, "client": client, "a": a, "b": b, "c": c}


@pytest.fixture(scope="module")
def counted(
    counted_once: HubData, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[dict[str, Any]]:
    """The counted hub and a viewer logged in to it, shared by the module's tests that only read (none of them writes
    a record, a file or a setting; a refused logout leaves the session as it was)."""
    data, db = copy_of(counted_once, tmp_path_factory.mktemp("counted_shared") / "hub", request)
    app = create_app(data, db)
    try:
        yield logged_in(counted_once, app, db)
    finally:
        app.state.store.close()


@pytest.fixture
def counted_own(counted_once: HubData, tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, Any]:
    """The test's own copy of the counted hub (data folder and PostgreSQL database), for a test that writes to it."""
    data, db = copy_of(counted_once, tmp_path / "hub", request)
    return logged_in(counted_once, app_for(data, db), db)


def test_figures_equal_a_hand_count_across_stewards_per_steward_and_per_enterprise(counted: dict[str, Any]) -> None:
    client = counted["client"]
    page = client.get("/", params=NOV).text
    assert figures(page) == {
        "巡查次数": "3",
        "发现问题": "5",
        "已整改": "1",
        "整改率": "20.0%",
        "待整改": "3",
        "逾期": "1",
    }
    assert "截至 2026-11-30 24:00(北京时间)" in page and "已豁免 1 个" in page
    # visits, found, rectified, rate, open, overdue
    assert steward_row(page, "李明") == ["2", "4", "1", "25.0%", "2", "1"]
    assert steward_row(page, "王芳") == ["1", "1", "0", "0.0%", "1", "0"]
    # The month chart: November's findings, and of them those rectified in November (not October's f0).
    assert "<title>2026-11 发现 5 个</title>" in page and "<title>2026-11 整改 1 个</title>" in page
    for enterprise, expected in (
        (
            counted["a"],
            {"巡查次数": "1", "发现问题": "1", "已整改": "1", "整改率": "100.0%", "待整改": "0", "逾期": "0"},
        ),
        (counted["b"], {"巡查次数": "1", "发现问题": "3", "已整改": "0", "整改率": "0.0%", "待整改": "2", "逾期": "1"}),
        (counted["c"], {"巡查次数": "1", "发现问题": "1", "已整改": "0", "整改率": "0.0%", "待整改": "1", "逾期": "0"}),
    ):
        assert figures(client.get(f"/enterprise/{enterprise}", params=NOV).text) == expected
    # Each finding on the enterprise's page says how it stood at the period's end.
    b_page = client.get(f"/enterprise/{counted['b']}", params=NOV).text
    assert '<td data-label="状态" class="red">待整改,逾期 10 天</td>' in b_page
    assert '<td data-label="状态">已豁免 2026-11-16</td>' in b_page
    a_page = client.get(f"/enterprise/{counted['a']}", params=NOV).text
    assert '<td data-label="状态">已整改 2026-11-08</td>' in a_page
    # December: the finding of 1 Dec, and f5 now rectified (2 Dec) although it was found in November.
    december = figures(client.get("/", params={"from": "2026-12-01", "to": "2026-12-31"}).text)
    assert (december["发现问题"], december["已整改"], december["待整改"]) == ("1", "0", "1")


def test_a_period_typed_wrong_gets_a_clear_page(counted: dict[str, Any]) -> None:
    client = counted["client"]
    bad = client.get("/", params={"from": "2026-11-31"})
    assert bad.status_code == 400 and "不是有效日期" in bad.text and "not a valid date" in bad.text
    reversed_ = client.get("/enterprises", params={"from": "2026-12-01", "to": "2026-11-01"})
    assert reversed_.status_code == 400 and "晚于" in reversed_.text


def test_colours_with_reasons_and_complaints_and_penalties_from_enterprise_events(counted_own: dict[str, Any]) -> None:
    client, hub = counted_own["client"], counted_own["hub"]
    b_page = client.get(f"/enterprise/{counted_own['b']}", params=NOV).text
    assert '<span class="chip red">红码</span> 截至 2026-11-30' in b_page
    assert "红码:较重问题〔喷漆废气直排〕未整改,期限 2026-11-20 已过" in b_page
    a_page = client.get(f"/enterprise/{counted_own['a']}", params=NOV).text
    assert '<span class="chip green">绿码</span>' in a_page and "均按期整改或未到期" in a_page
    assert '<span class="chip green">绿码</span>' in client.get(f"/enterprise/{counted_own['c']}", params=NOV).text
    # Complaints and penalties reach the hub as "enterprise_event" records; the colour uses them.
    store = hub.store
    plant_raw(
        store,
        "enterprise_event",
        "ev-unproven",
        {
            "id": "ev-unproven",
            "enterprise_id": counted_own["c"],
            "kind": "complaint",
            "on_date": "2026-11-06",
            "source": "信访",
            "substantiated": 0,
        },
    )
    c_page = client.get(f"/enterprise/{counted_own['c']}", params=NOV).text
    assert '<span class="chip green">绿码</span>' in c_page  # a complaint not substantiated does not count
    assert '<td data-label="内容">信访</td>' in c_page and "否(不计入评级)" in c_page  # listed all the same
    plant_raw(
        store,
        "enterprise_event",
        "ev-penalty",
        {
            "id": "ev-penalty",
            "enterprise_id": counted_own["c"],
            "kind": "penalty",
            "on_date": "2026-11-20",
            "authority": "台州市生态环境局",
            "number": "台环罚〔2026〕12号",
            "substantiated": 1,
        },
    )
    plant_raw(
        store,
        "enterprise_event",
        "ev-complaint",
        {
            "id": "ev-complaint",
            "enterprise_id": counted_own["a"],
            "kind": "complaint",
            "on_date": "2026-11-05",
            "source": "12345 热线",
            "substantiated": 1,
        },
    )
    c_page = client.get(f"/enterprise/{counted_own['c']}", params=NOV).text
    assert '<span class="chip red">红码</span>' in c_page and "台环罚〔2026〕12号" in c_page
    a_page = client.get(f"/enterprise/{counted_own['a']}", params=NOV).text
    assert '<span class="chip yellow">黄码</span>' in a_page and "查实信访投诉 1 次" in a_page
    # As of October, before the penalty, C had no colour-changing fact: the rating is as of the period's end.
    assert (
        '<span class="chip red">红码</span>'
        not in client.get(f"/enterprise/{counted_own['c']}", params={"from": "2026-10-01", "to": "2026-10-31"}).text
    )
    # The filter and the counts on the overview.
    reds = client.get("/enterprises", params={**NOV, "colour": "red"}).text
    assert LINK.findall(reds) == [counted_own["b"], counted_own["c"]]  # the overdue one first
    overview = client.get("/", params=NOV).text
    assert "红码 2 家" in overview and "黄码 1 家" in overview and "绿码 0 家" in overview


def test_downloads_read_back_with_their_types_and_definitions(counted: dict[str, Any], tmp_path: Path) -> None:
    client = counted["client"]
    answer = client.get("/download/findings.xlsx", params=NOV)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="findings_2026-11-01_2026-11-30.xlsx"' in answer.headers["content-disposition"]
    (tmp_path / "f.xlsx").write_bytes(answer.content)
    book = load_workbook(tmp_path / "f.xlsx")
    assert book.sheetnames == ["问题清单", "说明"]
    sheet = book["问题清单"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("企业", "统一社会信用代码", "巡查日期") and len(rows) == 1 + 5  # the page's 5 findings
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:P6"
    by_description = {r[6]: r for r in rows[1:]}
    late = by_description["喷漆废气直排"]
    assert late[0] == "浙江白塔化工有限公司" and late[8] == "较重" and late[11] == "待整改"
    assert late[2] == datetime(2026, 11, 15) and late[10] == datetime(2026, 11, 20) and late[13] == 10
    assert isinstance(late[14], int) and late[15] == "李明"
    assert sheet["C2"].is_date and sheet["N2"].data_type == "n"
    rectified = [r for r in rows[1:] if r[11] == "已整改"]
    assert len(rectified) == 1 and rectified[0][12] == datetime(2026, 11, 8)
    notes = dict(book["说明"].iter_rows(min_row=2, values_only=True))
    assert notes["期间 Period"] == "2026-11-01 至 2026-11-30" and notes["截至 As of"].startswith("2026-11-30")

    (tmp_path / "e.xlsx").write_bytes(client.get("/download/enterprises.xlsx", params=NOV).content)
    ents = load_workbook(tmp_path / "e.xlsx")["企业汇总"]
    table = {r[0]: r for r in ents.iter_rows(min_row=2, values_only=True)}
    assert table["仙居县源泉工艺品有限公司"][10] == 1.0 and table["浙江白塔化工有限公司"][12] == 1
    assert ents["K2"].number_format == "0.0%"

    text = client.get("/download/enterprises.csv", params=NOV).content
    assert text.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert lines[0][0] == "企业" and len(lines) == 1 + 3
    csv_rows = {line[0]: line for line in lines[1:]}
    assert csv_rows["仙居县源泉工艺品有限公司"][10] == "100.0%" and csv_rows["浙江白塔化工有限公司"][5] == "红码"

    ratings = client.get("/download/ratings.csv", params=NOV).content.decode("utf-8-sig")
    assert "较重问题〔喷漆废气直排〕未整改" in ratings
    assert client.get("/download/secrets.xlsx").status_code == 404
    assert client.get("/download/findings.exe").status_code == 404


def test_a_findings_download_is_its_period_s_slice_in_order_of_creation(counted: dict[str, Any]) -> None:
    """The download reads the period's slice of the findings kept in order of creation: the first instant of the
    period in, the first instant after it out, the rows in the order they were found."""
    text = counted["client"].get("/download/findings.csv", params=NOV).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))[1:]
    assert [line[2] for line in lines] == ["2026-11-01", "2026-11-15", "2026-11-15", "2026-11-15", "2026-11-30"]
    assert lines[0][10] == "2026-11-10" and lines[-1][15] == "王芳"


def test_nothing_is_shown_or_downloaded_without_a_login(counted: dict[str, Any]) -> None:
    stranger = TestClient(app_for(counted["hub"].data, counted["hub"].db))
    for path in ("/", "/enterprises?q=源泉", f"/enterprise/{counted['a']}", "/download/findings.xlsx"):
        answer = stranger.get(path, follow_redirects=False)
        assert (answer.status_code, answer.headers.get("location")) == (303, "/login"), path
        assert "源泉" not in answer.text
    # The only forms that write are login and logout; logout without the session's token is refused.
    refused = counted["client"].post("/logout", data={"csrf": "forged"}, follow_redirects=False)
    assert refused.status_code == 403
    assert counted["client"].get("/").status_code == 200  # still logged in


def test_a_record_pushed_after_a_page_was_shown_appears_on_the_next_one(counted_own: dict[str, Any]) -> None:
    client, hub = counted_own["client"], counted_own["hub"]
    assert figures(client.get("/", params=NOV).text)["发现问题"] == "5"
    visit = hub.visit("王芳", counted_own["a"], china(2026, 11, 20))
    hub.finding("王芳", visit, counted_own["a"], china(2026, 11, 20))
    assert figures(client.get("/", params=NOV).text)["发现问题"] == "6"


@pytest.fixture(scope="module")
def many(
    tmp_path_factory: pytest.TempPathFactory, module_hub_db: str | None, request: pytest.FixtureRequest
) -> Iterator[tuple[HubData, TestClient]]:
    """120 enterprises on a hub of each engine, made once for the module: its tests only read them. A database of
    its own (the module's is the counted hub's, which is copied and so must have nobody connected)."""
    db = None if module_hub_db is None else request.getfixturevalue("postgres_cluster").new_database()
    hub = make_hub(tmp_path_factory.mktemp("many") / "hub", stewards=("李明",), db=db, open_store=module_store)
    try:
        for n in range(60):
            hub.enterprise(f"仙居县第{n:03d}号工艺品有限公司", 100 + n)
        for n in range(60):
            hub.enterprise(f"台州第{n:03d}号机械厂", 200 + n)
        app = create_app(hub.data, hub.db)
        try:
            client = TestClient(app)
            log_in(client, VIEWER, hub.password)
            yield hub, client
        finally:
            app.state.store.close()
    finally:
        hub.store.close()


def test_the_enterprise_list_pages_on_the_server(many: tuple[HubData, TestClient]) -> None:
    hub, client = many
    pages = [LINK.findall(client.get("/enterprises", params={"page": n}).text) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 120 - 2 * PAGE_SIZE]
    assert sorted(pages[0] + pages[1] + pages[2]) == sorted(hub.enterprises)  # every enterprise once, none twice
    first = client.get("/enterprises").text
    assert "共 120 家企业,第 1 / 3 页" in first and 'rel="next" href="/enterprises?q=&amp;colour=&amp;page=2"' in first
    assert 'rel="prev"' not in first
    beyond = client.get("/enterprises", params={"page": 99}).text
    assert LINK.findall(beyond) == pages[2] and "第 3 / 3 页" in beyond  # clamped to the last page
    assert client.get("/enterprises", params={"page": 0}).status_code == 422


def test_search_by_two_chinese_characters_credit_code_and_pinyin(many: tuple[HubData, TestClient]) -> None:
    hub, client = many

    def found(q: str, page: int = 1) -> list[str]:
        return LINK.findall(client.get("/enterprises", params={"q": q, "page": page}).text)

    craft = found("工艺")  # two characters
    assert len(craft) == PAGE_SIZE and len(found("工艺", 2)) == 10
    assert set(craft + found("工艺", 2)) == set(hub.enterprises[:60])
    page = client.get("/enterprises", params={"q": "工艺", "page": 2}).text
    assert "共 60 家企业,第 2 / 2 页" in page and "q=%E5%B7%A5%E8%89%BA" in page  # the query stays in the links
    assert found("机械") == hub.enterprises[60:110]  # 台州… by number
    assert found("第007号") == [hub.enterprises[67], hub.enterprises[7]]  # 台 (tái) before 仙 (xiān)
    assert found("仙居 007") == [hub.enterprises[7]]  # every term must match
    code = hub.store.record_body("enterprise", hub.enterprises[5])["credit_code"]
    assert found(code[-8:].lower()) == [hub.enterprises[5]]
    assert found("tzd") == found("TZD") == hub.enterprises[60:110]  # pinyin initials of 台州第…
    none = client.get("/enterprises", params={"q": "<b>不存在</b>"}).text
    assert "没有找到与“&lt;b&gt;不存在&lt;/b&gt;”相符的企业" in none and LINK.findall(none) == []


def test_the_hub_rates_by_its_own_rules_file_and_refuses_to_start_on_a_broken_one(
    counted_own: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    hub = counted_own["hub"]
    (hub.data / "rating_rules.yaml").write_text(
        "version: 1\nname: 人保仙居自定规则\nred:\n  - rule: penalty\nyellow:\n"
        "  - rule: open_finding\n    severity: general\ngreen:\n  last_visits: 2\n",
        encoding="utf-8",
    )
    client = TestClient(app_for(hub.data, hub.db))
    log_in(client, VIEWER, hub.password)
    # By default B is red (an overdue serious finding); these rules know only open general findings for yellow.
    b_page = client.get(f"/enterprise/{counted_own['b']}", params=NOV).text
    assert '<span class="chip yellow">黄码</span>' in b_page and "一般问题〔危废间标识不全〕未整改" in b_page
    assert "人保仙居自定规则" in client.get("/", params=NOV).text
    (hub.data / "rating_rules.yaml").write_text("version: 1\nred:\n  - rule: curfew\n", encoding="utf-8")
    from steward.cli.main import main as cli

    storage = ["--data-dir", str(hub.data), *(["--db", hub.db] if hub.db else [])]
    assert cli(["hub", "serve", *storage, "--port", "9"]) == 2
    said = capsys.readouterr().err
    assert "评级规则文件有误(red[1])" in said and "curfew" in said and str(hub.data / "rating_rules.yaml") in said


def test_the_hub_counts_what_the_laptops_summary_pdf_counts(tmp_path: Path, hub_db: str | None) -> None:
    """One definition: a laptop's summary for November and the hub's page for November, after a sync, agree."""
    import httpx

    from steward.domain.findings import percent
    from steward.services import documents, enterprises, findings, visits
    from steward.services.profiles import open_profile
    from steward.sync import engine
    from tests.conftest import make_code
    from tests.hub_process import Hub
    from tests.test_sync import _issuer, client_for

    hub = make_hub(tmp_path / "hub", stewards=(), db=hub_db)
    token = hub.store.add_steward("李明")
    noon = datetime(2026, 11, 5, 4, tzinfo=UTC)  # midday in China, mid-month in any zone
    with open_profile(tmp_path / "laptop", "li") as laptop:
        _issuer(laptop, "李明")
        ent = enterprises.create(
            laptop, name="仙居县源泉工艺品有限公司", credit_code=make_code(77), template_code="craft"
        )
        first = visits.start(laptop, ent["id"], "first", at=noon)
        made = [
            visits.create_finding(laptop, first["id"], description=text, severity=sev, deadline=due, at=noon)
            for text, sev, due in (
                ("危废间标识不全", "general", date(2026, 11, 10)),
                ("喷漆废气直排", "serious", date(2026, 11, 12)),
                ("环评未批先建", "major", date(2026, 12, 20)),
            )
        ]
        visits.sign(laptop, first["id"], "steward", "李明", png=b"\x89PNG\r\n\x1a\n" + b"signature" * 50)
        visits.finish(laptop, first["id"])
        findings.add_event(laptop, made[0]["id"], "recheck_rectified", at=noon + timedelta(days=4))
        findings.add_event(laptop, made[2]["id"], "waived", note="已停产", at=noon + timedelta(days=5))
        findings.add_event(laptop, made[1]["id"], "recheck_rectified", at=datetime(2026, 12, 3, 4, tzinfo=UTC))
        second = visits.start(laptop, ent["id"], "routine", at=noon + timedelta(days=11))
        visits.create_finding(
            laptop, second["id"], description="台账缺失", severity="general", deadline=date(2026, 11, 20)
        )
        visits.sign(laptop, second["id"], "steward", "李明", png=b"\x89PNG\r\n\x1a\n" + b"signature" * 50)
        visits.finish(laptop, second["id"])
        summary = documents.build_summary(laptop, date(2026, 11, 1), date(2026, 11, 30)).total
        server = Hub(hub.data, db_url=hub.db).start()
        try:
            engine.sync(laptop, client_for(laptop, server, token))
            with httpx.Client(base_url=server.url, timeout=60) as browser:
                log_in(browser, VIEWER, hub.password)
                page = figures(browser.get("/", params=NOV).text)
        finally:
            server.stop()
    assert (summary.found, summary.rectified, summary.open, summary.overdue) == (4, 1, 2, 2)  # the hand count
    assert page == {
        "巡查次数": str(summary.visits),
        "发现问题": str(summary.found),
        "已整改": str(summary.rectified),
        "整改率": percent(summary.rectified, summary.found),
        "待整改": str(summary.open),
        "逾期": str(summary.overdue),
    }
