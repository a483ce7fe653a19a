"""Where the hub keeps files (photos, signatures, documents), content-addressed by SHA-256, and the report renditions
it makes of photos, behind one interface: BlobStore. Every write, "is it there?", size, read and removal of a kept
file goes through it; nothing else in the hub opens a kept file by its path. FilesystemBlobs keeps them under the
data directory (a local disk, or shared storage that several hub machines mount); an S3-compatible object store is
one more BlobStore (open: a GET's body; commit: a PUT of the staged file; exists/size: a HEAD), and nothing else in
the hub changes (tests/test_hub_blob_store.py serves a hub from a BlobStore held in memory).

What a file is received into before it is checked and committed stays a local path (staging_path): the hash is
checked as the bytes arrive, and only a whole, verified file is handed to commit.

Unfinished resumable uploads are the blob store's too: each is a file appended to by one request at a time. Which
request may append is decided by an exclusive lock on that file (flock), not by anything in one process's
memory, so several worker processes (or machines sharing the directory over a file system with working locks)
never append to the same upload at once."""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
from abc import ABC, abstractmethod
from pathlib import Path
from typing import BinaryIO


class UploadBusy(Exception):
    """Another request is appending to this unfinished upload right now."""


class PartialUpload:
    """One unfinished upload held exclusively by this request until it is closed: `fh` appends the next chunk.
    The lock is on a descriptor of its own, so the writer can be closed (flushing what it buffered) before the
    file is cut back, while the upload is still held."""

    def __init__(self, path: Path, lock_fd: int) -> None:
        self.path, self._lock_fd = path, lock_fd
        self.fh: BinaryIO = open(path, "ab")  # noqa: SIM115 - closed by close()

    @property
    def size(self) -> int:
        return os.fstat(self._lock_fd).st_size

    def truncate(self, size: int) -> None:
        """Back to `size` bytes (a chunk that did not arrive whole); an upload back at nothing is removed."""
        os.ftruncate(self._lock_fd, size)
        if size == 0:
            self.path.unlink(missing_ok=True)

    def close(self) -> None:
        """Lets go of the upload (and of its lock); again, nothing."""
        try:
            self.fh.close()
        finally:
            if self._lock_fd >= 0:
                os.close(self._lock_fd)
                self._lock_fd = -1


class BlobStore(ABC):
    @abstractmethod
    def open(self, sha256: str) -> BinaryIO:
        """A complete file's bytes, to be read as a stream; FileNotFoundError when it is not here."""

    def read(self, sha256: str) -> bytes:
        """A complete file's bytes, all at once (small files; FileNotFoundError when it is not here)."""
        with self.open(sha256) as fh:
            return fh.read()

    @abstractmethod
    def exists(self, sha256: str) -> bool: ...

    @abstractmethod
    def size(self, sha256: str) -> int | None:
        """Bytes of a complete file, or None when it is not here."""

    @abstractmethod
    def commit(self, sha256: str, staged: Path) -> None:
        """Move a staged file whose hash was checked into the store (replacing the same bytes if present)."""

    @abstractmethod
    def remove(self, sha256: str) -> None:
        """Take a file out again (its database row was not kept)."""

    @abstractmethod
    def open_rendition(self, sha256: str) -> BinaryIO | None:
        """The report rendition made earlier of the photo with this hash (a JPEG), or None when none was kept."""

    @abstractmethod
    def keep_rendition(self, sha256: str, jpeg: bytes) -> None:
        """Keep a rendition once made (written whole: a reader never sees half of one)."""

    @abstractmethod
    def staging_path(self, name: str) -> Path:
        """A local path for a file being received (an upload's chunks, a bundle's file), before its commit."""

    @abstractmethod
    def partial_size(self, name: str) -> int | None:
        """How much of an unfinished upload is here; None when it was never started."""

    @abstractmethod
    def hold_partial(self, name: str) -> PartialUpload:
        """An unfinished upload (made empty when new) held by this request alone; UploadBusy if another holds it."""

    @abstractmethod
    def expire_partials(self, older_than: float) -> int:
        """Remove unfinished uploads untouched since `older_than` (a time.time()) that no request holds."""


class LocalStaging:
    """Unfinished uploads as files in a local folder, each appended to under an exclusive lock (flock): what every
    BlobStore needs before a verified file is committed, whether it keeps files on a disk or in an object store."""

    def __init__(self, upload_dir: Path) -> None:
        self.upload_dir = upload_dir
        upload_dir.mkdir(parents=True, exist_ok=True)

    def staging_path(self, name: str) -> Path:
        return self.upload_dir / name

    def partial_size(self, name: str) -> int | None:
        try:
            return self.staging_path(name).stat().st_size
        except FileNotFoundError:
            return None

    def hold_partial(self, name: str) -> PartialUpload:
        path = self.staging_path(name)
        lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise UploadBusy(name) from None
            if not _same_file(lock_fd, path):  # removed as abandoned between our open and our lock: not the upload
                raise UploadBusy(name)
            return PartialUpload(path, lock_fd)
        except BaseException:
            os.close(lock_fd)
            raise

    def expire_partials(self, older_than: float) -> int:
        removed = 0
        for path in self.upload_dir.glob("*.part"):
            try:
                fh = open(path, "rb")  # noqa: SIM115 - closed below
            except FileNotFoundError:
                continue
            with fh:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a request is appending to it right now
                if _same_file(fh.fileno(), path) and os.fstat(fh.fileno()).st_mtime < older_than:
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
                        removed += 1
        return removed


class FilesystemBlobs(LocalStaging, BlobStore):
    """Files under `root` (two levels by hash), renditions under `rendition_dir`, uploads staged in `upload_dir`."""

    def __init__(self, root: Path, upload_dir: Path, rendition_dir: Path) -> None:
        super().__init__(upload_dir)
        self.root, self.rendition_dir = root, rendition_dir
        root.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        """Where this store keeps a file (its own business: the rest of the hub opens files through the interface)."""
        return self.root / sha256[:2] / sha256

    def open(self, sha256: str) -> BinaryIO:
        return open(self.path(sha256), "rb")

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def size(self, sha256: str) -> int | None:
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError:
            return None

    def commit(self, sha256: str, staged: Path) -> None:
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)

    def remove(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    def _rendition_path(self, sha256: str) -> Path:
        return self.rendition_dir / sha256[:2] / f"{sha256}.jpg"

    def open_rendition(self, sha256: str) -> BinaryIO | None:
        try:
            return open(self._rendition_path(sha256), "rb")
        except FileNotFoundError:
            return None

    def keep_rendition(self, sha256: str, jpeg: bytes) -> None:
        target = self._rendition_path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            with open(staged, "wb") as fh:
                fh.write(jpeg)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(staged, target)
        finally:
            staged.unlink(missing_ok=True)


def _same_file(fd: int, path: Path) -> bool:
    try:
        here, there = os.fstat(fd), path.stat()
    except FileNotFoundError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)
