"""The enterprise list on the first use of a new release or new rules: its colours come rated directly as of today,
and the kept spans are filled behind them on the pool; they give the same colours."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from steward.services import demo, ratings
from steward.storage.profile import Profile
from steward.storage.rating_cache import FILE_NAME
from steward.ui.screens.enterprises import EnterprisesScreen
from steward.ui.widgets.enterprise_table import COLOUR_COLUMN, chip_text


@pytest.fixture
def park_size() -> demo.DemoSize:
    return demo.DemoSize(enterprises=6, weeks=20)


def test_the_list_shows_colours_rated_directly_then_fills_the_spans(
    qtbot: QtBot, park: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    (park.folder / FILE_NAME).unlink(missing_ok=True)  # as after an upgrade: nothing kept
    monkeypatch.setattr(ratings, "RATE_DIRECTLY_FROM", 2)  # six enterprises count as many
    assert ratings.spans_behind(park) == 6
    screen = EnterprisesScreen(park)
    qtbot.addWidget(screen)
    screen.reload()
    qtbot.waitUntil(lambda: screen.rated, timeout=30_000)
    shown = {screen.model.id_at(row): screen.model.index(row, COLOUR_COLUMN).data() for row in range(6)}
    qtbot.waitUntil(lambda: not screen.filling, timeout=60_000)
    assert ratings.spans_behind(park) == 0  # filled behind the list
    kept = {r.enterprise_id: chip_text(r.rating.colour) for r in ratings.ratings(park)}
    assert shown == kept and len(set(kept.values())) >= 2
    tips = {screen.model.index(row, COLOUR_COLUMN).data(Qt.ItemDataRole.ToolTipRole) for row in range(6)}
    assert all(tips)
