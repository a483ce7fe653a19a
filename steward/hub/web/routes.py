"""The web page's routes, on their own router: the login form, the overview, one page per enterprise, and the photos
and PDFs those pages show. Every endpoint is a plain `def` (FastAPI runs it in a worker thread), so password hashing
and SQLite never hold up the event loop that also serves the laptops' sync API.

No `from __future__ import annotations` here: FastAPI reads these annotations at run time."""

import hmac
import re
import tempfile
import urllib.parse
from collections.abc import Callable, Coroutine, Iterator
from datetime import date, datetime
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.routing import APIRoute

from steward.domain.errors import InvalidInput
from steward.domain.period import Period
from steward.domain.rating import Colour, Facts, timeline
from steward.hub.blob_responses import stream
from steward.hub.store import HubError, HubStore, merged_into
from steward.hub.web import charts, downloads
from steward.hub.web.accounts import FAILURE_WINDOW_SECONDS, SESSION_SECONDS, Session, Viewers
from steward.hub.web.dashboard import (
    Dashboard,
    RatingMemo,
    compute,
    enterprise_list,
    load_rules,
    period_in_china,
    presets,
)
from steward.hub.web.facts import FactsCache, HubFacts
from steward.hub.web.pages import CHINA, china_today, render, visit_sections

SESSION_COOKIE = "steward_session"
LOGIN_COOKIE = "steward_login"
FORM_LIMIT = 8 * 1024
SHA256 = re.compile(r"[0-9a-f]{64}")
# No script at all, nothing framed, forms post only here, no referrer leaves the hub (URLs carry enterprise ids).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# Photos and PDFs: a browser shows a PDF through an embedded viewer, which `object-src 'none'` would block.
FILE_POLICY = "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
FILE_HEADERS = {"Content-Security-Policy": FILE_POLICY, "Cache-Control": "private, no-cache"}
# Files pushed by laptops are served only as types that cannot run script; anything else is a download.
IMAGE_MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"GIF8", "image/gif"))


class LoginRequired(HubError):
    status = 401


class PageError(HubError):
    """Shown to the viewer as a page (not as JSON): status, then Chinese and English."""

    def __init__(self, status: int, code: str, zh: str, en: str) -> None:
        super().__init__(code, zh, en)
        self.status = status


def _message(exc: PageError) -> HTMLResponse:
    page = render("message.html", title=exc.zh.rstrip("。"), zh=exc.zh, en=exc.en, session=None)
    return HTMLResponse(page, status_code=exc.status)


class _PageRoute(APIRoute):
    """Adds the security headers to every answer of the web page, and turns a missing login into a redirect to the
    login form and a PageError into a page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                response = await handler(request)
            except LoginRequired:
                response = RedirectResponse("/login", status_code=303)
            except PageError as exc:
                response = _message(exc)
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            response.headers.setdefault("Cache-Control", "no-store")
            return response

        return handle


async def _form(request: Request) -> dict[str, str]:
    """A small url-encoded form, read without trusting Content-Length."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > FORM_LIMIT:
            raise PageError(413, "form_too_large", "提交的内容过长。", "The form is too large.")
    fields = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[0] for key, values in fields.items()}


Form = Annotated[dict[str, str], Depends(_form)]
# The period as typed in the page's date fields (YYYY-MM-DD); empty: the month so far.
DateParam = Annotated[str, Query(alias="from", max_length=10)]
EndParam = Annotated[str, Query(alias="to", max_length=10)]


def _day(value: str, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PageError(
            400,
            "bad_date",
            f"{name}“{value}”不是有效日期,请按 2026-11-30 的格式填写。",
            f"'{value}' is not a valid date; use the form 2026-11-30.",
        ) from None


def _period(start: str, end: str) -> Period:
    try:
        return period_in_china(_day(start, "开始日期"), _day(end, "结束日期"), china_today())
    except InvalidInput as exc:
        raise PageError(400, "bad_period", exc.zh, exc.en) from None


def _https(request: Request) -> bool:
    """Whether the browser reached us over HTTPS: uvicorn's own TLS, or a proxy that `steward hub serve
    --trusted-proxy` names (only then does uvicorn believe its X-Forwarded-Proto)."""
    return request.url.scheme == "https"


def _stored_file(store: HubStore, sha256: str, kind: str) -> Response:
    """A photo or PDF, typed by its first bytes (never by what a record claims), streamed from the blob store."""
    if not SHA256.fullmatch(sha256) or store.missing([sha256]):
        raise PageError(404, "no_blob", "没有该文件。", "No such file.")
    try:
        fh = store.blobs.open(sha256)
    except FileNotFoundError:
        raise PageError(404, "no_blob", "没有该文件。", "No such file.") from None
    try:
        head = fh.read(16)  # not sought back: an object store's stream goes forward only; sent first instead
    except BaseException:
        fh.close()
        raise
    if kind == "document":
        media = "application/pdf" if head.startswith(b"%PDF-") else None
    else:
        media = next((m for magic, m in IMAGE_MAGIC if head.startswith(magic)), None)
        if media is None and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            media = "image/webp"
    if media is None:
        disposition = f'attachment; filename="{sha256[:16]}.bin"'
        media = "application/octet-stream"
    else:
        disposition = f'inline; filename="{sha256[:16]}.{media.split("/")[1].replace("jpeg", "jpg")}"'
    size = store.blobs.size(sha256)
    return stream(fh, size, media, {**FILE_HEADERS, "Content-Disposition": disposition}, first=head)


def _china_day(stamp: str) -> str:
    """A stored UTC time as its day in China (as every date on the page); what cannot be read, as it is."""
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(CHINA).date().isoformat()
    except ValueError:
        return stamp[:10]


class WebHub:
    """What the web page keeps of one hub: its store, the viewers' logins, its rating rules, and the facts and ratings
    computed from its records. An app holds its own (app.state.web); the routes, the same for every app of the
    process, read it through the `Hub` dependency."""

    def __init__(self, store: HubStore) -> None:
        self.store = store
        self.viewers = Viewers(store)
        self.rules = load_rules(store.data_dir)[0]
        self.cache = FactsCache(store)
        self.memo = RatingMemo(self.rules)

    def board_for(self, start: str, end: str) -> tuple[Dashboard, HubFacts]:
        period = _period(start, end)
        return self.cache.derived(period, lambda facts: compute(facts, self.rules, period, facts.rated(), self.memo))

    def rated(self) -> dict[str, Facts]:
        """Every enterprise's facts for the rating, built once per change of the records."""
        return self.cache.derived("rated", HubFacts.rated)[0]

    def common(self, session: Session, board: Dashboard, start: str, end: str) -> dict[str, Any]:
        today = china_today()
        return {
            "session": session,
            "board": board,
            # The period as asked (kept in links), and as shown (downloads name it, so a file says what the page said).
            "period": {key: value for key, value in (("from", start), ("to", end)) if value},
            "board_period": {"from": board.period.first.isoformat(), "to": board.period.last.isoformat()},
            "presets": presets(today),
            "rules_name": self.rules.name,
        }


async def _web_hub(request: Request) -> WebHub:
    """The hub of the app that serves the request (async: read on the event loop, no trip to a thread)."""
    hub: WebHub = request.app.state.web
    return hub


Hub = Annotated[WebHub, Depends(_web_hub)]


def signed_in(request: Request, hub: Hub) -> Session:
    session = hub.viewers.session(request.cookies.get(SESSION_COOKIE))
    if session is None:
        raise LoginRequired("login", "请先登录。", "Please log in.")
    return session


Viewer = Annotated[Session, Depends(signed_in)]


def login_page(
    hub: WebHub, request: Request, status: int = 200, zh: str = "", en: str = "", name: str = "", retry_after: int = 0
) -> HTMLResponse:
    viewers = hub.viewers
    nonce = request.cookies.get(LOGIN_COOKIE) or ""
    if not 16 <= len(nonce) <= 64:
        nonce = viewers.login_nonce()
    page = render(
        "login.html",
        title="环保管家 · 保险公司查询",
        zh=zh,
        en=en,
        name=name,
        csrf=viewers.login_token(nonce),
        session=None,
    )
    response = HTMLResponse(page, status_code=status, headers={"Retry-After": str(retry_after)} if retry_after else {})
    response.set_cookie(
        LOGIN_COOKIE,
        nonce,
        max_age=SESSION_SECONDS,
        path="/login",
        httponly=True,
        samesite="strict",
        secure=_https(request),
    )
    return response


# The page's routes, built once per process and served by every app (see steward.hub.app.create_app).
page_router = APIRouter(route_class=_PageRoute, include_in_schema=False)
STYLESHEET = resources.files("steward.hub").joinpath("static/hub.css").read_bytes()
ICON = resources.files("steward.hub").joinpath("static/favicon.svg").read_bytes()


@page_router.get("/static/hub.css")
def css() -> Response:
    return Response(STYLESHEET, media_type="text/css; charset=utf-8", headers={"Cache-Control": "max-age=3600"})


@page_router.get("/static/favicon.svg")
def favicon() -> Response:
    """The three colours as the tab's icon; without one, every browser asks for /favicon.ico and logs a 404."""
    return Response(ICON, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})


@page_router.get("/login")
def login_form(request: Request, hub: Hub) -> Response:
    if hub.viewers.session(request.cookies.get(SESSION_COOKIE)) is not None:
        return RedirectResponse("/", status_code=303)
    return login_page(hub, request)


@page_router.post("/login")
def login(request: Request, hub: Hub, form: Form) -> Response:
    viewers = hub.viewers
    name, password = form.get("name", "").strip(), form.get("password", "")
    if not viewers.login_token_ok(request.cookies.get(LOGIN_COOKIE), form.get("csrf", "")):
        return login_page(
            hub, request, 400, "登录页面已过期,请重新输入后登录。", "The login form expired; please try again.", name
        )
    if not name or not password:
        return login_page(hub, request, 401, "请输入用户名和密码。", "Enter your user name and password.", name)
    attempt = viewers.begin_attempt(name, request.client.host if request.client else "")
    if attempt.retry_after:
        minutes = -(-attempt.retry_after // 60)
        return login_page(
            hub,
            request,
            429,
            f"登录失败次数过多,请 {minutes} 分钟后再试。",
            f"Too many failed logins; try again in {minutes} min.",
            name,
            attempt.retry_after,
        )
    if not viewers.check(name, password):
        window = FAILURE_WINDOW_SECONDS // 60
        return login_page(
            hub,
            request,
            401,
            f"用户名或密码不正确。连续多次失败后需等待 {window} 分钟。",
            f"Wrong user name or password; after repeated failures, wait {window} min.",
            name,
        )
    viewers.succeeded(attempt, name)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        viewers.open_session(name),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="strict",
        secure=_https(request),
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@page_router.post("/logout")
def logout(request: Request, hub: Hub, session: Viewer, form: Form) -> Response:
    if not hmac.compare_digest(form.get("csrf", "").encode(), session.csrf.encode()):
        raise PageError(
            403, "csrf", "页面已过期,请刷新页面后再退出。", "The page expired; reload it and log out again."
        )
    hub.viewers.close_session(request.cookies.get(SESSION_COOKIE) or "")
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="strict", secure=_https(request))
    return response


@page_router.get("/")
def index(hub: Hub, session: Viewer, start: DateParam = "", end: EndParam = "") -> HTMLResponse:
    board, facts = hub.board_for(start, end)
    listed = sorted(board.stewards.items(), key=lambda kv: (-kv[1].found, kv[0]))
    return HTMLResponse(
        render(
            "index.html",
            title="参保企业环境问题整改情况",
            stewards=listed,
            enterprises=len([e for e in facts.enterprises.values() if not e.archived]),
            months_chart=charts.found_vs_rectified(board.months),
            colour_chart=charts.by_colour(board.colours),
            tables=downloads.TABLES,
            **hub.common(session, board, start, end),
        )
    )


@page_router.get("/enterprises")
def enterprise_index(
    hub: Hub,
    session: Viewer,
    start: DateParam = "",
    end: EndParam = "",
    q: Annotated[str, Query(max_length=100)] = "",
    colour: Annotated[str, Query(max_length=10)] = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    board, facts = hub.board_for(start, end)
    chosen = next((c for c in Colour if c.value == colour), None)
    listing = enterprise_list(facts, board, q, chosen, page)
    return HTMLResponse(
        render(
            "enterprises.html",
            title="参保企业",
            listing=listing,
            q=q,
            colour=chosen.value if chosen else "",
            colours=list(Colour),
            **hub.common(session, board, start, end),
        )
    )


@page_router.get("/enterprise/{enterprise_id}")
def enterprise(
    enterprise_id: str, hub: Hub, session: Viewer, start: DateParam = "", end: EndParam = ""
) -> HTMLResponse:
    board, facts = hub.board_for(start, end)
    ent = facts.enterprises.get(enterprise_id)
    if ent is None:
        raise PageError(404, "no_enterprise", "没有该企业。", "No such enterprise.")
    changes = list(reversed(timeline(hub.rated()[enterprise_id], hub.rules, board.period.last)))
    return HTMLResponse(
        render(
            "enterprise.html",
            title=ent.name or "(未命名企业)",
            enterprise=ent,
            tally=board.tally(enterprise_id),
            rating=board.ratings.get(enterprise_id),
            changes=changes,
            records=sorted(facts.records.get(enterprise_id, []), key=lambda r: (r.on, r.id), reverse=True),
            visits=visit_sections(hub.store, facts, enterprise_id, board.period),
            merged=[{**m, "at": _china_day(m["at"])} for m in merged_into(hub.store, enterprise_id)],
            **hub.common(session, board, start, end),
        )
    )


@page_router.get("/download/{table}.{fmt}")
def download(table: str, fmt: str, hub: Hub, session: Viewer, start: DateParam = "", end: EndParam = "") -> Response:
    if table not in downloads.BUILDERS or fmt not in downloads.FORMATS:
        raise PageError(404, "no_download", "没有该下载。", "No such download.")
    board, facts = hub.board_for(start, end)
    spec = downloads.BUILDERS[table](facts, board, hub.rules.name)
    out = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - closed when the answer is sent
    try:
        (downloads.write_xlsx if fmt == "xlsx" else downloads.write_csv)(spec, out)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    p = board.period
    ascii_name = f"{table}_{p.first.isoformat()}_{p.last.isoformat()}.{fmt}"
    zh_name = urllib.parse.quote(f"{downloads.TABLES[table]}_{p.first.isoformat()}至{p.last.isoformat()}.{fmt}")

    def chunks() -> Iterator[bytes]:
        with out:
            yield from iter(lambda: out.read(1 << 16), b"")

    media = downloads.FORMATS[fmt] + ("; charset=utf-8" if fmt == "csv" else "")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{zh_name}"
    return StreamingResponse(chunks(), media_type=media, headers={"Content-Disposition": disposition})


@page_router.get("/photo/{sha256}")
def photo(sha256: str, hub: Hub, session: Viewer) -> Response:
    return _stored_file(hub.store, sha256, "photo")


@page_router.get("/document/{sha256}")
def document(sha256: str, hub: Hub, session: Viewer) -> Response:
    return _stored_file(hub.store, sha256, "document")
