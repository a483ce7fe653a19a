"""Who may read the web page: insurer staff ("viewers") with a password, their server-side sessions, the signed token
that ties a login form to the browser that fetched it, and the limit on failed logins. Everything kept lives in the
hub database, so several worker processes share it; nothing here runs on the event loop (PBKDF2 is slow by design)."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from steward.hub.store import HubStore, LoginAttempt

SESSION_SECONDS = 8 * 3600
PBKDF2_ROUNDS = 200_000
# Failed logins allowed within the window before further tries wait: few per account (a person mistypes a couple of
# times), more per address (an insurer's office may share one address among several staff).
FAILURE_WINDOW_SECONDS = 15 * 60
FAILURES_PER_ACCOUNT = 5
FAILURES_PER_ADDRESS = 20


# A kept hash names its rounds ("pbkdf2_sha256$200000$<hex>"), so a later version may raise PBKDF2_ROUNDS for new
# passwords and every password set before still checks. A bare hex hash is from before the rounds were kept: it was
# made with LEGACY_ROUNDS.
HASH_SCHEME = "pbkdf2_sha256"
LEGACY_ROUNDS = 200_000


def _pbkdf2(password: str, salt: bytes, rounds: int) -> str:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, rounds).hex()


def password_hash(password: str, salt: bytes) -> str:
    """The hash kept for a new password: with the hub's rounds now, which it names."""
    return f"{HASH_SCHEME}${PBKDF2_ROUNDS}${_pbkdf2(password, salt, PBKDF2_ROUNDS)}"


def password_matches(password: str, salt: bytes, kept: str) -> bool:
    """Whether a password is the one a kept hash was made from, with the rounds the hash was made with. A kept value
    that names another scheme or no sane number of rounds matches nothing."""
    parts = kept.split("$")
    if len(parts) == 1:
        rounds, digest = LEGACY_ROUNDS, kept
    elif len(parts) == 3 and parts[0] == HASH_SCHEME and parts[1].isascii() and parts[1].isdigit():
        rounds, digest = int(parts[1]), parts[2]
        if not 1 <= rounds <= 10_000_000:
            return False
    else:
        return False
    return hmac.compare_digest(_pbkdf2(password, salt, rounds), digest)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _secret_key(path: Path) -> bytes:
    """A per-hub key, created owner-only in one step (never readable by others, not even for a moment) and
    published whole with a hard link, so a second worker starting at the same moment reads the same key."""
    if not path.exists():
        fresh = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_bytes(32))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(fresh, path)
        except FileExistsError:
            pass
        finally:
            fresh.unlink()
    return path.read_bytes()


@dataclass(frozen=True)
class Session:
    viewer: str
    csrf: str  # every form of the session carries it; a POST without it is refused


class Viewers:
    """Insurer staff who may read, never write."""

    def __init__(self, store: HubStore) -> None:
        self.store = store
        self.key = _secret_key(store.data_dir / "session.key")

    # -- passwords --------------------------------------------------------------------------------------------
    def add(self, name: str) -> str:
        """A new viewer, or a new password for an existing one (which ends all of their sessions)."""
        password = secrets.token_urlsafe(12)
        salt = secrets.token_bytes(16)
        self.store.set_viewer_password(name, salt.hex(), password_hash(password, salt))
        return password

    def check(self, name: str, password: str) -> bool:
        row = self.store.viewer_password(name)
        if row is None:
            _pbkdf2(password, b"0" * 16, PBKDF2_ROUNDS)  # the same work for unknown names: no timing hint
            return False
        return password_matches(password, bytes.fromhex(row[0]), row[1])

    # -- failed logins ----------------------------------------------------------------------------------------
    def begin_attempt(self, name: str, address: str) -> LoginAttempt:
        return self.store.begin_login_attempt(
            [("account", name, FAILURES_PER_ACCOUNT), ("address", address, FAILURES_PER_ADDRESS)],
            FAILURE_WINDOW_SECONDS,
            time.time(),
        )

    def succeeded(self, attempt: LoginAttempt, name: str) -> None:
        self.store.forgive_login_failures(attempt.failure_rows, "account", name)

    # -- sessions ---------------------------------------------------------------------------------------------
    def open_session(self, name: str) -> str:
        """The cookie value; the hub keeps only its hash, so a copy of hub.db opens no session."""
        token = secrets.token_urlsafe(32)
        now = time.time()
        self.store.add_viewer_session(_sha256(token), name, secrets.token_urlsafe(24), now + SESSION_SECONDS, now)
        return token

    def session(self, cookie: str | None) -> Session | None:
        if not cookie or len(cookie) > 128:
            return None
        found = self.store.viewer_session(_sha256(cookie), time.time())
        return Session(*found) if found else None

    def close_session(self, cookie: str) -> None:
        self.store.end_viewer_session(_sha256(cookie))

    # -- the login form's token -------------------------------------------------------------------------------
    # Before login there is no session to hold a token, so the form carries an HMAC of a random value that the
    # browser keeps in a cookie: a page on another site can neither read that cookie nor compute the HMAC.
    def login_nonce(self) -> str:
        return secrets.token_urlsafe(24)

    def login_token(self, nonce: str) -> str:
        return hmac.new(self.key, b"login|" + nonce.encode(), hashlib.sha256).hexdigest()

    def login_token_ok(self, nonce: str | None, token: str) -> bool:
        if not nonce:
            return False
        return hmac.compare_digest(self.login_token(nonce).encode(), token.encode("utf-8", "replace"))
