"""The enterprises screen: every enterprise of the profile with its colour (三色码) as of today, searchable by
Chinese, pinyin initials or credit code, and filtered by colour."""

from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QVBoxLayout, QWidget

from steward.domain.errors import StewardError
from steward.domain.rating import Colour
from steward.services import enterprises, ratings, settings
from steward.storage.profile import Profile
from steward.ui import language
from steward.ui.background import Background
from steward.ui.theme import wrapped_label
from steward.ui.widgets.enterprise_table import COLOUR_COLUMN, EnterpriseTableModel, chip_text
from steward.ui.widgets.rating_view import reason_text
from steward.ui.widgets.tables import fit_columns, make_table, with_clear_button

log = logging.getLogger(__name__)


class EnterprisesScreen(QWidget):
    open_enterprise = Signal(str)
    ratings_shown = Signal()  # the colours (or why there are none) are on screen

    def __init__(self, profile: Profile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.rated = False
        self.filling = False  # kept rating spans being filled on the pool (see _fill_spans)
        self._generation = 0
        self._shown: dict[str, tuple[Colour, str]] = {}
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("搜索企业:名称、拼音首字母(如 xjyq)、统一社会信用代码或地址"))
        self.colour = QComboBox()
        self.colour.setToolTip(self.tr("按三色码筛选(截至今天)"))
        self.colour.addItem(self.tr("全部三色码"), None)
        for colour in Colour:
            self.colour.addItem(chip_text(colour), colour.value)
        self.colour.currentIndexChanged.connect(self._colour_chosen)
        self.rating_problem = wrapped_label("overdue")
        self.rating_problem.hide()
        self.model = EnterpriseTableModel(settings.get(profile, settings.VISIT_INTERVAL_DAYS))
        self.table = make_table(self.model, 0)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.activated.connect(self._activated)
        top = with_clear_button(self.search)
        top.addWidget(self.colour)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.rating_problem)
        layout.addWidget(self.table)
        self.search.textChanged.connect(self.model.set_query)
        self.search.returnPressed.connect(self._open_first)

    def reload(self) -> None:
        """Load every enterprise with its figures at once, then its colour as of today from the pool (a rating reads
        findings and visits: on three years of a big park, longer than a steward should wait for the list). Typing
        and the colour filter work on this list in memory."""
        self.model.set_rows(enterprises.listing(self.profile), self._shown)  # the last colours until the new ones
        fit_columns(self.table, range(1, self.model.columnCount()))
        self._generation += 1
        generation = self._generation
        profile = self.profile

        def rate(_progress: object) -> list[ratings.EnterpriseRating]:
            with profile.reader() as reader:  # its own connection, as every read on the pool
                return ratings.ratings(reader)

        def done(rated: list[ratings.EnterpriseRating]) -> None:
            if generation == self._generation:
                self.show_ratings(rated)
            self._fill_spans()

        def failed(error: StewardError) -> None:
            if generation == self._generation:
                self.show_rating_problem(error)

        self.rated = False
        Background.shared().run(rate, done, failed, owner=self)

    def _fill_spans(self) -> None:
        """After the first use of a new release or new rules the colours above were rated directly as of today; the
        kept spans (what every later reading, the timeline and the dashboard's colour chart read) are filled here,
        on the pool, so that nobody waits for them. Nothing to do when they are current."""
        if self.filling:
            return
        self.filling = True
        profile = self.profile

        def fill(_progress: object) -> int:
            with profile.reader() as reader:
                return ratings.fill_spans(reader)

        def filled(count: object) -> None:
            self.filling = False
            if count:
                log.info("rating spans of %s enterprises kept", count)

        def failed(error: StewardError) -> None:
            self.filling = False
            log.warning("rating spans not kept: %s", error.en)

        Background.shared().run(fill, filled, failed, owner=self)

    def show_ratings(self, rated: list[ratings.EnterpriseRating]) -> None:
        self.rating_problem.hide()
        self.model.set_ratings({r.enterprise_id: (r.rating.colour, reason_text(r.rating.reasons[0])) for r in rated})
        self._count_colours()
        self.table.resizeColumnToContents(COLOUR_COLUMN)
        self.rated = True
        self.ratings_shown.emit()

    def show_rating_problem(self, error: StewardError) -> None:
        """A malformed rules file: the list still shows; the missing colour says why."""
        log.warning("ratings not shown: %s", error.en)
        self.rating_problem.setText(
            self.tr("三色码无法计算:{reason}").format(
                reason=error.en if language.current() == language.ENGLISH else error.zh
            )
        )
        self.rating_problem.show()
        self._shown = {}
        self.model.set_ratings(self._shown)
        self.rated = True
        self.ratings_shown.emit()

    def _count_colours(self) -> None:
        counts = self.model.colour_counts()
        for i, colour in enumerate(Colour, start=1):
            self.colour.setItemText(i, f"{chip_text(colour)} ({counts[colour]})")

    def _colour_chosen(self) -> None:
        value = self.colour.currentData()
        self.model.set_colour_filter(Colour(value) if value else None)

    def _activated(self, index: QModelIndex) -> None:
        self.open_enterprise.emit(self.model.id_at(index.row()))

    def _open_first(self) -> None:
        if self.model.rowCount() == 1:
            self._activated(self.model.index(0, 0))
