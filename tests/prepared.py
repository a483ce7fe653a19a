"""Set-up that many tests need and none of them changes, built once per test process and copied for each test.

Copying a folder (shutil.copytree) takes milliseconds; building it again takes a quarter to half a second on a busy
machine (a new profile installs its checklists row by row and syncs its writes to disk; a finished visit renders its
report and notice). A PostgreSQL database is copied by the server (CREATE DATABASE ... TEMPLATE), which skips the
hub's migrations. Each test gets its own copy, so no test sees another's writes.

What is built is keyed by the time zone too: conftest runs the tests marked `dates` in a second zone, and a profile's
documents carry local dates."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from steward.hub.store import HubStore
from tests.postgres import Cluster

T = TypeVar("T")

# (the session's temp folder, TZ, what) -> (the folder built, what its builder returned)
_BUILT: dict[tuple[str, str, str], tuple[Path, Any]] = {}


def built_once(factory: pytest.TempPathFactory, what: str, build: Callable[[Path], T]) -> tuple[Path, T]:
    """The folder `build(folder)` filled, built at the first call in this process and time zone; and what `build`
    returned then. The folder itself is never handed to a test: copy it (copy_of)."""
    key = (str(factory.getbasetemp()), os.environ.get("TZ", ""), what)
    if key not in _BUILT:
        folder = factory.mktemp("prepared") / "data"
        _BUILT[key] = (folder, build(folder))
    folder, facts = _BUILT[key]
    return folder, facts


def copy_of(factory: pytest.TempPathFactory, what: str, build: Callable[[Path], T], to: Path) -> T:
    """A copy at `to` of the folder `build` filled (built_once); what `build` returned."""
    folder, facts = built_once(factory, what, build)
    shutil.copytree(folder, to)
    return facts


@dataclass(frozen=True)
class HubCopy:
    """A hub's data folder and database of a test's own, copied from one prepared with its stewards."""

    data: Path
    db_url: str | None  # None: SQLite, hub.db in `data`
    tokens: dict[str, str]  # steward -> token


def hub_copy(factory: pytest.TempPathFactory, cluster: Cluster | None, stewards: tuple[str, ...], to: Path) -> HubCopy:
    """A hub with `stewards` added and nothing else, at `to` (and, with a cluster, in a PostgreSQL database of its
    own there). The prepared database is never connected to again after it is built: PostgreSQL copies a template
    only when nobody is."""
    engine = f"postgres:{cluster.port}" if cluster else "sqlite"

    def build(folder: Path) -> tuple[str | None, dict[str, str]]:
        db_url = cluster.new_database() if cluster else None
        store = HubStore(folder, db_url=db_url)
        try:
            tokens = {name: store.add_steward(name) for name in stewards}
        finally:
            store.close()
        return db_url, tokens

    template_url, tokens = copy_of(factory, f"hub:{engine}:{','.join(stewards)}", build, to)
    db_url = cluster.new_database(copy_of=template_url) if cluster and template_url else None
    return HubCopy(to, db_url, dict(tokens))
