"""The web page's routes, on their own router: the login form, the overview, one page per enterprise, and the photos
and PDFs those pages show. Every endpoint is a plain `def` (FastAPI runs it in a worker thread), so password hashing
and SQLite never hold up the event loop that also serves the laptops' sync API.

No `from __future__ import annotations` here: FastAPI reads these annotations at run time."""

import hmac
import re
import urllib.parse
from collections.abc import Callable, Coroutine
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute

from steward.hub.store import HubError, HubStore
from steward.hub.web.accounts import FAILURE_WINDOW_SECONDS, SESSION_SECONDS, Session, Viewers
from steward.hub.web.pages import enterprise_detail, index_rows, render

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


def _https(request: Request) -> bool:
    """Whether the browser reached us over HTTPS: uvicorn's own TLS, or a proxy that `steward hub serve
    --trusted-proxy` names (only then does uvicorn believe its X-Forwarded-Proto)."""
    return request.url.scheme == "https"


def _stored_file(store: HubStore, sha256: str, kind: str) -> Response:
    """A photo or PDF, typed by its first bytes (never by what a record claims)."""
    if not SHA256.fullmatch(sha256) or store.missing([sha256]):
        raise PageError(404, "no_blob", "没有该文件。", "No such file.")
    path = store.blob_path(sha256)
    with open(path, "rb") as fh:
        head = fh.read(16)
    if kind == "document":
        media = "application/pdf" if head.startswith(b"%PDF-") else None
    else:
        media = next((m for magic, m in IMAGE_MAGIC if head.startswith(magic)), None)
        if media is None and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            media = "image/webp"
    if media is None:
        return FileResponse(
            path,
            media_type="application/octet-stream",
            filename=f"{sha256[:16]}.bin",
            content_disposition_type="attachment",
            headers=FILE_HEADERS,
        )
    suffix = media.split("/")[1].replace("jpeg", "jpg")
    return FileResponse(
        path,
        media_type=media,
        filename=f"{sha256[:16]}.{suffix}",
        content_disposition_type="inline",
        headers=FILE_HEADERS,
    )


def web_router(store: HubStore) -> APIRouter:
    viewers = Viewers(store)
    router = APIRouter(route_class=_PageRoute, include_in_schema=False)
    stylesheet = resources.files("steward.hub").joinpath("static/hub.css").read_bytes()

    def signed_in(request: Request) -> Session:
        session = viewers.session(request.cookies.get(SESSION_COOKIE))
        if session is None:
            raise LoginRequired("login", "请先登录。", "Please log in.")
        return session

    Viewer = Annotated[Session, Depends(signed_in)]

    def login_page(
        request: Request, status: int = 200, zh: str = "", en: str = "", name: str = "", retry_after: int = 0
    ) -> HTMLResponse:
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
        response = HTMLResponse(
            page, status_code=status, headers={"Retry-After": str(retry_after)} if retry_after else {}
        )
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

    @router.get("/static/hub.css")
    def css() -> Response:
        return Response(stylesheet, media_type="text/css; charset=utf-8", headers={"Cache-Control": "max-age=3600"})

    @router.get("/login")
    def login_form(request: Request) -> Response:
        if viewers.session(request.cookies.get(SESSION_COOKIE)) is not None:
            return RedirectResponse("/", status_code=303)
        return login_page(request)

    @router.post("/login")
    def login(request: Request, form: Form) -> Response:
        name, password = form.get("name", "").strip(), form.get("password", "")
        if not viewers.login_token_ok(request.cookies.get(LOGIN_COOKIE), form.get("csrf", "")):
            return login_page(
                request, 400, "登录页面已过期,请重新输入后登录。", "The login form expired; please try again.", name
            )
        if not name or not password:
            return login_page(request, 401, "请输入用户名和密码。", "Enter your user name and password.", name)
        attempt = viewers.begin_attempt(name, request.client.host if request.client else "")
        if attempt.retry_after:
            minutes = -(-attempt.retry_after // 60)
            return login_page(
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

    @router.post("/logout")
    def logout(request: Request, session: Viewer, form: Form) -> Response:
        if not hmac.compare_digest(form.get("csrf", "").encode(), session.csrf.encode()):
            raise PageError(
                403, "csrf", "页面已过期,请刷新页面后再退出。", "The page expired; reload it and log out again."
            )
        viewers.close_session(request.cookies.get(SESSION_COOKIE) or "")
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="strict", secure=_https(request))
        return response

    @router.get("/")
    def index(session: Viewer) -> HTMLResponse:
        return HTMLResponse(
            render(
                "index.html",
                title="环保管家 · 参保企业环境问题整改情况",
                session=session,
                enterprises=index_rows(store),
            )
        )

    @router.get("/enterprise/{enterprise_id}")
    def enterprise(enterprise_id: str, session: Viewer) -> HTMLResponse:
        found = enterprise_detail(store, enterprise_id)
        if found is None:
            raise PageError(404, "no_enterprise", "没有该企业。", "No such enterprise.")
        ent, visits = found
        return HTMLResponse(
            render("enterprise.html", title=ent.name or "(未命名企业)", session=session, enterprise=ent, visits=visits)
        )

    @router.get("/photo/{sha256}")
    def photo(sha256: str, session: Viewer) -> Response:
        return _stored_file(store, sha256, "photo")

    @router.get("/document/{sha256}")
    def document(sha256: str, session: Viewer) -> Response:
        return _stored_file(store, sha256, "document")

    return router
