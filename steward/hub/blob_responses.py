"""HTTP answers that stream a kept file out of the hub's BlobStore (never from a path on disk: the store may be an
object store), in pieces read in a worker thread, with its length when the store knows it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from starlette.responses import StreamingResponse

CHUNK_BYTES = 256 * 1024


def stream(
    fh: BinaryIO, size: int | None, media_type: str, headers: dict[str, str] | None = None, first: bytes = b""
) -> StreamingResponse:
    """An answer that sends `first` (bytes already read from `fh`), then what `fh` reads, and closes it at the end
    (also when the client goes away)."""

    def pieces() -> Iterator[bytes]:
        with fh:
            if first:
                yield first
            yield from iter(lambda: fh.read(CHUNK_BYTES), b"")

    sent = dict(headers or {})
    if size is not None:
        sent["Content-Length"] = str(size)
    return StreamingResponse(pieces(), media_type=media_type, headers=sent)
