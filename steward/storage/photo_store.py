"""Where photo and signature files live: content-addressed by the SHA-256 of the original bytes."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from steward.storage.blob_files import TEMP_SUFFIX, atomic_write

if TYPE_CHECKING:
    from steward.storage.photo_processing import PreparedPhoto

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".heic", ".heif", ".webp", ".bmp"}


class PhotoStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _shard(self, kind: str, sha256: str) -> Path:
        return self.root / kind / sha256[:2]

    def original_path(self, sha256: str, ext: str) -> Path:
        return self._shard("originals", sha256) / f"{sha256}.{ext}"

    def rendition_path(self, sha256: str) -> Path:
        return self._shard("renditions", sha256) / f"{sha256}.jpg"

    def thumb_path(self, sha256: str) -> Path:
        return self._shard("thumbs", sha256) / f"{sha256}.jpg"

    def blob_path(self, sha256: str, ext: str) -> Path:
        """Other content-addressed files: signatures (PNG), reports (PDF)."""
        return self._shard("blobs", sha256) / f"{sha256}.{ext}"

    def write_photo(self, prepared: PreparedPhoto, original: bytes) -> None:
        """Renditions first, original last: an original on disk means its renditions are there too."""
        atomic_write(self.rendition_path(prepared.sha256), prepared.rendition_jpeg)
        atomic_write(self.thumb_path(prepared.sha256), prepared.thumb_jpeg)
        atomic_write(self.original_path(prepared.sha256, prepared.ext), original)

    def write_made_photo(self, prepared: PreparedPhoto, original: bytes, same_picture_as: str | None) -> None:
        """A photo Steward made itself (the demo): written without fsync, since it is made again rather than
        recovered. `same_picture_as` names a stored photo with the same pixels (differing only in its EXIF): its
        renditions are shared by hard link instead of written again, which is most of the bytes.
        Paths are joined as text: thousands of photos in a row spend more time in pathlib than in the kernel."""
        root, sha = str(self.root), prepared.sha256

        def path(kind: str, digest: str, ext: str) -> str:
            return os.path.join(root, kind, digest[:2], f"{digest}.{ext}")

        if same_picture_as is None:
            _plain_write(path("renditions", sha, "jpg"), prepared.rendition_jpeg)
            _plain_write(path("thumbs", sha, "jpg"), prepared.thumb_jpeg)
        else:
            _link_or_copy(path("renditions", same_picture_as, "jpg"), path("renditions", sha, "jpg"))
            _link_or_copy(path("thumbs", same_picture_as, "jpg"), path("thumbs", sha, "jpg"))
        _plain_write(path("originals", sha, prepared.ext), original)

    def write_blob(self, sha256: str, ext: str, data: bytes) -> Path:
        """Kept as it is only if what is there is whole: a damaged file under the name is replaced, never served."""
        path = self.blob_path(sha256, ext)
        if not self.holds(path, sha256):
            atomic_write(path, data)
        return path

    @staticmethod
    def holds(path: Path, sha256: str) -> bool:
        """Whether `path` exists with exactly the bytes whose SHA-256 is `sha256`."""
        try:
            with open(path, "rb") as fh:
                return hashlib.file_digest(fh, "sha256").hexdigest() == sha256
        except FileNotFoundError:
            return False

    def files(self) -> Iterator[tuple[str, Path]]:
        """(kind, path) of every file under the store, temp files included."""
        for kind in ("originals", "renditions", "thumbs", "blobs"):
            base = self.root / kind
            if base.exists():
                for path in base.rglob("*"):
                    if path.is_file():
                        yield kind, path

    @staticmethod
    def is_temp(path: Path) -> bool:
        return path.name.startswith(".") and path.name.endswith(TEMP_SUFFIX)

    @staticmethod
    def sha_of(path: Path) -> str:
        return path.name.split(".", 1)[0]


def _plain_write(path: str, data: bytes) -> None:
    try:
        with open(path, "wb") as fh:
            fh.write(data)
    except FileNotFoundError:  # the first file of its shard folder
        os.makedirs(os.path.dirname(path), exist_ok=True)
        _plain_write(path, data)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except FileNotFoundError:  # the first file of its shard folder
        os.makedirs(os.path.dirname(target), exist_ok=True)
        _link_or_copy(source, target)
    except OSError:  # a file system without hard links
        shutil.copyfile(source, target)
