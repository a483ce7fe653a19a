"""Closing a profile's database while another thread reads from it (a window closed while the photo strip loads its
thumbnails on the pool) waits for that read and then closes; it never closes a connection under a running query,
which crashed the test process in SQLite's C code (a segmentation fault in tests/ui/test_photo_strip.py).

The race runs in a child process, so that on code with the crash the test fails with the child's signal instead of
taking the test worker down with it. The read is caught mid-query by SQLite's progress handler, not by a timer."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

RACE = textwrap.dedent(
    """
    import sqlite3, sys, threading
    from pathlib import Path
    from steward.storage.database import Database

    db = Database(Path(sys.argv[1]) / "steward.db")
    LONG = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) SELECT sum(i) FROM n"
    running, closed, result = threading.Event(), threading.Event(), {}

    def reader():
        with db._reading() as conn:  # the thread's own read connection, to watch its query run
            conn.set_progress_handler(lambda: running.set() or 0, 10000)
        result["sum"] = db.scalar(LONG)
        assert closed.wait(60), "the database was never closed"
        try:
            db.scalar("SELECT 1")
        except sqlite3.ProgrammingError as exc:
            result["after"] = str(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    assert running.wait(60), "the long read never ran"
    db.close()  # while the long read is still stepping: it waits for the read, which completes
    closed.set()
    thread.join(60)
    print(result["sum"], result.get("after"))

    refused = []

    def late_reader():
        try:
            db.query("SELECT 1")
        except sqlite3.ProgrammingError:
            refused.append(True)

    late = threading.Thread(target=late_reader)
    late.start()
    late.join(60)
    print("a new thread's read after close: refused" if refused else "a new thread read a closed database")
    """
)


def test_closing_waits_for_a_read_running_on_another_thread(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", RACE, str(tmp_path)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"the child ended with {done.returncode}: {done.stderr[-2000:]}"
    lines = done.stdout.splitlines()
    assert lines[0] == f"{3_000_000 * 3_000_001 // 2} Cannot operate on a closed database."
    assert lines[1] == "a new thread's read after close: refused"
