"""The app at scale (`steward demo --enterprises 500 --weeks 156`), offscreen:

- start-up: process start to the enterprise list painted, against a bare PySide6 window with an empty table
  (each 5 times, median), target at most 1.5x;
- moving to the next item of a 42-item visit, painted, target one frame (16 ms);
- typing in the enterprise search: filtering 500 enterprises and painting, per keystroke, target 16 ms.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.common import OUT, ROOT, print_table
from bench.queries import build

RUNS = 5


def _first_paint_then_exit(widget: object) -> None:
    from PySide6.QtCore import QEvent, QObject

    class Watcher(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                print("painted", flush=True)
                os._exit(0)
            return False

    watcher = Watcher()
    widget.viewport().installEventFilter(watcher)  # type: ignore[attr-defined]
    widget._watcher = watcher  # type: ignore[attr-defined]


def child_bare() -> None:
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication([])
    window = QMainWindow()
    table = QTableView()
    table.setModel(QStandardItemModel(0, 6))
    window.setCentralWidget(table)
    _first_paint_then_exit(table)
    window.show()
    app.exec()


def child_steward(data_dir: str, profile: str) -> None:
    from steward.services.profiles import open_profile
    from steward.ui.app import create_application
    from steward.ui.main_window import MainWindow

    app = create_application()
    window = MainWindow(open_profile(data_dir, profile))
    assert window.enterprises.model.rowCount() > 0
    _first_paint_then_exit(window.enterprises.table)
    window.show()
    app.exec()


def _start_ms(args: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bench.ui", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    if "painted" not in done.stdout:
        raise RuntimeError(done.stderr)
    return (time.perf_counter() - started) * 1000


def _median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples):.1f}"


def in_process(name: str) -> list[list[str]]:
    from PySide6.QtWidgets import QStackedWidget, QWidget

    from steward.domain.labels import VisitKind
    from steward.services import enterprises, visits
    from steward.services.profiles import open_profile
    from steward.ui.app import create_application
    from steward.ui.main_window import MainWindow

    app = create_application()
    profile = open_profile(OUT, name)
    window = MainWindow(profile)
    window.resize(1366, 740)
    window.show()
    app.processEvents()

    ent = enterprises.listing(profile, "源泉")[0]
    visit = visits.start(profile, ent["id"], VisitKind.FIRST)
    window.open_visit(visit["id"])
    app.processEvents()
    screen = window.visit
    screen.go_to(f"item:{screen.items[0]['id']}")
    moves = []
    for _ in range(len(screen.items) - 1):
        started = time.perf_counter()
        screen.next()
        app.processEvents()  # layout and paint of the new item
        moves.append((time.perf_counter() - started) * 1000)
    screen.leave()

    # Baseline: flipping between two pages of plain labels, painted, in the same window.
    stack = QStackedWidget()
    for _ in range(2):
        stack.addWidget(QWidget())
    stack.resize(1000, 600)
    stack.show()
    flips = []
    for i in range(40):
        started = time.perf_counter()
        stack.setCurrentIndex(i % 2)
        app.processEvents()
        flips.append((time.perf_counter() - started) * 1000)
    stack.close()

    window.show_enterprises()
    search = window.enterprises
    keystrokes, searches = [], []
    for query in ("仙", "仙居", "仙居县源", "xj", "xjy", "xjyq", "9133", "91331024", "安岭乡", "工艺品有限公司"):
        search.search.clear()
        app.processEvents()
        for end in range(1, len(query) + 1):
            started = time.perf_counter()
            search.search.setText(query[:end])  # one keystroke: the list is filtered and painted
            app.processEvents()
            keystrokes.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        search.reload()  # coming back to the screen: the list is read again from the profile
        app.processEvents()
        searches.append((time.perf_counter() - started) * 1000)
    window.close()
    profile.close()
    app.processEvents()
    q = lambda xs: f"{sorted(xs)[int(len(xs) * 0.9)]:.1f}"  # noqa: E731
    return [
        ["next item in a visit, painted", _median_ms(moves), q(moves), _median_ms(flips)],
        [
            "search keystroke: 500 enterprises filtered, painted",
            _median_ms(keystrokes),
            q(keystrokes),
            _median_ms(flips),
        ],
        ["enterprise list re-read from the profile, painted", _median_ms(searches), q(searches), _median_ms(flips)],
    ]


def main() -> None:
    from steward.services import demo

    size = demo.DemoSize(enterprises=500, weeks=156, photos=False)
    build(size)
    name = f"scale-{size.enterprises}x{size.weeks}"
    bare = [_start_ms(["--child", "bare"]) for _ in range(RUNS)]
    steward = [_start_ms(["--child", "steward", str(OUT), name]) for _ in range(RUNS)]
    ratio = statistics.median(steward) / statistics.median(bare)
    print_table(
        f"Start-up to the enterprise list painted ({name}, offscreen, median of {RUNS})",
        ["process", "median ms", "min ms"],
        [
            ["bare PySide6 window, empty table", _median_ms(bare), f"{min(bare):.1f}"],
            ["Steward, 500 enterprises listed", _median_ms(steward), f"{min(steward):.1f}"],
        ],
    )
    print(f"ratio steward/bare: {ratio:.2f}x (target <= 1.5x)")
    rows = in_process(name)
    print_table(
        "Interaction (target: one frame, 16 ms)",
        ["what", "median ms", "p90 ms", "baseline: page flip ms"],
        rows,
    )


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child_bare() if sys.argv[2] == "bare" else child_steward(sys.argv[3], sys.argv[4])
    else:
        main()
