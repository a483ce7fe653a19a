"""One sync: push what the hub has not acknowledged, upload the files it lacks (resuming where a broken upload
stopped), then pull what colleagues pushed. Nothing counts as synced until the hub has acknowledged it."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypedDict, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from steward.domain import clock
from steward.domain.errors import StewardError
from steward.services import settings as settings_service
from steward.services.findings import refresh_state
from steward.storage import photos as photos_store
from steward.storage import settings as settings_store
from steward.storage import signing_key
from steward.storage import sync_records as store
from steward.storage.database import Database
from steward.storage.profile import Profile
from steward.storage.records import AuditRow, Photo, Refusal, RefusalToKeep, TemplateWithItems, Visit, VisitParts
from steward.sync.client import Conflict, HubClient, HubRefusal, PushAnswer, SyncError
from steward.sync.wire import (
    CHUNK_SIZE,
    ENTITIES,
    FIRST_ENTITIES,
    AuditBody,
    FindingEventBody,
    PhotoBody,
    PulledRecord,
    Record,
    TemplateBody,
    VisitBody,
    record,
    without_empty_optional,
)

log = logging.getLogger(__name__)
PUSH_BATCH = 500
_HUB_TAKES = "sync_hub_entities"  # the kinds of record the hub took at the last sync
_UNDERSTOOD = "sync_entities_understood"  # the kinds of record this profile's last full pull could apply
_RECHECK_READ = "sync_recheck_read"  # {"hub", "steward", "tag", "cursor"} of the last re-check list read whole
_REVISED = ("enterprise_event",)  # revised in place on the laptop: every unacknowledged revision travels


class Cancelled(StewardError):
    pass


class Skipped(TypedDict):
    """A pulled record this laptop could not apply, and why (zh, en)."""

    entity: str
    id: str
    zh: str
    en: str


class Merged(TypedDict):
    """An enterprise entered here that the hub lists under its own id: `kept`, our values for fields the hub's
    lacked; `replaced`, ours the hub's differ from (kept in enterprise_merges)."""

    old_id: str
    id: str
    kept: store.Row
    replaced: store.Row


@dataclass
class SyncReport:
    pushed: int = 0
    duplicates: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    refused: list[HubRefusal] = field(default_factory=list)  # records the hub would not keep
    blobs_sent: int = 0
    bytes_sent: int = 0
    bytes_total: int = 0
    pulled: int = 0
    skipped: list[Skipped] = field(default_factory=list)  # pulled records this laptop could not apply
    merged: list[Merged] = field(default_factory=list)
    held_back: list[Refusal] = field(default_factory=list)  # refused before and unchanged: not sent again
    key_problem: dict[str, str] | None = None  # the hub holds another signing key for this profile (zh, en)
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
    refused: tuple[Refusal, ...] = ()  # refused by the hub and unchanged since: listed, not sent


Progress = Callable[[str, int, int], None]  # stage, done, total (bytes while uploading)


def profile_id(profile: Profile) -> str:
    """This laptop profile's identity on the hub (bound to one steward at the first sync)."""
    return settings_service.profile_identity(profile)


# -- what to send -----------------------------------------------------------------------------------------------
# Each body names its fields in its table's column order (the order SELECT * gave when bodies were built by leaving
# fields out): the JSON sent is the same, key for key (tests/test_records.py holds them to it). Hashes sort keys.
def _template_body(t: TemplateWithItems) -> TemplateBody:
    """A checklist version and its items; when this installation stored it stays home (wire.TEMPLATE_LOCAL_FIELDS)."""
    return {
        "id": t["id"],
        "code": t["code"],
        "version": t["version"],
        "name_zh": t["name_zh"],
        "name_en": t["name_en"],
        "industry_zh": t["industry_zh"],
        "industry_en": t["industry_en"],
        "deadline_major": t["deadline_major"],
        "deadline_serious": t["deadline_serious"],
        "deadline_general": t["deadline_general"],
        "content_hash": t["content_hash"],
        "source": t["source"],
        "items": t["items"],
    }


def _visit_body(visit: Visit, parts: VisitParts) -> VisitBody:
    """A finished visit with its items and answers. Fields that change after finishing (the notice number, given at
    first print) or say only where this laptop got the visit (updated_at, origin) stay out of the record: the notice
    travels as a document, amendments as audit records."""
    return {
        "id": visit["id"],
        "enterprise_id": visit["enterprise_id"],
        "template_id": visit["template_id"],
        "steward": visit["steward"],
        "kind": visit["kind"],
        "status": visit["status"],
        "started_at": visit["started_at"],
        # Finishing sets status and finished_at in one update (services.visits.finish); only finished ones are read.
        "finished_at": cast(str, visit["finished_at"]),
        "summary": visit["summary"],
        "items": parts["items"],
        "answers": parts["answers"],
    }


def _photo_body(photo: Photo) -> PhotoBody:
    """A photo's facts; whether its original is still here and when it was imported stay home."""
    return {
        "sha256": photo["sha256"],
        "original_name": photo["original_name"],
        "original_ext": photo["original_ext"],
        "format": photo["format"],
        "bytes": photo["bytes"],
        "width": photo["width"],
        "height": photo["height"],
        "taken_at": photo["taken_at"],
        "gps_lat": photo["gps_lat"],
        "gps_lon": photo["gps_lon"],
    }


def _audit_body(entry: AuditRow) -> AuditBody:
    """An amendment with its detail read (free-form JSON) and the visit it belongs to, as the hub's owner rule needs."""
    detail = json.loads(entry["detail"])
    return {**entry, "detail": detail, "visit_id": detail.get("visit_id")}


def _records(profile: Profile) -> list[Record]:
    """Every record the hub should have, in dependency order (not yet filtered by acknowledgement)."""
    db = profile.db
    visits = store.finished_visits(db)
    out: dict[str, list[Record]] = {entity: [] for entity in ENTITIES}
    out["enterprise"] = [record("enterprise", e["id"], e) for e in store.enterprises(db)]
    out["template"] = [
        record("template", t["id"], _template_body(t))
        for t in store.templates_by_id(db, {v["template_id"] for v in visits})
    ]
    for visit in visits:
        out["visit"].append(record("visit", visit["id"], _visit_body(visit, store.visit_parts(db, visit["id"]))))
    out["finding"] = [record("finding", f["id"], f) for f in store.findings_of_finished_visits(db)]
    out["finding_event"] = [
        # new_deadline, added after laptops had synced events, stays out while empty (wire.OPTIONAL_WHEN_EMPTY)
        record("finding_event", e["id"], cast(FindingEventBody, without_empty_optional("finding_event", e)))
        for e in store.events_ready(db)
    ]
    links = store.photo_links_ready(db)
    out["photo"] = [
        record("photo", photo["sha256"], _photo_body(photo))
        for photo in store.photos_by_sha(db, {link["sha256"] for link in links})
    ]
    out["photo_link"] = [record("photo_link", link["id"], link) for link in links]
    out["signature"] = [record("signature", s["id"], s) for s in store.signatures_of_finished_visits(db)]
    out["document"] = [record("document", d["id"], d) for d in store.documents(db)]
    out["enterprise_event"] = [record("enterprise_event", e["id"], e) for e in store.own_enterprise_events(db)]
    out["audit"] = [record("audit", entry["id"], _audit_body(entry)) for entry in store.audit_entries(db)]
    return [r for entity in ENTITIES for r in out[entity]]


def outbox(profile: Profile) -> list[Record]:
    """Records the hub has not acknowledged. One changed after its acknowledgement (an amendment) is not sent
    again: the hub never overwrites; the change travels as its audit record. One the hub refused is held back
    until its content changes (see `held_back`)."""
    acks = {entity: store.acked(profile.db, entity) for entity in ENTITIES}
    held = {(r["entity"], r["id"]): r["hash"] for r in held_back(profile)}
    return [
        r
        for r in _records(profile)
        if _unacknowledged(r, acks[r["entity"]]) and held.get((r["entity"], r["id"])) != r["hash"]
    ]


def _unacknowledged(rec: Record, acks: dict[str, str]) -> bool:
    """Not on the hub yet. A complaint/penalty record is revised in place (an edit, a delete's tombstone): each
    revision the hub has not acknowledged travels."""
    if rec["entity"] in _REVISED:
        return acks.get(rec["id"]) != rec["hash"]
    return rec["id"] not in acks


def hub_takes(profile: Profile) -> tuple[str, ...]:
    """The kinds of record the hub took when it was last reached (an offline bundle carries no others); before any
    sync, those every hub takes."""
    known = settings_store.get(profile.db, _HUB_TAKES)
    if isinstance(known, list):
        return tuple(e for e in ENTITIES if e in known)
    return FIRST_ENTITIES


def held_back(profile: Profile) -> list[Refusal]:
    """Refusals that still stand: the same content would be refused again, so it is not sent (a refusal for a
    record the hub lacked is tried again once something new has been acknowledged since)."""
    return [r for r in store.refusals(profile.db) if not r["retry"]]


def retry_refused(profile: Profile) -> int:
    """Every refused record is sent again at the next sync, unchanged; returns how many."""
    return store.forget_refusals(profile.db)


def still_refused(profile: Profile) -> list[Refusal]:
    """Held-back records whose content is still the refused one: what the steward should be told about."""
    current = {(r["entity"], r["id"]): r["hash"] for r in _records(profile)}
    return [r for r in held_back(profile) if current.get((r["entity"], r["id"])) == r["hash"]]


def blob_outbox(profile: Profile) -> list[Blob]:
    """Files behind acknowledged photo, document and signature records that the hub has not acknowledged. Only
    this laptop's own documents: a colleague's visit is never rendered or uploaded from here."""
    db = profile.db
    done = store.acked(db, "blob")
    blobs = []
    for photo in store.photo_files(db, set(store.acked(db, "photo"))):
        if photo["original_present"] and photo["sha256"] not in done:
            path = profile.photos.original_path(photo["sha256"], photo["original_ext"])
            blobs.append(Blob(photo["sha256"], path, photo["bytes"]))
    acked_documents = set(store.acked(db, "document"))
    for document in store.documents(db):
        if document["id"] in acked_documents and document["sha256"] not in done:
            path = profile.photos.blob_path(document["sha256"], "pdf")
            blobs.append(Blob(document["sha256"], path, document["bytes"]))
    acked_signatures = set(store.acked(db, "signature"))
    for signature in store.signatures_of_finished_visits(db):
        sha = signature["image_sha256"]
        if signature["id"] in acked_signatures and sha and sha not in done:
            path = profile.photos.blob_path(sha, "png")
            if path.exists():
                blobs.append(Blob(sha, path, path.stat().st_size))
    return blobs


def pending(profile: Profile) -> Pending:
    records = outbox(profile)
    blobs = blob_outbox(profile)
    new_photos = [r for r in records if r["entity"] == "photo"]
    extra = sum(int(cast(PhotoBody, r["body"])["bytes"]) for r in new_photos)  # a photo record's body is a PhotoBody
    return Pending(
        len(records),
        sum(1 for r in records if r["entity"] == "visit"),
        len(blobs) + len(new_photos),
        sum(b.size for b in blobs) + extra,
        tuple(still_refused(profile)),
    )


# -- the bundle signing key ---------------------------------------------------------------------------------------
_KEY_REGISTERED = "sync_signing_key_registered"  # {"hub", "steward", "public_key"} of the last registration


def signing_key_if_registered(profile: Profile) -> Ed25519PrivateKey | None:
    """The profile's private key once the hub holds its public half; before that a signature would make the hub
    refuse the bundle (it has nothing to check it with), so bundles carry the HMAC seal alone."""
    registered = settings_store.get(profile.db, _KEY_REGISTERED)
    path = signing_key.key_path(profile.folder)
    if not isinstance(registered, dict) or not path.exists():
        return None
    key = signing_key.load_or_create(profile.folder)
    return key if registered.get("public_key") == signing_key.public_key_text(key) else None


def _register_key(profile: Profile, client: HubClient, steward: str, report: SyncReport) -> None:
    """Once per hub and steward (an administrator's re-binding forgets the key on the hub: registered anew)."""
    key = signing_key.load_or_create(profile.folder)
    public = signing_key.public_key_text(key)
    wanted = {"hub": client.base, "steward": steward, "public_key": public}
    if settings_store.get(profile.db, _KEY_REGISTERED) == wanted:
        return
    try:
        client.register_key(public)
    except SyncError as exc:
        if exc.status == 404:
            report.log.append("服务器版本较旧,不支持离线包签名(仍用令牌封签)")
            return
        if exc.status != 409 or exc.code != "key_registered":
            raise
        log.warning("the hub holds another signing key for this profile: %s", exc.en)
        report.key_problem = {
            "zh": "服务器上已为此档案登记了另一把离线包签名密钥(档案从备份恢复或被复制过?),此电脑导出的离线包将被"
            "服务器拒收;记录同步不受影响。请管理员在服务器上重新绑定此档案(steward hub rebind)后再同步。",
            "en": "The hub holds another bundle signing key for this profile (restored from a backup, or copied?): "
            "bundles from this laptop will be refused; syncing records is not affected. Ask the administrator "
            "to re-bind this profile on the hub (steward hub rebind), then sync again.",
        }
        report.log.append(report.key_problem["zh"])
        settings_store.delete(profile.db, _KEY_REGISTERED)
        return
    settings_store.put(profile.db, _KEY_REGISTERED, wanted)
    report.log.append("已在服务器登记离线包签名密钥")


# -- the sync -----------------------------------------------------------------------------------------------------
def sync(
    profile: Profile,
    client: HubClient,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> SyncReport:
    started = time.perf_counter()
    report = SyncReport()
    say = progress or (lambda stage, done, total: None)
    stop = should_stop or (lambda: False)
    hello = client.hello()
    report.log.append(f"已连接 {client.base}(环保管家:{hello['steward']})")
    if settings_service.keep_hub_number_code(profile, hello.get("number_prefix")):
        report.log.append(f"通知书编号:{settings_service.notice_prefix(profile)}-年份-序号")
    _register_key(profile, client, str(hello["steward"]), report)
    report.held_back = still_refused(profile)

    # A hub that does not list what it takes is of the first protocol: newer kinds of record wait until it does.
    takes = [e for e in ENTITIES if e in (hello.get("entities") or FIRST_ENTITIES)]
    settings_store.put(profile.db, _HUB_TAKES, takes)
    records = [r for r in outbox(profile) if r["entity"] in takes]
    for start in range(0, len(records), PUSH_BATCH):
        say("push", start, len(records))
        _push(profile, client, records[start : start + PUSH_BATCH], report)
        if stop():
            raise Cancelled("同步已取消,已完成的部分都已保存。", "Sync cancelled; what was done is kept.")
    report.log.append(f"上传记录 {report.pushed} 条(重复 {report.duplicates},冲突 {len(report.conflicts)})")
    if report.refused:
        report.log.append(f"服务器拒收记录 {len(report.refused)} 条(详见下方),其余记录不受影响")
    if report.held_back:
        report.log.append(f"曾被服务器拒收且未修改的记录 {len(report.held_back)} 条,未再上传(详见下方)")

    _upload_blobs(profile, client, report, say, stop, chunk_size)
    # Hello says where the hub's change sequence ends: a laptop already there, having added nothing to it just now,
    # has nothing to pull (a record pushed by a colleague since hello is pulled at the next sync).
    hub_end = hello.get("cursor") if report.pushed == 0 else None
    _pull(profile, client, report, say, hub_end if isinstance(hub_end, int) else None)
    _pull_recheck_photos(profile, client, report, str(hello["steward"]), hello.get("recheck"))
    days = int(settings_store.get(profile.db, "prune_after_days", 0) or 0)
    report.pruned = prune_originals(profile, days)
    if report.pruned:
        report.log.append(f"已删除已同步的照片原件 {report.pruned} 个(保留报告用图)")
    report.seconds = time.perf_counter() - started
    return report


# What the hub says of one record it will not keep, as opposed to a problem with the whole sync (token, profile).
_WHOLE_SYNC_CODES = {"profile_bound", "no_token", "no_profile", "upgrade"}


def _push(profile: Profile, client: HubClient, batch: list[Record], report: SyncReport) -> None:
    """Push one batch; what the hub refuses is reported and the rest is kept. A hub that answers a refused record
    by refusing the whole batch (the first protocol), or finds the batch too large (413), is asked again with
    halves until the record is found."""
    answer: PushAnswer
    try:
        answer = client.push(batch)
    except SyncError as exc:
        if exc.status not in (403, 413, 422) or exc.code in _WHOLE_SYNC_CODES:
            raise
        if len(batch) > 1:
            half = len(batch) // 2
            _push(profile, client, batch[:half], report)
            _push(profile, client, batch[half:], report)
            return
        answer = {
            "accepted": [],
            "duplicates": [],
            "conflicts": [],
            "refused": [
                {"entity": batch[0]["entity"], "id": batch[0]["id"], "code": exc.code, "zh": exc.zh, "en": exc.en}
            ],
        }
    hashes = {(r["entity"], r["id"]): r["hash"] for r in batch}
    # A checklist's id follows its content, so the same id on the hub is the same checklist even when fields that
    # say where it was installed differ (an older version sent them): acknowledged, not a conflict.
    same_checklist = [c for c in answer["conflicts"] if c["entity"] == "template"]
    ok = answer["accepted"] + answer["duplicates"] + same_checklist
    store.mark_acked(
        profile.db, [(a["entity"], a["id"], hashes[(a["entity"], a["id"])]) for a in ok], clock.to_text(clock.now())
    )
    report.pushed += len(answer["accepted"])
    report.duplicates += len(answer["duplicates"]) + len(same_checklist)
    report.conflicts += [c for c in answer["conflicts"] if c["entity"] != "template"]
    remembered: list[RefusalToKeep] = []
    for refused in answer.get("refused", []):
        log.warning("the hub refused %s/%s: %s", refused.get("entity"), refused.get("id"), refused.get("en"))
        report.refused.append(refused)
        digest = hashes.get((refused.get("entity"), refused.get("id")))
        if digest is not None:
            remembered.append(
                {
                    "entity": refused["entity"],
                    "id": refused["id"],
                    "hash": digest,
                    "code": str(refused.get("code") or ""),
                    "zh": str(refused.get("zh") or ""),
                    "en": str(refused.get("en") or ""),
                }
            )
    store.mark_refused(profile.db, remembered, clock.to_text(clock.now()))


def _upload_blobs(
    profile: Profile, client: HubClient, report: SyncReport, say: Progress, stop: Callable[[], bool], chunk_size: int
) -> None:
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
    pending = [b for b in blobs if b.sha256 in missing]
    report.bytes_total = sum(b.size for b in pending)
    report.bytes_total -= sum(offsets.values())  # already on the hub from a broken earlier attempt
    for blob in pending:
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
                    raise SyncError(
                        "文件上传后校验失败,本机文件可能已损坏;请运行“steward check”。",
                        "A file failed its check after upload; run 'steward check'.",
                    ) from None
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


def _pull(profile: Profile, client: HubClient, report: SyncReport, say: Progress, hub_end: int | None) -> None:
    """Apply what colleagues pushed, a page per transaction. A record this laptop cannot apply is skipped (and
    reported): the cursor moves on, so one bad record never stops every later sync. `hub_end`: where hello said
    the hub's change sequence ends (None: not said); a laptop whose cursor is there does not ask."""
    db = profile.db
    since = store.cursor(db, "changes")
    understood = settings_store.get(db, _UNDERSTOOD)
    if since and not (isinstance(understood, list) and set(ENTITIES) <= set(understood)):
        # This version applies kinds of record an earlier one skipped (their cursor moved past them): read the hub's
        # changes once more from the start. Applying a record twice changes nothing.
        report.log.append("本版本能接收更多种类的记录,将从头读取一次服务器上的更新")
        since = 0
    while since != hub_end:
        page = client.changes(since)
        records = page["records"]
        with db.write():
            for rec in records:
                try:
                    with store.one_record(db):
                        applied = _apply(profile, rec, report)
                except (store.NotApplied, KeyError, TypeError, ValueError, AttributeError) as exc:
                    _skip(report, rec, exc)
                    continue
                report.pulled += 1 if applied else 0
            now = clock.to_text(clock.now())
            store.mark_acked(db, [(r["entity"], r["id"], r["hash"]) for r in records if _envelope_ok(r)], now)
            since = page["cursor"]
            store.set_cursor(db, "changes", since, now)
        say("pull", report.pulled, report.pulled)
        if not page["more"]:
            break
    settings_store.put(db, _UNDERSTOOD, list(ENTITIES))
    report.log.append(f"下载同事的更新 {report.pulled} 条")
    if report.skipped:
        report.log.append(f"跳过无法保存的记录 {len(report.skipped)} 条(详见下方)")


def _pull_recheck_photos(
    profile: Profile, client: HubClient, report: SyncReport, steward: str, hub_tag: str | None = None
) -> None:
    """Colleagues' photos of findings still open at enterprises this steward visits: their report renditions (not
    originals), linked to the finding here, so a re-check shows what was found next to today's photos. A photo this
    laptop cannot keep is skipped and reported; the rest are kept.

    Not asked when hello's tag of the list (`hub_tag`) is the one this laptop last read whole and nothing was
    pulled since: a photo of a finding the laptop did not hold then (pulled later) is taken when the list is read
    again, which any pull makes happen."""
    db = profile.db
    cursor = store.cursor(db, "changes")
    read = {"hub": client.base, "steward": steward, "tag": hub_tag, "cursor": cursor}
    if isinstance(hub_tag, str) and settings_store.get(db, _RECHECK_READ) == read:
        return
    fetched = 0
    skipped = len(report.skipped)
    items, tag = client.recheck_list()
    for item in items:
        try:
            sha, finding_id = str(item["sha256"]), str(item["finding_id"])
            if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
                raise store.NotApplied("照片编号不正确。", "The photo's hash is not valid.")
            if not store.exists(db, "findings", "id", finding_id) or not store.pulled_visit(db, str(item["visit_id"])):
                continue  # a finding this laptop does not hold as a colleague's
            path = profile.photos.rendition_path(sha)
            if not path.exists():
                try:
                    jpeg = client.rendition(sha)
                except SyncError as exc:
                    if exc.status != 404:
                        raise
                    continue  # the finding was closed since the list was read: no longer handed out
                photos_store.keep_rendition(profile.photos, sha, jpeg)
                fetched += 1
            photo = {**item["photo"], "sha256": sha, "imported_at": clock.to_text(clock.now())}
            link_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"steward-recheck:{finding_id}:{sha}"))
            link: store.ColleaguePhotoLink = {
                "id": link_id,
                "sha256": sha,
                "visit_id": str(item["visit_id"]),
                "finding_id": finding_id,
                "caption": str(item.get("caption") or ""),
                "created_at": str(item["created_at"]),
            }
            store.put_colleague_photo(db, photo, link)
        except (store.NotApplied, KeyError, TypeError, ValueError) as exc:
            _skip(report, {"entity": "photo", "id": str(item.get("sha256", "?"))}, exc)
    if fetched:
        report.log.append(f"下载同事待复查问题的照片 {fetched} 张(报告用图)")
    if tag is not None and len(report.skipped) == skipped:  # a photo skipped is tried again at the next sync
        settings_store.put(db, _RECHECK_READ, {**read, "tag": tag})
    else:
        settings_store.delete(db, _RECHECK_READ)


def _envelope_ok(rec: object) -> bool:
    return isinstance(rec, dict) and all(isinstance(rec.get(k), str) for k in ("entity", "id", "hash"))


def _skip(report: SyncReport, rec: object, exc: BaseException) -> None:
    entity = str(rec.get("entity", "?")) if isinstance(rec, dict) else "?"
    rid = str(rec.get("id", "?")) if isinstance(rec, dict) else "?"
    if isinstance(exc, StewardError):
        zh, en = exc.zh, exc.en
    elif isinstance(exc, KeyError):
        zh, en = f"缺少字段 {exc}。", f"The field {exc} is missing."
    else:
        zh, en = "记录内容无法读取。", f"The record cannot be read ({exc})."
    log.warning("skipped pulled record %s/%s: %s", entity, rid, en)
    report.skipped.append({"entity": entity, "id": rid, "zh": zh, "en": en})


def _fields(body: object) -> dict[str, object]:
    """A pulled body read as the JSON object it should be (what is in it is checked where it is stored)."""
    if not isinstance(body, dict):
        raise store.NotApplied("记录内容无法读取。", "The record cannot be read (its body is not an object).")
    return body


def _apply(profile: Profile, rec: PulledRecord, report: SyncReport) -> bool:
    """A record from the hub: reference data replaces ours; colleagues' visits, findings and events are added.
    Only the columns of our own schema are read from a body, each checked against its type."""
    db, entity, rid, pulled = profile.db, rec["entity"], rec["id"], rec["body"]
    if entity == "enterprise":
        row = store.schema_row(db, "enterprises", {**pulled, "id": rid} if isinstance(pulled, dict) else pulled)
        code = row["credit_code"]  # a TEXT column, checked by schema_row
        same_code = store.enterprise_id_by_code(db, code) if isinstance(code, str) else None
        if same_code and same_code != rid:
            _merge_enterprise(profile, same_code, row, report)
            return True
        for name, value in store.kept_after_merge(db, rid).items():
            if row.get(name) in ("", None):
                row[name] = value  # the laptop's own value, kept while the hub's list lacks it
        if store.enterprise_row(db, rid) == row:
            return False  # our own, come back
        store.upsert_enterprise(db, row)
        return True
    if entity == "template" and not store.exists(db, "templates", "id", rid):
        body = _fields(pulled)
        items = body.get("items", [])
        if not isinstance(items, list):
            raise store.NotApplied("检查表的检查项不是列表。", "The checklist's items are not a list.")
        version = body.get("version")
        if not isinstance(version, int) or store.version_taken(db, str(body.get("code")), version):
            version = store.next_version(db, str(body.get("code")))  # version numbers are this laptop's own
        template = {"source": "", **body, "id": rid, "version": version, "imported_at": clock.to_text(clock.now())}
        store.insert_ignore(db, "templates", [template])
        store.insert_ignore(db, "template_items", items)
        return True
    if entity == "visit" and store.exists(db, "visits", "id", rid):
        return _apply_amended_visit(db, rid, pulled)
    if entity == "finding" and store.exists(db, "findings", "id", rid):
        return _apply_amended_finding(profile, rid, pulled)
    if entity == "visit":
        body = _fields(pulled)
        items, answers = body.get("items", []), body.get("answers", [])
        if not isinstance(items, list) or not isinstance(answers, list):
            raise store.NotApplied("巡查的检查项或答案不是列表。", "The visit's items or answers are not a list.")
        stamp = body.get("finished_at") or body.get("started_at")
        visit = {**body, "id": rid, "updated_at": stamp, "notice_number": None, "origin": store.ORIGIN_HUB}
        store.insert_ignore(db, "visits", [visit])
        # insert_ignore checks each row against the table's columns (schema_row); checked here first as well, each
        # of the 450,000 rows of a year of an office's visits was checked twice.
        store.insert_ignore(db, "visit_items", [{**i, "visit_id": rid} for i in items])
        store.insert_ignore(db, "answers", answers)
        return True
    if entity == "finding":
        body = _fields(pulled)
        finding = {**body, "id": rid, "status": "open", "closed_at": None, "updated_at": body.get("created_at")}
        store.insert_ignore(db, "findings", [finding])
        refresh_state(profile, rid)
        return True
    if entity == "finding_event" and not store.exists(db, "finding_events", "id", rid):
        # The author is the steward the hub knows from the pushing token, not whatever the body says.
        author = rec.get("author")
        event = store.schema_row(
            db, "finding_events", {**_fields(pulled), "id": rid, **({"by": author} if author else {})}
        )
        finding_id = event["finding_id"]  # a TEXT column, checked by schema_row
        if not isinstance(finding_id, str) or not store.exists(db, "findings", "id", finding_id):
            raise store.NotApplied("记录所属的问题在本机不存在。", "The finding it belongs to is not on this laptop.")
        store.insert_ignore(db, "finding_events", [event])
        refresh_state(profile, finding_id)
        return True
    if entity == "enterprise_event":
        return _apply_enterprise_event(db, rec)
    return False


# What a merge never keeps from the laptop's row: the hub's identity and timestamps stand.
_MERGE_FIXED = ("id", "credit_code", "created_at", "updated_at", "name_pinyin", "archived")


def _merge_enterprise(profile: Profile, local_id: str, row: store.Row, report: SyncReport) -> None:
    """The hub lists an enterprise this laptop entered under its own id (same credit code): the hub's id wins.
    Our visits, findings and records are re-pointed to it; a field the hub's lacks keeps our value; a value the
    hub's replaces is kept in enterprise_merges and reported, never dropped silently."""
    db = profile.db
    local = store.enterprise_row(db, local_id)
    kept: store.Row = {}
    replaced: store.Row = {}
    for name, value in (local or {}).items():
        # every column of `enterprises` is TEXT or INTEGER: the last test only tells mypy so
        if name in _MERGE_FIXED or value in ("", None) or not isinstance(value, str | int):
            continue
        if row.get(name) in ("", None):
            kept[name] = row[name] = value
        elif row.get(name) != value:
            replaced[name] = value
    store.merge_enterprise(db, local_id, row, kept, replaced, clock.to_text(clock.now()))
    words = f"企业“{row['name']}”(信用代码 {row['credit_code']})与服务器上的同一企业合并,采用服务器的编号"
    if kept:
        words += f";保留本机独有的字段:{', '.join(sorted(kept))}"
    if replaced:
        words += "; 以服务器为准的字段(本机原值已存档):" + ", ".join(f"{k}={v}" for k, v in sorted(replaced.items()))
    report.log.append(words)
    report.merged.append({"old_id": local_id, "id": str(row["id"]), "kept": kept, "replaced": replaced})


def _apply_amended_visit(db: Database, rid: str, body: object) -> bool:
    """A colleague's visit the hub holds amended (its steward changed answers after finishing, with a reason): the
    answers here follow. Our own visits are never changed from the hub: this laptop made their amendments."""
    if not store.pulled_visit(db, rid):
        return False
    answers = body.get("answers", []) if isinstance(body, dict) else None
    if not isinstance(answers, list):
        raise store.NotApplied("巡查的答案不是列表。", "The visit's answers are not a list.")
    return store.put_amended_answers(db, [a for a in answers if isinstance(a, dict) and a.get("visit_id") == rid]) > 0


def _apply_amended_finding(profile: Profile, rid: str, body: object) -> bool:
    """A colleague's finding the hub holds amended: what it says and its own deadline follow (events stay ours)."""
    db = profile.db
    if not isinstance(body, dict) or not store.pulled_visit(db, str(body.get("visit_id"))):
        return False
    row = store.schema_row(db, "findings", {**body, "id": rid, "status": "open", "updated_at": body.get("created_at")})
    values = {k: row[k] for k in store.AMENDED_FINDING_COLUMNS if k in row and k != "original_deadline"}
    values["original_deadline"] = row.get("deadline")
    if not store.amend_pulled_finding(db, rid, values):
        return False
    refresh_state(profile, rid)
    return True


def _apply_enterprise_event(db: Database, rec: PulledRecord) -> bool:
    """A complaint, penalty or hazardous-waste record: new here, or a later revision (an edit or a delete) of one.
    Its author is the steward the hub knows from the pushing token; one imported on the hub keeps its label."""
    body, rid = rec["body"], rec["id"]
    if not isinstance(body, dict) or not isinstance(body.get("revision", 1), int):
        raise store.NotApplied("记录内容无法读取。", "The record cannot be read.")
    here = store.enterprise_event_revision(db, rid)
    if here is not None and here[0] >= body.get("revision", 1):
        return False  # ours come back, or a revision this laptop has already
    author = rec.get("author")
    store.put_pulled_enterprise_event(db, {**body, "id": rid, **({"created_by": author} if author else {})})
    return True
