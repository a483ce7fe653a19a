"""Slots bound to a value, for signals that carry arguments we do not want (clicked's `checked`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def bound(fn: Callable[..., Any], *args: Any) -> Callable[[], None]:
    """A slot that takes nothing and calls fn(*args). A signal's arguments (clicked's `checked`) reach any parameter
    a Python slot has, defaults included: `clicked.connect(self.save_as)` called save_as(False). A slot without
    parameters is given no arguments at all."""

    def slot() -> None:
        fn(*args)

    return slot
