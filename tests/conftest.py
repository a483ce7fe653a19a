"""Shared fixtures. Qt runs offscreen: set before anything can import PySide6.

The suite runs in the stewards' zone (UTC+8) whatever the machine's zone, and child processes inherit it. Tests
marked `dates` run once more in a zone on the other side of UTC, where the local and the UTC date differ at other
hours, so a date taken in the wrong zone fails in one of the two."""

from __future__ import annotations

import gc
import getpass
import os
import shutil
import ssl
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Compiled modules are kept (__pycache__, ignored by git) even where the environment says not to (many CI images set
# PYTHONDONTWRITEBYTECODE): otherwise each test process compiles, and pytest rewrites the asserts of, every test
# module again, ~7 s of CPU a process before its first test. The workers and child processes inherit this; this
# process writes them from the end of its imports on (sys.dont_write_bytecode below).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
# Never the developer's real keychain: tests that need a credential store install their own (test_credentials.py).
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
# Never the developer's cache folder either: the font tables documents keep (steward.reports.font_files) go to one
# folder of this machine's temp space, shared by the suite's workers (each file is written whole, then renamed).
os.environ.setdefault(
    "STEWARD_CACHE_DIR", os.path.join(tempfile.gettempdir(), f"steward-test-cache-{getpass.getuser()}")
)
# Hypothesis reads the constants of every module of steward/ in each test process (a parse of them all, ~2 s of CPU)
# and caches them by each module's hash in its storage folder: that folder too is the machine's, so a fresh clone (CI's)
# finds them read already. Its example database lives there as well.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(os.environ["STEWARD_CACHE_DIR"], "hypothesis"))

import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from steward.services import enterprises, templates
from steward.storage.profile import Profile
from tests import hub_process, memory_temp, processes
from tests.codes import make_code
from tests.images import write_jpeg
from tests.schema_snapshot import SchemaSnapshot

sys.dont_write_bytecode = False

# The hub's engines: `hub_db` (SQLite, and a fresh database of one throwaway PostgreSQL cluster per session).
pytest_plugins = ["tests.postgres"]

# POSIX rules rather than zone names: they need no time-zone database on the machine, and a name the machine does not
# know would silently mean UTC.
ZONES = {
    "Asia/Shanghai": ("CST-8", -8 * 3600),
    "America/Los_Angeles": ("PST8PDT,M3.2.0,M11.1.0", 8 * 3600),
}
SUITE_ZONE = "Asia/Shanghai"


def use_zone(name: str) -> None:
    rule, offset = ZONES[name]
    os.environ["TZ"] = rule
    time.tzset()
    assert time.timezone == offset, f"the time zone {name} did not take effect"


use_zone(SUITE_ZONE)


def local(*fields: int) -> datetime:
    """A wall-clock time where the test runs, as an aware datetime: datetime(2026, 11, 2, 10) at the steward's."""
    return datetime(*fields).astimezone()  # type: ignore[arg-type]


MEMORY_TEMP = pytest.StashKey[Path]()
SESSION_PASSED = pytest.StashKey[bool]()


@pytest.hookimpl(tryfirst=True)  # before pytest's tmp_path plugin reads --basetemp
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "dates: also run in a second time zone (America/Los_Angeles)")
    # The main process picks the run's folder; xdist hands each worker a folder inside it.
    if config.option.basetemp is None and not hasattr(config, "workerinput"):
        folder = memory_temp.run_folder()
        if folder is not None:
            config.option.basetemp = str(folder)
            config.stash[MEMORY_TEMP] = folder


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    session.config.stash[SESSION_PASSED] = exitstatus == 0


def pytest_unconfigure(config: pytest.Config) -> None:
    if MEMORY_TEMP in config.stash:
        memory_temp.finish(config.stash[MEMORY_TEMP], config.stash.get(SESSION_PASSED, False))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked slow run first, the rest in their order: one started last would keep its worker busy alone after
    the others ran out of tests (with `--dist worksteal`, an idle worker takes queued tests, never a running one)."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_collection_finish(session: pytest.Session) -> None:
    """What is alive once the tests are collected (the modules of steward/, Qt, FastAPI, the test modules: half a
    million objects) lives until the process ends: frozen out of the garbage collector, the full collections during
    the run no longer walk it each time (~3 s of CPU a worker)."""
    gc.collect()
    gc.freeze()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("dates"):
        metafunc.parametrize("time_zone", sorted(ZONES), indirect=True)


@pytest.fixture(autouse=True)
def time_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """Set up before every other fixture of a test, so data made by fixtures is made in the test's zone too."""
    name = getattr(request, "param", SUITE_ZONE)
    use_zone(name)
    yield name
    use_zone(SUITE_ZONE)


@pytest.fixture(autouse=True)
def no_process_outlives_its_test() -> Iterator[None]:
    """A test ends what it starts (hubs, workers it kills), also when it fails; whatever is left is ended here and
    the test fails for it."""
    first = len(processes.STARTED)
    hubs_before = list(hub_process.THREADS)
    yield
    hubs_left = hub_process.stop_threads(keep=hubs_before)
    left = processes.running(since=first)
    for process in left:
        processes.end(process)
    assert not left, f"the test left processes running: {processes.describe(left)}"
    assert not hubs_left, f"the test left hubs serving on ports {[hub.port for hub in hubs_left]}"


@pytest.fixture(autouse=True, scope="session")
def no_process_outlives_the_suite() -> Iterator[None]:
    yield
    left = processes.running()
    for process in left:
        processes.end(process)
    assert not left, f"processes still running at the end of the tests: {processes.describe(left)}"


@pytest.fixture(autouse=True, scope="session")
def migrated_once(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """New profiles get the schema of one database migrated for real at the start (tests/schema_snapshot.py)."""
    from steward.storage import database

    snapshot = SchemaSnapshot(tmp_path_factory.mktemp("schema"), database.apply_pending)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(database, "apply_pending", snapshot.apply_pending)
        yield


@pytest.fixture(autouse=True, scope="session")
def fewer_pbkdf2_rounds() -> Iterator[None]:
    """Viewers' passwords are hashed with 1000 PBKDF2 rounds in tests, not the hub's 200 000 (an eighth of a second of
    CPU for each password set or checked, by design): a kept hash names its rounds, so a hub started as a child
    process still checks these. test_hub_passwords.py holds the hub to its own rounds."""
    from steward.hub.web import accounts

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "PBKDF2_ROUNDS", 1000)
        yield


@pytest.fixture(autouse=True, scope="session")
def one_tls_context_for_test_clients() -> Iterator[None]:
    """Each httpx.Client the tests make (web pages, raw API calls) would load the system's CA roots into a new TLS
    context, ~50 ms of CPU, even for the plain-HTTP hubs of the tests: they share one per set of settings instead.
    The app's own HubClient passes its context (steward.sync.client, roots loaded once per process), and the tests of
    TLS give theirs, so neither goes through this."""
    import httpx._transports.default as transports

    made: dict[tuple[bool, str | None, str | None], ssl.SSLContext] = {}
    create = transports.create_ssl_context

    def shared(verify: object = True, cert: object = None, trust_env: bool = True) -> ssl.SSLContext:
        if verify is not True or cert is not None:
            return create(verify=verify, cert=cert, trust_env=trust_env)  # type: ignore[arg-type]
        key = (trust_env, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
        if key not in made:
            made[key] = create(verify=True, trust_env=trust_env)
        return made[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(transports, "create_ssl_context", shared)
        yield


@pytest.fixture(scope="session")
def empty_profile_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty profile with the bundled checklists installed, made once per test process for `profile` to copy."""
    folder = tmp_path_factory.mktemp("empty") / "profile"
    with Profile(folder) as p:
        templates.install_bundled(p)
    return folder


@pytest.fixture
def profile(tmp_path: Path, empty_profile_folder: Path) -> Iterator[Profile]:
    """An empty profile with the bundled checklists installed: a copy of one made so (installing the checklists
    writes them row by row: a quarter of a second a test on a busy machine), each test its own."""
    shutil.copytree(empty_profile_folder, tmp_path / "profile")
    with Profile(tmp_path / "profile") as p:
        yield p


@pytest.fixture
def enterprise(profile: Profile) -> dict:
    return enterprises.create(
        profile,
        name="仙居县源泉工艺品有限公司",
        credit_code=make_code(1),
        address="浙江省台州市仙居县安岭乡安创小微园区1号",
        industry="工艺品",
        legal_representative="王伟",
        template_code="craft",
    )


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    return write_jpeg(tmp_path / "IMG_0001.jpg", (640, 480))
