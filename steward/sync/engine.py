"""One sync: push what the hub has not acknowledged, upload the files it lacks (resuming where a broken upload
stopped), then pull what colleagues pushed. Nothing counts as synced until the hub has acknowledged it."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from steward.domain import clock
from steward.domain.errors import StewardError
from steward.services.findings import refresh_state
from steward.storage import photos as photos_store
from steward.storage import settings as settings_store
from steward.storage import sync_records as store
from steward.storage.profile import Profile
from steward.sync.client import HubClient, SyncError
from steward.sync.wire import CHUNK_SIZE, ENTITIES, record

PUSH_BATCH = 500
ARCHIVE_DAYS = 30  # a sync makes missing PDFs for visits finished this recently (the app makes them at finish)
_PROFILE_ID = "sync_profile_id"
_FINDING_FIELDS = ("id", "enterprise_id", "visit_id", "item_id", "location", "description", "basis", "severity",
                   "requirement", "deadline", "created_at", "created_by")  # fmt: skip


class Cancelled(StewardError):
    pass


@dataclass
class SyncReport:
    pushed: int = 0
    duplicates: int = 0
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    blobs_sent: int = 0
    bytes_sent: int = 0
    bytes_total: int = 0
    pulled: int = 0
    pruned: int = 0
    seconds: float = 0.0
    log: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Blob:
    sha256: str
    path: Path
    size: int


@dataclass(frozen=True)
class Pending:
    records: int
    visits: int
    blobs: int
    bytes: int


Progress = Callable[[str, int, int], None]  # stage, done, total (bytes while uploading)


def profile_id(profile: Profile) -> str:
    """This laptop profile's identity on the hub (bound to one steward at the first sync)."""
    value = settings_store.get(profile.db, _PROFILE_ID)
    if not value:
        value = str(uuid.uuid4())
        settings_store.put(profile.db, _PROFILE_ID, value)
    return value


# -- what to send -----------------------------------------------------------------------------------------------
def _records(profile: Profile) -> list[dict[str, Any]]:
    """Every record the hub should have, in dependency order (not yet filtered by acknowledgement)."""
    db = profile.db
    visits = store.finished_visits(db)
    out: dict[str, list[dict[str, Any]]] = {entity: [] for entity in ENTITIES}
    out["enterprise"] = [record("enterprise", e["id"], e) for e in store.enterprises(db)]
    out["template"] = [
        record("template", t["id"], t) for t in store.templates_by_id(db, {v["template_id"] for v in visits})
    ]
    for visit in visits:
        # Fields that change after finishing (the notice number, given at first print) stay out of the record:
        # the notice travels as a document, amendments as audit records.
        body = {k: v for k, v in visit.items() if k not in ("notice_number", "updated_at")}
        out["visit"].append(record("visit", visit["id"], {**body, **store.visit_parts(db, visit["id"])}))
    for f in store.findings_of_finished_visits(db):
        out["finding"].append(record("finding", f["id"], {k: f[k] for k in _FINDING_FIELDS}))
    out["finding_event"] = [record("finding_event", e["id"], e) for e in store.events_ready(db)]
    links = store.photo_links_ready(db)
    for photo in store.photos_by_sha(db, {link["sha256"] for link in links}):
        body = {k: v for k, v in photo.items() if k not in ("original_present", "imported_at")}
        out["photo"].append(record("photo", photo["sha256"], body))
    out["photo_link"] = [record("photo_link", link["id"], link) for link in links]  # fmt: skip
    out["signature"] = [record("signature", s["id"], s) for s in store.signatures_of_finished_visits(db)]
    out["document"] = [record("document", d["id"], d) for d in store.documents(db)]
    for entry in store.audit_entries(db):
        detail = json.loads(entry["detail"])
        out["audit"].append(
            record("audit", entry["id"], {**entry, "detail": detail, "visit_id": detail.get("visit_id")})
        )
    return [r for entity in ENTITIES for r in out[entity]]


def outbox(profile: Profile) -> list[dict[str, Any]]:
    """Records the hub has not acknowledged. One changed after its acknowledgement (an amendment) is not sent
    again: the hub never overwrites; the change travels as its audit record."""
    acks = {entity: store.acked(profile.db, entity) for entity in ENTITIES}
    return [r for r in _records(profile) if r["id"] not in acks[r["entity"]]]


def blob_outbox(profile: Profile) -> list[Blob]:
    """Files behind acknowledged photo and signature records that the hub has not acknowledged."""
    db = profile.db
    done = store.acked(db, "blob")
    blobs = []
    for sha in store.acked(db, "photo"):
        row = db.query_one("SELECT original_ext, bytes, original_present FROM photos WHERE sha256 = ?", [sha])
        if row and row["original_present"] and sha not in done:
            blobs.append(Blob(sha, profile.photos.original_path(sha, row["original_ext"]), row["bytes"]))
    for doc_id in store.acked(db, "document"):
        row = db.query_one("SELECT sha256, bytes FROM documents WHERE id = ?", [doc_id])
        if row and row["sha256"] not in done:
            blobs.append(Blob(row["sha256"], profile.photos.blob_path(row["sha256"], "pdf"), row["bytes"]))
    for sig_id in store.acked(db, "signature"):
        sha = db.scalar("SELECT image_sha256 FROM signatures WHERE id = ?", [sig_id])
        if sha and sha not in done:
            path = profile.photos.blob_path(sha, "png")
            if path.exists():
                blobs.append(Blob(sha, path, path.stat().st_size))
    return blobs


def pending(profile: Profile) -> Pending:
    records = outbox(profile)
    blobs = blob_outbox(profile)
    new_photos = [r for r in records if r["entity"] == "photo"]
    extra = sum(int(r["body"]["bytes"]) for r in new_photos)
    return Pending(len(records), sum(1 for r in records if r["entity"] == "visit"), len(blobs) + len(new_photos),
                   sum(b.size for b in blobs) + extra)  # fmt: skip


# -- the sync -----------------------------------------------------------------------------------------------------
def sync(profile: Profile, client: HubClient, progress: Progress | None = None,
         should_stop: Callable[[], bool] | None = None, chunk_size: int = CHUNK_SIZE) -> SyncReport:  # fmt: skip
    started = time.perf_counter()
    report = SyncReport()
    say = progress or (lambda stage, done, total: None)
    stop = should_stop or (lambda: False)
    hello = client.hello()
    report.log.append(f"已连接 {client.base}(环保管家:{hello['steward']})")
    from steward.services.documents import archive_finished

    made = archive_finished(profile, lambda done, total: say("documents", done, total), within_days=ARCHIVE_DAYS)
    if made:
        report.log.append(f"生成巡查文书 {made} 份次")

    records = outbox(profile)
    for start in range(0, len(records), PUSH_BATCH):
        batch = records[start : start + PUSH_BATCH]
        say("push", start, len(records))
        answer = client.push(batch)
        hashes = {(r["entity"], r["id"]): r["hash"] for r in batch}
        ok = answer["accepted"] + answer["duplicates"]
        store.mark_acked(profile.db, [(a["entity"], a["id"], hashes[(a["entity"], a["id"])]) for a in ok],
                         clock.to_text(clock.now()))  # fmt: skip
        report.pushed += len(answer["accepted"])
        report.duplicates += len(answer["duplicates"])
        report.conflicts += answer["conflicts"]
        if stop():
            raise Cancelled("同步已取消,已完成的部分都已保存。", "Sync cancelled; what was done is kept.")
    report.log.append(f"上传记录 {report.pushed} 条(重复 {report.duplicates},冲突 {len(report.conflicts)})")

    _upload_blobs(profile, client, report, say, stop, chunk_size)
    _pull(profile, client, report, say)
    days = int(settings_store.get(profile.db, "prune_after_days", 0) or 0)
    report.pruned = prune_originals(profile, days)
    if report.pruned:
        report.log.append(f"已删除已同步的照片原件 {report.pruned} 个(保留报告用图)")
    report.seconds = time.perf_counter() - started
    return report


def _upload_blobs(profile: Profile, client: HubClient, report: SyncReport, say: Progress, stop: Callable[[], bool],
                  chunk_size: int) -> None:  # fmt: skip
    blobs = blob_outbox(profile)
    now = clock.to_text(clock.now())
    missing: set[str] = set()
    offsets: dict[str, int] = {}
    for start in range(0, len(blobs), 1000):
        part_missing, part_offsets = client.missing([b.sha256 for b in blobs[start : start + 1000]])
        missing |= set(part_missing)
        offsets |= part_offsets
    present = [(("blob", b.sha256, b.sha256)) for b in blobs if b.sha256 not in missing]
    store.mark_acked(profile.db, present, now)
    todo = [b for b in blobs if b.sha256 in missing]
    report.bytes_total = sum(b.size for b in todo)
    report.bytes_total -= sum(offsets.values())  # already on the hub from a broken earlier attempt
    for blob in todo:
        offset = offsets.get(blob.sha256, 0)
        while offset >= 0:
            if stop():
                raise Cancelled(
                    "同步已取消,下次将从中断处继续上传。", "Sync cancelled; the next sync resumes the upload."
                )
            try:
                with open(blob.path, "rb") as fh:
                    fh.seek(offset)
                    chunk = fh.read(chunk_size)
            except OSError as exc:
                raise SyncError(f"无法读取待上传的文件:{blob.path}", f"Cannot read {blob.path}: {exc}") from None
            try:
                answer = client.put_chunk(blob.sha256, offset, blob.size, chunk)
            except SyncError as exc:
                if exc.status == 422 and exc.code == "chunk_hash":
                    continue  # damaged on the way: send the same chunk again
                if exc.status == 409 and exc.code == "offset":
                    offset = client.offset(blob.sha256)
                    continue
                if exc.status == 422 and exc.code == "blob_hash":
                    raise SyncError("文件上传后校验失败,本机文件可能已损坏;请运行“steward check”。",
                                    "A file failed its check after upload; run 'steward check'.") from None  # fmt: skip
                raise
            report.bytes_sent += len(chunk)
            say("upload", report.bytes_sent, report.bytes_total)
            if answer.get("complete"):
                store.mark_acked(profile.db, [("blob", blob.sha256, blob.sha256)], clock.to_text(clock.now()))
                report.blobs_sent += 1
                break
            offset = int(answer["offset"])
    report.log.append(f"上传文件 {report.blobs_sent} 个,{report.bytes_sent / 1e6:.1f} MB")


def prune_originals(profile: Profile, days: int, today: date | None = None) -> int:
    """Free the laptop's disk: originals of photos the hub holds, in visits synced and older than `days`.
    Renditions stay (reports and thumbnails need only them); nothing unacknowledged is ever touched."""
    if days <= 0:
        return 0
    day = (today or clock.today()) - timedelta(days=days)
    before = clock.to_text(datetime(day.year, day.month, day.day).astimezone())
    pruned = 0
    for row in store.prunable_originals(profile.db, before):
        profile.photos.original_path(row["sha256"], row["original_ext"]).unlink(missing_ok=True)
        photos_store.set_original_present(profile.db, row["sha256"], False)
        pruned += 1
    return pruned


def _pull(profile: Profile, client: HubClient, report: SyncReport, say: Progress) -> None:
    since = store.cursor(profile.db, "changes")
    while True:
        page = client.changes(since)
        applied = [r for r in page["records"] if _apply(profile, r)]
        store.mark_acked(profile.db, [(r["entity"], r["id"], r["hash"]) for r in page["records"]],
                         clock.to_text(clock.now()))  # fmt: skip
        report.pulled += len(applied)
        since = page["cursor"]
        store.set_cursor(profile.db, "changes", since, clock.to_text(clock.now()))
        say("pull", report.pulled, report.pulled)
        if not page["more"]:
            break
    report.log.append(f"下载同事的更新 {report.pulled} 条")


def _apply(profile: Profile, rec: dict[str, Any]) -> bool:
    """A record from the hub: reference data replaces ours; colleagues' visits, findings and events are added."""
    db, entity, body = profile.db, rec["entity"], rec["body"]
    if entity == "enterprise":
        same_code = store.enterprise_id_by_code(db, body["credit_code"])
        if same_code and same_code != rec["id"]:
            return False  # entered here before the hub listed it: kept as it is (see the closing note)
        if store.enterprise_row(db, rec["id"]) == body:
            return False  # our own, come back
        store.upsert_enterprise(db, body)
        return True
    if entity == "template" and not store.exists(db, "templates", "id", rec["id"]):
        items = body.pop("items", [])
        if store.version_taken(db, body["code"], body["version"]):
            body["version"] = store.next_version(db, body["code"])  # version numbers are this laptop's own
        with db.write():
            store.insert_ignore(db, "templates", [body])
            store.insert_ignore(db, "template_items", items)
        return True
    if entity == "visit" and not store.exists(db, "visits", "id", rec["id"]):
        items, answers = body.pop("items", []), body.pop("answers", [])
        body = {**body, "updated_at": body.get("finished_at") or body["started_at"], "notice_number": None}
        with db.write():
            store.insert_ignore(db, "visits", [body])
            store.insert_ignore(db, "visit_items", [{**i, "visit_id": rec["id"]} for i in items])
            store.insert_ignore(db, "answers", answers)
        return True
    if entity == "finding" and not store.exists(db, "findings", "id", rec["id"]):
        stamp = body["created_at"]
        with db.write():
            store.insert_ignore(db, "findings", [{**body, "status": "open", "closed_at": None, "updated_at": stamp}])
            refresh_state(profile, rec["id"])
        return True
    if entity == "finding_event" and not store.exists(db, "finding_events", "id", rec["id"]):
        if not store.exists(db, "findings", "id", body["finding_id"]):
            return False
        with db.write():
            store.insert_ignore(db, "finding_events", [body])
            refresh_state(profile, body["finding_id"])
        return True
    return False
