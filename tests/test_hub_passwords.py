"""How the hub keeps viewers' passwords: salted PBKDF2-SHA256 with the hub's full rounds, each hash naming the rounds it
was made with, so a password set before a change of rounds (or before the rounds were kept at all) still checks.

The suite hashes with fewer rounds (tests/conftest.py, fewer_pbkdf2_rounds); these tests put the hub's own back."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from steward.hub.store import HubStore
from steward.hub.web import Viewers, accounts

HUB_ROUNDS = 200_000  # what the hub ships with, written out: the test must not read it from the code it checks
VIEWER = "人保仙居"


@pytest.fixture
def full_rounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "PBKDF2_ROUNDS", HUB_ROUNDS)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HubStore]:
    made = HubStore(tmp_path / "hub")
    yield made
    made.close()


def _digest(password: str, salt_hex: str, rounds: int) -> str:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt_hex), rounds).hex()


def test_passwords_are_kept_with_the_hubs_full_pbkdf2_rounds(full_rounds: None, store: HubStore) -> None:
    """The viewers table holds a salt and a hash, nothing else: PBKDF2-SHA256 with 200 000 rounds, so a stolen hub
    database is slow to guess from, and checked the same way."""
    viewers = Viewers(store)
    password = viewers.add(VIEWER)
    kept = store.viewer_password(VIEWER)
    assert kept is not None
    salt, digest = kept
    assert len(bytes.fromhex(salt)) == 16
    assert digest == f"pbkdf2_sha256$200000${_digest(password, salt, HUB_ROUNDS)}"
    assert viewers.check(VIEWER, password) and not viewers.check(VIEWER, password + "x")


def test_a_password_kept_before_the_rounds_were_named_still_checks(full_rounds: None, store: HubStore) -> None:
    """Hubs before this version kept the bare hex digest of 200 000 rounds."""
    password, salt = "旧密码-old-1", secrets.token_hex(16)
    store.set_viewer_password(VIEWER, salt, _digest(password, salt, 200_000))
    viewers = Viewers(store)
    assert viewers.check(VIEWER, password)
    assert not viewers.check(VIEWER, password + "x")


def test_a_password_set_with_other_rounds_checks_with_those(store: HubStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A later version that raises the rounds for new passwords does not lock out the viewers it already has."""
    monkeypatch.setattr(accounts, "PBKDF2_ROUNDS", 1500)
    viewers = Viewers(store)
    password = viewers.add(VIEWER)
    monkeypatch.setattr(accounts, "PBKDF2_ROUNDS", HUB_ROUNDS)
    kept = store.viewer_password(VIEWER)
    assert kept is not None and kept[1].startswith("pbkdf2_sha256$1500$")
    assert viewers.check(VIEWER, password)
    assert not viewers.check(VIEWER, password[:-1])


@pytest.mark.parametrize(
    "kept",
    [
        "md5$1000${digest}",  # another scheme
        "pbkdf2_sha256$0${digest}",  # no rounds
        "pbkdf2_sha256$99999999999${digest}",  # a number no hub would use: not worked for
        "pbkdf2_sha256$１０００${digest}",  # full-width digits
        "pbkdf2_sha256$1000$extra${digest}",
        "pbkdf2_sha256$$1000${digest}",
        "",
    ],
)
def test_a_kept_hash_of_no_known_form_matches_no_password(kept: str, store: HubStore) -> None:
    """A hash in a form the hub does not know (a damaged or hand-edited row) lets nobody in, and does not fail."""
    password, salt = "正确的密码", secrets.token_hex(16)
    store.set_viewer_password(VIEWER, salt, kept.format(digest=_digest(password, salt, 1000)))
    assert not Viewers(store).check(VIEWER, password)
