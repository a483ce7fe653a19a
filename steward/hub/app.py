"""The hub's HTTP JSON API (FastAPI; its OpenAPI schema is at /openapi.json).

No `from __future__ import annotations` here: FastAPI reads these annotations at run time.
"""

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field

from steward.hub.store import Forbidden, HubError, HubStore, NotFound, Unprocessable, UpgradeRequired
from steward.hub.web import web_router
from steward.sync.wire import ENTITIES, HEADER_CHUNK_SHA256, HEADER_PROFILE, HEADER_PROTOCOL, PROTOCOL_VERSION

SHA256 = r"^[0-9a-f]{64}$"
RECORD_ID = r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{64})$"  # UUID, or a photo's hash


class Record(BaseModel):
    entity: Literal[ENTITIES]  # type: ignore[valid-type]
    id: str = Field(pattern=RECORD_ID)
    hash: str = Field(pattern=SHA256)
    body: dict[str, Any]


class PushRequest(BaseModel):
    records: list[Record] = Field(max_length=2000)


class MissingRequest(BaseModel):
    sha256: list[Annotated[str, Field(pattern=SHA256)]] = Field(max_length=5000)


def _error(status: int, code: str, zh: str, en: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": {"code": code, "zh": zh, "en": en}})


def create_app(data_dir: Path) -> FastAPI:
    store = HubStore(data_dir)
    app = FastAPI(title="Steward Hub", version=str(PROTOCOL_VERSION),
                  description="环保管家 Steward 同步服务 · sync service for environmental stewards")  # fmt: skip
    app.state.store = store

    @app.exception_handler(HubError)
    async def hub_error(_request: Request, exc: HubError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.zh, exc.en)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(422, "invalid", "请求格式不正确。", f"The request is not valid: {exc.errors()[:3]}")

    def caller(
        authorization: Annotated[str | None, Header()] = None,
        x_steward_protocol: Annotated[str | None, Header(alias=HEADER_PROTOCOL)] = None,
        x_steward_profile: Annotated[str | None, Header(alias=HEADER_PROFILE)] = None,
    ) -> dict[str, Any]:
        if x_steward_protocol is None or not x_steward_protocol.isdigit() or int(x_steward_protocol) < PROTOCOL_VERSION:
            raise UpgradeRequired("upgrade", "您的 Steward 版本过旧,请先更新 Steward 再同步。",
                           "Your Steward is too old for this hub; please update Steward.")  # fmt: skip
        if not authorization or not authorization.startswith("Bearer "):
            raise Forbidden("no_token", "缺少同步令牌。", "No token was sent.")
        steward = store.steward_for(authorization.removeprefix("Bearer ").strip())
        if not x_steward_profile or len(x_steward_profile) > 64:
            raise Unprocessable("no_profile", "缺少档案标识。", "No profile id was sent.")
        store.bind(x_steward_profile, steward)
        return {**steward, "profile_id": x_steward_profile}

    Caller = Annotated[dict[str, Any], Depends(caller)]

    def blob_file(sha256: str, media_type: str) -> FileResponse:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256) or store.missing([sha256]):
            raise NotFound("no_blob", "没有该文件。", "No such file.")
        return FileResponse(store.blob_path(sha256), media_type=media_type)

    @app.get("/v1/hello")
    def hello(who: Caller) -> dict[str, Any]:
        return {"protocol": PROTOCOL_VERSION, "steward": who["name"], **store.stats()}

    @app.post("/v1/records")
    def push(request: PushRequest, who: Caller) -> dict[str, Any]:
        return store.push(who, who["profile_id"], [r.model_dump() for r in request.records])

    @app.get("/v1/changes")
    def changes(who: Caller, since: Annotated[int, Query(ge=0)] = 0,
                limit: Annotated[int, Query(ge=1, le=2000)] = 500) -> dict[str, Any]:  # fmt: skip
        return store.changes(since, limit)

    @app.post("/v1/blobs/missing")
    def missing(request: MissingRequest, who: Caller) -> dict[str, Any]:
        missing = store.missing(request.sha256)
        return {"missing": missing, "offsets": store.partial_offsets(missing)}

    @app.get("/v1/blobs/{sha256}/offset")
    def offset(sha256: Annotated[str, PathParam(pattern=SHA256)], who: Caller) -> dict[str, Any]:
        return {"offset": store.offset(sha256)}

    @app.put("/v1/blobs/{sha256}")
    async def upload(
        sha256: str,
        request: Request,
        who: Caller,
        offset: Annotated[int, Query(ge=0)],
        total: Annotated[int, Query(ge=1, le=2 * 1024**3)],
        chunk_sha256: Annotated[str | None, Header(alias=HEADER_CHUNK_SHA256)] = None,
    ) -> dict[str, Any]:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise Unprocessable("bad_sha", "文件标识无效。", "Not a SHA-256.")
        chunk = await request.body()
        return store.append(sha256, offset, total, chunk, chunk_sha256)

    @app.get("/v1/blobs/{sha256}")
    def download(sha256: str, who: Caller) -> FileResponse:
        return blob_file(sha256, "application/octet-stream")

    app.include_router(web_router(store))
    return app
