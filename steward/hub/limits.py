"""How large a request body each endpoint takes, enforced before the body is read whole (413 in zh and en).

A plain ASGI middleware: it refuses a declared Content-Length above the limit at once, and counts the bytes of a
body sent without one, so no endpoint ever holds more than its limit in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from steward.sync.wire import CHUNK_SIZE

MiB = 1024 * 1024
CHUNK_LIMIT = CHUNK_SIZE + 4 * MiB  # a PUT of one chunk of a file
PUSH_LIMIT = 16 * MiB  # a batch of records
DEFAULT_LIMIT = 1 * MiB  # everything else (lists of hashes, keys, the login form)
TOO_LARGE_ZH = "请求内容过大,服务器拒收。"
TOO_LARGE_EN = "The request body is larger than this endpoint accepts."


def limit_for(method: str, path: str) -> int:
    if method == "PUT" and path.startswith("/v1/blobs/"):
        return CHUNK_LIMIT
    if method == "POST" and path == "/v1/records":
        return PUSH_LIMIT
    return DEFAULT_LIMIT


class BodyTooLarge(HTTPException):
    """Raised while a body is being read; an HTTPException so FastAPI passes it on to its handler untouched."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=TOO_LARGE_EN)
        self.limit = limit


def too_large(limit: int) -> JSONResponse:
    return JSONResponse(
        status_code=413,
        content={
            "error": {
                "code": "too_large",
                "zh": f"{TOO_LARGE_ZH}(上限 {limit // 1024} KiB)",
                "en": f"{TOO_LARGE_EN} (limit {limit // 1024} KiB)",
            }
        },
    )


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: Callable[[str, str], int] = limit_for) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope["method"], scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await too_large(limit)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def body_too_large_response(exc: Any) -> JSONResponse:
    return too_large(getattr(exc, "limit", DEFAULT_LIMIT))
