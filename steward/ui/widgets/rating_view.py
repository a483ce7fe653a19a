"""An enterprise's colour (三色码) as of today with every reason the rules give, and the timeline of its changes:
when the colour changed, from what to what, and why (the reasons of the new colour, as the domain words them)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QScrollArea, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from steward.domain import clock
from steward.domain.errors import StewardError
from steward.domain.rating import Change, Colour, Rating, Reason
from steward.services import ratings
from steward.storage.profile import Profile
from steward.ui import language
from steward.ui.background import Background
from steward.ui.widgets.enterprise_table import chip_text

# The chip's fill and text per colour, the same as the enterprise list's (contrast AA in both themes); the word and
# the shape carry the meaning for whoever cannot tell the fills apart.
_CHIP_STYLE = {
    Colour.RED: "background: #b3261e; color: #ffffff;",
    Colour.YELLOW: "background: #ffd54f; color: #000000;",
    Colour.GREEN: "background: #1e7d32; color: #ffffff;",
}


def reason_text(reason: Reason) -> str:
    """A rating's reason in the interface's language: the domain words it in both."""
    return reason.en if language.current() == language.ENGLISH else reason.zh


def colour_chip(chip: QLabel, colour: Colour) -> None:
    chip.setText(chip_text(colour))
    chip.setStyleSheet(
        _CHIP_STYLE[colour] + "border: 2px solid #000000; border-radius: 6px; padding: 4px 10px; font-weight: bold;"
    )


class RatingView(QWidget):
    timeline_shown = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._generation = 0
        self.current: Rating | None = None
        self.changes: list[Change] = []
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: bold;")
        self.chip = QLabel()
        self.reasons = QLabel(wordWrap=True)
        self.reasons.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.reasons)
        scroll.setMaximumHeight(110)
        self.timeline = QTreeWidget()
        self.timeline.setColumnCount(3)
        self.timeline.setHeaderLabels([self.tr("日期"), self.tr("颜色变化"), self.tr("原因")])
        self.timeline.setWordWrap(True)
        self.timeline.setRootIsDecorated(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.chip, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(scroll)
        layout.addWidget(QLabel(self.tr("颜色变化(何时、为何)")))
        layout.addWidget(self.timeline, 1)

    def show_enterprise(self, profile: Profile, enterprise_id: str) -> None:
        """The colour now (a few rows, at once) and the timeline (every day something changed, replayed: on three
        years of weekly visits most of a second) from the pool; `timeline_shown` says when it is on screen."""
        today = clock.today()
        (rated,) = ratings.ratings(profile, today, enterprise_id)
        self.current = rated.rating
        self.heading.setText(self.tr("截至 {day} 的三色码及原因").format(day=today.isoformat()))
        colour_chip(self.chip, rated.rating.colour)
        self.chip.show()
        self.reasons.setText("\n".join(f"• {reason_text(r)}" for r in rated.rating.reasons))
        self.timeline.clear()
        self.timeline.addTopLevelItem(QTreeWidgetItem(["", "", self.tr("正在计算…")]))
        self._generation += 1
        generation = self._generation

        def replay(_progress: object) -> list[Change]:
            with profile.reader() as reader:  # its own connection, as every read on the pool
                return ratings.enterprise_timeline(reader, enterprise_id, today)

        def done(changes: list[Change]) -> None:
            if generation == self._generation:
                self._show_timeline(changes)

        def failed(error: StewardError) -> None:
            if generation == self._generation:
                self.timeline.clear()
                self.timeline.addTopLevelItem(QTreeWidgetItem(["", "", language.said(error)]))
                self.timeline_shown.emit()

        Background.shared().run(replay, done, failed, owner=self)

    def _show_timeline(self, changes: list[Change]) -> None:
        self.changes = changes
        self.timeline.clear()
        for change in reversed(changes):  # the newest change first: that is the one a steward asks about
            was = f"{chip_text(change.previous)} → " if change.previous else ""
            item = QTreeWidgetItem(
                [change.on.isoformat(), was + chip_text(change.rating.colour), reason_text(change.rating.reasons[0])]
            )
            for reason in change.rating.reasons[1:]:
                item.addChild(QTreeWidgetItem(["", "", reason_text(reason)]))
            self.timeline.addTopLevelItem(item)
        self.timeline.expandAll()
        for column in (0, 1):
            self.timeline.resizeColumnToContents(column)
        self.timeline_shown.emit()

    def show_problem(self, text: str) -> None:
        self._generation += 1  # a timeline still being replayed is no longer wanted
        self.current = None
        self.changes = []
        self.heading.setText(self.tr("三色码无法计算"))
        self.chip.hide()
        self.reasons.setText(text)
        self.timeline.clear()
