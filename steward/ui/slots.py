"""Slots bound to a value, for signals that carry arguments we do not want (clicked's `checked`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def bound(fn: Callable[..., Any], *args: Any) -> Callable[[], None]:
    """A slot that takes nothing and calls fn(*args). PySide6 6.12 mis-counts references to the `checked` bool it
    hands to a lambda with default arguments (`lambda _c=False, k=kind: …`), which later aborted the interpreter at
    exit with "bool_dealloc"; a slot without parameters is given no arguments at all."""

    def slot() -> None:
        fn(*args)

    return slot
