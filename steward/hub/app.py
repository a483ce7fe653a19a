"""The hub's HTTP JSON API (FastAPI; its OpenAPI schema is at /openapi.json).

No `from __future__ import annotations` here: FastAPI reads these annotations at run time.
"""

import os
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from PIL import Image
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from steward.hub.blob_responses import stream
from steward.hub.blobs import BlobStore
from steward.hub.limits import BodyLimit, BodyTooLarge, too_large
from steward.hub.models import SHA256, InvalidRecord, Record, clean_records
from steward.hub.renditions import make_rendition
from steward.hub.store import (
    Forbidden,
    HubError,
    HubStore,
    NotFound,
    PushResult,
    Refusal,
    Sender,
    StewardRef,
    Unprocessable,
    UpgradeRequired,
)
from steward.hub.web.routes import WebHub, page_router
from steward.sync.wire import ENTITIES, HEADER_CHUNK_SHA256, HEADER_PROFILE, HEADER_PROTOCOL, PROTOCOL_VERSION

MAX_SEQ = 2**63 - 1  # SQLite's largest integer: a cursor beyond it is no cursor


class PushRequest(BaseModel):
    records: list[Record] = Field(max_length=2000)


class MissingRequest(BaseModel):
    sha256: list[Annotated[str, Field(pattern=SHA256)]] = Field(max_length=5000)


class ErrorDetail(BaseModel):
    code: str
    zh: str
    en: str
    entity: str | None = None
    id: str | None = None
    field: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


class RecordRef(BaseModel):
    entity: str
    id: str


class Conflicted(RecordRef):
    reason: str


class Refused(RecordRef):
    code: str
    zh: str
    en: str
    field: str | None = Field(default=None, description="the field at fault, when the record's content is not valid")


class PushAnswer(BaseModel):
    accepted: list[RecordRef]
    duplicates: list[RecordRef]
    conflicts: list[Conflicted]
    refused: list[Refused]


class Change(BaseModel):
    entity: str
    id: str
    hash: str
    author: str | None = Field(description="the hub steward who pushed it (from their token); null for hub data")
    body: dict[str, Any]


class ChangesPage(BaseModel):
    records: list[Change]
    cursor: int
    more: bool


class Hello(BaseModel):
    protocol: int
    steward: str
    records: int
    blobs: int
    entities: list[str] = Field(
        default=list(ENTITIES), description="the kinds of record this hub takes; a laptop sends it no others"
    )
    number_prefix: str | None = Field(
        default=None, description="this profile's own notice-number code, e.g. LM (notices numbered XJ-LM-2026-0001)"
    )
    cursor: int | None = Field(
        default=None,
        description="the end of the change sequence: a laptop whose cursor is there has nothing to pull (its "
        "/v1/changes would answer no records)",
    )
    recheck: str | None = Field(
        default=None,
        description="the ETag /v1/recheck-photos answers this steward now: a laptop that read the list at this tag "
        "(and pulled nothing since) has it",
    )


class MissingAnswer(BaseModel):
    missing: list[str]
    offsets: dict[str, int]


class OffsetAnswer(BaseModel):
    offset: int


class UploadAnswer(BaseModel):
    offset: int
    complete: bool


class RecheckPhoto(BaseModel):
    sha256: str
    finding_id: str
    visit_id: str
    caption: str
    created_at: str
    photo: dict[str, Any] = Field(description="the photo's record (size, time taken, place)")


class RecheckPhotos(BaseModel):
    photos: list[RecheckPhoto]


class KeyRequest(BaseModel):
    alg: Literal["ed25519"] = "ed25519"
    public_key: str = Field(pattern=r"^[A-Za-z0-9+/]{43}=$", description="base64 of the 32-byte Ed25519 public key")


class KeyAnswer(BaseModel):
    registered: bool = Field(description="true when new; false when this key was registered already")


class Credentials(NamedTuple):
    """What a request's headers say about who sends it, before the database has been asked, and the hub it was
    sent to (its app's store: the routes are shared by every app of the process)."""

    token: str
    profile_id: str | None
    store: HubStore


AcceptEncoding = Annotated[str | None, Header()]


def _accepts_gzip(accept_encoding: str | None) -> bool:
    return "gzip" in (accept_encoding or "").lower()


def _json(body: bytes, gzipped: bool, headers: dict[str, str]) -> Response:
    """JSON already encoded, maybe compressed with gzip."""
    headers = {**headers, "Vary": "Accept-Encoding"}
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type="application/json", headers=headers)


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody} for status in statuses}


AUTH_ERRORS = (401, 403, 422, 426)


def _text(value: Any, limit: int = 200) -> str | None:
    """A value from a request, safe to put into a JSON answer (no lone surrogates, bounded)."""
    if value is None:
        return None
    return str(value)[:limit].encode("utf-8", "replace").decode("utf-8")


def _error(status: int, code: str, zh: str, en: str, **where: str | None) -> JSONResponse:
    detail = {"code": code, "zh": zh, "en": en, **{k: _text(v) for k, v in where.items() if v is not None}}
    return JSONResponse(status_code=status, content={"error": detail})


def _invalid_request(exc: RequestValidationError) -> JSONResponse:
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "not valid"}
    loc = [str(part) for part in first.get("loc", ())]
    where: dict[str, str | None] = {"field": ".".join(loc[1:] if loc[:1] == ["body"] else loc) or None}
    body = getattr(exc, "body", None)
    if loc[:2] == ["body", "records"] and len(loc) > 2 and loc[2].isdigit() and isinstance(body, dict):
        records = body.get("records")
        index = int(loc[2])
        if isinstance(records, list) and index < len(records) and isinstance(records[index], dict):
            where["entity"] = _text(records[index].get("entity"), 40)
            where["id"] = _text(records[index].get("id"), 80)
            where["field"] = ".".join(loc[3:]) or "record"
    return _error(
        422,
        "invalid",
        f"请求格式不正确(字段 {where['field']})。",
        f"The request is not valid: {where['field']}: {_text(first.get('msg'))}",
        **where,
    )


def _invalid_refusal(exc: InvalidRecord) -> Refusal:
    """A record refused for its content, in the shape of every other refusal (the laptop remembers and shows it)."""
    field = _text(exc.field, 80) or "record"
    zh = {
        "unknown_entity": f"服务器不认识这种记录({_text(exc.entity, 40)}),请更新服务器或 Steward。",
        "bad_hash": "记录的校验值与内容不符(记录已损坏或被改动)。",
    }.get(exc.code, f"记录内容不符合要求(字段 {field}),服务器未保存;请核对后修改。")
    return {
        "entity": _text(exc.entity, 40) or "",
        "id": _text(exc.id, 80) or "",
        "code": exc.code,
        "field": field,
        "zh": zh,
        "en": f"Record not valid: {field}: {_text(exc.problem)}",
    }


# How `steward hub serve --workers N` tells each worker process where the hub's data is (uvicorn starts workers
# from an import string, app_from_environment, and cannot hand them arguments).
ENV_DATA_DIR = "STEWARD_HUB_DATA_DIR"
ENV_DB = "STEWARD_HUB_DB"


def app_from_environment() -> FastAPI:
    """The app of one worker process, for uvicorn's factory (see ENV_DATA_DIR)."""
    return create_app(Path(os.environ[ENV_DATA_DIR]), os.environ.get(ENV_DB) or None)


def rendition_of(blobs: BlobStore, sha256: str) -> bytes:
    """The report rendition of a kept photo: the one kept earlier, else made now and kept."""
    kept = blobs.open_rendition(sha256)
    if kept is not None:
        with kept:
            return kept.read()
    try:
        with blobs.open(sha256) as original:
            jpeg = make_rendition(original)
    except (OSError, ValueError, Image.DecompressionBombError):  # a file no picture can be made of
        raise NotFound("no_rendition", "无法为该照片生成报告用图。", "No rendition can be made of it.") from None
    blobs.keep_rendition(sha256, jpeg)
    return jpeg


async def _hub_error(_request: Request, exc: HubError) -> JSONResponse:
    return _error(exc.status, exc.code, exc.zh, exc.en)


async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
    return _invalid_request(exc)


async def _http_error(_request: Request, exc: StarletteHTTPException) -> Response:
    if isinstance(exc, BodyTooLarge):
        return too_large(exc.limit)
    if exc.status_code == 413:
        return too_large(0)
    zh = {400: "请求格式不正确。", 404: "没有该地址。", 405: "不支持该请求方式。"}.get(exc.status_code, "请求失败。")
    return _error(exc.status_code, f"http_{exc.status_code}", zh, _text(exc.detail) or "Request failed.")


def create_app(data_dir: Path, db_url: str | None = None, blobs: BlobStore | None = None) -> FastAPI:
    """blobs: where the hub keeps files (None: under data_dir, FilesystemBlobs).

    Every app of a process serves the same route objects (`api_router` below, steward.hub.web.routes.page_router),
    each app with its own hub in app.state (`store`, `web`), which the endpoints read through their dependencies.
    Building a route analyses its endpoint's signature (0.08 s of CPU for these, per app when each built its own),
    and `include_router` would analyse them again for each app (FastAPI builds an included router's routes anew for
    every app that includes it, on its first request), so the app is handed the very objects with FastAPI's
    `routes=` (Starlette's list of routes to serve). Those routes know no app's dependency_overrides (nothing
    overrides a dependency; tests/test_hub_apps.py holds every app to the shared routes)."""
    store = HubStore(data_dir, db_url=db_url, blobs=blobs)
    app = FastAPI(
        title="Steward Hub",
        version=str(PROTOCOL_VERSION),
        description="环保管家 Steward 同步服务 · sync service for environmental stewards",
        routes=[*api_router.routes, *page_router.routes],
    )
    app.state.store = store
    app.state.web = WebHub(store)
    app.router.on_shutdown.append(store.close)  # a worker's PostgreSQL connections end with it
    app.add_middleware(BodyLimit)
    app.exception_handler(HubError)(_hub_error)
    app.exception_handler(RequestValidationError)(_invalid)
    app.exception_handler(StarletteHTTPException)(_http_error)
    return app


# -- the sync API: its routes, built once per process -------------------------------------------------------------
api_router = APIRouter()


async def credentials(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    x_steward_protocol: Annotated[str | None, Header(alias=HEADER_PROTOCOL)] = None,
    x_steward_profile: Annotated[str | None, Header(alias=HEADER_PROFILE)] = None,
) -> Credentials:
    """The headers, checked as far as they can be without the database, on the event loop. Whose token it is
    `identify` asks in the worker thread that does the endpoint's store work: each trip to a thread costs more
    than all the SQL of a no-op sync, so a request of the sync makes one. Nothing is read or written for a
    request before its token is known; a request that is not well-formed is answered 422 before that.
    The hub the request was sent to comes along (its app's store), so an endpoint needs no second dependency."""
    if x_steward_protocol is None or not x_steward_protocol.isdigit() or int(x_steward_protocol) < PROTOCOL_VERSION:
        raise UpgradeRequired(
            "upgrade",
            "您的 Steward 版本过旧,请先更新 Steward 再同步。",
            "Your Steward is too old for this hub; please update Steward.",
        )
    if not authorization or not authorization.startswith("Bearer "):
        raise Forbidden("no_token", "缺少同步令牌。", "No token was sent.")
    return Credentials(authorization.removeprefix("Bearer ").strip(), x_steward_profile, request.app.state.store)


def identify(sent: Credentials, known: tuple[StewardRef, int | None] | None = None) -> Sender:
    """The steward whose token it is, with the laptop profile bound to them (SQLite: never on the event loop).
    `known`: the steward and the profile's binding, already read with the token."""
    store = sent.store
    steward, bound_to = known or store.steward_and_binding(sent.token, sent.profile_id or "")
    if not sent.profile_id or len(sent.profile_id) > 64:
        raise Unprocessable("no_profile", "缺少档案标识。", "No profile id was sent.")
    if bound_to != steward["id"]:  # a profile's first sync binds it; another steward's profile is refused there
        store.bind(sent.profile_id, steward)
    return {"id": steward["id"], "name": steward["name"], "profile_id": sent.profile_id}


Caller = Annotated[Credentials, Depends(credentials)]


def blob_file(store: HubStore, sha256: str, media_type: str) -> Response:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256) or store.missing([sha256]):
        raise NotFound("no_blob", "没有该文件。", "No such file.")
    try:
        fh = store.blobs.open(sha256)
    except FileNotFoundError:
        raise NotFound("no_blob", "没有该文件。", "No such file.") from None
    return stream(fh, store.blobs.size(sha256), media_type)


@api_router.get("/v1/hello", responses=_errors(*AUTH_ERRORS))
async def hello(sent: Caller) -> Hello:
    store = sent.store

    def answer() -> Hello:
        with store.connect():  # one connection for the request's reads (PostgreSQL: one trip to the pool)
            found = store.caller(sent.token, sent.profile_id or "")  # a laptop that synced before: all it reads
            who = identify(sent, (found.steward, found.bound_to))
            prefix = found.number_prefix if found.bound_to == who["id"] else None
            prefix = prefix or store.number_prefix(who["profile_id"], who)
            facts = store.hello_facts(who["id"], found.moment)
        return Hello(protocol=PROTOCOL_VERSION, steward=who["name"], number_prefix=prefix, **facts)

    return await run_in_threadpool(answer)


@api_router.post("/v1/records", response_model=PushAnswer, responses=_errors(400, *AUTH_ERRORS, 413, 507))
async def push(request: PushRequest, sent: Caller) -> Any:
    """Each record is kept, a duplicate, a conflict, or refused on its own (see README: who may write what).
    A record whose body does not fit its entity's model (or whose entity, id or hash is not one) is refused on
    its own, naming entity, id and field; the rest of the push is kept. Only a request that is not a list of
    records at all is a 422."""

    def judge() -> PushResult:
        who = identify(sent)
        records, invalid = clean_records(request.records)
        answer = sent.store.push(who, who["profile_id"], records)
        answer["refused"] = [_invalid_refusal(exc) for exc in invalid] + answer["refused"]
        return answer

    return await run_in_threadpool(judge)


@api_router.get(
    "/v1/changes", responses={200: {"model": ChangesPage}, **_errors(*AUTH_ERRORS)}, response_class=Response
)
async def changes(
    sent: Caller,
    since: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
    limit: Annotated[int, Query(ge=1, le=2000)] = 500,
    accept_encoding: Annotated[str | None, Header()] = None,
) -> Response:
    """Compressed with gzip when the laptop accepts it (httpx does, and decodes it): a full pull is a tenth of
    the bytes. A client that does not ask gets plain JSON, as before."""
    gzipped = "gzip" in (accept_encoding or "").lower()

    def answer() -> bytes:
        with sent.store.connect():
            return sent.store.changes(since, limit, identify(sent)["id"], gzipped=gzipped)

    page = await run_in_threadpool(answer)
    headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"} if gzipped else {"Vary": "Accept-Encoding"}
    return Response(page, media_type="application/json", headers=headers)


@api_router.post("/v1/blobs/missing", responses=_errors(400, *AUTH_ERRORS, 413))
def missing(request: MissingRequest, sent: Caller) -> MissingAnswer:
    """The files this steward should upload. One the hub holds but this steward may not know of (no own record
    names it, never sent by them) is answered as missing; its upload is checked and kept idempotently."""
    who = identify(sent)
    missing = sent.store.missing_for(request.sha256, who["id"])
    return MissingAnswer(missing=missing, offsets=sent.store.partial_offsets(missing, who["id"]))


@api_router.get("/v1/blobs/{sha256}/offset", responses=_errors(*AUTH_ERRORS))
def offset(sha256: Annotated[str, PathParam(pattern=SHA256)], sent: Caller) -> OffsetAnswer:
    return OffsetAnswer(offset=sent.store.offset(sha256, identify(sent)["id"]))


@api_router.put(
    "/v1/blobs/{sha256}",
    responses=_errors(400, *AUTH_ERRORS, 409, 413, 507),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def upload(
    sha256: Annotated[str, PathParam(pattern=SHA256)],
    request: Request,
    sent: Caller,
    offset: Annotated[int, Query(ge=0, le=2 * 1024**3)],
    total: Annotated[int, Query(ge=1, le=2 * 1024**3)],
    chunk_sha256: Annotated[str | None, Header(alias=HEADER_CHUNK_SHA256)] = None,
) -> UploadAnswer:
    """One chunk, appended to this steward's unfinished upload as it arrives; file work runs in threads."""
    upload = await run_in_threadpool(lambda: sent.store.begin_upload(sha256, offset, total, identify(sent)["id"]))
    if upload is None:
        return UploadAnswer(offset=total, complete=True)
    try:
        pending: list[bytes] = []
        size = 0
        async for piece in request.stream():
            pending.append(piece)
            size += len(piece)
            if size >= 256 * 1024:
                await run_in_threadpool(upload.write, b"".join(pending))
                pending, size = [], 0
        if pending:
            await run_in_threadpool(upload.write, b"".join(pending))
    except BaseException:
        await run_in_threadpool(upload.abort)
        raise
    return UploadAnswer.model_validate(await run_in_threadpool(upload.finish, chunk_sha256))


@api_router.post("/v1/keys", responses=_errors(400, *AUTH_ERRORS, 409, 413))
def register_key(request: KeyRequest, sent: Caller) -> KeyAnswer:
    """The public key with which this laptop profile signs its offline bundles (registered once per profile)."""
    import base64

    who = identify(sent)
    key = base64.b64decode(request.public_key)
    if len(key) != 32:
        raise Unprocessable("bad_key", "签名公钥格式不正确。", "Not an Ed25519 public key.")
    return KeyAnswer(registered=sent.store.register_key(who["profile_id"], who, key))


@api_router.get(
    "/v1/blobs/{sha256}",
    responses={200: {"content": {"application/octet-stream": {}}}, **_errors(*AUTH_ERRORS, 404)},
    response_class=Response,
)
def download(sha256: Annotated[str, PathParam(pattern=SHA256)], sent: Caller) -> Response:
    """Only files the steward's own records name (see README: who may read what)."""
    if not sent.store.may_read_blob(sha256, identify(sent)["id"]):
        raise NotFound("no_blob", "没有该文件。", "No such file.")
    return blob_file(sent.store, sha256, "application/octet-stream")


@api_router.get(
    "/v1/recheck-photos",
    responses={200: {"model": RecheckPhotos}, 304: {"description": "unchanged"}, **_errors(*AUTH_ERRORS)},
    response_class=Response,
)
async def recheck_list(
    sent: Caller, if_none_match: Annotated[str | None, Header()] = None, accept_encoding: AcceptEncoding = None
) -> Response:
    """Colleagues' photos of findings still open at the enterprises this steward has visited (see README: who
    may read what): their report renditions, never originals, are what a re-check there compares with. With
    an ETag (hello's `recheck` says it too, so a laptop that holds the list need not ask); If-None-Match with
    that tag is answered 304 while the list cannot have changed."""

    store = sent.store

    def answer() -> Response:
        with store.connect():
            reader = identify(sent)["id"]
            if if_none_match and if_none_match.strip() == f'"{store.recheck_now(reader)}"':
                return Response(status_code=304, headers={"ETag": if_none_match.strip()})
            tag, body, gzipped = store.recheck_answer(reader, gzipped=_accepts_gzip(accept_encoding))
        return _json(body, gzipped, {"ETag": f'"{tag}"'})

    return await run_in_threadpool(answer)


@api_router.get(
    "/v1/renditions/{sha256}",
    responses={200: {"content": {"image/jpeg": {}}}, **_errors(*AUTH_ERRORS, 404)},
    response_class=Response,
)
def rendition(sha256: Annotated[str, PathParam(pattern=SHA256)], sent: Caller) -> Response:
    """The report rendition of a photo /v1/recheck-photos lists for this steward; any other is not found."""
    if sha256 not in sent.store.recheck_files(identify(sent)["id"]):
        raise NotFound("no_blob", "没有该文件。", "No such file.")
    return Response(rendition_of(sent.store.blobs, sha256), media_type="image/jpeg")
