"""Importing photos: many files at once, on every core, with bounded memory, each stored whole or not at all."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from steward.domain import clock
from steward.domain.errors import NotFound, StewardError, VisitLocked
from steward.domain.ids import new_id
from steward.domain.labels import VisitStatus
from steward.storage import findings as findings_store
from steward.storage import photos as store
from steward.storage import records
from steward.storage import visits as visits_store
from steward.storage.photo_store import PHOTO_SUFFIXES, PhotoStore
from steward.storage.profile import Profile

if TYPE_CHECKING:
    from concurrent.futures import Future


class Outcome(StrEnum):
    IMPORTED = "imported"
    ALREADY_STORED = "already_stored"
    ALREADY_IN_VISIT = "already_in_visit"  # the same picture is in this visit already: not linked twice
    REJECTED = "rejected"


@dataclass(frozen=True)
class PhotoResult:
    path: Path
    outcome: Outcome
    sha256: str | None = None
    link_id: str | None = None
    error: StewardError | None = None


@dataclass
class ImportReport:
    results: list[PhotoResult] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def rejected(self) -> list[PhotoResult]:
        return [r for r in self.results if r.outcome == Outcome.REJECTED]

    def names(self, *outcomes: Outcome) -> list[str]:
        return [r.path.name for r in self.results if r.outcome in outcomes]


@dataclass(frozen=True)
class LinkTarget:
    visit_id: str | None = None
    item_id: str | None = None
    finding_id: str | None = None
    event_id: str | None = None


ProgressCallback = Callable[[int, int, PhotoResult], None]


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders (a camera's DCIM) searched for photos, in name order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES and not p.name.startswith(".")
                )
            )
        else:
            found.append(path)
    return found


def _check_target(profile: Profile, target: LinkTarget) -> None:
    if target.visit_id:
        visit = visits_store.get(profile.db, target.visit_id)
        if visit is None:
            raise NotFound(f"找不到巡查记录:{target.visit_id}", f"No such visit: {target.visit_id}")
        if visit["status"] != VisitStatus.IN_PROGRESS:
            raise VisitLocked(
                "这次巡查已完成并锁定,不能再添加照片。", "This visit is finished; no photos can be added."
            )
    if target.finding_id and findings_store.get(profile.db, target.finding_id) is None:
        raise NotFound(f"找不到问题:{target.finding_id}", f"No such finding: {target.finding_id}")
    if not (target.visit_id or target.finding_id or target.event_id):
        raise NotFound("照片必须关联到巡查、问题或整改记录。", "A photo must belong to a visit, finding or event.")


@dataclass(frozen=True)
class _Prepared:
    path: Path
    sha256: str
    row: records.Photo | None  # None: the content is already stored


def _prepare_and_store(path: Path, photos: PhotoStore, known: frozenset[str]) -> _Prepared:
    """Runs on a worker thread: hash, decode once, write files (temp, fsync, rename). No database access."""
    # Pillow (and the HEIC plug-in) load with the first photo, not with the app.
    from steward.storage.photo_processing import prepare_photo, read_photo_bytes, sha256_hex

    data = read_photo_bytes(path)
    sha = sha256_hex(data)
    if sha in known:
        return _Prepared(path, sha, None)
    prepared = prepare_photo(path, data, sha)
    photos.write_photo(prepared, data)
    row = store.row_for(prepared, clock.to_text(clock.now()))
    return _Prepared(path, sha, row)


def import_photos(
    profile: Profile,
    paths: Iterable[Path],
    target: LinkTarget,
    *,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
    skip_already_in_visit: bool = False,
) -> ImportReport:
    """Import and link photos. Decoding runs on `workers` threads (Pillow and hashlib release the GIL); only a
    few photos are in memory at once; the database is written from this thread alone, after the files."""
    from concurrent.futures import ThreadPoolExecutor  # (and logging with it) only when photos are imported

    _check_target(profile, target)
    files = collect_files(paths)
    workers = workers or os.cpu_count() or 2
    known = frozenset(store.known_hashes(profile.db))
    # A camera folder imported twice: what the visit already holds (assigned or not) is reported, not linked again.
    in_visit = (
        store.hashes_in_visit(profile.db, target.visit_id) if skip_already_in_visit and target.visit_id else set()
    )
    report = ImportReport()
    window: deque[tuple[Path, Future[_Prepared]]] = deque()  # photos in flight, oldest first
    pending = iter(files)

    def record(result: PhotoResult) -> None:
        report.results.append(result)
        if progress:
            progress(len(report.results), len(files), result)

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="photo-import") as pool:

        def refill() -> None:
            while len(window) < workers * 2 and not (should_stop and should_stop()):
                path = next(pending, None)
                if path is None:
                    return
                window.append((path, pool.submit(_prepare_and_store, path, profile.photos, known)))

        refill()
        while window:
            path, future = window.popleft()
            try:
                prepared = future.result()
            except StewardError as exc:
                record(PhotoResult(path, Outcome.REJECTED, error=exc))
            else:
                if prepared.sha256 in in_visit:
                    record(PhotoResult(path, Outcome.ALREADY_IN_VISIT, prepared.sha256))
                    refill()
                    continue
                if skip_already_in_visit:
                    in_visit.add(prepared.sha256)  # the same picture twice in one folder counts once
                link: records.PhotoLink = {
                    "id": new_id(),
                    "sha256": prepared.sha256,
                    "visit_id": target.visit_id,
                    "item_id": target.item_id,
                    "finding_id": target.finding_id,
                    "event_id": target.event_id,
                    "caption": "",
                    "created_at": clock.to_text(clock.now()),
                }
                store.insert_with_link(profile.db, prepared.row, link)
                outcome = Outcome.IMPORTED if prepared.row else Outcome.ALREADY_STORED
                record(PhotoResult(path, outcome, prepared.sha256, link["id"]))
            refill()
    return report


def remove_link(profile: Profile, link_id: str) -> records.PhotoLink:
    """Detach a photo; the returned row restores it (undo). The file stays: other links may share it."""
    row = store.get_link(profile.db, link_id)
    if row is None:
        raise NotFound("照片已被移除。", "The photo was already removed.")
    if row["visit_id"]:
        visit = visits_store.get(profile.db, row["visit_id"])
        if visit and visit["status"] != VisitStatus.IN_PROGRESS:
            raise VisitLocked(
                "这次巡查已完成并锁定,不能移除照片。", "This visit is finished; photos cannot be removed."
            )
    store.delete_link(profile.db, link_id)
    return row


def restore_link(profile: Profile, row: records.PhotoLink) -> None:
    store.link(profile.db, row)


def unassigned(profile: Profile, visit_id: str) -> list[records.LinkedPhoto]:
    return store.unassigned_in_visit(profile.db, visit_id)


def assign_to_item(profile: Profile, link_id: str, visit_id: str, item_id: str) -> None:
    """Give a photo from the visit's camera import to an item (and to the item's finding, if it has one)."""
    visit = visits_store.get(profile.db, visit_id)
    if visit is None or visit["status"] != VisitStatus.IN_PROGRESS:
        raise VisitLocked("这次巡查已完成并锁定,不能再分配照片。", "This visit is finished; photos cannot be assigned.")
    found = findings_store.for_item_in_visit(profile.db, visit_id, item_id)
    store.assign(profile.db, link_id, item_id, found[0]["id"] if found else None)


def links(profile: Profile, target: LinkTarget) -> list[records.LinkedPhoto]:
    return store.links_for(
        profile.db,
        visit_id=target.visit_id,
        item_id=target.item_id,
        finding_id=target.finding_id,
        event_id=target.event_id,
    )
