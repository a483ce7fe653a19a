"""One throwaway PostgreSQL cluster per test session (per xdist worker), made with the `postgresql` package's own
initdb and pg_ctl on a free port in a temporary directory, and stopped at the session's end, also when tests fail.
Each test that asks gets its own fresh database in it, dropped when the test (or the module that asked) ends: a
database is a 7.5 MB copy of template1, and a worker's few hundred of them took tens of seconds to delete at the end.
The cluster lives in /dev/shm where that has room (memory: nothing to write back, nothing slow to delete).

As root (CI), PostgreSQL refuses to run: the cluster then belongs to the unprivileged `postgres` user (runuser).
Without PostgreSQL's binaries the PostgreSQL half of the hub's tests is skipped with the reason, except on CI
(CI=true), where that is a failure: CI installs them (make system-deps)."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hub_process import free_port
from tests.processes import alive

ENGINES = ("sqlite", "postgres")


def pg_bin() -> Path | None:
    """The newest installed PostgreSQL's bin directory (Debian keeps it off PATH)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


SHM = Path("/dev/shm")
SHM_ROOM = 2 << 30  # a container's /dev/shm is often 64 MB: the cluster goes there only with room to spare


def cluster_parent() -> str | None:
    """Where the cluster's folder goes: /dev/shm with room to spare, else the usual temporary folder."""
    try:
        usage = shutil.disk_usage(SHM)
    except OSError:
        return None
    return str(SHM) if usage.free >= SHM_ROOM and os.access(SHM, os.W_OK) else None


OWNER = "owner.pid"  # the process whose cluster it is: one whose owner is gone is ended by the next Cluster


class Cluster:
    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.as_root = os.geteuid() == 0
        self.end_orphans()
        self.root = Path(tempfile.mkdtemp(prefix="steward-pg-", dir=cluster_parent()))
        (self.root / OWNER).write_text(str(os.getpid()), encoding="ascii")
        self.data = self.root / "data"
        self.port = free_port()
        self.user = "steward"
        self._names = itertools.count(1)
        self.started = False

    def end_orphans(self) -> None:
        """Stop and remove the clusters of test processes that died without stopping theirs (a worker that crashed
        cannot run its teardown; its PostgreSQL would otherwise serve until the machine restarts)."""
        for parent in {cluster_parent() or tempfile.gettempdir(), tempfile.gettempdir()}:
            for root in Path(parent).glob("steward-pg-*"):
                try:
                    owner = int((root / OWNER).read_text(encoding="ascii"))
                except (OSError, ValueError):
                    continue  # not one of ours, or still being made
                if alive(owner):
                    continue
                if (root / "data" / "postmaster.pid").exists():
                    with contextlib.suppress(RuntimeError):
                        self._run("pg_ctl", "-D", str(root / "data"), "-m", "immediate", "-w", "-t", "60", "stop")
                shutil.rmtree(root, ignore_errors=True)

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_root:  # PostgreSQL will not run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> Cluster:
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8", "--no-locale", "-N")
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=400 "
            # A throwaway cluster: nothing in it must survive a crash, so it need not wait for the disk.
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "-t", "60", "start"
        )
        self.started = True
        return self

    def stop(self) -> None:
        try:
            if self.started:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "-t", "60", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def new_database(self, copy_of: str | None = None) -> str:
        """A fresh database, empty or a copy of the one at URL `copy_of` (which nobody may be connected to); its
        URL."""
        import psycopg

        name = f"hub_{next(self._names)}"
        template = f" TEMPLATE {copy_of.rsplit('/', 1)[1]}" if copy_of else ""
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}{template}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop the database at `url`, ending what is still connected to it (a pool its test let go of)."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


def unavailable_reason() -> str | None:
    if pg_bin() is None:
        return "PostgreSQL is not installed (no initdb under /usr/lib/postgresql); `make system-deps` installs it"
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError:
        return "psycopg or psycopg-pool is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    reason = unavailable_reason()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must test the hub on PostgreSQL: {reason}")
        pytest.skip(reason)
    bin_dir = pg_bin()
    assert bin_dir is not None
    cluster = Cluster(bin_dir)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> Iterator[str]:
    """A fresh database of its own for one test."""
    url = postgres_cluster.new_database()
    yield url
    postgres_cluster.drop_database(url)


@pytest.fixture(scope="module", params=ENGINES)
def module_hub_db(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """As hub_db, for a module's shared hub: one PostgreSQL database for the module (tests copy it: copy_db)."""
    if request.param == "sqlite":
        yield None
        return
    cluster = request.getfixturevalue("postgres_cluster")
    url = cluster.new_database()
    yield url
    cluster.drop_database(url)


def copy_db(request: pytest.FixtureRequest, db_url: str | None, *, keep: bool = False) -> str | None:
    """A test's own copy of a module's PostgreSQL database (None stays None: SQLite's is copied with its folder),
    dropped when what asked for it (the test, or its fixture) ends unless it is kept (a state prepared once per
    process that later tests copy: it lasts the session)."""
    if db_url is None:
        return None
    cluster = request.getfixturevalue("postgres_cluster")
    url = str(cluster.new_database(copy_of=db_url))
    if not keep:
        request.addfinalizer(lambda: cluster.drop_database(url))
    return url


@pytest.fixture(params=ENGINES)
def hub_db(request: pytest.FixtureRequest) -> str | None:
    """The hub's database: None for SQLite (hub.db in its data directory), else a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return None
    return str(request.getfixturevalue("postgres_url"))


# Stores a test opened through tests.hub_web_data.app_for / store_for (each with a PostgreSQL pool on that engine).
OPENED: list[object] = []


@pytest.fixture(autouse=True)
def close_opened_hubs() -> Iterator[None]:
    """Every store a test opened with app_for/store_for is closed at its end: a PostgreSQL pool left open would hold
    its connections until the session ends."""
    first = len(OPENED)
    yield
    while len(OPENED) > first:
        OPENED.pop().close()  # type: ignore[attr-defined]
