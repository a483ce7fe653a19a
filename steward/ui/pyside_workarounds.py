"""Defects of the PySide6 release we ship, each measured where it is worked around and worked around only where the
measurement shows it, so a fixed release (or a Python where True is immortal) runs untouched."""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

# Far beyond the emits of any session (a busy day is well under a million), far below the counter's range.
_TRUE_HEADROOM = 1 << 40
_shielded = False


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
