"""tests/hub_http.py itself: `raw` reads the answer of a server that answers before reading the whole body (as the
hub's size limits do) also when closing with bytes unread resets the connection while the body is still being sent."""

from __future__ import annotations

import socket
import struct
import threading

from tests.hub_http import raw

ANSWER = b'{"error": "too_large"}'


def _answer_early_and_reset(listener: socket.socket) -> None:
    conn, _ = listener.accept()
    with conn:
        head = b""
        while b"\r\n\r\n" not in head:
            head += conn.recv(65536)
        conn.sendall(
            b"HTTP/1.1 413 Payload Too Large\r\ncontent-type: application/json\r\n"
            b"content-length: %d\r\n\r\n%s" % (len(ANSWER), ANSWER)
        )
        # Close at once with the body unread: the peer gets a reset (as when the hub closes after its 413).
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def test_raw_reads_an_answer_sent_before_a_reset() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        server = threading.Thread(target=_answer_early_and_reset, args=(listener,), daemon=True)
        server.start()
        # Far more than the loopback's buffers hold: the reset arrives while the body is still being sent.
        status, answer = raw(listener.getsockname()[1], "PUT /x HTTP/1.1\r\nHost: x\r\n\r\n", [b"x" * (64 << 20)])
        server.join(timeout=30)
    assert not server.is_alive()
    assert (status, answer) == (413, {"error": "too_large"})
