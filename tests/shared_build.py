"""Folders built once per test run, whatever the number of xdist workers, and copied for each test that uses them.

`make test` runs several workers, each a pytest session of its own: a fixture of session or module scope is built once
PER WORKER, so the same demo park was made up to four times in a run (pytest-xdist's docs, "Making session-scoped
fixtures execute only once", describe the cure used here). The first worker to ask for a folder builds it in the run's
shared temporary folder (the parent of each worker's own) while it holds a lock file (fcntl.flock); the others wait for
the lock, with a deadline, and find it built. A folder counts as built only once its marker file exists, written last:
a worker that died while building left no marker, and the next one to ask removes what it left and builds it again
(the kernel releases a dead process's lock).

The folder itself is never handed to a test: each test (or module) gets a copy of its own (copy_of), so no two workers
ever open the same SQLite file, and no test sees another's writes. What the builder returned (tokens, ids) is kept
beside the folder, pickled, and handed back to every worker.

A key names everything that shapes a folder (a demo's size, seed and day, the time zone, ...). Something that lives in
one worker only (a database in that worker's PostgreSQL cluster) belongs in the key too: then only that worker finds
the folder, and the others build their own."""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pytest

from steward.domain import clock

T = TypeVar("T")

# How long a worker waits for another to finish a build: the largest (the 53-enterprise demo park with its photos)
# takes ~15 s of CPU, a minute on a busy machine. Past this the test fails, naming the folder.
WAIT_SECONDS = 300.0
_POLL_SECONDS = 0.05
MARKER = "built.pickle"  # what the builder returned; written last, so its presence means the folder is whole

# Built or found in this process: (the run's shared folder, key) -> (folder, what the builder returned).
_KNOWN: dict[tuple[Path, str], tuple[Path, Any]] = {}


def shared_root(factory: pytest.TempPathFactory) -> Path:
    """The run's folder that every worker sees: beside the workers' own temporary folders under xdist (they are
    popen-gw0, popen-gw1, ... in the run's pytest-N), else in the session's own."""
    base = factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared-builds"
    root.mkdir(exist_ok=True)
    return root


def _folder_name(key: str) -> str:
    readable = re.sub(r"[^A-Za-z0-9._-]+", "-", key)[:60].strip("-")
    return f"{readable}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


@contextmanager
def _locked(path: Path, what: str) -> Iterator[None]:
    """Hold an exclusive lock on the file at `path`, waiting for another process's at most WAIT_SECONDS."""
    with open(path, "a+b") as handle:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail(f"another test process built {what!r} for over {WAIT_SECONDS:.0f} s ({path})")
                time.sleep(_POLL_SECONDS)  # flock has no deadline of its own: ask again until ours
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def built_once(factory: pytest.TempPathFactory, key: str, build: Callable[[Path], T]) -> tuple[Path, T]:
    """The folder `build(folder)` filled (`folder` does not exist yet when it is called; build makes it), built once
    in this test run under `key`, and what `build` returned then. Copy the folder, never write to it (copy_of)."""
    root = shared_root(factory)
    if (root, key) in _KNOWN:
        return _KNOWN[(root, key)]
    slot = root / _folder_name(key)
    slot.mkdir(exist_ok=True)
    folder, marker = slot / "data", slot / MARKER
    with _locked(slot / "lock", key):
        if not marker.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a build that died halfway
            facts = build(folder)
            assert folder.exists(), f"building {key!r} made no folder at {folder}"
            torn = marker.with_suffix(".partial")
            torn.write_bytes(pickle.dumps(facts))
            os.replace(torn, marker)
        facts = pickle.loads(marker.read_bytes())
    _KNOWN[(root, key)] = (folder, facts)
    return folder, facts


def link_photos(source: str, target: str) -> object:
    """A copy function for shutil.copytree: photo files are hard-linked, the rest (the database) copied. A photo is
    written once under its hash and never changed in place (the app's own backups link them too), and a copy of a
    demo park's ~2,500 photo files is most of the cost of a copy. Not for a test that changes photo files in place
    (or backs a profile up and changes the backup's photos: those are links too): it copies whole files."""
    if f"{os.sep}photos{os.sep}" in source:
        try:
            os.link(source, target)
            return target
        except OSError:  # a file system without hard links
            pass
    return shutil.copy2(source, target)


def copy_of(
    factory: pytest.TempPathFactory,
    key: str,
    build: Callable[[Path], T],
    to: Path,
    copy_function: Callable[[str, str], object] = shutil.copy2,
) -> T:
    """A copy at `to` (which may exist, empty) of the folder `build` filled (built_once); what `build` returned."""
    folder, facts = built_once(factory, key, build)
    shutil.copytree(folder, to, dirs_exist_ok=True, copy_function=copy_function)
    return facts


def demo_key(what: str, size: object, today: date | None) -> str:
    """The key of a demo park (steward.services.demo.make_demo): its size and seed (DemoSize), the day it ends (today's
    date when None), the time zone it was made in (its local dates) and what the builder did around it (`what`)."""
    return f"demo:{what}:{size}:{today or clock.today()}:TZ={os.environ.get('TZ', '')}"
