"""Defects of the PySide6 release we ship, each measured where it is worked around and worked around only where the
measurement shows it, so a fixed release (or a Python where True is immortal) runs untouched."""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

# Far beyond the emits of any session (a busy day is well under a million), far below the counter's range.
_TRUE_HEADROOM = 1 << 40
_shielded = False
_none_shielded = False


class _Probe(QObject):
    ping = Signal(int)


def emit_drops_a_reference_to_true() -> bool:
    """Whether `Signal.emit` from Python lowers True's reference count (PySide6 6.12.0 on Python 3.11 does: emit
    returns True without taking the reference its caller then releases)."""
    probe = _Probe()
    emits = 16
    before = sys.getrefcount(True)
    for _ in range(emits):
        probe.ping.emit(1)
    return sys.getrefcount(True) <= before - emits


def shield_true_from_emit() -> bool:
    """Every emit lowers True's count by one. After some thousands of emits (typing in the visit screen emits on each
    keystroke) the count reaches zero and the interpreter aborts with "Fatal Python error: bool_dealloc" — at quit,
    or in the middle of a steward's work. Where the defect shows, give True a count no session can use up.

    ctypes writes the count directly because the alternative, a list holding as many references, would cost 8 bytes
    per emit the session might make. Returns whether the shield was needed (once per process)."""
    global _shielded
    if _shielded:
        return True
    if not emit_drops_a_reference_to_true():
        return False
    ctypes.c_ssize_t.from_address(id(True)).value += _TRUE_HEADROOM
    _shielded = True
    return True


def void_call_drops_a_reference_to_none() -> bool:
    """Whether a Qt method returning nothing lowers None's reference count (PySide6 6.12.0 on Python 3.11 does: every
    setter -- setText, setFont, setLabelsFont -- returns None without taking the reference its caller releases)."""
    probe = _Probe()
    calls = 16
    before = sys.getrefcount(None)
    for _ in range(calls):
        probe.setObjectName("probe")
    return sys.getrefcount(None) <= before - calls


def shield_none_from_void_calls() -> bool:
    """Every call of a Qt method that returns nothing lowers None's count by one; a dashboard redrawing its charts
    makes hundreds per drawing, and the interpreter aborts with "Fatal Python error: none_dealloc" once the count
    reaches zero (seen in bench/dashboard.py, and at the daily backup's progress on a big profile). The same cure as
    for True, for the same reason. Returns whether the shield was needed (once per process)."""
    global _none_shielded
    if _none_shielded:
        return True
    if not void_call_drops_a_reference_to_none():
        return False
    ctypes.c_ssize_t.from_address(id(None)).value += _TRUE_HEADROOM
    _none_shielded = True
    return True
