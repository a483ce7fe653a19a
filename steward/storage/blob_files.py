"""Crash-safe file writes: a temp file in the same folder, fsync, rename, then fsync the folder."""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from collections.abc import Callable
from pathlib import Path

from steward.domain.errors import StewardError

TEMP_SUFFIX = ".tmp"

# For tests only; always None in the app. Called with the temp file once its bytes are written and synced, just
# before the rename, so a test can stand in for a crash at the worst moment (tests/test_torn_writes.py).
fault_before_rename: Callable[[Path], None] | None = None


class DiskFull(StewardError):
    pass


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a directory for fsync; NTFS journals the rename itself.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """After this returns, `path` holds `data` durably; if it raises or the process dies, `path` is unchanged."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}{TEMP_SUFFIX}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if fault_before_rename is not None:
            fault_before_rename(tmp)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFull(
                "磁盘空间已满,照片未保存。请清理磁盘后重试,已记录的内容均未丢失。",
                "The disk is full; the photo was not saved. Free some space and try again; nothing recorded was lost.",
            ) from exc
        raise
