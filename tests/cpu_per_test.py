"""Where the suite's CPU goes: a pytest plugin that records each test's CPU time (this process and the child
processes it has reaped) for set-up, call and teardown, and a summary of what it recorded.

    STEWARD_TEST_CPU=/tmp/cpu python -m pytest -n auto --dist worksteal -p tests.cpu_per_test
    python -m tests.cpu_per_test /tmp/cpu          # per module, then the 40 costliest tests

CPU, not wall time: on a shared machine the wall time says how busy the machine was, CPU says what the suite costs.
Not counted: the PostgreSQL cluster's processes (a daemon, never reaped by a test process). Off unless the variable is
set; each process (xdist worker) writes its own file of JSON lines there."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

FOLDER = os.environ.get("STEWARD_TEST_CPU")
_out: IO[str] | None = None


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _write(record: dict[str, Any]) -> None:
    global _out
    if FOLDER is None:
        return
    if _out is None:
        Path(FOLDER).mkdir(parents=True, exist_ok=True)
        name = f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}.jsonl"
        _out = open(Path(FOLDER) / name, "a", encoding="utf-8")  # noqa: SIM115 - open for the whole session
    _out.write(json.dumps(record) + "\n")
    _out.flush()


def pytest_collection_finish() -> None:
    _write({"process_start": _cpu()})  # start-up and collection, before the first test


def _phase(item: pytest.Item, phase: str) -> Iterator[None]:
    cpu, wall = _cpu(), time.perf_counter()
    yield
    _write({"test": item.nodeid, "phase": phase, "cpu": _cpu() - cpu, "wall": time.perf_counter() - wall})


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    yield from _phase(item, "setup")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    yield from _phase(item, "call")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    yield from _phase(item, "teardown")


def pytest_sessionfinish() -> None:
    _write({"process_end": _cpu()})


def summary(folder: Path, top: int = 40) -> None:
    tests: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    starts: list[float] = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if "process_start" in record:
                starts.append(record["process_start"])
            elif "test" in record:
                tests[record["test"]][record["phase"]] += record["cpu"]
                tests[record["test"]]["wall"] += record["wall"]

    def total(t: dict[str, float]) -> float:
        return t["setup"] + t["call"] + t["teardown"]

    print(f"{len(tests)} tests, {sum(map(total, tests.values())):.1f} s CPU in tests", end="")
    for phase in ("setup", "call", "teardown"):
        print(f", {phase} {sum(t[phase] for t in tests.values()):.1f}", end="")
    print(f"; before the first test: {' + '.join(f'{s:.1f}' for s in starts)} s (start-up, collection)")
    modules: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for name, t in tests.items():
        module = modules[name.split("::")[0]]
        module[0] += total(t)
        module[1] += 1
        module[2] += t["setup"]
    print("\n  CPU s  tests  set-up  module")
    for name, (cpu, count, setup) in sorted(modules.items(), key=lambda m: -m[1][0]):
        print(f"{cpu:7.1f} {count:6.0f} {setup:7.1f}  {name}")
    print("\n  CPU s  set-up   call  teardown  wall s  test")
    for name, t in sorted(tests.items(), key=lambda kv: -total(kv[1]))[:top]:
        print(f"{total(t):7.1f} {t['setup']:7.1f} {t['call']:6.1f} {t['teardown']:9.1f} {t['wall']:7.1f}  {name}")


if __name__ == "__main__":
    summary(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 40)
