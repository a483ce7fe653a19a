"""Offices made once per test process and copied for each test: a hub (on each engine) with the stewards 李明 and 王芳,
and their laptops a (李明, profile "li") and b (王芳, profile "wang"), each naming its steward, firm and insurer.

Making them is most of a sync test's set-up: a new profile installs the bundled checklists row by row (each write
waits for the disk), a new hub database is migrated, a finished visit renders its PDFs and a first sync uploads them.
Copying the prepared folders (shutil.copytree) and cloning the prepared PostgreSQL database (CREATE DATABASE ...
TEMPLATE) gives each test the same state, its own, for a fraction of that. Every test still gets its own hub serving
from its own copy, and its own laptops: nothing one test writes is seen by another.

A prepared laptop that has never synced holds no profile id and no signing key (both are made at first use), so
each copy becomes a new laptop at its first sync, as before. A prepared state after syncs (`office_after`) carries
the ids and keys its hub bound: its copies are the same laptops and the same hub, which is what such a test wants."""

from __future__ import annotations

import copy
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from steward.hub.store import HubStore
from steward.services.profiles import open_profile
from steward.storage import settings as settings_store
from steward.storage.paths import database_path, profile_dir
from steward.storage.profile import Profile
from steward.storage.signing_key import key_path
from steward.sync.client import HubClient
from tests.hub_process import Hub
from tests.postgres import ENGINES, copy_db
from tests.test_sync import _issuer, client_for

STEWARDS = ("李明", "王芳")
LAPTOPS = {"a": ("li", "李明"), "b": ("wang", "王芳")}  # data folder: (profile name, its steward)


@dataclass
class Office:
    """A hub with two stewards of one firm, 李明 (laptop a) and 王芳 (laptop b); `extra`: what the prepared state
    made (a test's own copy)."""

    server: Hub
    tokens: dict[str, str]
    store: HubStore
    a: Profile
    b: Profile
    extra: dict[str, Any] = field(default_factory=dict)

    def li(self) -> HubClient:
        return client_for(self.a, self.server, self.tokens["李明"])

    def wang(self) -> HubClient:
        return client_for(self.b, self.server, self.tokens["王芳"])


@dataclass(frozen=True)
class Prepared:
    folder: Path  # hub/, a/ and b/ (the laptops' data folders), closed
    db_url: str | None  # its PostgreSQL database (nobody connected), None for SQLite (hub/hub.db)
    tokens: dict[str, str]
    extra: dict[str, Any]
    url: str = ""  # where its hub served while it was made (what its laptops noted of their hub names it: _moved)


# What this test process (one session: an xdist worker, or pytest itself) prepared so far; the folders are in its
# temporary directory, the databases in its PostgreSQL cluster, and both live as long as the session.
STATES: dict[tuple[str, ...], Prepared] = {}  # by engine, time zone and the steps that made it
LAPTOPS_MADE: dict[tuple[str, str | None], Path] = {}  # laptops that never synced, by (profile name, steward)


@pytest.fixture(params=ENGINES)
def hub_engine(request: pytest.FixtureRequest) -> str:
    """The hub's engine: each test runs against SQLite and against PostgreSQL (tests/postgres.py)."""
    return str(request.param)


def _never_synced(folder: Path) -> None:
    """A laptop to be copied must not carry an identity: each copy makes its own at its first sync."""
    assert not key_path(folder).exists()
    with sqlite3.connect(database_path(folder)) as conn:
        assert conn.execute("SELECT count(*) FROM settings WHERE key = 'sync_profile_id'").fetchone() == (0,)
    conn.close()


def new_laptop(request: pytest.FixtureRequest, data_dir: Path, name: str, steward: str | None) -> Profile:
    """A new laptop profile `name` in data_dir, as open_profile makes one, naming `steward` as its user with the firm
    and insurer (_issuer) unless None; copied from one prepared in this test process."""
    laptops = LAPTOPS_MADE
    if (name, steward) not in laptops:
        root = request.getfixturevalue("tmp_path_factory").mktemp("laptop")
        with open_profile(root, name) as profile:
            if steward is not None:
                _issuer(profile, steward)
        _never_synced(profile_dir(root, name))
        laptops[(name, steward)] = profile_dir(root, name)
    shutil.copytree(laptops[(name, steward)], profile_dir(data_dir, name))
    return open_profile(data_dir, name)


def _prepare_empty(request: pytest.FixtureRequest, engine: str, folder: Path) -> Prepared:
    db_url = None if engine == "sqlite" else str(request.getfixturevalue("postgres_cluster").new_database())
    (folder / "hub").mkdir()
    store = HubStore(folder / "hub", db_url=db_url)
    try:
        tokens = {name: store.add_steward(name) for name in STEWARDS}
    finally:
        store.close()  # nobody may be connected to a database that is copied
    for sub, (name, steward) in LAPTOPS.items():
        new_laptop(request, folder / sub, name, steward).close()
    return Prepared(folder, db_url, tokens, {})


Step = Callable[[Office, Path], dict[str, Any] | None]


def prepared_state(request: pytest.FixtureRequest, engine: str, *steps: Step) -> Prepared:
    """The office on `engine` after `steps`, made once per test process: with no steps, nothing but the stewards and
    their laptops; else the last step run once on a copy of the state after the others. A step gets the open office
    and a scratch folder; what it returns is added to office.extra (what the tests need to know of the state)."""
    key = (engine, os.environ.get("TZ", ""), *(f"{step.__module__}.{step.__qualname__}" for step in steps))
    if key not in STATES:
        folder = request.getfixturevalue("tmp_path_factory").mktemp("office")
        if not steps:
            STATES[key] = _prepare_empty(request, engine, folder)
        else:
            start = prepared_state(request, engine, *steps[:-1])
            scratch = folder / "scratch"
            scratch.mkdir()
            with opened(request, start, folder, keep_db=True) as office:
                extra = {**office.extra, **(steps[-1](office, scratch) or {})}
                db_url, url = office.server.db_url, office.server.url
            STATES[key] = Prepared(folder, db_url, start.tokens, extra, url)
    return STATES[key]


def _moved(laptop: Profile, old_url: str, new_url: str) -> None:
    """The copy's hub serves at another port. What the laptop noted of the prepared hub by its address (the signing
    key registered there, the re-check list last read from it: {"hub": url, ...} settings) it notes of this one, the
    same hub moved, rather than register its key or read the list again."""
    for key in [r["key"] for r in laptop.db.query("SELECT key FROM settings")]:
        value = settings_store.get(laptop.db, key)
        if isinstance(value, dict) and value.get("hub") == old_url:
            settings_store.put(laptop.db, key, {**value, "hub": new_url})


@contextmanager
def opened(request: pytest.FixtureRequest, state: Prepared, folder: Path, keep_db: bool = False) -> Iterator[Office]:
    """A copy of the prepared state in `folder` (hub/, a/, b/), served and open: the test's own office (its database
    dropped at the test's end unless kept as a prepared state's)."""
    for sub in ("hub", *LAPTOPS):
        shutil.copytree(state.folder / sub, folder / sub)
    db_url = copy_db(request, state.db_url, keep=keep_db)
    store = HubStore(folder / "hub", db_url=db_url)
    try:
        server = Hub(folder / "hub", db_url=db_url).start()
        try:
            with open_profile(folder / "a", "li") as a, open_profile(folder / "b", "wang") as b:
                for laptop in (a, b):
                    _moved(laptop, state.url, server.url)
                yield Office(server, dict(state.tokens), store, a, b, copy.deepcopy(state.extra))
        finally:
            server.stop()
    finally:
        store.close()


@pytest.fixture
def office(request: pytest.FixtureRequest, tmp_path: Path, hub_engine: str) -> Iterator[Office]:
    """Two stewards' laptops and a hub on each engine: SQLite, and PostgreSQL."""
    with opened(request, prepared_state(request, hub_engine), tmp_path) as made:
        yield made


@contextmanager
def office_after(request: pytest.FixtureRequest, folder: Path, engine: str, *steps: Step) -> Iterator[Office]:
    """The test's own copy, in `folder`, of the office after `steps` (see prepared_state)."""
    with opened(request, prepared_state(request, engine, *steps), folder) as made:
        yield made


@pytest.fixture
def hub(office: Office) -> tuple[Hub, dict[str, str], HubStore]:
    """As tests/test_sync.py's `hub` (server, tokens, store), the hub of the test's `office`."""
    return office.server, office.tokens, office.store


@pytest.fixture
def laptop_a(office: Office) -> Profile:
    return office.a


@pytest.fixture
def laptop_b(office: Office) -> Profile:
    return office.b
