"""The sync token lives in the system's credential store when there is one; without one the profile keeps it."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from steward.services import settings
from steward.storage import settings as settings_store
from steward.storage.profile import Profile


class MemoryKeyring(KeyringBackend):
    """Stands in for Windows Credential Manager / Keychain / Secret Service."""

    priority = 5  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.saved: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.saved.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.saved[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.saved.pop((service, username), None)


@pytest.fixture
def system_store() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    store = MemoryKeyring()
    keyring.set_keyring(store)
    yield store
    keyring.set_keyring(before)


def test_the_token_goes_to_the_credential_store_not_the_profile(profile: Profile, system_store: MemoryKeyring) -> None:
    settings.put(profile, settings.HUB_TOKEN, "s3cret-token")
    assert settings.get(profile, settings.HUB_TOKEN) == "s3cret-token"
    assert settings_store.get(profile.db, "hub_token") is None, "nothing in the database a copied profile carries"
    assert list(system_store.saved.values()) == ["s3cret-token"]


def test_a_token_kept_in_the_profile_before_moves_to_the_store_once(
    profile: Profile, system_store: MemoryKeyring
) -> None:
    settings_store.put(profile.db, "hub_token", "old-token")
    assert settings.get(profile, settings.HUB_TOKEN) == "old-token"
    assert settings_store.get(profile.db, "hub_token") is None
    assert list(system_store.saved.values()) == ["old-token"]


def test_clearing_the_token_removes_it_from_the_store(profile: Profile, system_store: MemoryKeyring) -> None:
    settings.put(profile, settings.HUB_TOKEN, "s3cret-token")
    settings.put(profile, settings.HUB_TOKEN, "")
    assert settings.get(profile, settings.HUB_TOKEN) == ""
    assert system_store.saved == {}


def test_without_a_credential_store_the_profile_keeps_the_token(profile: Profile) -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        settings.put(profile, settings.HUB_TOKEN, "s3cret-token")
        assert settings.get(profile, settings.HUB_TOKEN) == "s3cret-token"
        assert settings_store.get(profile.db, "hub_token") == "s3cret-token"
    finally:
        keyring.set_keyring(before)
