"""Work on the pool reports through a plain queue that the GUI thread empties: callbacks run on the GUI thread, in
the order the work reported, and the pool's threads never touch a Qt object (emitting from them deadlocked now and
then against the GUI thread closing a dialog)."""

from __future__ import annotations

import threading
from typing import Any

from pytestqt.qtbot import QtBot

from steward.domain.errors import StewardError
from steward.ui.background import Background


def test_progress_then_the_result_arrive_in_order_on_the_gui_thread(qtbot: QtBot) -> None:
    gui = threading.get_ident()
    seen: list[tuple[str, Any, bool]] = []
    workers: list[int] = []

    def work(progress: Any) -> str:
        workers.append(threading.get_ident())
        for n in range(1, 4):
            progress(n, 3, f"step {n}")
        return "done"

    runner = Background()
    runner.run(
        work,
        lambda result: seen.append(("done", result, threading.get_ident() == gui)),
        None,
        lambda n, total, detail: seen.append(("progress", detail, threading.get_ident() == gui)),
    )
    qtbot.waitUntil(lambda: any(kind == "done" for kind, _, _ in seen), timeout=10_000)
    assert seen == [
        ("progress", "step 1", True),
        ("progress", "step 2", True),
        ("progress", "step 3", True),
        ("done", "done", True),
    ]
    assert workers and workers[0] != gui and not runner.busy()


def test_a_failure_is_handed_to_its_callback_and_wait_delivers_at_once(qtbot: QtBot) -> None:
    failures: list[StewardError] = []

    def work(_progress: Any) -> None:
        raise StewardError("磁盘已满", "The disk is full")

    runner = Background()
    runner.run(work, None, failures.append)
    assert runner.wait(10_000)  # no event loop turned: wait() itself delivers
    assert [f.en for f in failures] == ["The disk is full"] and not runner.busy()
