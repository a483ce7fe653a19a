"""The first document of a process costs what a later one does once the warm-up has run (bench/report.py has the
figures); here: what the warm-up leaves behind, that it never raises, and that the font is loaded once when the
warm-up and a first document ask for it at the same moment."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from steward.reports import fonts, warm

ROOT = Path(__file__).resolve().parent.parent
DEADLINE = 60  # seconds: a stuck thread fails the test instead of hanging it

_CHILD = """
import json, sys
from steward.services import documents
before = {m: m in sys.modules for m in ("reportlab.platypus.tables", "steward.reports.notice", "PIL.JpegImagePlugin")}
first, again = documents.warm_up(), documents.warm_up()
from reportlab.pdfbase import pdfmetrics
from steward.reports import base, fonts
from steward.resources import checklists_dir
from steward.services.template_files import read_template_file
after = {m: m in sys.modules for m in before}
item = read_template_file(checklists_dir() / "machinery.yaml").items[-1]
hits = base._parsed.cache_info().hits
base._parsed(fonts.TextGuard().markup(item.problem), "cell")
print(json.dumps({"before": before, "after": after, "first": first, "again": again,
                  "registered": fonts.FONT in pdfmetrics.getRegisteredFontNames(),
                  "wording_recalled": base._parsed.cache_info().hits == hits + 1}))
"""


def test_the_warm_up_loads_what_a_first_document_needs_once_and_leaves_no_file(tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(scratch)}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD], cwd=ROOT, env=env, capture_output=True, text=True, timeout=DEADLINE
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert not any(seen["before"].values())  # the service module alone loads none of the drawing code
    assert all(seen["after"].values()) and seen["registered"]
    assert seen["wording_recalled"]  # a bundled checklist's problem wording is laid out already
    assert seen["first"] > 0 and seen["again"] == 0  # once per process
    assert list(scratch.iterdir()) == []  # its photo went with its temporary folder


def test_a_failing_warm_up_is_logged_and_never_raised(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_document: Any) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(warm, "_done", threading.Event())
    monkeypatch.setattr(warm, "render", broken)
    with caplog.at_level(logging.WARNING, logger=warm.__name__):
        warm.warm_up()
    assert "documents not warmed up" in caplog.text and "disk gone" in caplog.text
    assert warm.warm_up() == 0.0  # not tried again: the real document will say what is wrong


class _WatchedLock:
    """A lock that tells when a second thread is waiting for it."""

    def __init__(self) -> None:
        self.inner = threading.Lock()
        self.waiting = threading.Event()

    def __enter__(self) -> None:
        if not self.inner.acquire(blocking=False):
            self.waiting.set()
            assert self.inner.acquire(timeout=DEADLINE)

    def __exit__(self, *_exc: object) -> None:
        self.inner.release()


def test_two_threads_asking_for_the_font_at_once_load_it_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The warm-up on the pool and a first document on another thread: one font object, read once (two would mean
    two registrations of one name, and a document half drawn with each)."""
    lock = _WatchedLock()
    loads: list[str] = []
    reading = threading.Event()

    class Font:
        face = None

    def slow_load(name: str, _path: Path) -> Font:
        loads.append(name)
        if len(loads) == 1:  # hold the first reading until the second thread waits for the lock
            reading.set()
            assert lock.waiting.wait(DEADLINE)
        return Font()

    monkeypatch.setattr(fonts, "_lock", lock)
    monkeypatch.setattr(fonts, "load", slow_load)
    monkeypatch.setattr(fonts.pdfmetrics, "registerFont", lambda _font: None)
    got: list[object] = []
    fonts.register.cache_clear()
    fonts._main_font.cache_clear()
    try:
        threads = [threading.Thread(target=lambda: got.append(fonts.register())) for _ in range(2)]
        threads[0].start()
        assert reading.wait(DEADLINE)
        threads[1].start()
        for thread in threads:
            thread.join(DEADLINE)
        assert loads == [fonts.FONT] and len(got) == 2 and got[0] is got[1]
    finally:
        fonts.register.cache_clear()  # the next document registers the real font again
        fonts._main_font.cache_clear()
