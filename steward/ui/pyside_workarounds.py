"""Defects of the PySide6 release we ship, each measured where it is worked around and worked around only where the
measurement shows it, so a fixed release (or a Python where True and None are immortal) runs untouched."""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

# Far beyond the calls of any session (a busy day is well under a million), far below the counter's range.
_HEADROOM = 1 << 40
_PROBE_CALLS = 16
_shielded: set[int] = set()  # ids of the singletons already given headroom


class _Probe(QObject):
    ping = Signal(int)


def _drops_a_reference(singleton: object, call: Callable[[], object]) -> bool:
    before = sys.getrefcount(singleton)
    for _ in range(_PROBE_CALLS):
        call()
    return sys.getrefcount(singleton) <= before - _PROBE_CALLS


def _shield(singleton: object, defect_shows: Callable[[], bool]) -> bool:
    """Give the singleton a reference count no session can use up, once per process, where the defect shows.

    ctypes writes the count directly because the alternative, a list holding as many references, would cost 8 bytes
    per call the session might make. Returns whether the shield was needed."""
    if id(singleton) in _shielded:
        return True
    if not defect_shows():
        return False
    ctypes.c_ssize_t.from_address(id(singleton)).value += _HEADROOM
    _shielded.add(id(singleton))
    return True


def emit_drops_a_reference_to_true() -> bool:
    """Whether `Signal.emit` from Python lowers True's reference count (PySide6 6.12.0 on Python 3.11 does: emit
    returns True without taking the reference its caller then releases)."""
    probe = _Probe()
    return _drops_a_reference(True, lambda: probe.ping.emit(1))


def shield_true_from_emit() -> bool:
    """Every emit lowers True's count by one. After some thousands of emits (typing in the visit screen emits on each
    keystroke) the count reaches zero and the interpreter aborts with "Fatal Python error: bool_dealloc" — at quit,
    or in the middle of a steward's work."""
    return _shield(True, emit_drops_a_reference_to_true)


def void_call_drops_a_reference_to_none() -> bool:
    """Whether a Qt method returning nothing lowers None's reference count (PySide6 6.12.0 on Python 3.11 does: every
    setter -- setText, setFont, setLabelsFont -- returns None without taking the reference its caller releases)."""
    probe = _Probe()
    return _drops_a_reference(None, lambda: probe.setObjectName("probe"))


def shield_none_from_void_calls() -> bool:
    """Every call of a Qt method that returns nothing lowers None's count by one; a dashboard redrawing its charts
    makes hundreds per drawing, and the interpreter aborts with "Fatal Python error: none_dealloc" once the count
    reaches zero (seen in bench/dashboard.py, and at the daily backup's progress on a big profile)."""
    return _shield(None, void_call_drops_a_reference_to_none)
