"""The hub's web page for insurer staff: login, sessions, rate limits, headers, escaping, and which routes need what.
Real uvicorn hubs on 127.0.0.1 where the server matters (event loop, proxy headers); FastAPI's TestClient elsewhere."""

from __future__ import annotations

import re
import shutil
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from steward.cli.main import main as cli
from steward.hub.store import HubStore
from steward.hub.web import Viewers, accounts
from steward.hub.web.accounts import FAILURES_PER_ACCOUNT, FAILURES_PER_ADDRESS
from steward.services import enterprises, visits
from steward.services.profiles import open_profile
from steward.sync import engine
from steward.sync.wire import HEADER_PROFILE, HEADER_PROTOCOL, PROTOCOL_VERSION
from tests.conftest import make_code
from tests.hub_process import Hub, plant_raw
from tests.hub_web_data import app_for, store_for
from tests.postgres import copy_db
from tests.test_sync import WHEN, _issuer, client_for, finished_visit_with_finding

VIEWER = "人保仙居"
MARKUP_NAME = "<img src=x onerror=alert(1)>化工"
MARKUP_TEXT = "</td><script>alert('找到')</script>废气"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
# Routes anyone may reach. Every other route must ask for a login (pages) or a token (API, under /v1/).
PUBLIC = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/static/hub.css"),
    ("GET", "/static/favicon.svg"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/docs/oauth2-redirect"),
    ("GET", "/redoc"),
}


@pytest.fixture(scope="module")
def laptop(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Li's laptop with a finished visit (finding, photo, the report and notice rendered) and an enterprise whose
    name and finding carry markup, made once for the module; each engine's hub is filled from a copy of it."""
    tmp = tmp_path_factory.mktemp("laptop")
    with open_profile(tmp / "laptop", "li") as laptop:
        _issuer(laptop, "李明")
        visit, _ = finished_visit_with_finding(laptop, tmp)
        enterprises.update(laptop, visit["enterprise_id"], address="<script>alert(1)</script>白塔镇")
        bad = enterprises.create(laptop, name=MARKUP_NAME, credit_code=make_code(78), template_code="craft")
        other = visits.start(laptop, bad["id"], "routine", at=WHEN)
        visits.create_finding(laptop, other["id"], location="车间", description=MARKUP_TEXT, at=WHEN)
        visits.sign(laptop, other["id"], "steward", "李明", png=b"\x89PNG\r\n\x1a\n" + b"signature" * 50)
        visits.finish(laptop, other["id"])
    return {"folder": tmp / "laptop", "visit": visit["id"], "enterprise": visit["enterprise_id"], "markup": bad["id"]}


@pytest.fixture(scope="module")
def filled(
    tmp_path_factory: pytest.TempPathFactory, module_hub_db: str | None, laptop: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    """A hub on each engine that (a copy of) the laptop synced its visits into; stopped afterwards. Each test works
    on its own copy of the data folder (and of the PostgreSQL database)."""
    tmp = tmp_path_factory.mktemp("filled")
    data = tmp / "hub"
    data.mkdir()
    store = HubStore(data, db_url=module_hub_db)
    token = store.add_steward("李明")
    server = Hub(data, db_url=module_hub_db).start()
    try:
        shutil.copytree(laptop["folder"], tmp / "laptop")
        with open_profile(tmp / "laptop", "li") as synced:
            engine.sync(synced, client_for(synced, server, token))
            photo = synced.db.scalar("SELECT sha256 FROM photos")
            notice = visits.get(synced, laptop["visit"])["notice_number"]
            documents = [r["sha256"] for r in synced.db.query("SELECT sha256 FROM documents")]
    finally:
        server.stop()
    password = Viewers(store).add(VIEWER)
    store.close()  # nobody may be connected to a database that is copied
    yield {
        "data": data,
        "db": module_hub_db,
        "token": token,
        "password": password,
        "enterprise": laptop["enterprise"],
        "markup_enterprise": laptop["markup"],
        "photo": photo,
        "notice": notice,
        "documents": documents,
    }


@pytest.fixture
def hub_data(filled: dict[str, Any], tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, Any]:
    data = tmp_path / "hub"
    shutil.copytree(filled["data"], data)
    return {**filled, "data": data, "db": copy_db(request, filled["db"])}


def csrf_of(page: str) -> str:
    found = CSRF.search(page)
    assert found, page
    return found[1]


def log_in(client: httpx.Client | TestClient, name: str, password: str, **headers: str) -> httpx.Response:
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login", data={"name": name, "password": password, "csrf": token}, headers=headers, follow_redirects=False
    )


def sync_headers(token: str | None = None) -> dict[str, str]:
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    return {HEADER_PROTOCOL: str(PROTOCOL_VERSION), HEADER_PROFILE: "test-profile", **auth}


# -- what the page shows ----------------------------------------------------------------------------------------
def test_read_only_web_page_for_insurer_staff(hub_data: dict[str, Any]) -> None:
    server = Hub(hub_data["data"], db_url=hub_data["db"]).start()
    try:
        with httpx.Client(base_url=server.url, timeout=60) as browser:
            page = browser.get("/", follow_redirects=True).text
            assert "登录" in page and "仙居县源泉" not in page  # redirected to the login form
            assert log_in(browser, VIEWER, "wrong").status_code == 401
            assert log_in(browser, VIEWER, hub_data["password"]).status_code == 303
            overview = browser.get("/").text
            listing = browser.get("/enterprises", params={"from": "2026-11-01", "to": "2026-11-30"}).text
            row = listing.split("仙居县源泉工艺品有限公司")[1].split("</tr>")[0]
            # visits, found, rectified, then open
            assert re.findall(r">(\d+)</td>", row) == ["1", "1", "0", "1", "0"]
            detail = browser.get(f"/enterprise/{hub_data['enterprise']}").text
            assert "喷漆车间" in detail and "&lt;script&gt;" in detail and "<script>" not in detail
            assert "<h3>2026-11-02 10:30 · 首次全面检查 · 李明</h3>" in detail  # the visit's time in China, not UTC
            sha = hub_data["photo"]
            assert f'src="/photo/{sha}"' in detail
            shot = browser.get(f"/photo/{sha}")
            assert shot.content[:2] == b"\xff\xd8" and shot.headers["content-type"] == "image/jpeg"
            assert "巡查报告(PDF)" in detail and f"整改通知书 {hub_data['notice']}(PDF)" in detail
            links = re.findall(r'href="/document/([0-9a-f]{64})"', detail)
            assert len(links) == 2 and set(links) <= set(hub_data["documents"])  # this visit's report and notice
            pdf = browser.get(f"/document/{links[0]}")
            assert pdf.content[:5] == b"%PDF-" and pdf.headers["content-type"] == "application/pdf"
            browser.post("/logout", data={"csrf": csrf_of(overview)})
            assert "登录" in browser.get("/", follow_redirects=True).text
    finally:
        server.stop()


def test_markup_in_an_enterprise_name_or_a_finding_is_shown_as_text(hub_data: dict[str, Any]) -> None:
    client = TestClient(app_for(hub_data["data"], hub_data["db"]))
    log_in(client, VIEWER, hub_data["password"])
    overview = client.get("/enterprises").text
    assert "&lt;img src=x onerror=alert(1)&gt;化工" in overview and "<img src=x" not in overview
    detail = client.get(f"/enterprise/{hub_data['markup_enterprise']}").text
    assert "<title>&lt;img src=x onerror=alert(1)&gt;化工</title>" in detail
    assert "&lt;/td&gt;&lt;script&gt;alert(&#39;找到&#39;)&lt;/script&gt;废气" in detail
    assert "<script" not in detail and "<img src=x" not in detail
    typed = log_in(TestClient(app_for(hub_data["data"], hub_data["db"])), '"><script>alert(1)</script>', "wrong")
    assert typed.status_code == 401 and 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in typed.text


def test_records_of_unexpected_shape_never_break_the_page(hub_data: dict[str, Any]) -> None:
    """Whatever got into the hub before validation at its door (or by a path that skips it), the page still shows."""
    store, ent = store_for(hub_data["data"], hub_data["db"]), hub_data["enterprise"]
    plant_raw(store, "enterprise", "odd-enterprise", {"id": "odd-enterprise", "name": 5, "credit_code": None})
    plant_raw(store, "visit", "odd-visit", {"id": ["x"], "enterprise_id": ent, "started_at": 7, "kind": []})
    plant_raw(store, "finding", "odd-finding", {"id": {}, "enterprise_id": [ent], "visit_id": {}, "deadline": 3})
    plant_raw(store, "finding", "odd-finding-2", {"id": "f2", "enterprise_id": ent, "severity": [], "location": 1})
    plant_raw(store, "finding_event", "odd-event", {"id": 1, "finding_id": [], "kind": "opened", "at": 5})
    plant_raw(store, "photo_link", "odd-link", {"visit_id": [], "finding_id": "f2", "sha256": 5})
    plant_raw(store, "document", "odd-document", {"visit_id": ["x"], "sha256": {}, "kind": 3})
    client = TestClient(app_for(hub_data["data"], hub_data["db"]))
    log_in(client, VIEWER, hub_data["password"])
    assert client.get("/").status_code == 200
    for enterprise_id in (ent, "odd-enterprise"):
        page = client.get(f"/enterprise/{enterprise_id}")
        assert page.status_code == 200, page.text
    # The figures count the well-formed finding; "f2" (no visit, no time) cannot be placed in any period.
    page = client.get(f"/enterprise/{ent}", params={"from": "2026-11-01", "to": "2026-11-30"}).text
    assert re.search(r'<span class="n">1</span><span class="what">发现问题</span>', page)


# -- which routes need what ---------------------------------------------------------------------------------------
def _routes(routes: list[Any]) -> Iterator[Any]:
    """Every route, also those of included routers (newer FastAPI keeps an included router as one entry)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _routes(inner.routes)
        else:
            yield route


def test_every_page_needs_a_login_and_every_api_route_a_token(hub_data: dict[str, Any]) -> None:
    app = app_for(hub_data["data"], hub_data["db"])
    values = {"enterprise_id": hub_data["enterprise"], "sha256": hub_data["photo"], "table": "findings", "fmt": "xlsx"}
    stranger, viewer = TestClient(app), TestClient(app)
    log_in(viewer, VIEWER, hub_data["password"])
    pages, api, public = set(), set(), set()
    for route in _routes(app.routes):
        path = re.sub(r"{(\w+)}", lambda m: values.get(m[1], "x"), route.path)
        for method in sorted(route.methods - {"HEAD"}):
            if (method, route.path) in PUBLIC:
                public.add((method, route.path))
            elif route.path.startswith("/v1/"):
                answer = stranger.request(
                    method,
                    path,
                    headers=sync_headers(),
                    params={"offset": 0, "total": 1},
                    json={"records": [], "sha256": []},
                )
                assert answer.status_code in (401, 403), (method, route.path, answer.status_code)
                api.add(route.path)
            else:
                answer = stranger.request(method, path, data={"csrf": "x"}, follow_redirects=False)
                assert (answer.status_code, answer.headers.get("location")) == (303, "/login"), (method, route.path)
                if method == "GET":  # the same address serves a logged-in viewer: it was the login that was missing
                    assert viewer.get(path).status_code == 200, route.path
                pages.add(route.path)
    assert public == PUBLIC
    assert {
        "/",
        "/enterprises",
        "/enterprise/{enterprise_id}",
        "/download/{table}.{fmt}",
        "/photo/{sha256}",
        "/document/{sha256}",
        "/logout",
    } <= pages
    assert {"/v1/hello", "/v1/records", "/v1/changes", "/v1/blobs/{sha256}"} <= api


def test_files_from_laptops_are_never_served_as_something_that_runs_script(hub_data: dict[str, Any]) -> None:
    import hashlib

    store = store_for(hub_data["data"], hub_data["db"])
    html = b"<html><body><script>alert(document.cookie)</script></body></html>"
    upload = store.begin_upload(hashlib.sha256(html).hexdigest(), 0, len(html), steward_id=1)
    assert upload is not None
    upload.write(html)
    upload.finish(None)
    client = TestClient(app_for(hub_data["data"], hub_data["db"]))
    log_in(client, VIEWER, hub_data["password"])
    for path in (
        f"/photo/{hashlib.sha256(html).hexdigest()}",
        f"/document/{hashlib.sha256(html).hexdigest()}",
        f"/document/{hub_data['photo']}",
    ):
        answer = client.get(path)
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/octet-stream", path
        assert answer.headers["content-disposition"].startswith("attachment")
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert client.get(f"/photo/{hub_data['photo']}").headers["content-type"] == "image/jpeg"
    assert client.get(f"/photo/{'0' * 64}").status_code == 404


# -- headers ------------------------------------------------------------------------------------------------------
def test_every_page_carries_the_security_headers(hub_data: dict[str, Any]) -> None:
    client = TestClient(app_for(hub_data["data"], hub_data["db"]))
    answers = [client.get("/", follow_redirects=False), client.get("/login"), client.get("/static/hub.css")]
    answers.append(client.post("/login", data={"name": VIEWER, "password": "x", "csrf": csrf_of(answers[1].text)}))
    answers.append(log_in(client, VIEWER, hub_data["password"]))
    answers += [
        client.get(p)
        for p in (
            "/",
            f"/enterprise/{hub_data['enterprise']}",
            "/enterprise/nothing",
            f"/photo/{hub_data['photo']}",
            f"/document/{hub_data['documents'][0]}",
        )
    ]
    assert [a.status_code for a in answers] == [303, 200, 200, 401, 303, 200, 200, 404, 200, 200]
    assert "没有该企业" in answers[7].text
    for answer in answers:
        policy = answer.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe" not in policy
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"
    for answer in answers:
        if answer.headers.get("content-type", "").startswith("text/html"):
            assert "<script" not in answer.text and "<style" not in answer.text and "style=" not in answer.text


# -- login: CSRF, sessions, cookies -------------------------------------------------------------------------------
def test_the_login_form_needs_its_own_token(hub_data: dict[str, Any]) -> None:
    app = app_for(hub_data["data"], hub_data["db"])
    client, other = TestClient(app), TestClient(app)
    client.get("/login")
    answer = client.post("/login", data={"name": VIEWER, "password": hub_data["password"]}, follow_redirects=False)
    assert answer.status_code == 400 and "steward_session" not in answer.headers.get("set-cookie", "")
    foreign = csrf_of(other.get("/login").text)  # a token made for another browser (as a forging page would hold)
    answer = client.post(
        "/login", data={"name": VIEWER, "password": hub_data["password"], "csrf": foreign}, follow_redirects=False
    )
    assert answer.status_code == 400 and "页面已过期" in answer.text
    huge = client.post(
        "/login", content=b"name=" + b"x" * 20_000, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert huge.status_code == 413 and "提交的内容过长" in huge.text
    assert log_in(client, VIEWER, hub_data["password"]).status_code == 303


def test_a_session_ends_after_its_hours(hub_data: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from steward.hub.web import accounts

    client = TestClient(app_for(hub_data["data"], hub_data["db"]))
    log_in(client, VIEWER, hub_data["password"])
    assert client.get("/").status_code == 200
    later = time.time() + accounts.SESSION_SECONDS + 1
    monkeypatch.setattr(accounts.time, "time", lambda: later)
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_logout_is_a_post_with_a_token_and_ends_the_session_on_the_hub(hub_data: dict[str, Any]) -> None:
    app = app_for(hub_data["data"], hub_data["db"])
    client = TestClient(app)
    answer = log_in(client, VIEWER, hub_data["password"])
    cookie = client.cookies["steward_session"]
    with app.state.store.connect() as db:  # only a hash of the cookie is kept
        assert db.execute("SELECT count(*) FROM viewer_sessions").fetchone()[0] == 1
        assert cookie not in str(db.execute("SELECT * FROM viewer_sessions").fetchall())
    copy = TestClient(app, cookies={"steward_session": cookie})
    assert copy.get("/").status_code == 200
    assert client.get("/logout").status_code == 405
    refused = client.post("/logout", data={"csrf": "forged"}, follow_redirects=False)
    assert refused.status_code == 403 and copy.get("/").status_code == 200
    answer = client.post("/logout", data={"csrf": csrf_of(client.get("/").text)}, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/login")
    gone = copy.get("/", follow_redirects=False)
    assert (gone.status_code, gone.headers["location"]) == (303, "/login")


def test_a_new_password_ends_the_viewers_sessions(hub_data: dict[str, Any], capsys: pytest.CaptureFixture) -> None:
    client = TestClient(app_for(hub_data["data"], hub_data["db"]))
    log_in(client, VIEWER, hub_data["password"])
    assert client.get("/").status_code == 200
    assert (
        cli(
            [
                "hub",
                "add-viewer",
                VIEWER,
                "--data-dir",
                str(hub_data["data"]),
                *(["--db", hub_data["db"]] if hub_data["db"] else []),
            ]
        )
        == 0
    )
    new_password = capsys.readouterr().out.strip().splitlines()[-1]
    assert client.get("/", follow_redirects=False).status_code == 303
    fresh = TestClient(app_for(hub_data["data"], hub_data["db"]))
    assert log_in(fresh, VIEWER, hub_data["password"]).status_code == 401
    assert log_in(fresh, VIEWER, new_password).status_code == 303


def test_session_cookies_are_httponly_strict_and_secure_over_https(hub_data: dict[str, Any]) -> None:
    app = app_for(hub_data["data"], hub_data["db"])
    plain = log_in(TestClient(app), VIEWER, hub_data["password"]).headers["set-cookie"]
    assert "steward_session=" in plain and "HttpOnly" in plain and "SameSite=strict" in plain
    assert "Secure" not in plain
    secure = log_in(TestClient(app, base_url="https://testserver"), VIEWER, hub_data["password"])
    assert "Secure" in secure.headers["set-cookie"] and "HttpOnly" in secure.headers["set-cookie"]


def _forwarded_login(url: str, name: str, **headers: str) -> httpx.Response:
    """A login through a (pretended) reverse proxy; cookies passed by hand, since they may be marked Secure."""
    with httpx.Client(base_url=url, timeout=60) as browser:
        form = browser.get("/login", headers=headers)
        nonce = form.cookies["steward_login"]
        return browser.post(
            "/login",
            data={"name": name, "password": "wrong", "csrf": csrf_of(form.text)},
            headers={**headers, "Cookie": f"steward_login={nonce}"},
        )


@pytest.mark.parametrize("trusted", [False, True])
def test_forwarded_headers_count_only_from_the_trusted_proxy(hub_data: dict[str, Any], trusted: bool) -> None:
    """Without --trusted-proxy anyone could claim HTTPS or another address (and so escape the per-address limit);
    with it, the proxy's word decides the Secure flag and the address the limit counts."""
    server = Hub(
        hub_data["data"], db_url=hub_data["db"], args=("--trusted-proxy", "127.0.0.1") if trusted else ()
    ).start()
    try:
        with httpx.Client(base_url=server.url, timeout=60) as browser:
            token = csrf_of(browser.get("/login").text)
            answer = browser.post(
                "/login",
                data={"name": VIEWER, "password": hub_data["password"], "csrf": token},
                headers={"X-Forwarded-Proto": "https"},
            )
        assert answer.status_code == 303
        assert ("Secure" in answer.headers["set-cookie"]) == trusted
        viewers = Viewers(store_for(hub_data["data"], hub_data["db"]))
        for i in range(FAILURES_PER_ADDRESS):  # earlier failures from the proxy's own address
            viewers.begin_attempt(f"guess{i}", "127.0.0.1")
        answer = _forwarded_login(server.url, "someone", **{"X-Forwarded-For": "203.0.113.7"})
        assert answer.status_code == (401 if trusted else 429)
    finally:
        server.stop()


# -- failed logins ------------------------------------------------------------------------------------------------
def test_failed_logins_are_limited_per_account_and_per_address_across_workers(hub_data: dict[str, Any]) -> None:
    one, two = (
        app_for(hub_data["data"], hub_data["db"]),
        app_for(hub_data["data"], hub_data["db"]),
    )  # two workers sharing the hub database

    def attempt(app: Any, name: str, password: str, address: str) -> httpx.Response:
        return log_in(TestClient(app, client=(address, 5000)), name, password)

    # Per account: the sixth try waits, from any address, in any worker, even with the right password.
    assert [attempt(one, VIEWER, "wrong", f"10.0.0.{i}").status_code for i in range(FAILURES_PER_ACCOUNT)] == [
        401
    ] * FAILURES_PER_ACCOUNT
    locked = attempt(two, VIEWER, hub_data["password"], "10.0.1.1")
    assert (
        locked.status_code == 429
        and "登录失败次数过多" in locked.text
        and "steward_session" not in str(locked.headers.get_list("set-cookie"))
    )
    assert 1 <= int(locked.headers["retry-after"]) <= 15 * 60
    # Per address: many accounts tried from one address (all but the last failures as earlier tries left them).
    viewers = Viewers(store_for(hub_data["data"], hub_data["db"]))
    for i in range(FAILURES_PER_ADDRESS - 1):
        viewers.begin_attempt(f"guess{i}", "10.9.9.9")
    assert [attempt(one, "guess", "wrong", "10.9.9.9").status_code for _ in range(2)] == [401, 429]
    assert attempt(two, "guess-more", "wrong", "10.9.9.9").status_code == 429
    assert attempt(two, "guess-more", "wrong", "10.9.9.10").status_code == 401  # another address still may try


def test_guessers_are_refused_while_the_sync_api_keeps_answering(
    hub_data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four guessers hammer the login of one account on a real hub while a laptop says hello: the guesses past the
    limit get 429 (without any password hashing), and every hello is answered correctly."""
    hashed: list[str] = []  # every password a login hashed (list.append is atomic across the hub's threads)
    pbkdf2 = accounts._pbkdf2

    def counted_pbkdf2(password: str, salt: bytes, rounds: int) -> str:
        hashed.append(password)
        return pbkdf2(password, salt, rounds)

    monkeypatch.setattr(accounts, "_pbkdf2", counted_pbkdf2)
    server = Hub(hub_data["data"], db_url=hub_data["db"]).start()
    statuses: Counter[int] = Counter()
    retry_after: list[str] = []
    lock = threading.Lock()

    def guesser(n: int) -> None:
        with httpx.Client(base_url=server.url, timeout=60) as browser:
            token = csrf_of(browser.get("/login").text)
            for i in range(15):
                answer = browser.post("/login", data={"name": VIEWER, "password": f"guess-{n}-{i}", "csrf": token})
                with lock:
                    statuses[answer.status_code] += 1
                    if answer.status_code == 429:
                        retry_after.append(answer.headers["retry-after"])

    guessers = [threading.Thread(target=guesser, args=(n,)) for n in range(4)]
    try:
        for thread in guessers:
            thread.start()
        with httpx.Client(base_url=server.url, timeout=60, headers=sync_headers(hub_data["token"])) as laptop:
            hellos = [laptop.get("/v1/hello") for _ in range(20)]
        for thread in guessers:
            thread.join(timeout=120)
    finally:
        server.stop()
    assert [(h.status_code, h.json()["steward"]) for h in hellos] == [(200, "李明")] * 20
    assert statuses == {401: FAILURES_PER_ACCOUNT, 429: 60 - FAILURES_PER_ACCOUNT}
    assert len(retry_after) == 60 - FAILURES_PER_ACCOUNT and all(int(s) >= 1 for s in retry_after)
    assert len(hashed) == FAILURES_PER_ACCOUNT  # the refused guesses cost the hub no hashing
