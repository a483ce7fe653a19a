"""tests/shared_build.py: a folder is built once per run by whichever worker asks first; the others wait for it and
use it, never a folder a dead worker left half built."""

from __future__ import annotations

import fcntl
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests import processes, shared_build

ROOT = Path(__file__).resolve().parent.parent


class Worker:
    """What a test process's tmp_path_factory tells shared_build: its own temporary folder, popen-gwN in the run's."""

    def __init__(self, run: Path, name: str) -> None:
        self.base = run / f"popen-{name}"
        self.base.mkdir(parents=True, exist_ok=True)

    def getbasetemp(self) -> Path:
        return self.base


def _child(run: Path, name: str, key: str, build_body: str) -> list[str]:
    """A command running another worker `name` of the run that asks for `key`, building it with `build_body`; it
    prints what built_once returned."""
    lines = [
        "import os, sys",
        "from pathlib import Path",
        f"os.environ['PYTEST_XDIST_WORKER'] = {name!r}",
        f"sys.path.insert(0, {str(ROOT)!r})",
        "from tests import shared_build",
        "class Worker:",
        "    def getbasetemp(self):",
        f"        return Path({str(run / f'popen-{name}')!r})",
        "def build(folder):",
        textwrap.indent(build_body, "    "),
        f"print(shared_build.built_once(Worker(), {key!r}, build)[1])",
    ]
    script = "\n".join(lines)
    (run / f"popen-{name}").mkdir(parents=True, exist_ok=True)
    return [sys.executable, "-c", script]


def _slot(run: Path, key: str) -> Path:
    return run / "shared-builds" / shared_build._folder_name(key)


def test_the_first_worker_builds_and_the_others_use_its_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    built: list[Path] = []

    def build(folder: Path) -> dict[str, str]:
        built.append(folder)
        folder.mkdir()
        (folder / "park.db").write_text("made by gw0")
        return {"token": "t-1"}

    folder, facts = shared_build.built_once(Worker(tmp_path, "gw0"), "park:8x12", build)
    assert folder == _slot(tmp_path, "park:8x12") / "data" and built == [folder]
    assert facts == {"token": "t-1"}

    # Another worker of the same run finds it built: its own build is never called, and it gets the same facts.
    refusing = "raise AssertionError('built twice')"
    done = subprocess.run(
        _child(tmp_path, "gw1", "park:8x12", refusing), capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "{'token': 't-1'}"
    assert (folder / "park.db").read_text() == "made by gw0"

    # A different key is a different folder.
    other, _ = shared_build.built_once(Worker(tmp_path, "gw0"), "park:8x12:TZ=PST", build)
    assert other != folder and built == [folder, other]


def test_a_worker_waits_for_the_one_building_and_uses_what_it_built(tmp_path: Path) -> None:
    """The lock is held here as a worker building would; the other worker must wait for it, then find the folder
    whole and not build it again. Whether it started waiting before the folder was finished or not, it can only pass
    the lock after this test lets go of it."""
    key = "demo:53x52"
    slot = _slot(tmp_path, key)
    slot.mkdir(parents=True)
    with open(slot / "lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        waiting = processes.spawn(
            _child(tmp_path, "gw1", key, "raise AssertionError('built while another built')"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        (slot / "data").mkdir()
        (slot / shared_build.MARKER).write_bytes(pickle.dumps("built by gw0"))
        fcntl.flock(lock, fcntl.LOCK_UN)
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert out.strip() == "built by gw0"


def test_a_folder_a_dead_worker_left_half_built_is_built_again(tmp_path: Path, monkeypatch) -> None:
    key = "office:sqlite"
    dies = "folder.mkdir()\n(folder / 'hub.db').write_text('torn')\nos._exit(9)"
    died = subprocess.run(_child(tmp_path, "gw1", key, dies), capture_output=True, timeout=120, check=False)
    assert died.returncode == 9
    slot = _slot(tmp_path, key)
    assert (slot / "data" / "hub.db").read_text() == "torn" and not (slot / shared_build.MARKER).exists()

    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw2")

    def build(folder: Path) -> str:
        assert not folder.exists(), "the torn folder was not removed before building"
        folder.mkdir()
        (folder / "hub.db").write_text("whole")
        return "rebuilt"

    folder, facts = shared_build.built_once(Worker(tmp_path, "gw2"), key, build)
    assert facts == "rebuilt" and (folder / "hub.db").read_text() == "whole"


def test_without_xdist_the_session_s_own_folder_is_the_run_s(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)

    class Session:
        def getbasetemp(self) -> Path:
            return tmp_path

    assert shared_build.shared_root(Session()) == tmp_path / "shared-builds"  # type: ignore[arg-type]
    with pytest.raises(AssertionError, match="made no folder"):
        shared_build.built_once(Session(), "nothing", lambda folder: None)  # type: ignore[arg-type]
