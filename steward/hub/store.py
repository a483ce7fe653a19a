"""Everything Steward Hub keeps, behind one class: stewards and their tokens, profile bindings, the records
laptops pushed (with one change sequence), and blobs on disk by SHA-256. SQLite (one file, WAL) by default;
this is the module a PostgreSQL deployment would replace."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from steward.sync.wire import OWNED_BY_VISIT, content_hash

SCHEMA = """
CREATE TABLE IF NOT EXISTS stewards (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, token_sha256 TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bindings (
    profile_id TEXT PRIMARY KEY, steward_id INTEGER NOT NULL REFERENCES stewards(id), bound_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, entity TEXT NOT NULL, id TEXT NOT NULL, owner INTEGER NOT NULL,
    profile_id TEXT NOT NULL, content_hash TEXT NOT NULL, body TEXT NOT NULL, received_at TEXT NOT NULL,
    UNIQUE (entity, id));
CREATE TABLE IF NOT EXISTS blobs (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, received_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS viewers (name TEXT PRIMARY KEY, salt TEXT NOT NULL, password_hash TEXT NOT NULL);
"""


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


class DiskFull(HubError):
    status = 507


class NotFound(HubError):
    status = 404


class UpgradeRequired(HubError):
    status = 426


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _disk_full(exc: OSError) -> None:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        raise DiskFull("hub_disk_full", "服务器磁盘已满,请联系管理员;数据仍在您的电脑上。",
                       "The hub's disk is full; tell its administrator. Your data is still on your laptop.") from exc  # fmt: skip


class HubStore:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.blob_dir = data_dir / "blobs"
        self.upload_dir = data_dir / "uploads"
        for folder in (self.blob_dir, self.upload_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / "hub.db"
        with self.connect() as conn:
            conn.executescript(SCHEMA)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.row_factory = sqlite3.Row
            yield conn
        finally:
            conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- insurer staff who read the web page ------------------------------------------------------------------
    def put_viewer(self, name: str, salt_hex: str, password_hash: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO viewers VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET salt = excluded.salt, "
                "password_hash = excluded.password_hash",
                [name, salt_hex, password_hash],
            )

    def viewer_secret(self, name: str) -> tuple[str, str] | None:
        """(salt as hex, password hash) of a viewer, or None."""
        with self.connect() as conn:
            row = conn.execute("SELECT salt, password_hash FROM viewers WHERE name = ?", [name]).fetchone()
        return (row[0], row[1]) if row else None

    # -- stewards and profiles ------------------------------------------------------------------------------
    def add_steward(self, name: str) -> str:
        token = secrets.token_urlsafe(32)
        try:
            with self.transaction() as conn:
                conn.execute("INSERT INTO stewards (name, token_sha256, created_at) VALUES (?, ?, ?)",
                             [name, _token_hash(token), _now()])  # fmt: skip
        except sqlite3.IntegrityError:
            raise Conflict(
                "steward_exists", f"已有名为“{name}”的环保管家。", f"A steward named '{name}' exists."
            ) from None
        return token

    def steward_for(self, token: str) -> dict[str, Any]:
        with self.connect() as conn:
            row = conn.execute("SELECT id, name FROM stewards WHERE token_sha256 = ?", [_token_hash(token)]).fetchone()
        if row is None:
            raise Unauthorized(
                "bad_token", "令牌无效,请核对设置中的同步令牌。", "The token is not valid; check it in settings."
            )
        return dict(row)

    def bind(self, profile_id: str, steward: dict[str, Any]) -> None:
        """A laptop profile belongs to the steward whose token first synced it."""
        with self.transaction() as conn:
            row = conn.execute("SELECT steward_id FROM bindings WHERE profile_id = ?", [profile_id]).fetchone()
            if row is None:
                conn.execute("INSERT INTO bindings VALUES (?, ?, ?)", [profile_id, steward["id"], _now()])
            elif row[0] != steward["id"]:
                raise Forbidden("profile_bound", "此电脑上的档案属于另一位环保管家;如需转交,请管理员在服务器上重新绑定。",
                                "This profile belongs to another steward; an administrator must re-bind it on the hub.")  # fmt: skip

    def rebind(self, profile_id: str, steward_name: str) -> None:
        with self.transaction() as conn:
            row = conn.execute("SELECT id FROM stewards WHERE name = ?", [steward_name]).fetchone()
            if row is None:
                raise HubError("no_steward", f"没有名为“{steward_name}”的环保管家。", f"No steward '{steward_name}'.")
            conn.execute("INSERT INTO bindings VALUES (?, ?, ?) ON CONFLICT(profile_id) DO UPDATE SET "
                         "steward_id = excluded.steward_id, bound_at = excluded.bound_at", [profile_id, row[0], _now()])  # fmt: skip

    # -- records ----------------------------------------------------------------------------------------------
    def push(self, steward: dict[str, Any], profile_id: str, records: list[dict[str, Any]]) -> dict[str, list[Any]]:
        """All or nothing: a record the steward may not write fails the whole push (403) before anything is kept.
        The same id with the same content is a duplicate (no change); with other content, a conflict."""
        accepted, duplicates, conflicts = [], [], []
        with self.transaction() as conn:
            batch_visits = {r["id"] for r in records if r["entity"] == "visit"}
            for rec in records:
                entity, rid, body = rec["entity"], rec["id"], rec["body"]
                digest = content_hash(body)
                if digest != rec.get("hash", digest):
                    raise Unprocessable("bad_hash", "记录内容与其哈希不符。", f"Record {entity}/{rid}: hash mismatch.")
                if entity in OWNED_BY_VISIT:
                    visit_id = rid if entity == "visit" else body.get("visit_id")
                    self._check_owner(conn, steward, entity, rid, visit_id, batch_visits)
                existing = conn.execute("SELECT content_hash FROM records WHERE entity = ? AND id = ?",
                                        [entity, rid]).fetchone()  # fmt: skip
                if existing is None:
                    conn.execute(
                        "INSERT INTO records (entity, id, owner, profile_id, content_hash, body, received_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [entity, rid, steward["id"], profile_id, digest, json.dumps(body, ensure_ascii=False), _now()],
                    )
                    accepted.append({"entity": entity, "id": rid})
                elif existing[0] == digest:
                    duplicates.append({"entity": entity, "id": rid})
                else:
                    conflicts.append({"entity": entity, "id": rid, "reason": "different content for the same id"})
        return {"accepted": accepted, "duplicates": duplicates, "conflicts": conflicts}

    def _check_owner(self, conn: sqlite3.Connection, steward: dict[str, Any], entity: str, rid: str,
                     visit_id: Any, batch_visits: set[str]) -> None:  # fmt: skip
        if not isinstance(visit_id, str):
            raise Unprocessable("no_visit", "记录缺少所属巡查。", f"Record {entity}/{rid} names no visit.")
        row = conn.execute("SELECT owner FROM records WHERE entity = 'visit' AND id = ?", [visit_id]).fetchone()
        if row is not None and row[0] != steward["id"]:
            raise Forbidden(
                "not_your_visit", "只能上传本人的巡查记录。", f"Visit {visit_id} belongs to another steward."
            )
        if row is None and visit_id not in batch_visits and entity != "visit":
            raise Unprocessable("unknown_visit", "记录所属的巡查尚未上传。", f"Visit {visit_id} is not on the hub.")

    def reference_id(self, entity: str, field: str, value: str) -> str | None:
        """The id of the record of this entity whose body has field == value (e.g. an enterprise's credit code)."""
        with self.connect() as conn:
            row = conn.execute(f"SELECT id FROM records WHERE entity = ? AND json_extract(body, '$.{field}') = ?",
                               [entity, value]).fetchone()  # fmt: skip
        return row[0] if row else None

    def bodies(self, entity: str) -> list[dict[str, Any]]:
        with self.connect() as conn:
            return [json.loads(r[0]) for r in conn.execute("SELECT body FROM records WHERE entity = ? ORDER BY seq",
                                                           [entity])]  # fmt: skip

    def record_body(self, entity: str, rid: str) -> dict[str, Any] | None:
        with self.connect() as conn:
            row = conn.execute("SELECT body FROM records WHERE entity = ? AND id = ?", [entity, rid]).fetchone()
        return json.loads(row[0]) if row else None

    def put_reference(self, entity: str, rid: str, body: dict[str, Any]) -> bool:
        """Reference data owned by the hub (enterprises, checklists): replaced by a newer import, and moved to the
        end of the change sequence so every laptop pulls the new version. Returns whether anything changed."""
        digest = content_hash(body)
        with self.transaction() as conn:
            row = conn.execute("SELECT content_hash FROM records WHERE entity = ? AND id = ?", [entity, rid]).fetchone()
            if row and row[0] == digest:
                return False
            conn.execute("DELETE FROM records WHERE entity = ? AND id = ?", [entity, rid])
            conn.execute(
                "INSERT INTO records (entity, id, owner, profile_id, content_hash, body, received_at) "
                "VALUES (?, ?, 0, 'hub', ?, ?, ?)",
                [entity, rid, digest, json.dumps(body, ensure_ascii=False), _now()],
            )
        return True

    def changes(self, since: int, limit: int) -> dict[str, Any]:
        with self.connect() as conn:
            rows = conn.execute("SELECT seq, entity, id, content_hash, body FROM records WHERE seq > ? ORDER BY seq "
                                "LIMIT ?", [since, limit + 1]).fetchall()  # fmt: skip
        more = len(rows) > limit
        rows = rows[:limit]
        return {
            "records": [
                {"entity": r["entity"], "id": r["id"], "hash": r["content_hash"], "body": json.loads(r["body"])}
                for r in rows
            ],
            "cursor": rows[-1]["seq"] if rows else since,
            "more": more,
        }

    # -- blobs ------------------------------------------------------------------------------------------------
    def blob_path(self, sha256: str) -> Path:
        return self.blob_dir / sha256[:2] / sha256

    def missing(self, hashes: list[str]) -> list[str]:
        with self.connect() as conn:
            present = {r[0] for r in conn.execute(
                f"SELECT sha256 FROM blobs WHERE sha256 IN ({', '.join('?' for _ in hashes)})", hashes)} if hashes else set()  # fmt: skip
        return [h for h in hashes if h not in present]

    def partial_offsets(self, hashes: list[str]) -> dict[str, int]:
        """How much of each unfinished upload is on disk (only those started)."""
        out = {}
        for sha in hashes:
            partial = self._partial(sha)
            if partial.exists():
                out[sha] = partial.stat().st_size
        return out

    def _partial(self, sha256: str) -> Path:
        return self.upload_dir / f"{sha256}.part"

    def offset(self, sha256: str) -> int:
        if self.missing([sha256]) == []:
            return -1  # complete
        partial = self._partial(sha256)
        return partial.stat().st_size if partial.exists() else 0

    def append(self, sha256: str, offset: int, total: int, chunk: bytes, chunk_sha256: str | None) -> dict[str, Any]:
        """Append one chunk at the offset the hub acknowledged; the last one is verified against the hash."""
        if chunk_sha256 is not None and hashlib.sha256(chunk).hexdigest() != chunk_sha256:
            raise Unprocessable(
                "chunk_hash", "数据块校验失败,请重新发送。", "The chunk's hash does not match; send it again."
            )
        current = self.offset(sha256)
        if current == -1:
            return {"offset": total, "complete": True}
        if offset != current:
            raise Conflict("offset", "上传位置不一致。", f"Expected offset {current}, got {offset}.")
        if offset + len(chunk) > total:
            raise Unprocessable("too_long", "数据超出声明的大小。", "More bytes than the declared total.")
        partial = self._partial(sha256)
        try:
            with open(partial, "ab") as fh:
                fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            _disk_full(exc)
            raise
        received = offset + len(chunk)
        if received < total:
            return {"offset": received, "complete": False}
        digest = hashlib.sha256()
        with open(partial, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != sha256:
            partial.unlink()
            raise Unprocessable(
                "blob_hash", "文件校验失败,将重新上传。", "The file's hash does not match; it will be sent again."
            )
        target = self.blob_path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(partial, target)
        with self.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO blobs VALUES (?, ?, ?)", [sha256, total, _now()])
        return {"offset": total, "complete": True}

    def put_blob(self, sha256: str, data: bytes) -> None:
        """A whole blob (from an offline bundle), checked by its caller; kept once."""
        if not self.missing([sha256]):
            return
        target = self.blob_path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = self._partial(sha256)
        try:
            partial.write_bytes(data)
            with open(partial, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(partial, target)
        except OSError as exc:
            _disk_full(exc)
            raise
        with self.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO blobs VALUES (?, ?, ?)", [sha256, len(data), _now()])

    def import_bundle(self, path: Path) -> dict[str, int]:
        """An offline bundle, verified whole before anything is kept; importing it twice changes nothing."""
        from steward.sync.bundle import key_id, open_bundle

        with self.connect() as conn:
            stewards = [dict(r) for r in conn.execute("SELECT id, name, token_sha256 FROM stewards")]
        by_key = {key_id(s["token_sha256"]): s for s in stewards}

        def key_for(kid: str) -> str | None:
            return by_key[kid]["token_sha256"] if kid in by_key else None

        bundle = open_bundle(path, key_for)
        steward = by_key[bundle.manifest["key_id"]]
        blobs = {sha: bundle.blob(sha) for sha in bundle.manifest["blobs"] if self.missing([sha])}
        self.bind(bundle.manifest["profile_id"], steward)
        result = self.push(steward, bundle.manifest["profile_id"], bundle.records)
        for sha, data in blobs.items():
            self.put_blob(sha, data)
        return {"accepted": len(result["accepted"]), "duplicates": len(result["duplicates"]),
                "conflicts": len(result["conflicts"]), "blobs": len(blobs)}  # fmt: skip

    def stats(self) -> dict[str, int]:
        with self.connect() as conn:
            return {"records": conn.execute("SELECT count(*) FROM records").fetchone()[0],
                    "blobs": conn.execute("SELECT count(*) FROM blobs").fetchone()[0]}  # fmt: skip
