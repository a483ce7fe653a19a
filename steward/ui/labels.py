"""The domain's vocabulary (severity, status, kinds) as shown on screen: through Qt's translation like every string.

The Chinese words are defined once, in steward.domain.labels; an English (or other) .qm file translates them
under the context "labels".
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QCoreApplication


class _Labelled(Protocol):
    @property
    def zh(self) -> str: ...


def label(value: _Labelled) -> str:
    return QCoreApplication.translate("labels", value.zh)


class _Rated(Protocol):
    @property
    def found(self) -> int: ...

    @property
    def rectification_rate(self) -> float: ...


def rate_text(figures: _Rated, decimals: int = 0) -> str:
    """整改率 as shown: "—" where nothing was found (there is nothing to rectify, not 0% rectified)."""
    if not figures.found:
        return "—"
    return f"{figures.rectification_rate:.{decimals}%}"
