"""Talking to Steward Hub over HTTP(S) with httpx: kept-alive connections, the office's proxy from the environment
(HTTPS_PROXY, HTTP_PROXY, NO_PROXY), certificates always verified (against a CA file of the insurer's own when
given). Every failure becomes a message a steward can act on, in Chinese and English."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import ssl
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NotRequired, TypedDict, cast

import httpx

from steward.domain.errors import StewardError
from steward.sync.wire import (
    HEADER_CHUNK_SHA256,
    HEADER_PROFILE,
    HEADER_PROTOCOL,
    PROTOCOL_VERSION,
    PulledRecord,
    Record,
)

CONNECT_TIMEOUT = 15.0  # seconds to open a connection; a dead address should not hold a steward for a minute

# A connection the hub (or a proxy) closed while it sat idle in the pool: asked again once on a fresh one. Every
# call is safe to repeat (pushes are idempotent; a chunk at a stale offset is refused and re-asked).
_DROPPED = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)

# Records the laptop asks for in a page of the change feed: the most every hub gives (its `limit` has gone up to 2000
# since the first protocol). A new laptop's pull of a year of an office's records is then 10 requests, not 37, and
# the hub's work for each request (the token, routing, a worker thread) is done a quarter as often; the bytes are
# the same. The largest such page (2,000 visits with their answers) is about 14 MB once parsed.
PAGE_LIMIT = 2000


# -- the hub's answers, as steward/hub/app.py declares them (Hello, PushAnswer, ChangesPage, ...). Not checked here at
# run time: what an older hub may leave out is NotRequired, and the engine reads those parts with .get.
class Hello(TypedDict):
    protocol: int
    steward: str
    records: int
    blobs: int
    entities: NotRequired[list[str]]  # a hub of the first protocol does not list them
    number_prefix: NotRequired[str | None]
    cursor: NotRequired[int | None]
    recheck: NotRequired[str | None]


class RecordRef(TypedDict):
    entity: str
    id: str


class Conflict(RecordRef):
    """A record the hub holds with other content under the same id: never overwritten."""

    reason: str


class HubRefusal(RecordRef):
    """A record the hub will not keep: its code and words (zh, en); for bad content, the field at fault."""

    code: str
    zh: str
    en: str
    field: NotRequired[str | None]


class PushAnswer(TypedDict):
    accepted: list[RecordRef]
    duplicates: list[RecordRef]
    conflicts: list[Conflict]
    refused: NotRequired[list[HubRefusal]]  # a hub of the first protocol refuses the whole batch instead


class ChangesPage(TypedDict):
    records: list[PulledRecord]
    cursor: int
    more: bool


class UploadAnswer(TypedDict):
    offset: int
    complete: NotRequired[bool]


class RecheckPhoto(TypedDict):
    """A colleague's photo of an open finding at an enterprise this steward visits."""

    sha256: str
    finding_id: str
    visit_id: str
    caption: str
    created_at: str
    photo: dict[str, object]  # the photo's record as the hub keeps it: read through storage's schema_photo


class SyncError(StewardError):
    def __init__(self, zh: str, en: str, status: int = 0, code: str = "") -> None:
        super().__init__(zh, en)
        self.status, self.code = status, code


def _tls_context(ca_bundle: str | Path | None) -> ssl.SSLContext:
    """Verify certificates always: against the given CA file (an insurer's private CA), else the usual roots."""
    if not ca_bundle:
        return _usual_roots(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    path = Path(ca_bundle).expanduser()
    try:
        return ssl.create_default_context(cafile=str(path))
    except (OSError, ssl.SSLError) as exc:
        raise SyncError(
            f"无法读取证书文件 {path}(应为 PEM 格式的 CA 证书)。",
            f"Cannot read the CA certificate file {path} (a PEM file is expected): {exc}",
            code="ca_bundle",
        ) from None


@functools.lru_cache(maxsize=4)
def _usual_roots(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    """What httpx verifies against when told to verify (certifi's roots, or SSL_CERT_FILE / SSL_CERT_DIR: named here
    so that a change of them is honoured), loaded once per process and shared by every client: loading ~150 roots
    costs ~60 ms of CPU, and each sync makes a client. A context may serve many connections and threads."""
    return httpx.create_ssl_context(verify=True, trust_env=True)


def _ssl_cause(exc: BaseException) -> ssl.SSLError | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


class HubClient:
    def __init__(
        self, base_url: str, token: str, profile_id: str, timeout: float = 60, ca_bundle: str | Path | None = None
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise SyncError(
                f"同步服务器地址应以 http:// 或 https:// 开头:{base_url}",
                f"The hub address must start with http:// or https://: {base_url}",
            )
        if not token:
            raise SyncError(
                "尚未设置同步令牌,请在设置中填写或使用 --token。", "No token; set it in settings or pass --token."
            )
        self.base = base_url.rstrip("/")
        self.token, self.profile_id, self.timeout = token, profile_id, timeout
        self._http = httpx.Client(
            base_url=self.base,
            timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT)),
            verify=_tls_context(ca_bundle),
            trust_env=True,
            headers={
                "Authorization": f"Bearer {self.token}",
                HEADER_PROTOCOL: str(PROTOCOL_VERSION),
                HEADER_PROFILE: self.profile_id,
            },
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _request(
        self,
        method: str,
        path: str,
        *,
        payload: object = None,
        data: bytes | None = None,
        params: Mapping[str, int] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """One request on a kept-alive connection; its JSON answer (Any: each call below says what the hub answers)."""
        response = self._send(method, path, payload=payload, data=data, params=params, headers=headers)
        try:
            return json.loads(response.content or b"{}")
        except ValueError:
            raise self._unreadable(response.status_code) from None

    def _unreadable(self, status: int) -> SyncError:
        return SyncError(
            f"同步服务器 {self.base} 的回答无法读取(地址是否指向 Steward Hub?)。",
            f"The answer from {self.base} cannot be read: is this address a Steward Hub?",
            status,
            "bad_answer",
        )

    def _send(
        self,
        method: str,
        path: str,
        *,
        payload: object = None,
        data: bytes | None = None,
        params: Mapping[str, int] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        all_headers = dict(headers or {})
        if payload is not None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        elif data is not None:
            all_headers["Content-Type"] = "application/octet-stream"
        for attempt in (1, 2):
            try:
                response = self._http.request(method, path, content=data, params=params, headers=all_headers)
                break
            except _DROPPED as exc:
                if attempt == 2:
                    raise self._unreachable(exc) from None
            except httpx.HTTPError as exc:
                raise self._failure(exc) from None
        if response.status_code >= 400:
            raise self._http_error(response.status_code, response.content)
        return response

    def _failure(self, exc: httpx.HTTPError) -> SyncError:
        tls = _ssl_cause(exc)
        if isinstance(tls, ssl.SSLCertVerificationError):
            return SyncError(
                f"无法验证同步服务器 {self.base} 的证书({tls.verify_message})。如保险公司使用自建的证书,"
                "请在设置中填写其 CA 证书文件(hub_ca_bundle)或使用 --ca-bundle。已记录的内容都保存在本机。",
                f"The certificate of {self.base} cannot be verified ({tls.verify_message}). If the insurer uses its "
                "own CA, set its certificate file (hub_ca_bundle) or pass --ca-bundle. Everything stays on this laptop.",
                code="tls",
            )
        if tls is not None:
            return SyncError(
                f"无法与同步服务器 {self.base} 建立加密连接({tls.reason or tls})。请核对地址(http 或 https)和端口。",
                f"No secure connection to {self.base} ({tls}). Check the address (http or https) and the port.",
                code="tls",
            )
        if isinstance(exc, httpx.ProxyError):
            return SyncError(
                f"代理服务器拒绝或无法转发到 {self.base} 的连接,请核对代理设置(HTTPS_PROXY/HTTP_PROXY)。",
                f"The proxy refused or could not forward the connection to {self.base} ({exc}); check the proxy "
                "settings (HTTPS_PROXY/HTTP_PROXY).",
                code="proxy",
            )
        if isinstance(exc, httpx.TimeoutException):
            return SyncError(
                f"同步服务器 {self.base} 在 {self.timeout:.0f} 秒内没有回应(网络太慢或服务器繁忙)。"
                "已记录的内容都保存在本机,稍后再试即可。",
                f"The hub at {self.base} did not answer within {self.timeout:.0f} s (slow network or busy hub). "
                "Everything stays on this laptop; try again later.",
                code="timeout",
            )
        return self._unreachable(exc)

    def _unreachable(self, exc: BaseException) -> SyncError:
        return SyncError(
            f"无法连接同步服务器 {self.base}(网络不通或服务器未开)。已记录的内容都保存在本机,稍后再试即可。",
            f"Cannot reach the hub at {self.base} ({exc}). Everything stays on this laptop; try again later.",
            code="unreachable",
        )

    @staticmethod
    def _http_error(status: int, body: bytes) -> SyncError:
        try:
            error = json.loads(body or b"{}").get("error", {})
        except (ValueError, AttributeError):
            error = {}
        if not isinstance(error, dict):
            error = {}
        zh, en, code = error.get("zh"), error.get("en"), error.get("code", "")
        if status == 401:
            zh, en = "同步令牌无效,请核对设置中的令牌。", "The token is not valid; check it in settings."
        elif status == 426:
            zh, en = (
                "您的 Steward 版本过旧,请先更新 Steward 再同步。",
                "Please update Steward; the hub needs a newer version.",
            )
        elif status == 407:
            zh, en = "代理服务器要求登录,请核对代理设置。", "The proxy asks for a login; check the proxy settings."
        return SyncError(zh or f"同步服务器返回错误 {status}。", en or f"The hub answered {status}.", status, code)

    # -- calls ------------------------------------------------------------------------------------------------
    def hello(self) -> Hello:
        return cast(Hello, self._request("GET", "/v1/hello"))

    def push(self, records: list[Record]) -> PushAnswer:
        return cast(PushAnswer, self._request("POST", "/v1/records", payload={"records": records}))

    def register_key(self, public_key: str) -> bool:
        """The profile's Ed25519 public key (base64 of 32 bytes); True when the hub did not hold it yet."""
        answer = self._request("POST", "/v1/keys", payload={"alg": "ed25519", "public_key": public_key})
        return bool(answer.get("registered"))

    def changes(self, since: int, limit: int = PAGE_LIMIT) -> ChangesPage:
        return cast(ChangesPage, self._request("GET", "/v1/changes", params={"since": since, "limit": limit}))

    def missing(self, hashes: list[str]) -> tuple[list[str], dict[str, int]]:
        """The files the hub lacks, and how far each partial upload has come."""
        answer = self._request("POST", "/v1/blobs/missing", payload={"sha256": hashes})
        missing: list[str] = answer["missing"]
        offsets: dict[str, int] = answer.get("offsets", {})
        return missing, offsets

    def recheck_photos(self) -> list[RecheckPhoto]:
        """Colleagues' photos of open findings at enterprises this steward visits (a hub before them: none)."""
        return self.recheck_list()[0]

    def recheck_list(self) -> tuple[list[RecheckPhoto], str | None]:
        """Those photos and the list's tag (its ETag, which hello's `recheck` repeats while the list is the same;
        None from a hub before tags)."""
        try:
            response = self._send("GET", "/v1/recheck-photos")
        except SyncError as exc:
            if exc.status == 404:
                return [], None
            raise
        try:
            photos: list[RecheckPhoto] = list(json.loads(response.content)["photos"])
        except (ValueError, KeyError, TypeError):
            raise self._unreadable(response.status_code) from None
        tag = response.headers.get("ETag")
        return photos, tag.strip('"') if tag else None

    def rendition(self, sha256: str) -> bytes:
        """The report rendition of one of those photos, as JPEG bytes."""
        try:
            response = self._http.request("GET", f"/v1/renditions/{sha256}")
        except httpx.HTTPError as exc:
            raise self._failure(exc) from None
        if response.status_code >= 400:
            raise self._http_error(response.status_code, response.content)
        return response.content

    def offset(self, sha256: str) -> int:
        return int(self._request("GET", f"/v1/blobs/{sha256}/offset")["offset"])

    def put_chunk(self, sha256: str, offset: int, total: int, chunk: bytes) -> UploadAnswer:
        return cast(
            UploadAnswer,
            self._request(
                "PUT",
                f"/v1/blobs/{sha256}",
                data=chunk,
                params={"offset": offset, "total": total},
                headers={HEADER_CHUNK_SHA256: hashlib.sha256(chunk).hexdigest()},
            ),
        )
