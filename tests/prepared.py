"""Set-up that many tests need and none of them changes, built once and copied for each test: new laptops, a laptop
after a visit, a hub with its stewards, and offices (a hub on each engine with the stewards 李明 and 王芳, and their
laptops a (李明, profile "li") and b (王芳, profile "wang"), each naming its steward, firm and insurer), also after
steps such as a finished visit synced to both.

Making them is most of a sync test's set-up: a new profile installs the bundled checklists row by row (each write
waits for the disk), a new hub database is migrated, a finished visit renders its PDFs and a first sync uploads them.
Copying the prepared folders (shutil.copytree) and cloning the prepared PostgreSQL database (CREATE DATABASE ...
TEMPLATE) gives each test the same state, its own, for a fraction of that. Every test still gets its own hub serving
from its own copy, and its own laptops: nothing one test writes is seen by another.

Folders are built once per test run whatever the number of xdist workers (tests/shared_build.py). A PostgreSQL
database lives in one worker's cluster (tests/postgres.py: a cluster per worker) and can be copied only there
(TEMPLATE): what holds one is keyed by its cluster's folder, so each worker builds its own; SQLite hubs and laptops
are shared by all. Keys name the time zone and the day too: conftest runs the tests marked `dates` in a second zone,
and a profile's documents carry local dates.

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
from typing import Any, TypeVar

import pytest

from steward.domain import clock
from steward.hub.store import HubStore
from steward.services import settings
from steward.services.profiles import open_profile
from steward.storage import settings as settings_store
from steward.storage.paths import database_path, profile_dir
from steward.storage.profile import Profile
from steward.storage.signing_key import key_path
from steward.sync import engine as sync_engine
from steward.sync.client import HubClient
from tests import shared_build
from tests.hub_process import Hub
from tests.postgres import ENGINES, Cluster, copy_db

T = TypeVar("T")

STEWARDS = ("李明", "王芳")
LAPTOPS = {"a": ("li", "李明"), "b": ("wang", "王芳")}  # data folder: (profile name, its steward)


def _key(what: str) -> str:
    return f"{what}:TZ={os.environ.get('TZ', '')}:{clock.today()}"


def built_once(factory: pytest.TempPathFactory, what: str, build: Callable[[Path], T]) -> tuple[Path, T]:
    """The folder `build(folder)` filled, built once per test run, time zone and day (shared_build.built_once), and
    what `build` returned then. The folder itself is never handed to a test: copy it (copy_of)."""
    return shared_build.built_once(factory, _key(what), build)


def copy_of(factory: pytest.TempPathFactory, what: str, build: Callable[[Path], T], to: Path) -> T:
    """A copy at `to` of the folder `build` filled (built_once); what `build` returned."""
    return shared_build.copy_of(factory, _key(what), build, to)


def _issuer(profile: Profile, steward: str) -> Profile:
    """A laptop in use names its steward, firm and insurer (documents are not made without them)."""
    settings.put(profile, settings.STEWARD_NAME, steward)
    settings.put(profile, settings.FIRM_NAME, "仙居绿源环境服务有限公司")
    settings.put(profile, settings.INSURER_NAME, "中国人民财产保险股份有限公司仙居支公司")
    return profile


def client_for(profile: Profile, hub: Hub, token: str) -> HubClient:
    return HubClient(hub.url, token, sync_engine.profile_id(profile))


# Laptops


def _never_synced(folder: Path) -> None:
    """A laptop to be copied must not carry an identity: each copy makes its own at its first sync."""
    assert not key_path(folder).exists()
    with sqlite3.connect(database_path(folder)) as conn:
        assert conn.execute("SELECT count(*) FROM settings WHERE key = 'sync_profile_id'").fetchone() == (0,)
    conn.close()


def laptop_copy(factory: pytest.TempPathFactory, data_dir: Path, name: str, steward: str | None) -> None:
    """A new laptop profile `name` in data_dir, as open_profile makes one, naming `steward` as its user with the firm
    and insurer (_issuer) unless None: a copy of one made so once."""

    def build(folder: Path) -> None:
        with open_profile(folder, name) as profile:
            if steward is not None:
                _issuer(profile, steward)
        _never_synced(profile_dir(folder, name))

    shared_build.copy_of(factory, _key(f"laptop:{name}:{steward}"), build, data_dir)


def new_laptop(request: pytest.FixtureRequest, data_dir: Path, name: str, steward: str | None) -> Profile:
    """The new laptop of laptop_copy, open."""
    laptop_copy(request.getfixturevalue("tmp_path_factory"), data_dir, name, steward)
    return open_profile(data_dir, name)


# A hub with its stewards


@dataclass(frozen=True)
class HubCopy:
    """A hub's data folder and database of a test's own, copied from one prepared with its stewards."""

    data: Path
    db_url: str | None  # None: SQLite, hub.db in `data`
    tokens: dict[str, str]  # steward -> token


def _engine_key(cluster: Cluster | None) -> str:
    """What a prepared hub's database depends on: nothing but SQLite, or the PostgreSQL cluster (of this worker) that
    holds it, by its folder (unique, where a port may be used again)."""
    return f"postgres:{cluster.root}" if cluster else "sqlite"


def hub_copy(factory: pytest.TempPathFactory, cluster: Cluster | None, stewards: tuple[str, ...], to: Path) -> HubCopy:
    """A hub with `stewards` added and nothing else, at `to` (and, with a cluster, in a PostgreSQL database of its
    own there). The prepared database is never connected to again after it is built: PostgreSQL copies a template
    only when nobody is."""

    def build(folder: Path) -> tuple[str | None, dict[str, str]]:
        db_url = cluster.new_database() if cluster else None
        store = HubStore(folder, db_url=db_url)
        try:
            tokens = {name: store.add_steward(name) for name in stewards}
        finally:
            store.close()
        return db_url, tokens

    template_url, tokens = copy_of(factory, f"hub:{_engine_key(cluster)}:{','.join(stewards)}", build, to)
    db_url = cluster.new_database(copy_of=template_url) if cluster and template_url else None
    return HubCopy(to, db_url, dict(tokens))


# Offices: a hub and the laptops of its two stewards


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


@pytest.fixture(params=ENGINES)
def hub_engine(request: pytest.FixtureRequest) -> str:
    """The hub's engine: each test runs against SQLite and against PostgreSQL (tests/postgres.py)."""
    return str(request.param)


def _cluster(request: pytest.FixtureRequest, engine: str) -> Cluster | None:
    return None if engine == "sqlite" else request.getfixturevalue("postgres_cluster")


def _prepare_empty(request: pytest.FixtureRequest, engine: str, folder: Path) -> Prepared:
    cluster = _cluster(request, engine)
    db_url = cluster.new_database() if cluster else None
    (folder / "hub").mkdir(parents=True)
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
    """The office on `engine` after `steps`, made once (built_once): with no steps, nothing but the stewards and
    their laptops; else the last step run once on a copy of the state after the others. A step gets the open office
    and a scratch folder; what it returns is added to office.extra (what the tests need to know of the state)."""
    names = ",".join(f"{step.__module__}.{step.__qualname__}" for step in steps)

    def build(folder: Path) -> Prepared:
        if not steps:
            return _prepare_empty(request, engine, folder)
        # The state before the last step is prepared first (its own lock, taken inside this one: states with fewer
        # steps never wait for ones with more, so no two workers wait on each other).
        start = prepared_state(request, engine, *steps[:-1])
        scratch = folder / "scratch"
        scratch.mkdir(parents=True)
        with opened(request, start, folder, keep_db=True) as office:
            extra = {**office.extra, **(steps[-1](office, scratch) or {})}
            db_url, url = office.server.db_url, office.server.url
        return Prepared(folder, db_url, start.tokens, extra, url)

    factory = request.getfixturevalue("tmp_path_factory")
    return built_once(factory, f"office:{_engine_key(_cluster(request, engine))}:{names}", build)[1]


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
