"""Offline bundles: the same payload as a sync, on a USB stick. A zip holding manifest.json, records.jsonl and
blobs/<sha256>; the manifest lists every file's SHA-256 and is sealed with an HMAC whose key is the SHA-256 of the
steward's token (which the hub stores), so the hub knows who made it and that nothing was changed. Once the
profile's Ed25519 public key is registered on the hub (at a sync), the manifest is also signed with the private
key, which only this laptop holds: the hub then refuses that profile's bundles without the signature, so a copy of
hub.db (which would give the HMAC key) cannot forge them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, NotRequired, TypedDict, cast

from steward.domain.errors import StewardError
from steward.storage import sync_records
from steward.storage.blob_files import atomic_write
from steward.storage.profile import Profile
from steward.sync import engine
from steward.sync.wire import PROTOCOL_VERSION, DocumentBody, SignatureBody, canonical

FORMAT = "steward-bundle/1"
_BLOB_NAME = re.compile(r"^blobs/[0-9a-f]{64}$")
MAX_MEMBER_BYTES = 300 * 1024 * 1024
MAX_RECORDS_BYTES = 512 * 1024 * 1024


class BundleRejected(StewardError):
    pass


class ManifestRecords(TypedDict):
    name: str  # records.jsonl
    sha256: str
    count: int


class ManifestSignature(TypedDict):
    alg: str  # ed25519
    value: str  # base64 of the 64-byte signature over `signed_part`


class Manifest(TypedDict):
    """manifest.json: what the bundle holds, who made it, sealed (and signed once the profile's key is registered)."""

    format: str
    protocol: int
    profile_id: str
    key_id: str
    created_at: str
    records: ManifestRecords
    blobs: list[str]
    signature: NotRequired[ManifestSignature]
    seal: NotRequired[str]


class Exported(TypedDict):
    records: int
    blobs: int
    bytes: int
    signed: bool


KeyFor = Callable[[str], str | None]  # a key id -> the token hash that seals that steward's bundles
PublicKeyFor = Callable[[str], bytes | None]  # a profile id -> the Ed25519 public key it registered


def token_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def key_id(key: str) -> str:
    """Names the sealing key without revealing it: lets the hub find whose bundle this is."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def seal(manifest: Mapping[str, object], key: str) -> str:
    body = {k: v for k, v in manifest.items() if k != "seal"}
    return hmac.new(key.encode(), canonical(body), hashlib.sha256).hexdigest()


def export(profile: Profile, token: str, target: Path) -> Exported:
    """Everything the hub has not acknowledged, in one zip (written whole or not at all). Documents travel as the
    app made them when each visit was finished; nothing is rendered here."""
    takes = engine.hub_takes(profile)  # an older hub refuses a whole bundle with a kind of record it does not know
    records = [r for r in engine.outbox(profile) if r["entity"] in takes]
    blobs = list(engine.blob_outbox(profile))
    shas = {r["id"] for r in records if r["entity"] == "photo"}
    for row in sync_records.photo_files(profile.db, shas):
        path = profile.photos.original_path(row["sha256"], row["original_ext"])
        blobs.append(engine.Blob(row["sha256"], path, row["bytes"]))
    for signature in (cast(SignatureBody, r["body"]) for r in records if r["entity"] == "signature"):
        if sha := signature["image_sha256"]:
            blobs.append(engine.Blob(sha, profile.photos.blob_path(sha, "png"), 0))
    for document in (cast(DocumentBody, r["body"]) for r in records if r["entity"] == "document"):
        sha = document["sha256"]
        blobs.append(engine.Blob(sha, profile.photos.blob_path(sha, "pdf"), document["bytes"]))
    unique = {b.sha256: b for b in blobs if b.path.exists()}
    lines = b"".join(canonical(r) + b"\n" for r in records)
    manifest: Manifest = {
        "format": FORMAT,
        "protocol": PROTOCOL_VERSION,
        "profile_id": engine.profile_id(profile),
        "key_id": key_id(token_key(token)),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "records": {"name": "records.jsonl", "sha256": hashlib.sha256(lines).hexdigest(), "count": len(records)},
        "blobs": sorted(unique),
    }
    signer = engine.signing_key_if_registered(profile)
    if signer is not None:
        value = signer.sign(signed_part(manifest))
        manifest["signature"] = {"alg": "ed25519", "value": base64.b64encode(value).decode()}
    manifest["seal"] = seal(manifest, token_key(token))
    partial = target.with_name(target.name + ".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as zf:
            zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
            zf.writestr("records.jsonl", lines)
            for sha, blob in sorted(unique.items()):
                zf.write(blob.path, f"blobs/{sha}")
        atomic_write(target, partial.read_bytes())
    except OSError as exc:
        raise StewardError(
            f"无法写入离线包 {target}:{exc.strerror}", f"Cannot write the bundle {target}: {exc}"
        ) from None
    finally:
        partial.unlink(missing_ok=True)
    return {
        "records": len(records),
        "blobs": len(unique),
        "bytes": target.stat().st_size,
        "signed": signer is not None,
    }


@dataclass
class OpenedBundle:
    """A bundle whose manifest and seal are verified; records and files are read as streams. Close it (or use it
    in a `with` block): an open zip stays locked on a Windows USB stick."""

    manifest: Manifest
    zip: zipfile.ZipFile

    def __enter__(self) -> OpenedBundle:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.zip.close()

    def records(self) -> Iterator[object]:
        """The records, one line at a time, as JSON gave them (the hub checks each before it keeps anything); the
        last step checks the whole file against the manifest."""
        digest = hashlib.sha256()
        info = _info(self.zip, "records.jsonl", MAX_RECORDS_BYTES)
        try:
            with self.zip.open(info) as fh:
                for line in fh:
                    digest.update(line)
                    if line.strip():
                        try:
                            yield json.loads(line)
                        except ValueError:
                            raise BundleRejected(
                                "离线包中的记录无法读取。", "A record in the bundle cannot be read."
                            ) from None
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise BundleRejected("离线包已损坏(可能未拷贝完整)。", f"The bundle is damaged ({exc}).") from None
        if digest.hexdigest() != self.manifest["records"]["sha256"]:
            raise BundleRejected("离线包中的记录已损坏或被改动。", "The bundle's records are damaged or were changed.")

    def open_blob(self, sha256: str) -> IO[bytes]:
        """A file of the bundle as a stream; its reader checks the hash."""
        info = _info(self.zip, f"blobs/{sha256}", MAX_MEMBER_BYTES)
        try:
            return self.zip.open(info)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise BundleRejected("离线包已损坏(可能未拷贝完整)。", f"The bundle is damaged ({exc}).") from None


def _info(zf: zipfile.ZipFile, name: str, limit: int) -> zipfile.ZipInfo:
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise BundleRejected(f"离线包不完整:缺少 {name}。", f"The bundle is incomplete: {name} is missing.") from None
    if info.file_size > limit:
        raise BundleRejected("离线包中的文件过大。", f"{name} is larger than allowed.")
    return info


def _read(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    info = _info(zf, name, limit)
    try:
        with zf.open(info) as fh:
            data = fh.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BundleRejected("离线包已损坏(可能未拷贝完整)。", f"The bundle is damaged ({exc}).") from None
    if len(data) > limit:
        raise BundleRejected("离线包中的文件过大。", f"{name} is larger than allowed.")
    return data


def open_bundle(path: Path, key_for: KeyFor, public_key_for: PublicKeyFor | None = None) -> OpenedBundle:
    """Read and verify a bundle. `key_for(key_id)` gives the token hash that seals that steward's bundles (HMAC);
    `public_key_for(profile_id)` the Ed25519 public key the profile registered (see `verify_signature`): a profile
    with a registered key must sign, a seal alone is then refused.
    Member names are looked up, never used as paths; anything not listed in the manifest is ignored."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BundleRejected("这不是有效的离线包(文件损坏或未拷贝完整)。", f"Not a valid bundle ({exc}).") from None
    try:
        return _verified(zf, key_for, public_key_for or (lambda _profile: None))
    except BaseException:
        zf.close()
        raise


def signed_part(manifest: Mapping[str, object]) -> bytes:
    """What an Ed25519 signature covers: the manifest without its seal and signature, canonical JSON."""
    return canonical({k: v for k, v in manifest.items() if k not in ("seal", "signature")})


def verify_signature(manifest: Mapping[str, object], public_key: bytes) -> bool:
    """manifest["signature"] = {"alg": "ed25519", "value": base64 of the 64-byte signature over `signed_part`}."""
    import base64

    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    signature = manifest.get("signature")
    if not isinstance(signature, dict) or signature.get("alg") != "ed25519":
        return False
    try:
        value = base64.b64decode(str(signature.get("value", "")), validate=True)
        Ed25519PublicKey.from_public_bytes(public_key).verify(value, signed_part(manifest))
    except (InvalidSignature, ValueError):
        return False
    return True


def _verified(zf: zipfile.ZipFile, key_for: KeyFor, public_key_for: PublicKeyFor) -> OpenedBundle:
    try:
        manifest = json.loads(_read(zf, "manifest.json", 64 * 1024 * 1024))
    except ValueError:
        raise BundleRejected("离线包清单无法读取。", "The bundle's manifest cannot be read.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleRejected("不是 Steward 离线包。", "Not a Steward bundle.")
    if not isinstance(manifest.get("protocol", 0), int) or manifest.get("protocol", 0) > PROTOCOL_VERSION:
        raise BundleRejected("离线包由更新版本的 Steward 生成,请先更新。", "Made by a newer Steward; update first.")
    if not isinstance(manifest.get("profile_id"), str) or not 0 < len(manifest["profile_id"]) <= 64:
        raise BundleRejected("离线包清单无法读取。", "The bundle's manifest cannot be read.")
    public_key = public_key_for(manifest["profile_id"])
    if public_key is not None or "signature" in manifest:
        if public_key is None or not verify_signature(manifest, public_key):
            raise BundleRejected(
                "离线包的签名无效:来源不明或清单被改动。",
                "The bundle's signature is not valid: unknown maker or changed.",
            )
    else:
        key = key_for(str(manifest.get("key_id", "")))
        if key is None or not hmac.compare_digest(seal(manifest, key), str(manifest.get("seal", ""))):
            raise BundleRejected(
                "离线包的签名无效:来源不明或清单被改动。", "The bundle's seal is not valid: unknown maker or changed."
            )
    blobs = manifest.get("blobs", [])
    if not isinstance(blobs, list) or not all(isinstance(b, str) and _BLOB_NAME.match(f"blobs/{b}") for b in blobs):
        raise BundleRejected("离线包清单中有无效的文件名。", "The manifest lists an invalid file name.")
    records = manifest.get("records")
    if not isinstance(records, dict) or not isinstance(records.get("sha256"), str):
        raise BundleRejected("离线包清单无法读取。", "The bundle's manifest cannot be read.")
    if not isinstance(manifest.get("profile_id"), str) or not 0 < len(manifest["profile_id"]) <= 64:
        raise BundleRejected("离线包清单无法读取。", "The bundle's manifest cannot be read.")
    return OpenedBundle(cast(Manifest, manifest), zf)  # what is read of it later was checked above
