"""Where photo and signature files live: content-addressed by the SHA-256 of the original bytes."""

from __future__ import annotations

import hashlib
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
