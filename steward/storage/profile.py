"""A profile: one steward's database and photo store in one folder, opened together."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from steward.storage.database import Database
from steward.storage.paths import database_path
from steward.storage.photo_store import PhotoStore


class Profile:
    def __init__(self, folder: Path, db: Database | None = None) -> None:
        self.folder = folder
        self.db = db or Database(database_path(folder))
        self.photos = PhotoStore(folder / "photos")

    def reader(self) -> Profile:
        """The same profile through a read-only connection of its own: for reading on a background thread."""
        return Profile(self.folder, Database.reader(database_path(self.folder)))

    @property
    def name(self) -> str:
        return self.folder.name

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Profile:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
