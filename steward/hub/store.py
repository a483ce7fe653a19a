"""Everything Steward Hub keeps, behind one class: stewards and their tokens, profile bindings, the records
laptops pushed (with one change sequence), and blobs on disk by SHA-256. SQLite (one file, WAL) by default, or
PostgreSQL: the engine (steward/hub/engine.py) hides what differs, the schema's migrations are steward/hub/schema.py."""

from __future__ import annotations

import contextlib
import errno
import gzip
import hashlib
import json
import os
import secrets
import struct
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NotRequired, TypedDict

from steward.hub.blobs import BlobStore, FilesystemBlobs, PartialUpload, UploadBusy
from steward.hub.engine import Connection, Engine, Row, open_engine
from steward.hub.recheck import ENTITIES as RECHECK_ENTITIES
from steward.hub.recheck import RecheckIndex, RecheckItem, listed
from steward.hub.schema import SHARED_SQL as _SHARED_SQL
from steward.hub.schema import migrate
from steward.sync.wire import content_hash

if TYPE_CHECKING:
    from steward.hub.models import KeptRecord

# The rows of one page of the change feed: shared records and the reader's own, in sequence. The body as stored bytes
# (CAST): copied into the page as it is, never decoded and encoded again. The unary + (SQLite's hint; steward.hub.engine drops it for PostgreSQL) keeps SQLite from answering the
# OR through the indexes on entity and owner, which gathered every shared record of the hub and sorted them for each
# page (60 ms a page on a year of an office's records, and growing with the hub); walked along the sequence instead,
# a page costs its own rows.
PAGE_ROWS = (
    "SELECT r.seq, r.entity, r.id, r.content_hash, CAST(r.body AS BLOB), s.name FROM records r "
    "LEFT JOIN stewards s ON s.id = r.owner WHERE r.seq > ? AND r.seq <= ? "
    f"AND (+r.entity IN ({_SHARED_SQL}) OR +r.owner = ?) ORDER BY r.seq LIMIT ?"
)
# A steward's private records within a range of the sequence, in sequence (read through records_private_by_owner,
# hub migration m003, whose WHERE this repeats word for word: SQLite uses a partial index only for a query that does).
OWN_IN_RANGE = (
    "SELECT r.seq, r.entity, r.id, r.content_hash, CAST(r.body AS BLOB), s.name FROM records r "
    "LEFT JOIN stewards s ON s.id = r.owner WHERE r.owner = ? AND r.seq > ? AND r.seq <= ? "
    f"AND r.entity NOT IN ({_SHARED_SQL}) ORDER BY r.seq LIMIT ?"
)
# An account lockout on top of the web page's short per-account and per-address limits (steward.hub.web.accounts):
# those let a guesser who rotates addresses try 5 passwords every 15 minutes for ever; this many failures for one
# account within a day lock it until the oldest of them is a day old, or until an administrator sets a new password.
ACCOUNT_LOCK_FAILURES = 20
ACCOUNT_LOCK_SECONDS = 24 * 3600
# Pages of the change feed kept in memory, up to this many bytes: every new laptop pulls the same pages, which need
# not be read and assembled again for each of them (see HubStore.changes).
PAGE_CACHE_BYTES = 64 * 1024 * 1024
GZIP_FROM = 1400  # bytes of JSON worth compressing: a smaller answer fits one packet as it is
PARTIAL_MAX_AGE = 24 * 3600  # an unfinished upload untouched this long is abandoned
EXPIRE_EVERY = 600  # how often uploads look for abandoned ones
RECHECK_SLICE = 20_000  # records the re-check index reads at a time


class HubError(Exception):
    status = 400

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


class Unauthorized(HubError):
    status = 401


class Forbidden(HubError):
    status = 403


class Conflict(HubError):
    status = 409


class Unprocessable(HubError):
    status = 422


class PayloadTooLarge(HubError):
    status = 413


class DiskFull(HubError):
    status = 507


class NotFound(HubError):
    status = 404


class UpgradeRequired(HubError):
    status = 426


class StewardRef(TypedDict):
    """A steward as a request knows them once their token is checked: their id (records' owner) and name."""

    id: int
    name: str


class Sender(StewardRef):
    """The steward a request comes from, and their laptop profile (bound to them)."""

    profile_id: str


class RecordRef(TypedDict):
    entity: str
    id: str


class Conflicted(RecordRef):
    reason: str


class Refusal(RecordRef):
    """A record the hub did not keep, and why, in the words each side needs."""

    code: str
    zh: str
    en: str
    field: NotRequired[str]  # the field at fault, when the record's content is not valid


class PushResult(TypedDict):
    """What became of each record of a push (the API's answer to it)."""

    accepted: list[RecordRef]
    duplicates: list[RecordRef]
    conflicts: list[Conflicted]
    refused: list[Refusal]


class HelloFacts(TypedDict):
    """What hello tells a laptop beyond who it is (HubStore.hello_facts)."""

    records: int
    blobs: int
    cursor: int
    recheck: str


class UploadProgress(TypedDict):
    offset: int
    complete: bool


class MergedEnterprise(TypedDict):
    """An enterprise merged into another (same credit code, another id): the name it was sent with, who sent it ("" for
    the hub's own list) and when it was merged."""

    id: str
    name: str
    sender: str
    at: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _bad_token() -> Unauthorized:
    return Unauthorized(
        "bad_token", "令牌无效,请核对设置中的同步令牌。", "The token is not valid; check it in settings."
    )


def _disk_full(exc: OSError) -> None:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        raise DiskFull(
            "hub_disk_full",
            "服务器磁盘已满,请联系管理员;数据仍在您的电脑上。",
            "The hub's disk is full; tell its administrator. Your data is still on your laptop.",
        ) from exc


class HubStore:
    def __init__(
        self,
        data_dir: Path,
        clock: Callable[[], float] = time.time,
        db_url: str | None = None,
        blobs: BlobStore | None = None,
    ) -> None:
        """data_dir holds hub.db when no PostgreSQL URL is given, and the blobs unless another BlobStore is given."""
        self.data_dir = data_dir
        self.blob_dir = data_dir / "blobs"
        self.upload_dir = data_dir / "uploads"
        self.clock = clock
        self._pages: OrderedDict[tuple[int, int, int, bool], KeptPage] = OrderedDict()
        self._pages_size = 0
        self._pages_lock = threading.Lock()
        self._building: dict[tuple[int, int, int, bool], threading.Lock] = {}
        self._stats: tuple[tuple[int, int, int], dict[str, int]] | None = None  # see stats()
        self._recheck: RecheckIndex | None = None  # see recheck_answer()
        self._recheck_moment: tuple[int, int, int] | None = None
        # reader -> (the moment it was made at, their re-check list as JSON, the files it lists)
        self._recheck_answers: dict[int, tuple[tuple[int, int, int], bytes, frozenset[str]]] = {}
        self._recheck_gzipped: dict[int, tuple[str, bytes]] = {}  # reader -> (tag, the answer compressed)
        self._recheck_lock = threading.Lock()
        if not data_dir.exists():
            data_dir.mkdir(parents=True, mode=0o700)
        self.blobs: BlobStore = blobs or FilesystemBlobs(self.blob_dir, self.upload_dir, data_dir / "renditions")
        self.path = data_dir / "hub.db"
        if not db_url:
            # Tokens' hashes and every steward's records: readable by the hub's own account only.
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
            os.chmod(self.path, 0o600)
        self.engine: Engine = open_engine(data_dir, db_url)
        try:
            migrate(self.engine)
        except BaseException:
            self.engine.close()
            raise
        self._expired_at = 0.0
        self.expire_partials()

    def close(self) -> None:
        """Let go of the database (a PostgreSQL pool's connections); the store is not used afterwards."""
        self.engine.close()

    def connect(self) -> AbstractContextManager[Connection]:
        """This thread's connection (a request's worker thread reuses it; nested uses share it)."""
        return self.engine.connect()

    def transaction(self) -> AbstractContextManager[Connection]:
        """A write transaction; writers take turns on either engine (see PostgresEngine.write_begin)."""
        return self.engine.transaction()

    # -- stewards and profiles ------------------------------------------------------------------------------
    def add_steward(self, name: str) -> str:
        # A prefix: a token that began with "-" would be taken for an option by `steward sync --token`.
        token = "stw_" + secrets.token_urlsafe(32)
        try:
            with self.transaction() as conn:
                conn.execute(
                    "INSERT INTO stewards (name, token_sha256, created_at) VALUES (?, ?, ?)",
                    [name, _token_hash(token), _now()],
                )
        except self.engine.integrity_errors:
            raise Conflict(
                "steward_exists", f"已有名为“{name}”的环保管家。", f"A steward named '{name}' exists."
            ) from None
        return token

    def steward_for(self, token: str) -> StewardRef:
        with self.connect() as conn:
            row = conn.execute("SELECT id, name FROM stewards WHERE token_sha256 = ?", [_token_hash(token)]).fetchone()
        if row is None:
            raise _bad_token()
        return {"id": int(row[0]), "name": str(row[1])}

    def steward_and_binding(self, token: str, profile_id: str) -> tuple[StewardRef, int | None]:
        """The steward whose token this is, and the steward the laptop profile is bound to (None: not yet), in one
        query: every request of a laptop asks both, and a no-op sync is little more than these questions."""
        with self.connect() as conn:
            row = conn.execute(
                "SELECT s.id, s.name, (SELECT b.steward_id FROM bindings b WHERE b.profile_id = ?) FROM stewards s "
                "WHERE s.token_sha256 = ?",
                [profile_id, _token_hash(token)],
            ).fetchone()
        if row is None:
            raise _bad_token()
        return {"id": int(row[0]), "name": str(row[1])}, row[2]

    def caller(self, token: str, profile_id: str) -> Caller:
        """steward_and_binding, the profile's notice-number code and the hub's moment (see _moment), in one query:
        all a hello of a laptop that synced before needs to read."""
        with self.connect() as conn:
            row = conn.execute(
                "SELECT s.id, s.name, (SELECT b.steward_id FROM bindings b WHERE b.profile_id = ?), "
                f"(SELECT n.prefix FROM number_prefixes n WHERE n.profile_id = ?), {self._moment_sql()} "
                "FROM stewards s WHERE s.token_sha256 = ?",
                [profile_id, profile_id, _token_hash(token)],
            ).fetchone()
        if row is None:
            raise _bad_token()
        moment = (int(row[4]), int(row[5]), int(row[6]))
        return Caller({"id": int(row[0]), "name": str(row[1])}, row[2], None if row[3] is None else str(row[3]), moment)

    def bind(self, profile_id: str, steward: StewardRef) -> None:
        """A laptop profile belongs to the steward whose token first synced it."""
        with self.connect() as conn:  # every request asks; only the first one writes
            row = conn.execute("SELECT steward_id FROM bindings WHERE profile_id = ?", [profile_id]).fetchone()
        if row is not None and row[0] == steward["id"]:
            return
        with self.transaction() as conn:
            row = conn.execute("SELECT steward_id FROM bindings WHERE profile_id = ?", [profile_id]).fetchone()
            if row is None:
                conn.execute("INSERT INTO bindings VALUES (?, ?, ?)", [profile_id, steward["id"], _now()])
                _give_number_prefix(conn, profile_id, steward)
            elif row[0] != steward["id"]:
                raise Forbidden(
                    "profile_bound",
                    "此电脑上的档案属于另一位环保管家;如需转交,请管理员在服务器上重新绑定。",
                    "This profile belongs to another steward; an administrator must re-bind it on the hub.",
                )

    def number_prefix(self, profile_id: str, steward: StewardRef) -> str:
        """The profile's notice-number code: given at binding (or now, to a profile bound before codes existed)."""
        with self.connect() as conn:
            row = conn.execute("SELECT prefix FROM number_prefixes WHERE profile_id = ?", [profile_id]).fetchone()
        if row is not None:
            return str(row[0])
        with self.transaction() as conn:
            return _give_number_prefix(conn, profile_id, steward)

    def register_key(self, profile_id: str, steward: StewardRef, public_key: bytes) -> bool:
        """A laptop profile's Ed25519 public key (its bundles' signatures are checked with it; the private key never
        leaves the laptop, so a copy of hub.db cannot forge a bundle). Registered once; the same key again changes
        nothing, another key is a conflict (an administrator re-binds the profile to start over).
        Returns whether it was new."""
        with self.transaction() as conn:
            row = conn.execute("SELECT public_key FROM profile_keys WHERE profile_id = ?", [profile_id]).fetchone()
            if row is not None:
                if bytes(row[0]) != public_key:
                    raise Conflict(
                        "key_registered",
                        "此档案已登记过另一把签名密钥;如需更换,请管理员在服务器上重新绑定。",
                        "This profile has another key; an administrator must re-bind it on the hub.",
                    )
                return False
            conn.execute(
                "INSERT INTO profile_keys VALUES (?, ?, ?, ?)", [profile_id, steward["id"], public_key, _now()]
            )
        return True

    def public_key(self, profile_id: str) -> tuple[bytes, int] | None:
        with self.connect() as conn:
            row = conn.execute(
                "SELECT public_key, steward_id FROM profile_keys WHERE profile_id = ?", [profile_id]
            ).fetchone()
        return (bytes(row[0]), row[1]) if row else None

    def rebind(self, profile_id: str, steward_name: str) -> None:
        with self.transaction() as conn:
            row = conn.execute("SELECT id FROM stewards WHERE name = ?", [steward_name]).fetchone()
            if row is None:
                raise HubError("no_steward", f"没有名为“{steward_name}”的环保管家。", f"No steward '{steward_name}'.")
            conn.execute("DELETE FROM profile_keys WHERE profile_id = ?", [profile_id])  # the new owner registers anew
            conn.execute(
                "INSERT INTO bindings VALUES (?, ?, ?) ON CONFLICT(profile_id) DO UPDATE SET "
                "steward_id = excluded.steward_id, bound_at = excluded.bound_at",
                [profile_id, row[0], _now()],
            )

    # -- records ----------------------------------------------------------------------------------------------
    def push(self, steward: StewardRef, profile_id: str, records: list[KeptRecord]) -> PushResult:
        """Records already checked by their model (steward/hub/models.py). Each is judged on its own: kept,
        a duplicate (same id, same content), a conflict (same id, other content; never overwritten) or refused
        (the steward may not write it). A refused record does not stop the rest.

        Judged one after the other, exactly as if each were pushed alone in the order sent, but read and written in
        a few round trips (see _PushBatch): what the hub holds of the records the push names is read in one query
        per entity, and the new records are inserted together, in order, at the end."""
        answer: PushResult = {"accepted": [], "duplicates": [], "conflicts": [], "refused": []}
        if not records:
            return answer
        with self._disk_guard(), self.transaction() as conn:
            batch = _PushBatch(conn, steward["id"], profile_id, records)
            for rec in records:
                entity, rid, body, digest = rec["entity"], rec["id"], rec["body"], rec["hash"]
                ref: RecordRef = {"entity": entity, "id": rid}
                if entity == "enterprise" and batch.alias_for_code(rid, body):
                    answer["accepted"].append(ref)  # the hub's own record of it stands; this id now names it
                    continue
                body, digest = batch.repointed(body, digest)
                existing = batch.fact(entity, rid)
                if entity == "photo" and existing is not None and existing.owner != steward["id"]:
                    # The same photo, recorded first by a colleague: answered as if it were new, so that pushing a
                    # photo's record never tells whether a colleague has that photo (see README, who may read what).
                    batch.claim_photo(rid)
                    answer["accepted"].append(ref)
                    continue
                if existing is not None and existing.content_hash == digest:
                    answer["duplicates"].append(ref)
                    continue
                refusal = _refusal(batch, steward["id"], entity, rid, body)
                if refusal is not None:
                    zh, en = REFUSALS[refusal]
                    answer["refused"].append({"entity": entity, "id": rid, "code": refusal, "zh": zh, "en": en})
                elif existing is not None and entity in REVISED_ENTITIES:
                    batch.flush()  # the stored revision is read, then replaced
                    reason = _not_a_later_revision(conn, entity, rid, body)
                    if reason:
                        answer["conflicts"].append({**ref, "reason": reason})
                    else:  # the author's next revision: replaces the record, at the end of the change sequence
                        conn.execute("DELETE FROM records WHERE entity = ? AND id = ?", [entity, rid])
                        batch.insert(entity, rid, digest, body)
                        answer["accepted"].append(ref)
                elif existing is not None:
                    answer["conflicts"].append({**ref, "reason": "different content for the same id"})
                else:
                    batch.insert(entity, rid, digest, body)
                    answer["accepted"].append(ref)
                    if entity == "audit" and _may_amend(body):
                        batch.flush()  # an amendment reads the records stored so far, then replaces one
                        if _apply_amendment(conn, body):
                            batch.forget(*_amended(body))
            batch.flush()
        return answer

    @staticmethod
    def _insert_record(
        conn: Connection, entity: str, rid: str, owner: int, profile_id: str, digest: str, body: dict[str, Any]
    ) -> None:
        conn.execute(
            "INSERT INTO records (entity, id, owner, profile_id, content_hash, body, received_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [entity, rid, owner, profile_id, digest, json.dumps(body, ensure_ascii=False), _now()],
        )

    def reference_id(self, entity: str, field: str, value: str) -> str | None:
        """The id of the record of this entity whose body has field == value (e.g. an enterprise's credit code)."""
        if field not in _LOOKUP_FIELDS:
            raise ValueError(f"not a field records are looked up by: {field}")
        with self.connect() as conn:
            row = conn.execute(
                f"SELECT id FROM records WHERE entity = ? AND json_extract(body, '$.{field}') = ?", [entity, value]
            ).fetchone()
        return row[0] if row else None

    def bodies(self, entity: str) -> list[dict[str, Any]]:
        with self.connect() as conn:
            return [
                json.loads(r[0])
                for r in conn.execute("SELECT body FROM records WHERE entity = ? ORDER BY seq", [entity])
            ]

    def record_body(self, entity: str, rid: str) -> dict[str, Any] | None:
        with self.connect() as conn:
            row = conn.execute("SELECT body FROM records WHERE entity = ? AND id = ?", [entity, rid]).fetchone()
        return json.loads(row[0]) if row else None

    def put_reference(self, entity: str, rid: str, body: dict[str, Any]) -> bool:
        """Reference data owned by the hub (enterprises, checklists): replaced by a newer import, and moved to the
        end of the change sequence so every laptop pulls the new version. Checked by the same model as a push.
        Returns whether anything changed."""
        return self.put_references(entity, [(rid, body)]) == 1

    def put_references(self, entity: str, items: list[tuple[str, dict[str, Any]]]) -> int:
        """Several records of the hub's own, all checked first and then kept in one transaction (all or none).
        Returns how many changed."""
        from steward.hub.models import InvalidRecord, clean_record

        kept = []
        for rid, body in items:
            try:
                kept.append(clean_record(entity, rid, content_hash(body), body))
            except InvalidRecord as exc:
                raise Unprocessable(
                    "invalid_record", f"数据不符合要求:{exc.entity} {exc.id} 的字段 {exc.field}。", f"Not valid: {exc}"
                ) from None
        changed = 0
        with self._disk_guard(), self.transaction() as conn:
            for rec in kept:
                row = conn.execute(
                    "SELECT content_hash FROM records WHERE entity = ? AND id = ?", [entity, rec["id"]]
                ).fetchone()
                if row and row[0] == rec["hash"]:
                    continue
                conn.execute("DELETE FROM records WHERE entity = ? AND id = ?", [entity, rec["id"]])
                self._insert_record(conn, entity, rec["id"], 0, "hub", rec["hash"], rec["body"])
                if entity == "enterprise":
                    for other in _ids_with_code(conn, rec["body"]["credit_code"]):
                        if other != rec["id"]:  # entered on a laptop before the hub listed it: the hub's id wins
                            _merge_enterprise(conn, other, rec["id"])
                changed += 1
        return changed

    def changes(self, since: int, limit: int, reader: int, gzipped: bool = False) -> bytes:
        """One page of the change feed as JSON text, built from the stored bodies without parsing them again.
        `reader` (a steward's id) sees reference data, every visit, finding and finding event (re-checks need
        them), and only their own photos, photo links, signatures, audit records and documents.

        The shared page (reference data, visits, findings, events) after `since` is the same for every reader, and
        the same for as long as the sequence ends where it does (every change to `records` adds a row at its end: a
        replaced record is deleted and inserted anew), so it is kept in memory by (since, limit, end), as it is
        sent (`gzipped`: compressed with gzip, a tenth of the bytes), and handed to every laptop that asks: fifty
        new laptops pulling at once read, assemble and compress each page once, not fifty times.

        A reader with private records within the shared page's range gets the shared page with theirs after its
        records, in sequence, ending at the same cursor: the pages every later one starts from are the kept ones
        again (ended anywhere else, that reader's every later page would start where no other reader's does, be built
        for them alone, and push the kept pages out of memory). Their page is the kept one's bytes up to the end of
        its records, then theirs compressed alone (KeptPage.with_own): the shared records are not read, assembled or
        compressed again for each such reader. Only when their own records in that range are more than `limit` is
        their page cut at `limit` records (shared and theirs, in sequence), as a page always was. A laptop applies
        none of its own private records (it made them) but notes that the hub holds them, whatever their place.

        With several workers each keeps its own pages, and a kept page is never stale: its key holds the end of the
        sequence it was read up to, in one snapshot; on either engine every seq at or below an end a reader can see
        is committed (writers take turns, see PostgresEngine.write_begin), and a seq is never given twice, so no
        later change, made by any worker, can alter what lies at or below that end without moving it."""
        with self.engine.snapshot() as conn:  # one snapshot for the page and the end of the sequence
            last = conn.execute("SELECT coalesce(max(seq), 0) FROM records").fetchone()[0]

            def shared() -> KeptPage:
                rows = self._page_rows(conn, since, last, None, limit + 1)
                more = len(rows) > limit
                # Without more to see, the cursor moves to the end of the sequence, past records this reader may
                # not see.
                cursor = rows[limit - 1][0] if more else max(since, last)
                return KeptPage.build(_records_json(rows[:limit]), cursor, more, gzipped)

            page = self._kept_page((since, limit, last, gzipped), shared)
            own = conn.execute(OWN_IN_RANGE, [reader, since, page.cursor, limit + 1]).fetchall()
            if not own:
                return page.sent
            if len(own) <= limit:
                return page.with_own(_records_json(own))
            rows = self._page_rows(conn, since, page.cursor, reader, limit)  # more of them than a page holds
            alone = b'{"records":[%s%s' % (_records_json(rows), _page_end(rows[-1][0], True))
            return gzip.compress(alone, compresslevel=1, mtime=0) if gzipped else alone

    @staticmethod
    def _page_rows(conn: Connection, since: int, last: int, reader: int | None, limit: int) -> list[Row]:
        """Up to `limit` rows after `since`, up to `last`: shared records, and the reader's own (None: no reader)."""
        rows: list[Row] = conn.execute(PAGE_ROWS, [since, last, -1 if reader is None else reader, limit]).fetchall()
        return rows

    def _kept_page(self, key: tuple[int, int, int, bool], build: Callable[[], KeptPage]) -> KeptPage:
        """The shared page kept for `key`, or built once (by the first of the readers asking at the same moment) and
        kept."""
        with self._pages_lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
                return page
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._pages_lock:
                page = self._pages.get(key)
            if page is None:
                page = build()
                size = len(page.sent)
                with self._pages_lock:
                    if size <= PAGE_CACHE_BYTES // 4 and key not in self._pages:
                        self._pages[key] = page
                        self._pages_size += size
                        while self._pages_size > PAGE_CACHE_BYTES:
                            _old, dropped = self._pages.popitem(last=False)
                            self._pages_size -= len(dropped.sent)
            with self._pages_lock:
                self._building.pop(key, None)
        return page

    # -- blobs ------------------------------------------------------------------------------------------------
    def missing(self, hashes: list[str]) -> list[str]:
        with self.connect() as conn:
            present = (
                {
                    r[0]
                    for r in conn.execute(
                        f"SELECT sha256 FROM blobs WHERE sha256 IN ({', '.join('?' for _ in hashes)})", hashes
                    )
                }
                if hashes
                else set()
            )
        return [h for h in hashes if h not in present]

    def may_read_blob(self, sha256: str, reader: int) -> bool:
        """Whether the hub holds this file and `reader` may know it: they sent its bytes themselves, or their own
        photo, signature or document record names it. A photo link does not count (anyone who learnt a hash could
        link it onto their own visit). The same rule answers downloads and every "is it there?" of the blob API."""
        with self.connect() as conn:
            row = conn.execute(
                "SELECT 1 FROM blobs b WHERE b.sha256 = ? AND ("
                " EXISTS (SELECT 1 FROM blob_holders h WHERE h.sha256 = b.sha256 AND h.steward_id = ?)"
                " OR EXISTS (SELECT 1 FROM records r WHERE r.owner = ? AND ("
                "  (r.entity = 'photo' AND r.id = b.sha256)"
                "  OR (r.entity = 'signature' AND json_extract(r.body, '$.image_sha256') = b.sha256)"
                "  OR (r.entity = 'document' AND json_extract(r.body, '$.sha256') = b.sha256))))",
                [sha256, reader, reader],
            ).fetchone()
        return row is not None

    def missing_for(self, hashes: list[str], reader: int) -> list[str]:
        """The files `reader` should upload: those the hub lacks, and those it holds that `reader` may not know of
        (answered as missing: their upload is checked against the hash and kept idempotently)."""
        absent = set(self.missing(hashes))
        return [h for h in hashes if h in absent or not self.may_read_blob(h, reader)]

    @staticmethod
    def _partial_name(sha256: str, steward_id: int) -> str:
        """An unfinished upload belongs to the steward who began it: each steward appends only to their own."""
        return f"{sha256}.{int(steward_id)}.part"

    def _partial(self, sha256: str, steward_id: int) -> Path:
        return self.blobs.staging_path(self._partial_name(sha256, steward_id))

    def partial_offsets(self, hashes: list[str], steward_id: int) -> dict[str, int]:
        """How much of each of this steward's unfinished uploads is on disk (only those started)."""
        sizes = {sha: self.blobs.partial_size(self._partial_name(sha, steward_id)) for sha in hashes}
        return {sha: size for sha, size in sizes.items() if size is not None}

    def offset(self, sha256: str, steward_id: int) -> int:
        if self.may_read_blob(sha256, steward_id):
            return -1  # complete (said only to a steward who may know the file is here)
        return self.blobs.partial_size(self._partial_name(sha256, steward_id)) or 0

    def expire_partials(self) -> int:
        """Remove unfinished uploads nobody has touched for PARTIAL_MAX_AGE seconds (and no request of any worker
        holds); returns how many."""
        now = self.clock()
        self._expired_at = now
        return self.blobs.expire_partials(now - PARTIAL_MAX_AGE)

    def begin_upload(self, sha256: str, offset: int, total: int, steward_id: int) -> Upload | None:
        """Start appending one chunk at the offset the hub acknowledged; None when the file is already complete.
        The caller writes the chunk's bytes as they arrive and then finishes or aborts it. The upload is held by
        this request alone (a lock on its file, which every worker process sees) until then."""
        if self.clock() - self._expired_at > EXPIRE_EVERY:
            self.expire_partials()
        if self.may_read_blob(sha256, steward_id):
            return None
        try:
            held = self.blobs.hold_partial(self._partial_name(sha256, steward_id))
        except UploadBusy:
            raise Conflict(
                "offset", "该文件正在上传,请稍后再试。", "This file is being uploaded; ask the offset again."
            ) from None
        except OSError as exc:
            _disk_full(exc)
            raise
        current = held.size
        try:
            if offset != current:
                raise Conflict("offset", "上传位置不一致。", f"Expected offset {current}, got {offset}.")
            if offset > total:  # offset == total: a file whole on disk whose commit was cut off; finished now
                raise Unprocessable("too_long", "数据超出声明的大小。", "More bytes than the declared total.")
        except BaseException:
            if current == 0:
                held.truncate(0)  # never started: nothing is left behind
            held.close()
            raise
        return Upload(self, sha256, held, offset, total, steward_id)

    def _commit_blob(self, sha256: str, staged: Path, size: int, holder: int) -> None:
        """Move a verified file into the store together with its row: both or neither. The same file sent again by
        another steward replaces it with the same bytes; either way the sender is recorded as holding it."""
        moved = False
        try:
            with self._disk_guard():
                try:
                    with self.transaction() as conn:
                        self._insert_blob_row(conn, sha256, size)
                        conn.execute("INSERT INTO blob_holders VALUES (?, ?) ON CONFLICT DO NOTHING", [sha256, holder])
                        self.blobs.commit(sha256, staged)
                        moved = True
                except BaseException:
                    if moved and self.missing([sha256]):
                        self.blobs.remove(sha256)  # the row was not kept: neither is the file
                    raise
        finally:
            staged.unlink(missing_ok=True)

    def _insert_blob_row(self, conn: Connection, sha256: str, size: int) -> None:
        conn.execute("INSERT INTO blobs VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [sha256, size, _now()])

    @contextmanager
    def _disk_guard(self) -> Iterator[None]:
        """A full disk (the file system's or SQLite's) becomes a 507 with words a steward understands."""
        try:
            yield
        except OSError as exc:
            _disk_full(exc)
            raise
        except Exception as exc:
            if self.engine.disk_full(exc):
                _disk_full(OSError(errno.ENOSPC, str(exc)))
            raise

    def import_bundle(self, path: Path) -> dict[str, int]:
        """An offline bundle, through the same checks as a push; verified whole before anything is kept (files are
        staged while their hash is checked); importing it twice changes nothing. The zip is read as a stream and
        closed again (an open zip stays locked on a Windows USB stick)."""
        from pydantic import TypeAdapter
        from pydantic import ValidationError as PydanticError

        from steward.hub.models import InvalidRecord, Record, clean_record
        from steward.sync.bundle import BundleRejected, key_id, open_bundle

        with self.connect() as conn:
            stewards = [dict(r) for r in conn.execute("SELECT id, name, token_sha256 FROM stewards")]
        by_key = {key_id(s["token_sha256"]): s for s in stewards}

        def key_for(kid: str) -> str | None:
            return by_key[kid]["token_sha256"] if kid in by_key else None

        def public_key_for(profile_id: str) -> bytes | None:
            found = self.public_key(profile_id)
            return found[0] if found else None

        envelope = TypeAdapter(Record)
        staged: dict[str, tuple[Path, int]] = {}
        try:
            with open_bundle(path, key_for, public_key_for) as bundle:
                signer = self.public_key(bundle.manifest["profile_id"])
                if signer is not None:
                    steward = next(s for s in stewards if s["id"] == signer[1])
                else:
                    steward = by_key[bundle.manifest["key_id"]]
                records = []
                for number, raw in enumerate(bundle.records(), start=1):
                    try:
                        rec = envelope.validate_python(raw)
                        records.append(clean_record(rec.entity, rec.id, rec.hash, rec.body))
                    except PydanticError as exc:
                        field = ".".join(str(p) for p in exc.errors()[0]["loc"])
                        raise BundleRejected(
                            f"离线包第 {number} 条记录无效(字段 {field})。",
                            f"Record {number} in the bundle is not valid ({field}).",
                        ) from None
                    except InvalidRecord as exc:
                        if exc.code == "bad_hash":
                            raise BundleRejected(
                                "离线包中的记录已损坏或被改动。", "The bundle's records are damaged or were changed."
                            ) from None
                        raise BundleRejected(
                            f"离线包中的记录无效:{exc.entity} {exc.id} 的字段 {exc.field}。",
                            f"A record in the bundle is not valid: {exc}",
                        ) from None
                for sha in bundle.manifest["blobs"]:  # every file checked, also one the hub holds already
                    staged[sha] = self._stage(bundle, sha)
            sender: StewardRef = {"id": int(steward["id"]), "name": str(steward["name"])}
            self.bind(bundle.manifest["profile_id"], sender)
            result = self.push(sender, bundle.manifest["profile_id"], records)
            new_files = set(self.missing(list(staged)))
            for sha, (file, size) in staged.items():
                self._commit_blob(sha, file, size, sender["id"])
        finally:
            for file, _size in staged.values():
                file.unlink(missing_ok=True)
        return {
            "accepted": len(result["accepted"]),
            "duplicates": len(result["duplicates"]),
            "conflicts": len(result["conflicts"]),
            "refused": len(result["refused"]),
            "blobs": len(new_files),
        }

    def _stage(self, bundle: Any, sha256: str) -> tuple[Path, int]:
        """Copy one file out of a bundle into uploads/, checking its hash on the way."""
        from steward.sync.bundle import BundleRejected

        staged = self.blobs.staging_path(f"{sha256}.bundle-{secrets.token_hex(4)}.part")
        digest, size = hashlib.sha256(), 0
        try:
            with self._disk_guard(), bundle.open_blob(sha256) as src, open(staged, "wb") as dst:
                for block in iter(lambda: src.read(1 << 20), b""):
                    digest.update(block)
                    size += len(block)
                    dst.write(block)
                dst.flush()
                os.fsync(dst.fileno())
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
        if digest.hexdigest() != sha256:
            staged.unlink(missing_ok=True)
            raise BundleRejected(
                f"离线包中的文件 {sha256[:12]} 已损坏或被改动。",
                f"File {sha256[:12]} in the bundle is damaged or was changed.",
            )
        return staged, size

    def stats(self) -> dict[str, int]:
        """How many records and files the hub holds (every hello tells)."""
        with self.engine.snapshot() as conn:
            return self._counts(conn, self._moment(conn))

    def hello_facts(self, reader: int, moment: tuple[int, int, int] | None = None) -> HelloFacts:
        """What hello tells a steward's laptop: the counts of stats(); `cursor`, the end of the change sequence (a
        laptop whose cursor is there has nothing to pull); `recheck`, the tag of the reader's re-check list
        (recheck_answer's; a laptop that read the list at this tag has it). At `moment` (one just read, see
        caller) when the counts kept are of it; else read anew in one snapshot with the counts."""
        kept = self._stats
        if moment is None or kept is None or kept[0] != moment:
            with self.engine.snapshot() as conn:
                moment = self._moment(conn)
                counts = self._counts(conn, moment)
        else:
            counts = dict(kept[1])
        return {
            "records": counts["records"],
            "blobs": counts["blobs"],
            "cursor": moment[0],
            "recheck": recheck_tag(reader, moment),
        }

    def _moment_sql(self) -> str:
        """The three columns of _moment, for a SELECT."""
        # The newest file: SQLite's rowid; PostgreSQL's number n (hub migration m004; a count of the blobs was a
        # scan of every file on every hello). Both only grow: files are never removed.
        newest_file = f"SELECT coalesce(max({'rowid' if self.engine.name == 'sqlite' else 'n'}), 0) FROM blobs"
        return (
            f"(SELECT coalesce(max(seq), 0) FROM records), ({newest_file}), (SELECT count(*) FROM enterprise_aliases)"
        )

    def _moment(self, conn: Connection) -> tuple[int, int, int]:
        """The newest record's seq, the newest file and the number of merged enterprises. A record is only ever
        removed to be replaced by a new row at the end of the sequence, or when a laptop's enterprise merges into
        the hub's (which adds an alias), and a file is never removed: nothing else changes what the hub holds."""
        row = conn.execute(f"SELECT {self._moment_sql()}").fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    def _counts(self, conn: Connection, moment: tuple[int, int, int]) -> dict[str, int]:
        """Counting the tables walks all their rows, which on a province's hub would cost more than the rest of a
        no-op sync: the counts are kept until the moment (see _moment) moves."""
        kept = self._stats
        if kept is not None and kept[0] == moment:
            return dict(kept[1])
        counts = {
            "records": int(conn.execute("SELECT count(*) FROM records").fetchone()[0]),
            "blobs": int(conn.execute("SELECT count(*) FROM blobs").fetchone()[0]),
        }
        self._stats = (moment, counts)  # one assignment: a reader sees the old pair or the new one, whole
        return dict(counts)

    def recheck_now(self, reader: int) -> str:
        """The tag of the reader's re-check list as the hub stands (for an If-None-Match)."""
        with self.engine.snapshot() as conn:
            return recheck_tag(reader, self._moment(conn))

    def recheck_answer(self, reader: int, gzipped: bool = False) -> tuple[str, bytes, bool]:
        """The reader's re-check list (see steward.hub.recheck) as the JSON of /v1/recheck-photos, its tag, and
        whether it is compressed with gzip (asked by `gzipped`; done when it is worth it, see GZIP_FROM). The hub-wide
        index takes in only the records added since it last looked (all of them again after an enterprise merge,
        which removes records); each reader's answer, plain and compressed, is kept until the hub changes."""
        tag, plain, _files = self._recheck_kept(reader)
        if not gzipped or len(plain) < GZIP_FROM:
            return tag, plain, False
        with self._recheck_lock:
            kept = self._recheck_gzipped.get(reader)
        if kept is not None and kept[0] == tag:
            return tag, kept[1], True
        packed = gzip.compress(plain, compresslevel=6, mtime=0)
        with self._recheck_lock:
            self._recheck_gzipped[reader] = (tag, packed)
        return tag, packed, True

    def recheck_files(self, reader: int) -> frozenset[str]:
        """The files on the reader's re-check list as the hub stands: the photos whose report renditions they may
        read. Kept with the list and dropped with it, when the hub's moment moves (whichever worker changed it: the
        moment is read from the database at every call), so a file is refused the moment its finding is closed."""
        return self._recheck_kept(reader)[2]

    def _recheck_kept(self, reader: int) -> tuple[str, bytes, frozenset[str]]:
        """The reader's re-check list: its tag, its JSON and the files it lists."""
        with self._recheck_lock, self.engine.snapshot() as conn:
            moment = self._moment(conn)
            kept = self._recheck_answers.get(reader)
            if kept is not None and kept[0] == moment:
                return recheck_tag(reader, moment), kept[1], kept[2]
            index = self._recheck
            if index is None or index_moment_lost(self._recheck_moment, moment):
                index = self._recheck = RecheckIndex()
                self._recheck_answers.clear()
            while index.seq < moment[0]:  # in slices: a province's year is not held in memory at once
                rows = [
                    (r[0], r[1], r[2], r[3], r[4])
                    for r in conn.execute(
                        f"SELECT seq, entity, id, owner, body FROM records WHERE seq > ? AND seq <= ? AND entity IN "
                        f"({', '.join(repr(e) for e in RECHECK_ENTITIES)}) ORDER BY seq LIMIT ?",
                        [index.seq, moment[0], RECHECK_SLICE],
                    )
                ]
                index.apply(rows)
                if len(rows) < RECHECK_SLICE:
                    index.seq = moment[0]
            if index.wanted:  # retired findings an event named: read again (see RecheckIndex)
                wanted = sorted(index.wanted)
                rows = []
                for start in range(0, len(wanted), 300):
                    part = wanted[start : start + 300]
                    rows += conn.execute(findings_again_sql(len(part)), [*part, *part]).fetchall()
                index.reload(set(wanted), [(r[0], r[1], r[2], r[3], r[4]) for r in rows])
            unseen = index.unseen_files()
            for start in range(0, len(unseen), 500):
                part = unseen[start : start + 500]
                found = conn.execute(
                    f"SELECT sha256 FROM blobs WHERE sha256 IN ({', '.join('?' for _ in part)})", part
                ).fetchall()
                index.present.update(r[0] for r in found)
            self._recheck_moment = moment
            chosen = index.photos_for(reader)
            wanted = sorted({c[0] for c in chosen})
            photos: dict[str, str] = {}
            for start in range(0, len(wanted), 500):
                part = wanted[start : start + 500]
                for row in conn.execute(
                    f"SELECT id, body FROM records WHERE entity = 'photo' AND id IN ({', '.join('?' for _ in part)})",
                    part,
                ):
                    photos[row[0]] = row[1]
            items = listed(chosen, photos)
            answer = json.dumps({"photos": items}, ensure_ascii=False).encode()
            files = frozenset(item["sha256"] for item in items)
            if len(self._recheck_answers) > 10_000:  # a province's stewards fit; beyond, start again
                self._recheck_answers.clear()
                self._recheck_gzipped.clear()
            self._recheck_answers[reader] = (moment, answer, files)
            return recheck_tag(reader, moment), answer, files

    # -- web page logins (steward.hub.web) ----------------------------------------------------------------------
    def set_viewer_password(self, name: str, salt: str, password_hash: str) -> None:
        """A new viewer, or a new password for one: every session opened with the old password ends with it, and
        the account's failed logins are forgotten (the administrator's reset lifts a lockout)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO viewers VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET salt = excluded.salt, "
                "password_hash = excluded.password_hash",
                [name, salt, password_hash],
            )
            conn.execute("DELETE FROM viewer_sessions WHERE viewer = ?", [name])
            conn.execute("DELETE FROM login_failures WHERE scope = 'account' AND key = ?", [name])

    def remove_viewer(self, name: str) -> bool:
        """The viewer can no longer log in, and every session they have open ends now. Returns whether they existed."""
        with self.transaction() as conn:
            removed = conn.execute("DELETE FROM viewers WHERE name = ?", [name]).rowcount
            conn.execute("DELETE FROM viewer_sessions WHERE viewer = ?", [name])
            conn.execute("DELETE FROM login_failures WHERE scope = 'account' AND key = ?", [name])
        return bool(removed)

    def viewer_names(self) -> list[str]:
        with self.connect() as conn:
            return [r[0] for r in conn.execute("SELECT name FROM viewers ORDER BY name")]

    def viewer_password(self, name: str) -> tuple[str, str] | None:
        """(salt, password hash) of a viewer: the salt in hex, the hash as kept (see web.accounts.password_hash)."""
        with self.connect() as conn:
            row = conn.execute("SELECT salt, password_hash FROM viewers WHERE name = ?", [name]).fetchone()
        return (row[0], row[1]) if row else None

    def add_viewer_session(self, token_sha256: str, viewer: str, csrf: str, expires_at: float, now: float) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM viewer_sessions WHERE expires_at <= ?", [now])
            conn.execute("INSERT INTO viewer_sessions VALUES (?, ?, ?, ?)", [token_sha256, viewer, csrf, expires_at])

    def viewer_session(self, token_sha256: str, now: float) -> tuple[str, str] | None:
        """(viewer, csrf token) of a live session of a viewer who still exists."""
        with self.connect() as conn:
            row = conn.execute(
                "SELECT s.viewer, s.csrf FROM viewer_sessions s JOIN viewers v ON v.name = s.viewer "
                "WHERE s.token_sha256 = ? AND s.expires_at > ?",
                [token_sha256, now],
            ).fetchone()
        return (row[0], row[1]) if row else None

    def end_viewer_session(self, token_sha256: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM viewer_sessions WHERE token_sha256 = ?", [token_sha256])

    def begin_login_attempt(self, keys: list[tuple[str, str, int]], window: float, now: float) -> LoginAttempt:
        """keys: (scope, key, limit), e.g. ("account", name, 5). If any key already has `limit` failures within the
        window, the attempt is refused for as long as it takes the oldest of them to age out. Otherwise a failure is
        written for every key before the password is even checked, in one transaction, so parallel guesses cannot
        all slip in under the limit."""
        with self.connect() as conn:  # a refused guess costs one read, no write
            wait = self._login_wait(conn, keys, window, now)
        if wait > 0:
            return LoginAttempt(retry_after=int(wait) + 1)
        with self.transaction() as conn:
            conn.execute(
                "DELETE FROM login_failures WHERE at <= ? OR (scope != 'account' AND at <= ?)",
                [now - max(window, ACCOUNT_LOCK_SECONDS), now - window],
            )
            wait = self._login_wait(conn, keys, window, now)  # again: another attempt may have come in between
            if wait > 0:
                return LoginAttempt(retry_after=int(wait) + 1)
            rows = tuple(
                conn.execute(
                    f"INSERT INTO login_failures (scope, key, at) VALUES (?, ?, ?) RETURNING {self.engine.rowid}",
                    [scope, key, now],
                ).fetchone()[0]
                for scope, key, _limit in keys
            )
        return LoginAttempt(retry_after=0, failure_rows=rows)

    @staticmethod
    def _login_wait(conn: Connection, keys: list[tuple[str, str, int]], window: float, now: float) -> float:
        wait = 0.0
        for scope, key, limit in keys:
            rules = [(limit, window)]
            if scope == "account":  # the lockout: it counts failures from every address over a day
                rules.append((ACCOUNT_LOCK_FAILURES, ACCOUNT_LOCK_SECONDS))
            longest = max(span for _n, span in rules)
            times = [
                r[0]
                for r in conn.execute(
                    "SELECT at FROM login_failures WHERE scope = ? AND key = ? AND at > ? ORDER BY at",
                    [scope, key, now - longest],
                )
            ]
            for allowed, span in rules:
                recent = [t for t in times if t > now - span]
                if len(recent) >= allowed:
                    wait = max(wait, recent[len(recent) - allowed] + span - now)
        return wait

    def forgive_login_failures(self, failure_rows: tuple[int, ...], scope: str, key: str) -> None:
        """A successful login: its own provisional failures go, and so do the earlier ones of that key (the account)."""
        with self.transaction() as conn:
            conn.executemany(f"DELETE FROM login_failures WHERE {self.engine.rowid} = ?", [[r] for r in failure_rows])
            conn.execute("DELETE FROM login_failures WHERE scope = ? AND key = ?", [scope, key])

    # -- the web page's reads (steward.hub.web) -------------------------------------------------------------------
    def data_version(self) -> tuple[int, int]:
        """Changes whenever a record is added or replaced (records are never deleted otherwise): the page keeps
        what it parsed until this moves."""
        with self.connect() as conn:
            row = conn.execute("SELECT coalesce(max(seq), 0), count(*) FROM records").fetchone()
        return int(row[0]), int(row[1])

    def records_after(self, seq: int) -> tuple[tuple[int, int], list[tuple[str, str, str, dict[str, Any]]]]:
        """data_version() and, read in the same snapshot, (entity, id, the pushing steward's name or "", body) of
        every record after `seq` in the change sequence, in order: what the web page adds to the facts it parsed
        before instead of parsing every record again after each sync."""
        with self.engine.snapshot() as conn:
            row = conn.execute("SELECT coalesce(max(seq), 0), count(*) FROM records").fetchone()
            rows = [
                (r[0], r[1], r[2] or "", json.loads(r[3]))
                for r in conn.execute(
                    "SELECT r.entity, r.id, s.name, r.body FROM records r LEFT JOIN stewards s ON s.id = r.owner "
                    "WHERE r.seq > ? ORDER BY r.seq",
                    [seq],
                )
            ]
        return (int(row[0]), int(row[1])), rows

    def owned_bodies(self, entity: str) -> list[tuple[str, dict[str, Any]]]:
        """(the name of the steward whose token pushed it, body) of every record of an entity, in order of arrival;
        "" for records the hub itself imported. Authorship from the token, never from a name in the body."""
        with self.connect() as conn:
            return [
                (r[0] or "", json.loads(r[1]))
                for r in conn.execute(
                    "SELECT s.name, r.body FROM records r LEFT JOIN stewards s ON s.id = r.owner "
                    "WHERE r.entity = ? ORDER BY r.seq",
                    [entity],
                )
            ]


@dataclass(frozen=True)
class Caller:
    """Who sends a request and what their hello needs (HubStore.caller)."""

    steward: StewardRef
    bound_to: int | None  # the steward the laptop profile is bound to; None: not yet
    number_prefix: str | None  # the profile's notice-number code; None: not given yet
    moment: tuple[int, int, int]


@dataclass(frozen=True)
class LoginAttempt:
    """The answer to "may this login be tried?": refused for retry_after seconds, or let through with its failure
    rows already written (a successful login deletes them)."""

    retry_after: int
    failure_rows: tuple[int, ...] = ()


class Upload:
    """One chunk being appended to a steward's unfinished upload, written as it arrives (never held whole)."""

    def __init__(
        self, store: HubStore, sha256: str, held: PartialUpload, offset: int, total: int, steward_id: int
    ) -> None:
        self.store, self.sha256, self.held, self.offset, self.total = store, sha256, held, offset, total
        self.partial, self.fh = held.path, held.fh
        self.steward_id = steward_id
        self.received = 0
        self.chunk_digest = hashlib.sha256()

    def write(self, data: bytes) -> None:
        if self.offset + self.received + len(data) > self.total:
            raise Unprocessable("too_long", "数据超出声明的大小。", "More bytes than the declared total.")
        self.chunk_digest.update(data)
        try:
            self.fh.write(data)
        except OSError as exc:
            _disk_full(exc)
            raise
        self.received += len(data)

    def abort(self) -> None:
        """Nothing of a chunk that did not arrive whole and intact is kept."""
        try:
            with contextlib.suppress(OSError):  # what was still buffered is written (or not) before the cut
                self.fh.close()
            if self.partial.exists():
                self.held.truncate(self.offset)
        finally:
            self.held.close()

    def finish(self, chunk_sha256: str | None) -> UploadProgress:
        """Keep the chunk once it is on disk; the last one is verified against the file's hash."""
        try:
            if chunk_sha256 is not None and self.chunk_digest.hexdigest() != chunk_sha256:
                raise Unprocessable(
                    "chunk_hash", "数据块校验失败,请重新发送。", "The chunk's hash does not match; send it again."
                )
            try:
                self.fh.flush()
                os.fsync(self.fh.fileno())
                self.fh.close()
            except OSError as exc:
                _disk_full(exc)
                raise
        except BaseException:
            self.abort()
            raise
        received = self.offset + self.received
        try:
            if received < self.total:
                return {"offset": received, "complete": False}
            digest = hashlib.sha256()
            with open(self.partial, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
            if digest.hexdigest() != self.sha256:
                self.partial.unlink()
                raise Unprocessable(
                    "blob_hash", "文件校验失败,将重新上传。", "The file's hash does not match; it will be sent again."
                )
            self.store._commit_blob(self.sha256, self.partial, self.total, self.steward_id)
            return {"offset": self.total, "complete": True}
        finally:
            self.held.close()


# What a steward may not write, in the words each side needs (see README, "谁能写什么 · Who may write what").
REFUSALS = {
    "not_your_visit": ("只能上传本人巡查的记录。", "The visit belongs to another steward."),
    "unknown_visit": ("记录所属的巡查尚未上传。", "The record's visit is not on the hub."),
    "no_visit": ("记录缺少所属巡查。", "The record names no visit."),
    "wrong_enterprise": ("记录与所属巡查的企业不一致。", "The record's enterprise differs from its visit's."),
    "unknown_finding": ("记录所属的问题尚未上传。", "The finding is not on the hub."),
    "not_your_finding": (
        "只有问题的发现人,或在本人复查巡查中,才能更新该问题。",
        "Only the finding's steward, or a steward re-checking it on their own visit, may add to it.",
    ),
    "unknown_event": ("照片所属的问题进展尚未上传。", "The photo's finding event is not on the hub."),
    "not_your_event": ("只能给本人记录的问题进展添加照片。", "The finding event belongs to another steward."),
    "unknown_photo": ("照片记录尚未上传。", "The photo's record has not been sent by this steward."),
    "unknown_enterprise": ("记录所属的企业尚未上传。", "The record's enterprise is not on the hub."),
    "unknown_record": ("修改记录所指的记录尚未上传。", "The record this audit entry is about is not on the hub."),
    "not_your_record": (
        "只有录入人可以修改或删除这条记录。",
        "Only the steward who entered this record may change or delete it.",
    ),
    "wrong_visit": (
        "修订所指的记录不属于修订记录所属的巡查。",
        "The amended record does not belong to the audit entry's visit.",
    ),
    "hub_record": (
        "这条记录由保险公司服务器导入,只能在服务器上修改。",
        "This record was imported on the hub; it can be changed there only.",
    ),
}
# Records their author revises in place (each revision a higher `revision`; a delete is the last, deleted = 1).
REVISED_ENTITIES = ("enterprise_event",)
# What a revision may not change: the record stays the same fact about the same enterprise.
_FIXED_FIELDS = ("enterprise_id", "kind", "created_at", "created_by")
_LOOKUP_FIELDS = ("credit_code", "code")


def _records_json(rows: list[Row]) -> bytes:
    """The records of a page from PAGE_ROWS's (or OWN_IN_RANGE's) rows, comma-separated: each stored body copied in
    as it is."""
    parts = []
    authors: dict[str | None, bytes] = {}  # a page has a handful of authors: each put into JSON once
    for index, r in enumerate(rows):
        author = authors.get(r[5])
        if author is None:
            author = authors[r[5]] = json.dumps(r[5], ensure_ascii=False).encode()
        parts.append(
            b'%s{"entity":"%s","id":"%s","hash":"%s","author":%s,"body":'
            % (b"," if index else b"", r[1].encode(), r[2].encode(), r[3].encode(), author)
        )
        parts.append(r[4])
        parts.append(b"}")
    return b"".join(parts)


def _page_end(cursor: int, more: bool) -> bytes:
    return b'],"cursor":%d,"more":%s}' % (cursor, b"true" if more else b"false")


_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # RFC 1952: deflate, no name, no time, unknown OS


@dataclass(frozen=True)
class KeptPage:
    """A shared page of the change feed as it is sent, kept so that a page with a reader's own records added can
    be made from it without assembling or compressing the shared records again.

    `sent[:records_end]` is the page up to its last record. Gzip-compressed, the page is one deflate stream whose
    records' part is flushed to a byte boundary (Z_SYNC_FLUSH) before its end (cursor, more) is compressed, so that
    part is the gzip header and a deflate stream any other continuation may follow; `crc` and `size` are the CRC-32
    and the length of the page up to its last record, uncompressed, which a longer page's gzip trailer continues
    from (RFC 1951, 1952)."""

    cursor: int
    more: bool
    gzipped: bool
    sent: bytes
    records_end: int
    crc: int
    size: int
    empty: bool  # no shared records in it

    @classmethod
    def build(cls, records: bytes, cursor: int, more: bool, gzipped: bool) -> KeptPage:
        head, end = b'{"records":[' + records, _page_end(cursor, more)
        if not gzipped:
            return cls(cursor, more, False, head + end, len(head), 0, len(head), not records)
        crc = zlib.crc32(head)
        deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        start = _GZIP_HEADER + deflate.compress(head) + deflate.flush(zlib.Z_SYNC_FLUSH)
        sent = start + deflate.compress(end) + deflate.flush() + _gzip_trailer(zlib.crc32(end, crc), len(head + end))
        return cls(cursor, more, True, sent, len(start), crc, len(head), not records)

    def with_own(self, records: bytes) -> bytes:
        """This page with `records` after its own, ending as it does."""
        tail = (b"" if self.empty else b",") + records + _page_end(self.cursor, self.more)
        if not self.gzipped:
            return self.sent[: self.records_end] + tail
        deflate = zlib.compressobj(1, zlib.DEFLATED, -zlib.MAX_WBITS)  # a new deflate stream may follow a flush
        return (
            self.sent[: self.records_end]
            + deflate.compress(tail)
            + deflate.flush()
            + _gzip_trailer(zlib.crc32(tail, self.crc), self.size + len(tail))
        )


def _gzip_trailer(crc: int, size: int) -> bytes:
    return struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF)


class _Fact(NamedTuple):
    """What judging a push needs of one stored record."""

    content_hash: str
    owner: int
    enterprise_id: Any
    finding_id: Any
    visit_id: Any


# Fields of a pushed body that name another record, and the entity of the record each names.
_NAMED_BY = (("visit_id", "visit"), ("finding_id", "finding"), ("event_id", "finding_event"))
_IN_CHUNK = 500  # ids per `IN (...)`: well within SQLite's limit of parameters per statement


class _PushBatch:
    """One push's reads and writes in a few round trips (a push of 200 visits' records is thousands of records;
    one statement each, under the writer lock, made PostgreSQL's pushes 2.5 times as slow as SQLite's).

    Before judging, everything the push's records can ask of the hub is read at once: the stored records of the ids
    they carry or name (visit, finding, event, enterprise, an audited record), the aliases of the enterprises they
    name, the photos the steward has claimed, the enterprises holding the credit codes they carry. While judging,
    records kept are added to what is known as they are accepted (a finding after its visit in the same push is
    judged as if the visit had been stored alone before it) and their rows wait in `pending`; they are inserted
    together, in the order accepted, so the change sequence numbers them as one by one. The rare writes that read
    what was stored before them (a revision, an amendment) first insert what waits."""

    def __init__(self, conn: Connection, me: int, profile_id: str, records: list[KeptRecord]) -> None:
        self.conn, self.me, self.profile_id = conn, me, profile_id
        self.facts: dict[tuple[str, str], _Fact | None] = {}
        self.aliases: dict[str, str | None] = {}
        self.claimed: set[str] = set()
        self.codes: dict[str, list[str]] = {}  # credit code -> enterprises holding it, in sequence order
        self.pending: list[list[Any]] = []
        self._read_ahead(records)

    def _read_ahead(self, records: list[KeptRecord]) -> None:
        wanted: dict[str, set[str]] = {}
        named_enterprises: set[str] = set()
        photos: set[str] = set()
        codes: set[str] = set()
        for rec in records:
            body = rec["body"]
            wanted.setdefault(rec["entity"], set()).add(rec["id"])
            for field, entity in _NAMED_BY:
                if isinstance(body.get(field), str):
                    wanted.setdefault(entity, set()).add(body[field])
            if isinstance(body.get("enterprise_id"), str):
                named_enterprises.add(body["enterprise_id"])
            if (
                rec["entity"] == "audit"
                and isinstance(body.get("entity"), str)
                and isinstance(body.get("entity_id"), str)
            ):
                wanted.setdefault(body["entity"], set()).add(body["entity_id"])
            if rec["entity"] == "photo_link" and isinstance(body.get("sha256"), str):
                photos.add(body["sha256"])
                wanted.setdefault("photo", set()).add(body["sha256"])
            if rec["entity"] == "enterprise":
                named_enterprises.add(rec["id"])
                codes.add(str(body.get("credit_code")))
        # An enterprise named by a record is asked for under the hub's id too, once its alias is known.
        for chunk in _chunks(sorted(named_enterprises)):
            for alias, into in self.conn.execute(
                f"SELECT alias_id, enterprise_id FROM enterprise_aliases WHERE alias_id IN ({_marks(chunk)})", chunk
            ):
                self.aliases[alias] = into
        self.aliases.update((name, None) for name in named_enterprises if name not in self.aliases)
        wanted.setdefault("enterprise", set()).update(named_enterprises, (a for a in self.aliases.values() if a))
        for entity, ids in sorted(wanted.items()):
            known = sorted(ids)
            self.facts.update(((entity, rid), None) for rid in known)
            for chunk in _chunks(known):
                for row in self.conn.execute(
                    f"SELECT id, content_hash, owner, {body_field('enterprise_id')}, {body_field('finding_id')}, "
                    f"{body_field('visit_id')} FROM records WHERE entity = ? AND id IN ({_marks(chunk)})",
                    [entity, *chunk],
                ):
                    self.facts[(entity, row[0])] = _Fact(row[1], row[2], row[3], row[4], row[5])
        for chunk in _chunks(sorted(photos)):
            self.claimed.update(
                row[0]
                for row in self.conn.execute(
                    f"SELECT sha256 FROM photo_claims WHERE steward_id = ? AND sha256 IN ({_marks(chunk)})",
                    [self.me, *chunk],
                )
            )
        self.codes.update((code, []) for code in codes)
        for chunk in _chunks(sorted(codes)):
            for rid, code in self.conn.execute(codes_sql(len(chunk)), chunk):
                self.codes[str(code)].append(rid)

    def fact(self, entity: str, rid: Any) -> _Fact | None:
        """The stored record (or one accepted earlier in this push), as _Fact; None if there is none."""
        if not isinstance(rid, str):
            return None
        key = (entity, rid)
        if key not in self.facts:  # not read ahead (a record accepted in this push is known): read it now
            row = self.conn.execute(
                f"SELECT content_hash, owner, {body_field('enterprise_id')}, {body_field('finding_id')}, "
                f"{body_field('visit_id')} FROM records WHERE entity = ? AND id = ?",
                [entity, rid],
            ).fetchone()
            self.facts[key] = None if row is None else _Fact(row[0], row[1], row[2], row[3], row[4])
        return self.facts[key]

    def forget(self, entity: str, rid: str) -> None:
        """A record replaced behind the batch's back (an amendment): read again when next asked."""
        self.facts.pop((entity, rid), None)

    def photo_sent_by_me(self, sha256: str) -> bool:
        """Whether this steward sent this photo's record (kept as theirs, or standing in for a colleague's)."""
        photo = self.fact("photo", sha256)
        return (photo is not None and photo.owner == self.me) or sha256 in self.claimed

    def claim_photo(self, sha256: str) -> None:
        self.conn.execute("INSERT INTO photo_claims VALUES (?, ?) ON CONFLICT DO NOTHING", [sha256, self.me])
        self.claimed.add(sha256)

    def alias(self, enterprise_id: str) -> str | None:
        if enterprise_id not in self.aliases:
            row = self.conn.execute(
                "SELECT enterprise_id FROM enterprise_aliases WHERE alias_id = ?", [enterprise_id]
            ).fetchone()
            self.aliases[enterprise_id] = None if row is None else str(row[0])
        return self.aliases[enterprise_id]

    def alias_for_code(self, rid: str, body: dict[str, Any]) -> bool:
        """Whether this enterprise is one the hub holds under another id with the same credit code: then its id is
        kept as an alias of the hub's (with its body as sent) and no second enterprise is stored."""
        if self.fact("enterprise", rid) is not None:
            return False
        if self.alias(rid) is not None:
            return True
        code = str(body.get("credit_code"))
        if code not in self.codes:  # not read ahead (a code of an enterprise accepted in this push is known)
            self.codes[code] = _ids_with_code(self.conn, code)
        holders = self.codes[code]
        if not holders:
            return False
        self.conn.execute(
            "INSERT INTO enterprise_aliases VALUES (?, ?, ?, ?, ?) ON CONFLICT (alias_id) DO NOTHING",
            [rid, holders[0], self.me, json.dumps(body, ensure_ascii=False), _now()],
        )
        self.aliases[rid] = holders[0]
        return True

    def repointed(self, body: dict[str, Any], digest: str) -> tuple[dict[str, Any], str]:
        """A record naming an enterprise by an alias names the hub's id instead (its hash follows its new body)."""
        named = body.get("enterprise_id")
        if not isinstance(named, str):
            return body, digest
        into = self.alias(named)
        if into is None:
            return body, digest
        moved = {**body, "enterprise_id": into}
        return moved, content_hash(moved)

    def insert(self, entity: str, rid: str, digest: str, body: dict[str, Any]) -> None:
        """A record kept: known at once to the records judged after it, inserted at the next flush."""
        self.pending.append(
            [entity, rid, self.me, self.profile_id, digest, json.dumps(body, ensure_ascii=False), _now()]
        )
        self.facts[(entity, rid)] = _Fact(
            digest, self.me, body.get("enterprise_id"), body.get("finding_id"), body.get("visit_id")
        )
        if entity == "enterprise":
            self.codes.setdefault(str(body.get("credit_code")), []).append(rid)

    def flush(self) -> None:
        """Insert the records kept so far, in the order they were accepted (one round trip: psycopg pipelines an
        executemany)."""
        if self.pending:
            rows, self.pending = self.pending, []
            self.conn.executemany(
                "INSERT INTO records (entity, id, owner, profile_id, content_hash, body, received_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), _IN_CHUNK):
        yield ids[start : start + _IN_CHUNK]


def _marks(chunk: list[str]) -> str:
    return ", ".join("?" for _ in chunk)


def _own_visit(batch: _PushBatch, me: int, visit_id: Any) -> tuple[str | None, _Fact | None]:
    if not visit_id:
        return "no_visit", None
    visit = batch.fact("visit", visit_id)
    if visit is None:
        return "unknown_visit", None
    if visit.owner != me:
        return "not_your_visit", None
    return None, visit


def _not_a_later_revision(conn: Connection, entity: str, rid: str, body: dict[str, Any]) -> str | None:
    """Why this record is no later revision of the one stored (a conflict), or None."""
    row = conn.execute("SELECT body FROM records WHERE entity = ? AND id = ?", [entity, rid]).fetchone()
    stored = json.loads(row[0])
    if any(stored.get(name) != body.get(name) for name in _FIXED_FIELDS):
        return "a revision may not change the enterprise, kind or creation of the record"
    if stored.get("deleted"):
        return "the record was deleted"
    if body.get("revision", 1) <= stored.get("revision", 1):
        return "not a later revision than the hub's"
    return None


def _refusal(batch: _PushBatch, me: int, entity: str, rid: str, body: dict[str, Any]) -> str | None:
    """Why steward `me` may not write this record (a code of REFUSALS), or None. Authorship is the token's:
    nothing in the body (a visit's steward, an event's `by`) decides who may write."""
    if entity == "visit":
        visit = batch.fact("visit", rid)
        return "not_your_visit" if visit is not None and visit.owner != me else None
    if entity == "audit" and body.get("entity") in REVISED_ENTITIES:
        # The audit of an edit or delete of a complaint/penalty record: its author's, like the record itself.
        stored = batch.fact(str(body["entity"]), body["entity_id"])
        if stored is None:
            return "unknown_record"
        return None if stored.owner == me else "not_your_record"
    if entity == "audit" and body.get("entity") == "finding":
        # An amendment of a finding: of one on the steward's own visit that the audit entry names, never another's.
        refusal, _visit = _own_visit(batch, me, body.get("visit_id"))
        if refusal is not None:
            return refusal
        target = batch.fact("finding", body["entity_id"])
        if target is None:
            return "unknown_record"
        return None if target.owner == me and target.visit_id == body["visit_id"] else "wrong_visit"
    if entity in ("finding", "signature", "audit", "document"):
        refusal, visit = _own_visit(batch, me, body.get("visit_id"))
        if (
            refusal is None
            and entity == "finding"
            and visit is not None
            and visit.enterprise_id != body["enterprise_id"]
        ):
            return "wrong_enterprise"
        return refusal
    if entity == "finding_event":
        finding = batch.fact("finding", body["finding_id"])
        if finding is None:
            return "unknown_finding"
        if body.get("visit_id"):  # an event made on a visit: that visit must be the pusher's, at the same enterprise
            refusal, visit = _own_visit(batch, me, body["visit_id"])
            if refusal is None and visit is not None and visit.enterprise_id != finding.enterprise_id:
                return "wrong_enterprise"
            return refusal
        return None if finding.owner == me else "not_your_finding"
    if entity == "photo_link":
        if not batch.photo_sent_by_me(body["sha256"]):
            return "unknown_photo"  # whether a colleague has this photo is not said
        visit = None
        if body.get("visit_id"):
            refusal, visit = _own_visit(batch, me, body["visit_id"])
            if refusal:
                return refusal
        event = None
        if body.get("event_id"):
            event = batch.fact("finding_event", body["event_id"])
            if event is None:
                return "unknown_event"
            if event.owner != me:
                return "not_your_event"
        if body.get("finding_id"):
            finding = batch.fact("finding", body["finding_id"])
            if finding is None:
                return "unknown_finding"
            through_visit = visit is not None and visit.enterprise_id == finding.enterprise_id
            through_event = event is not None and event.finding_id == body["finding_id"]
            if finding.owner != me and not (through_visit or through_event):
                return "not_your_finding"
        return None
    if entity == "enterprise_event":
        stored = batch.fact("enterprise_event", rid)
        if stored is not None and stored.owner != me:
            return "hub_record" if stored.owner == 0 else "not_your_record"
        if batch.fact("enterprise", body["enterprise_id"]) is None:
            return "unknown_enterprise"
        return None
    return None  # enterprises, templates and photos: new ones from anyone; never overwritten


# -- amendments -------------------------------------------------------------------------------------------------
# What an amendment of a finished visit may change on the hub's copy (the laptop's audit detail names the fields).
AMENDABLE_FINDING_FIELDS = ("location", "description", "basis", "severity", "requirement", "deadline")
AMENDABLE_ANSWER_FIELDS = ("result", "note")
_BODY_FIELDS = ("entity_id", "at", "visit_id", "enterprise_id", "finding_id", "sha256", "image_sha256", "credit_code")


def body_field(name: str, of: str = "") -> str:
    """SQL for one top-level field of a record's JSON body, as text (`of`: the alias of `records` in a join). The
    one place that says how the store reads JSON (SQLite's json_extract, which steward.hub.engine turns into
    PostgreSQL's ->>); `name` and `of` are our own constants."""
    if name not in _BODY_FIELDS or (of and not (of.isascii() and of.isalpha() and len(of) <= 2)):
        raise ValueError(f"not a body field the store reads: {of}.{name}")
    return f"json_extract({of + '.' if of else ''}body, '$.{name}')"


# Look-ups by a field of the records' bodies, each served by that field's index (hub migration m005,
# schema.BODY_FIELD_INDEXES): written with body_field, the very expression indexed. The unary + (SQLite's hint, see
# PAGE_ROWS) keeps SQLite from reading every audit record or enterprise through the index on (entity, id) instead.
_RECORD_ROW = "SELECT seq, entity, id, owner, profile_id, content_hash, body FROM records"
# An amendment applied to the same record later than this one (which then changes nothing).
LATER_AMENDMENT = (
    f"SELECT 1 FROM records r WHERE {body_field('entity_id', 'r')} = ? AND +r.entity = 'audit' "
    f"AND {body_field('at', 'r')} > ? LIMIT 1"
)
# The records naming an enterprise (re-pointed when it merges into another).
NAMING_ENTERPRISE = f"{_RECORD_ROW} WHERE {body_field('enterprise_id')} = ? ORDER BY seq"
# The enterprises with a credit code, oldest first.
IDS_WITH_CODE = (
    f"SELECT r.id FROM records r WHERE {body_field('credit_code', 'r')} = ? AND +r.entity = 'enterprise' ORDER BY r.seq"
)


def codes_sql(count: int) -> str:
    """The enterprises with one of `count` credit codes (id, code), oldest first."""
    marks = ", ".join("?" for _ in range(count))
    return (
        f"SELECT r.id, {body_field('credit_code', 'r')} FROM records r WHERE {body_field('credit_code', 'r')} "
        f"IN ({marks}) AND +r.entity = 'enterprise' ORDER BY r.seq"
    )


def naming_sql(count: int) -> str:
    """The records naming one of `count` ids as their visit, finding or audited record (moved with an amended
    record)."""
    marks = ", ".join("?" for _ in range(count))
    return (
        f"{_RECORD_ROW} WHERE {body_field('visit_id')} IN ({marks}) OR {body_field('finding_id')} IN ({marks}) "
        f"OR {body_field('entity_id')} IN ({marks})"
    )


def findings_again_sql(count: int) -> str:
    """`count` findings the re-check index let go, with their events and photo links (read again when an event
    names one: it may reopen it)."""
    marks = ", ".join("?" for _ in range(count))
    return (
        f"SELECT seq, entity, id, owner, body FROM records WHERE (entity = 'finding' AND id IN ({marks})) "
        f"OR (entity IN ('finding_event', 'photo_link') AND {body_field('finding_id')} IN ({marks}))"
    )


def _may_amend(audit: dict[str, Any]) -> bool:
    """Whether an audit entry is an amendment _apply_amendment may apply (most entries are not: they are read first
    without a round trip)."""
    detail = audit.get("detail")
    return (
        audit.get("action") == "amend"
        and audit.get("entity") in ("finding", "answer")
        and bool(audit.get("visit_id"))
        and isinstance(detail, dict)
        and isinstance(detail.get("after"), dict)
    )


def _amended(audit: dict[str, Any]) -> tuple[str, str]:
    """The record an amendment replaces: the finding, or the visit holding the answer."""
    if audit.get("entity") == "finding":
        return "finding", str(audit["entity_id"])
    return "visit", str(audit["visit_id"])


def _apply_amendment(conn: Connection, audit: dict[str, Any]) -> bool:
    """Apply an accepted audit entry of an amendment to the hub's copy of the visit or finding it changed: the
    record is replaced by its amended body at the end of the change sequence (so laptops pull it), and the audit
    entry stays as the revision (who from the token, when, why, before and after). An entry older than one already
    applied to the same record changes nothing (amendments arrive in any order; the latest stands).
    Returns whether the copy changed."""
    from steward.hub.models import InvalidRecord, clean_record

    kind, target_id, visit_id = audit.get("entity"), audit["entity_id"], audit.get("visit_id")
    detail = audit.get("detail") or {}
    after = detail.get("after")
    if not isinstance(after, dict) or not visit_id:
        return False
    later = conn.execute(LATER_AMENDMENT, [target_id, audit["at"]]).fetchone()
    if later is not None:
        return False
    if kind == "finding" and audit.get("action") == "amend":
        entity, rid = "finding", target_id
        stored = _stored(conn, entity, rid)
        if stored is None or stored[1].get("visit_id") != visit_id:
            return False
        body = {**stored[1], **{k: after[k] for k in AMENDABLE_FINDING_FIELDS if k in after}}
    elif kind == "answer" and audit.get("action") == "amend":
        entity, rid = "visit", visit_id
        stored = _stored(conn, entity, rid)
        if stored is None:
            return False
        answers = [dict(a) for a in stored[1].get("answers", [])]
        change = {k: after[k] for k in AMENDABLE_ANSWER_FIELDS if k in after}
        mine = next((a for a in answers if a.get("id") == target_id), None)
        if mine is not None:
            if all(mine.get(k) == v for k, v in change.items()):
                return False  # the visit travelled amended already
            mine.update(change, updated_at=audit["at"])
        elif detail.get("item_id") in {i.get("item_id") for i in stored[1].get("items", [])}:
            answers.append(
                {
                    "id": target_id,
                    "visit_id": visit_id,
                    "item_id": detail["item_id"],
                    **change,
                    "updated_at": audit["at"],
                }
            )
            answers.sort(key=lambda a: str(a.get("item_id")))
        else:
            return False  # an answer this visit does not have
        body = {**stored[1], "answers": answers}
    else:
        return False  # a finding added after finishing travels as its own record; a photo's markup stays on the laptop
    try:
        kept = clean_record(entity, rid, content_hash(body), body)
    except InvalidRecord:
        return False  # the amended copy would not be a valid record: the revision is kept, the copy stays
    if kept["hash"] == stored[0]:
        return False
    # The amended record moves to the end of the change sequence with every record naming it (and those naming
    # these): a laptop that lacks the finding or visit applies a page in order, and would skip for good an event, a
    # photo link or a finding that came before it.
    moving = conn.execute(
        "SELECT seq, entity, id, owner, profile_id, content_hash, body FROM records WHERE entity = ? AND id = ?",
        [entity, rid],
    ).fetchall()
    for _seq, moved_entity, moved_id, owner, profile, digest, text in _with_dependents(conn, moving):
        conn.execute("DELETE FROM records WHERE entity = ? AND id = ?", [moved_entity, moved_id])
        if (moved_entity, moved_id) == (entity, rid):
            HubStore._insert_record(conn, entity, rid, owner, profile, kept["hash"], kept["body"])
        else:  # as stored, byte for byte
            conn.execute(
                "INSERT INTO records (entity, id, owner, profile_id, content_hash, body, received_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [moved_entity, moved_id, owner, profile, digest, text, _now()],
            )
    return True


def _stored(conn: Connection, entity: str, rid: str) -> tuple[str, dict[str, Any]] | None:
    row = conn.execute("SELECT content_hash, body FROM records WHERE entity = ? AND id = ?", [entity, rid]).fetchone()
    return (row[0], json.loads(row[1])) if row else None


# -- one enterprise per credit code ------------------------------------------------------------------------------
def _ids_with_code(conn: Connection, credit_code: str) -> list[str]:
    return [r[0] for r in conn.execute(IDS_WITH_CODE, [credit_code])]


def _merge_enterprise(conn: Connection, old_id: str, into: str) -> None:
    """The hub's own record `into` lists an enterprise a laptop pushed as `old_id`: `old_id` becomes its alias (its
    body kept), and every record naming it is re-pointed and moved to the end of the change sequence, so laptops
    pull it again (and merge their copy)."""
    row = conn.execute("SELECT owner, body FROM records WHERE entity = 'enterprise' AND id = ?", [old_id]).fetchone()
    if row is None:
        return
    conn.execute(
        "INSERT INTO enterprise_aliases VALUES (?, ?, ?, ?, ?) ON CONFLICT (alias_id) DO NOTHING",
        [old_id, into, row[0], row[1], _now()],
    )
    conn.execute("UPDATE enterprise_aliases SET enterprise_id = ? WHERE enterprise_id = ?", [into, old_id])
    conn.execute("DELETE FROM records WHERE entity = 'enterprise' AND id = ?", [old_id])
    naming = conn.execute(NAMING_ENTERPRISE, [old_id]).fetchall()
    for _seq, entity, rid, owner, profile, digest, text in _with_dependents(conn, naming):
        body = json.loads(text)
        if body.get("enterprise_id") == old_id:
            body = {**body, "enterprise_id": into}
            digest = content_hash(body)
        conn.execute("DELETE FROM records WHERE entity = ? AND id = ?", [entity, rid])
        HubStore._insert_record(conn, entity, rid, owner, profile, digest, body)


def _with_dependents(conn: Connection, moving: list[Any]) -> list[Any]:
    """The records about to move to the end of the change sequence, with every record that names one of them as
    its visit, finding or audited record (and those naming these, and so on), in their sequence order. They move
    together: a laptop applies a page in order, and a finding event that came before its moved finding would be
    skipped by a laptop that does not hold the finding yet."""
    found = {row[0]: row for row in moving}
    named = {row[2] for row in moving}
    while named:
        ids, rows = sorted(named), []
        for start in range(0, len(ids), 300):  # well within SQLite's limit of parameters per statement
            part = ids[start : start + 300]
            rows += conn.execute(naming_sql(len(part)), [*part, *part, *part]).fetchall()
        named = {row[2] for row in rows if row[0] not in found}
        found.update((row[0], row) for row in rows)
    return [found[seq] for seq in sorted(found)]


@dataclass(frozen=True)
class EnterpriseCopy:
    """One enterprise record of a credit code that several hold: who sent it and how many records name it."""

    id: str
    name: str
    sender: str  # the steward who pushed it; "" for the hub's own list (steward hub import-enterprises)
    naming: int  # records (visits, findings, events, ...) that name it
    created_at: str


@dataclass(frozen=True)
class DuplicateGroup:
    """Enterprises stored twice or more under one credit code (made before pushes merged by credit code): which
    stays (`kept`), which are merged into it, and why that one."""

    credit_code: str
    kept: EnterpriseCopy
    merged: tuple[EnterpriseCopy, ...]
    reason_zh: str
    reason_en: str


def _winner(copies: list[EnterpriseCopy]) -> tuple[EnterpriseCopy, str, str]:
    """The copy that stays, as pushes decide it (the hub's own list wins), else the one most records already name
    (the fewest records move, the most laptops keep their id), else the one entered first."""
    own = [c for c in copies if not c.sender]
    if own:
        return own[0], "保险公司服务器的企业名单中的企业", "the hub's own enterprise list has it"
    ranked = sorted(copies, key=lambda c: (-c.naming, c.created_at, c.id))
    first, second = ranked[0], ranked[1]
    if first.naming > second.naming:
        return first, f"引用它的记录最多({first.naming} 条)", f"most records name it ({first.naming})"
    return first, f"录入最早({first.created_at[:10]})", f"entered first ({first.created_at[:10]})"


def duplicate_enterprises(store: HubStore) -> list[DuplicateGroup]:
    """Every credit code held by more than one enterprise record, with the copy that is to stay."""
    with store.connect() as conn:
        codes = [
            r[0]
            for r in conn.execute(
                f"SELECT {body_field('credit_code')} AS code FROM records WHERE entity = 'enterprise' "
                f"AND coalesce({body_field('credit_code')}, '') <> '' GROUP BY code HAVING count(*) > 1 ORDER BY code"
            )
        ]
        groups = []
        for code in codes:
            copies = []
            for rid, owner, text, sender in conn.execute(
                "SELECT r.id, r.owner, r.body, s.name FROM records r LEFT JOIN stewards s ON s.id = r.owner "
                f"WHERE r.entity = 'enterprise' AND {body_field('credit_code', 'r')} = ? ORDER BY r.seq",
                [code],
            ).fetchall():
                body = json.loads(text)
                naming = conn.execute(
                    f"SELECT count(*) FROM records WHERE {body_field('enterprise_id')} = ?", [rid]
                ).fetchone()[0]
                copies.append(
                    EnterpriseCopy(
                        rid,
                        str(body.get("name") or ""),
                        "" if not owner else str(sender or f"#{owner}"),
                        int(naming),
                        str(body.get("created_at") or ""),
                    )
                )
            kept, zh, en = _winner(copies)
            groups.append(DuplicateGroup(code, kept, tuple(c for c in copies if c.id != kept.id), zh, en))
    return groups


def merge_duplicate_enterprises(store: HubStore, dry_run: bool = False) -> list[DuplicateGroup]:
    """Merge every credit code's copies into the one that stays, as a push would have (each merged id an alias
    keeping its body, the records naming it re-pointed), in one transaction. The kept record and the re-pointed
    ones go to the end of the change sequence: every laptop pulls them at its next sync and merges its own copy
    (the laptop's merge keeps its values the hub's lack). `dry_run`: only say what would be done."""
    groups = duplicate_enterprises(store)
    if dry_run or not groups:
        return groups
    with store._disk_guard(), store.transaction() as conn:
        for group in groups:
            for copy in group.merged:
                _merge_enterprise(conn, copy.id, group.kept.id)
            row = conn.execute(
                "SELECT owner, profile_id, content_hash, body FROM records WHERE entity = 'enterprise' AND id = ?",
                [group.kept.id],
            ).fetchone()
            conn.execute("DELETE FROM records WHERE entity = 'enterprise' AND id = ?", [group.kept.id])
            HubStore._insert_record(conn, "enterprise", group.kept.id, row[0], row[1], row[2], json.loads(row[3]))
    return groups


def aliases_of(store: HubStore, enterprise_id: str) -> list[dict[str, Any]]:
    """The bodies laptops pushed for an enterprise under their own ids before merging into the hub's."""
    with store.connect() as conn:
        return [
            json.loads(r[0])
            for r in conn.execute(
                "SELECT body FROM enterprise_aliases WHERE enterprise_id = ? ORDER BY merged_at", [enterprise_id]
            )
        ]


def merged_into(store: HubStore, enterprise_id: str) -> list[MergedEnterprise]:
    """The enterprises merged into this one (same credit code, another id): for each, its id, the name it was
    sent with, who sent it ("" for the hub's own list) and when it was merged; oldest first."""
    with store.connect() as conn:
        rows = conn.execute(
            "SELECT a.alias_id, a.body, a.merged_at, s.name FROM enterprise_aliases a "
            "LEFT JOIN stewards s ON s.id = a.owner WHERE a.enterprise_id = ? ORDER BY a.merged_at, a.alias_id",
            [enterprise_id],
        ).fetchall()
    merged: list[MergedEnterprise] = []
    for alias_id, text, merged_at, sender in rows:
        try:
            body = json.loads(text)
        except ValueError:
            body = {}
        name = body.get("name") if isinstance(body, dict) else None
        merged.append(
            {"id": alias_id, "name": name if isinstance(name, str) else "", "sender": sender or "", "at": merged_at}
        )
    return merged


# -- notice numbers ----------------------------------------------------------------------------------------------
def _give_number_prefix(conn: Connection, profile_id: str, steward: StewardRef) -> str:
    """The steward's initials ("LM"), or the initials and the next free number ("LM2") when another profile has
    them: letters first, so a code never reads like a year or a count. Unique by the table's constraint."""
    from steward.domain.pinyin import initials

    base = initials(str(steward["name"]))[:6] or f"S{int(steward['id'])}"
    for n in range(1, 10_000):
        candidate = base if n == 1 else f"{base}{n}"
        conn.execute(
            "INSERT INTO number_prefixes VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [profile_id, candidate, _now()]
        )
        row = conn.execute("SELECT prefix FROM number_prefixes WHERE profile_id = ?", [profile_id]).fetchone()
        if row is not None:
            return str(row[0])
    raise Conflict("no_prefix", "无法分配通知书编号前缀。", "No notice-number prefix is left to give.")


# -- colleagues' photos for re-check -----------------------------------------------------------------------------
# Part of every re-check list's tag: changed whenever what decides a list (steward.hub.recheck) changes, so that a
# laptop holding a tag from an older hub reads its list again.
RECHECK_RULES = "recheck-1"


def recheck_tag(reader: int, moment: tuple[int, int, int]) -> str:
    """The tag of a reader's re-check list at a moment of the hub (HubStore._moment): the same for as long as
    nothing the list is made of can have changed."""
    text = f"{RECHECK_RULES}:{reader}:{moment[0]}:{moment[1]}:{moment[2]}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def index_moment_lost(indexed: tuple[int, int, int] | None, now: tuple[int, int, int]) -> bool:
    """Whether records may have been removed since the index last looked (an enterprise merge adds an alias)."""
    return indexed is None or indexed[2] != now[2] or now[0] < indexed[0]


def recheck_photos(store: HubStore, reader: int) -> list[RecheckItem]:
    """Photos of findings still open at the enterprises `reader` has visited, linked by colleagues: what a re-check
    there compares with. Each: sha256, finding_id, visit_id, caption, created_at and the photo's record. Only photos
    whose original the hub holds (their report rendition is made from it); never the reader's own."""
    photos: list[RecheckItem] = json.loads(store.recheck_answer(reader)[1])["photos"]  # plain: not asked
    return photos
