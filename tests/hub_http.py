"""Plain HTTP calls to a hub for tests that speak the API directly (as an attacker with a token would)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from typing import Any


def call(
    base: str,
    method: str,
    path: str,
    token: str | None = None,
    *,
    payload: Any = None,
    data: bytes | None = None,
    params: dict[str, Any] | None = None,
    profile: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """(status, parsed JSON or raw bytes)"""
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    # Each token gets a laptop profile of its own (a profile is bound to the first steward who syncs it).
    profile = profile or "profile-" + hashlib.sha256((token or "").encode()).hexdigest()[:12]
    all_headers = {"X-Steward-Protocol": "1", "X-Steward-Profile": profile, **(headers or {})}
    if token is not None:
        all_headers["Authorization"] = f"Bearer {token}"
    if payload is not None:
        data = json.dumps(payload).encode("ascii")  # \u escapes: a lone surrogate travels as JSON allows
        all_headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body


def raw(port: int, head: str, body_parts: list[bytes]) -> tuple[int, Any]:
    """Send a request as raw bytes (e.g. a declared length the body never reaches, or a chunked body) and read
    the answer even when the hub answers before reading everything."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head.encode("latin-1"))
        try:
            for part in body_parts:
                sock.sendall(part)
        except (BrokenPipeError, ConnectionResetError):
            pass
        data = b""
        # A hub that answers before reading everything closes with bytes unread, which resets the connection: then
        # shutdown() fails (the socket is closed already) while the answer still waits in the receive buffer.
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_WR)
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except OSError:
            pass  # the reset, after the answer was read
    status_line, _, rest = data.partition(b"\r\n")
    _headers, _, body = rest.partition(b"\r\n\r\n")
    try:
        return int(status_line.split()[1]), json.loads(body)
    except ValueError:
        return int(status_line.split()[1]), body
