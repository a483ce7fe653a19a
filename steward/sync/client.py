"""Talking to Steward Hub over HTTP with the standard library; every failure becomes a message a steward can act on."""

from __future__ import annotations

import hashlib
import http.client
import json
import urllib.parse
from typing import Any

from steward.domain.errors import StewardError
from steward.sync.wire import HEADER_CHUNK_SHA256, HEADER_PROFILE, HEADER_PROTOCOL, PROTOCOL_VERSION


class SyncError(StewardError):
    def __init__(self, zh: str, en: str, status: int = 0, code: str = "") -> None:
        super().__init__(zh, en)
        self.status, self.code = status, code


class HubClient:
    def __init__(self, base_url: str, token: str, profile_id: str, timeout: float = 60) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise SyncError(f"同步服务器地址应以 http:// 或 https:// 开头:{base_url}",
                            f"The hub address must start with http:// or https://: {base_url}")  # fmt: skip
        if not token:
            raise SyncError(
                "尚未设置同步令牌,请在设置中填写或使用 --token。", "No token; set it in settings or pass --token."
            )
        self.base = base_url.rstrip("/")
        self.token, self.profile_id, self.timeout = token, profile_id, timeout
        self._parts = urllib.parse.urlsplit(self.base)
        self._conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            kind = http.client.HTTPSConnection if self._parts.scheme == "https" else http.client.HTTPConnection
            self._conn = kind(self._parts.hostname or "", self._parts.port, timeout=self.timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _request(self, method: str, path: str, *, payload: Any = None, data: bytes | None = None,
                 params: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> Any:  # fmt: skip
        """One request on a kept-alive connection. A connection the hub closed while idle is retried once; every
        call is safe to repeat (pushes are idempotent, a chunk at a stale offset is refused and re-asked)."""
        target = self._parts.path.rstrip("/") + path + ("?" + urllib.parse.urlencode(params) if params else "")
        all_headers = {
            "Authorization": f"Bearer {self.token}",
            HEADER_PROTOCOL: str(PROTOCOL_VERSION),
            HEADER_PROFILE: self.profile_id,
            **(headers or {}),
        }
        if payload is not None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        elif data is not None:
            all_headers["Content-Type"] = "application/octet-stream"
        for attempt in (1, 2):
            try:
                conn = self._connection()
                conn.request(method, target, body=data, headers=all_headers)
                response = conn.getresponse()
                body = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                self.close()
                if attempt == 2:
                    raise self._unreachable(exc) from None
            except (http.client.HTTPException, OSError) as exc:
                self.close()
                raise self._unreachable(exc) from None
        if response.status >= 400:
            raise self._http_error(response.status, body)
        return json.loads(body or b"{}")

    def _unreachable(self, exc: BaseException) -> SyncError:
        return SyncError(f"无法连接同步服务器 {self.base}(网络不通或服务器未开)。已记录的内容都保存在本机,稍后再试即可。",
                         f"Cannot reach the hub at {self.base} ({exc}). Everything stays on this laptop; try again later.",
                         code="unreachable")  # fmt: skip

    @staticmethod
    def _http_error(status: int, body: bytes) -> SyncError:
        try:
            error = json.loads(body or b"{}").get("error", {})
        except (ValueError, AttributeError):
            error = {}
        zh, en, code = error.get("zh"), error.get("en"), error.get("code", "")
        if status == 401:
            zh, en = "同步令牌无效,请核对设置中的令牌。", "The token is not valid; check it in settings."
        elif status == 426:
            zh, en = (
                "您的 Steward 版本过旧,请先更新 Steward 再同步。",
                "Please update Steward; the hub needs a newer version.",
            )
        return SyncError(zh or f"同步服务器返回错误 {status}。", en or f"The hub answered {status}.", status, code)

    # -- calls ------------------------------------------------------------------------------------------------
    def hello(self) -> dict[str, Any]:
        return self._request("GET", "/v1/hello")

    def push(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        return self._request("POST", "/v1/records", payload={"records": records})

    def changes(self, since: int, limit: int = 500) -> dict[str, Any]:
        return self._request("GET", "/v1/changes", params={"since": since, "limit": limit})

    def missing(self, hashes: list[str]) -> tuple[list[str], dict[str, int]]:
        """The files the hub lacks, and how far each partial upload has come."""
        answer = self._request("POST", "/v1/blobs/missing", payload={"sha256": hashes})
        return answer["missing"], answer.get("offsets", {})

    def offset(self, sha256: str) -> int:
        return int(self._request("GET", f"/v1/blobs/{sha256}/offset")["offset"])

    def put_chunk(self, sha256: str, offset: int, total: int, chunk: bytes) -> dict[str, Any]:
        return self._request("PUT", f"/v1/blobs/{sha256}", data=chunk, params={"offset": offset, "total": total},
                             headers={HEADER_CHUNK_SHA256: hashlib.sha256(chunk).hexdigest()})  # fmt: skip
