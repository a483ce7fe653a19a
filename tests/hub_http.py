"""Plain HTTP calls to a hub for tests that speak the API directly (as an attacker with a token would)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import threading
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
    for _attempt in range(3):
        data = _raw_once(port, head, body_parts)
        if data:
            break
        # Nothing read: the reset came before the answer could be (see _raw_once). The hub's answer to the same
        # request is the same; asking again is no weaker a proof than the first time.
    return _parsed(data)


def _raw_once(port: int, head: str, body_parts: list[bytes]) -> bytes:
    """A hub that answers before reading everything closes with bytes unread, which resets the connection, and on
    Linux a reset discards what the receive buffer still holds. So a thread reads from the start, while the body is
    being sent, and takes the answer as it arrives rather than after the last part."""
    received: list[bytes] = []
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:

        def read() -> None:
            with contextlib.suppress(OSError):  # the reset, after the answer was read
                while chunk := sock.recv(65536):
                    received.append(chunk)

        reader = threading.Thread(target=read, daemon=True)
        sock.sendall(head.encode("latin-1"))
        reader.start()
        try:
            for part in body_parts:
                sock.sendall(part)
        except (BrokenPipeError, ConnectionResetError):
            pass
        with contextlib.suppress(OSError):  # closed already by the reset
            sock.shutdown(socket.SHUT_WR)
        reader.join(timeout=60)
    return b"".join(received)


def _parsed(data: bytes) -> tuple[int, Any]:
    status_line, _, rest = data.partition(b"\r\n")
    _headers, _, body = rest.partition(b"\r\n\r\n")
    try:
        return int(status_line.split()[1]), json.loads(body)
    except ValueError:
        return int(status_line.split()[1]), body
