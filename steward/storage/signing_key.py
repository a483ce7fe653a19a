"""The profile's Ed25519 key pair that signs its offline bundles. The private key is a file readable by its owner
only (0600) in the profile folder, beside the database that holds the profile's id: it belongs to this profile and
this laptop. It is never synced, never put in a bundle, a backup or the diagnostics zip, so a copy of hub.db or of a
backup cannot sign for this profile. Not the system credential store: there a key is filed under the folder's path
(moving the data folder would lose it) and, where no store exists, would fall back into the database, which backups
copy."""

from __future__ import annotations

import base64
import contextlib
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)

from steward.domain.errors import StewardError

FILE_NAME = "bundle_signing_key.pem"


def key_path(profile_folder: Path) -> Path:
    return profile_folder / FILE_NAME


def load_or_create(profile_folder: Path) -> Ed25519PrivateKey:
    """The profile's private key, made once (on first use) and kept."""
    path = key_path(profile_folder)
    if not path.exists():
        _create(path)
    try:
        key = load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise StewardError(
            f"无法读取离线包签名密钥 {path}(文件损坏?)。删除该文件后同步一次会生成新密钥,需管理员在服务器上重新绑定档案。",
            f"Cannot read the bundle signing key {path} ({exc}). Removing it makes a new key at the next sync; an "
            "administrator must then re-bind the profile on the hub.",
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise StewardError(f"离线包签名密钥 {path} 不是 Ed25519 密钥。", f"{path} is not an Ed25519 key.")
    return key


def public_key_text(key: Ed25519PrivateKey) -> str:
    """base64 of the 32 raw bytes, as the hub's POST /v1/keys takes it."""
    return base64.b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def _create(path: Path) -> None:
    """Written owner-only from the first byte (never world-readable, not even for a moment), then moved into place
    whole; a key another process made in the meantime is kept, not replaced."""
    pem = Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)  # O_CREAT's mode is narrowed by the umask, never widened; this makes it exact
        try:
            os.link(tmp, path)  # fails if the key exists: the first key made is the profile's key
        except FileExistsError:
            pass
        except OSError:
            if not path.exists():
                os.replace(tmp, path)
    except OSError as exc:
        raise StewardError(
            f"无法保存离线包签名密钥 {path}:{exc.strerror}", f"Cannot save the bundle signing key {path}: {exc}"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
