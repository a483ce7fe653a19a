"""The app survives a PySide6 whose Signal.emit drops a reference to True (6.12.0 on Python 3.11): without the
shield, a few thousand emits abort the interpreter ("Fatal Python error: bool_dealloc")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

EMITS = 300_000  # True's own count is a few thousand at start-up: this is many times more

CHILD = f"""
import gc, sys
import steward.ui
from PySide6.QtCore import QObject, Signal
class Source(QObject):
    changed = Signal(str)
source = Source()
source.changed.connect(lambda text: None)
for _ in range({EMITS}):
    source.changed.emit("x")
gc.collect()
print("alive", sys.getrefcount(True) > 0)
"""


def test_a_long_session_of_emits_neither_aborts_nor_crashes_at_exit() -> None:
    # A child process: the abort would otherwise take the test runner with it, and the normal exit (with the final
    # garbage collection that aborted at quit) is part of what is proven.
    done = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert "bool_dealloc" not in done.stderr
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "alive True"


def test_the_shield_is_taken_only_where_emit_drops_the_reference() -> None:
    from steward.ui import pyside_workarounds

    if pyside_workarounds.emit_drops_a_reference_to_true():
        assert sys.getrefcount(True) > 1 << 39, "the defect shows but True was not shielded"


CALLS = 300_000  # None's own count is some tens of thousands at start-up: this is many times more

VOID_CHILD = f"""
import gc, sys
import steward.ui
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for _ in range({CALLS}):
    label.setText("x")
gc.collect()
print("alive", sys.getrefcount(None) > 0)
"""


def test_a_long_session_of_setters_neither_aborts_nor_crashes_at_exit() -> None:
    done = subprocess.run(
        [sys.executable, "-c", VOID_CHILD],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert "none_dealloc" not in done.stderr
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "alive True"


def test_none_is_shielded_only_where_void_calls_drop_the_reference() -> None:
    from steward.ui import pyside_workarounds

    if pyside_workarounds.void_call_drops_a_reference_to_none():
        assert sys.getrefcount(None) > 1 << 39, "the defect shows but None was not shielded"
    else:
        assert id(None) not in pyside_workarounds._shielded
