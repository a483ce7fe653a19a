"""Child processes of tests. Each starts in its own process group so that ending it also ends whatever it started;
every one is recorded, so conftest can end what a test left running (and fail the test for it) and check at the end
of the session that nothing outlived the suite."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from typing import Any

STARTED: list[subprocess.Popen[Any]] = []


def spawn(args: list[str], **kwargs: Any) -> subprocess.Popen[Any]:
    process: subprocess.Popen[Any] = subprocess.Popen(args, start_new_session=os.name == "posix", **kwargs)
    STARTED.append(process)
    return process


def _signal_group(process: subprocess.Popen[Any], sig: int) -> None:
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)  # the group outlives its leader if the leader started others
    elif process.poll() is None:
        process.kill()


def kill(process: subprocess.Popen[Any]) -> None:
    """SIGKILL the process and its group, as a power cut would, and reap it."""
    _signal_group(process, signal.SIGKILL if os.name == "posix" else signal.SIGTERM)
    process.wait(timeout=30)


def end(process: subprocess.Popen[Any], grace: float = 10.0) -> None:
    """Ask the process group to stop; kill it if it has not within `grace` seconds."""
    _signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        kill(process)
    else:
        _signal_group(process, signal.SIGKILL)  # anything of the group that ignored SIGTERM


def running(since: int = 0) -> list[subprocess.Popen[Any]]:
    """Processes started (from the `since`-th on) that are still alive."""
    return [p for p in STARTED[since:] if p.poll() is None]


def describe(processes: list[subprocess.Popen[Any]]) -> str:
    return "; ".join(f"pid {p.pid}: {' '.join(map(str, p.args))}" for p in processes)


def alive(pid: int) -> bool:
    """Whether a process of this id exists (a folder's owner, say); one of another user's counts."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
