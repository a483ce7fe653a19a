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
