"""Secrets (the sync token) in the system's credential store — Windows Credential Manager, macOS Keychain, Secret
Service on Linux desktops — where one exists, so a copied profile folder or backup does not carry the key to the
insurer's hub. Where none exists (a server, a bare Linux), the profile's settings table keeps it as before."""

from __future__ import annotations

import contextlib
import logging

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

from steward.storage import settings as settings_store
from steward.storage.profile import Profile

SERVICE = "Steward"
log = logging.getLogger(__name__)


def store_available() -> bool:
    """keyring answers with a 'fail' backend (priority 0 or less) when the system has no credential store."""
    try:
        return float(getattr(keyring.get_keyring(), "priority", 0)) > 0
    except Exception:  # a broken backend configuration must not stop the app
        log.warning("the system credential store cannot be used", exc_info=True)
        return False


def _account(profile: Profile, key: str) -> str:
    # The folder, not the profile's name: two data folders may each hold a profile called "default".
    return f"{profile.folder.resolve()}#{key}"


def get(profile: Profile, key: str, default: str) -> str:
    if store_available():
        try:
            value = keyring.get_password(SERVICE, _account(profile, key))
            if value is not None:
                return value
            legacy = settings_store.get(profile.db, key)
            if isinstance(legacy, str) and legacy:
                # Written before the credential store was used (or on a machine without one): move it there once.
                keyring.set_password(SERVICE, _account(profile, key), legacy)
                settings_store.delete(profile.db, key)
                return legacy
            return default
        except KeyringError:
            log.warning("reading %s from the credential store failed; using the profile's settings", key, exc_info=True)
    value = settings_store.get(profile.db, key, default)
    return value if isinstance(value, str) else default


def put(profile: Profile, key: str, value: str) -> None:
    if store_available():
        try:
            if value:
                keyring.set_password(SERVICE, _account(profile, key), value)
            else:
                with contextlib.suppress(PasswordDeleteError):
                    keyring.delete_password(SERVICE, _account(profile, key))
            settings_store.delete(profile.db, key)
            return
        except KeyringError:
            log.warning("writing %s to the credential store failed; keeping it in the profile", key, exc_info=True)
    settings_store.put(profile.db, key, value)


def in_credential_store(profile: Profile, key: str) -> bool:
    return store_available() and keyring.get_password(SERVICE, _account(profile, key)) is not None
