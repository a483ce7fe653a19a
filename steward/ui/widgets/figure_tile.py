"""One headline figure of the dashboard: its name, the number, and in small type what exactly it counts."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


class FigureTile(QFrame):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("figureTile")
        self.name = QLabel(name)
        self.number = QLabel("…")
        big = QFont(self.number.font())
        big.setPointSize(big.pointSize() + 10)
        big.setBold(True)
        self.number.setFont(big)
        self.number.setObjectName("figureNumber")
        self.definition = QLabel()
        self.definition.setWordWrap(True)
        self.definition.setObjectName("figureDefinition")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        layout.addWidget(self.name)
        layout.addWidget(self.number)
        layout.addWidget(self.definition)

    def show_figure(self, number: str, definition: str) -> None:
        self.number.setText(number)
        self.definition.setText(definition)
        self.setToolTip(definition)
