"""`steward check`: is the profile whole? Database, links, photo bytes against their hashes, stray files."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from steward.domain import clock
from steward.domain.errors import StewardError
from steward.domain.findings import derive_state
from steward.services import settings
from steward.services.findings import event_from_row, refresh_state
from steward.storage import findings as findings_store
from steward.storage import integrity
from steward.storage import photos as photos_store
from steward.storage.blob_files import atomic_write
from steward.storage.photo_processing import prepare_photo, sha256_hex
from steward.storage.profile import Profile

LEFTOVER_CODES = {"stray_file"}


@dataclass
class Problem:
    code: str
    zh: str
    en: str
    repaired: bool = False

    @property
    def leftover(self) -> bool:
        """Files a killed process left before their row was written: harmless, reclaimed by --repair."""
        return self.code in LEFTOVER_CODES


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    photos_checked: int = 0

    @property
    def remaining(self) -> list[Problem]:
        return [p for p in self.problems if not p.repaired and not p.leftover]

    @property
    def leftovers(self) -> list[Problem]:
        return [p for p in self.problems if p.leftover and not p.repaired]

    @property
    def clean(self) -> bool:
        return not self.remaining


def _check_photos(profile: Profile, report: CheckReport, repair: bool) -> set[str]:
    store = profile.photos
    known: set[str] = set()
    for row in photos_store.all_photos(profile.db):
        sha, ext = row["sha256"], row["original_ext"]
        known.add(sha)
        report.photos_checked += 1
        original = store.original_path(sha, ext)
        if row["original_present"]:
            if not original.exists():
                report.problems.append(
                    Problem("photo_missing", f"照片原件缺失:{sha[:12]}", f"Photo original missing: {sha[:12]}")
                )
                continue
            data = original.read_bytes()
            if sha256_hex(data) != sha:
                report.problems.append(
                    Problem(
                        "photo_corrupt",
                        f"照片原件已损坏(内容与哈希不符):{sha[:12]}",
                        f"Photo original damaged (bytes do not match the hash): {sha[:12]}",
                    )
                )
                continue
        for kind, path in (("rendition", store.rendition_path(sha)), ("thumb", store.thumb_path(sha))):
            if path.exists():
                continue
            problem = Problem(
                f"{kind}_missing", f"照片缩略图/报告图缺失:{sha[:12]}", f"Photo {kind} missing: {sha[:12]}"
            )
            if repair and original.exists():
                try:
                    prepared = prepare_photo(original)
                    atomic_write(store.rendition_path(sha), prepared.rendition_jpeg)
                    atomic_write(store.thumb_path(sha), prepared.thumb_jpeg)
                    problem.repaired = True
                except StewardError:
                    pass
            report.problems.append(problem)
    return known


def _check_files(profile: Profile, report: CheckReport, repair: bool, known: set[str]) -> None:
    """Files the database does not know: left by a crash between the file and its row, or temp files. Every file a
    row or a setting names is kept: photo originals, renditions and thumbnails, signatures, archived documents
    (PDFs) and the letterhead logo."""
    blobs = photos_store.referenced_blob_hashes(profile.db)
    # Thumbnails are named by the picture they show: a photo's, or a marked copy's (what the photo strips show).
    thumbs = known | {sha for kind, _owner, sha in photos_store.referenced_blobs(profile.db) if kind == "markup"}
    named = _files_named_by_settings(profile)
    for kind, path in list(profile.photos.files()):
        sha = profile.photos.sha_of(path)
        temp = profile.photos.is_temp(path)
        stray = temp or (sha not in (blobs if kind == "blobs" else thumbs if kind == "thumbs" else known))
        if not stray or path.resolve() in named:
            continue
        if not temp and kind in ("originals", "blobs") and not profile.photos.holds(path, sha):
            # Files reach their name only whole (temp, fsync, rename): one that is not is damage, never harmless.
            problem = Problem(
                "stray_damaged",
                f"文件不完整或已损坏(内容与校验码不符),未被使用:{_short(path)}",
                f"File incomplete or damaged (bytes do not match its hash); nothing uses it: {_short(path)}",
            )
        else:
            problem = Problem(
                "stray_file",
                f"多余的文件(可能因中断留下):{_short(path)}",
                f"Stray file (left by an interruption?): {_short(path)}",
            )
        if repair:
            with contextlib.suppress(OSError):
                path.unlink()
                problem.repaired = True
        report.problems.append(problem)
    for kind, owner, sha in photos_store.referenced_blobs(profile.db):
        if not profile.photos.blob_path(sha, _BLOB_EXT[kind]).exists():
            zh, en = _MISSING[kind]
            report.problems.append(Problem(f"{kind}_missing", f"{zh}:{owner}", f"{en}: {owner}"))


_BLOB_EXT = {"signature": "png", "document": "pdf", "markup": "jpg"}
_MISSING = {
    "signature": ("签名图片缺失", "Signature image missing"),
    "document": ("巡查文书(PDF)缺失", "Visit PDF missing"),
    "markup": ("照片标注副本缺失", "Marked copy of a photo missing"),
}


def _files_named_by_settings(profile: Profile) -> set[Path]:
    logo = settings.get(profile, settings.LOGO_PATH)
    return {Path(logo).resolve()} if logo else set()


def _short(path: Path) -> str:
    return "/".join(path.parts[-3:])


def _check_finding_states(profile: Profile, report: CheckReport, repair: bool) -> None:

    for finding_id, status, closed_at in integrity.finding_ids(profile.db):
        state = derive_state(event_from_row(r) for r in findings_store.events(profile.db, finding_id))
        expected_closed = clock.to_text(state.closed_at) if state.closed_at else None
        if state.status.value == status and expected_closed == closed_at:
            continue
        problem = Problem(
            "finding_state",
            f"问题状态与其记录不一致:{finding_id}",
            f"Finding status disagrees with its events: {finding_id}",
        )
        if repair:
            refresh_state(profile, finding_id)
            problem.repaired = True
        report.problems.append(problem)


def check_profile(profile: Profile, repair: bool = False) -> CheckReport:
    report = CheckReport()
    for line in integrity.integrity_errors(profile.db):
        report.problems.append(Problem("integrity", f"数据库损坏:{line}", f"Database damaged: {line}"))
    for table, rowid, parent in integrity.foreign_key_errors(profile.db):
        report.problems.append(
            Problem(
                "foreign_key",
                f"{table} 第{rowid}行引用了不存在的 {parent}",
                f"{table} row {rowid} refers to a missing {parent}",
            )
        )
    for table in integrity.broken_fts(profile.db):
        problem = Problem("fts", f"搜索索引损坏:{table}", f"Search index damaged: {table}")
        if repair:
            integrity.rebuild_fts(profile.db, table)
            problem.repaired = True
        report.problems.append(problem)
    known = _check_photos(profile, report, repair)
    _check_files(profile, report, repair, known)
    _check_finding_states(profile, report, repair)
    return report
