"""The photo strip on its own: tap to view, delete from the viewer, undo."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from steward.services import photos, visits
from steward.services.photos import LinkTarget
from steward.storage.profile import Profile
from steward.ui.background import Background
from steward.ui.widgets.photo_strip import PhotoStrip
from steward.ui.widgets.photo_viewer import PhotoViewer
from tests.images import write_jpeg


def test_tap_view_delete_and_undo(qtbot: QtBot, profile: Profile, enterprise: dict, tmp_path: Path) -> None:
    visit = visits.start(profile, enterprise["id"])
    strip = PhotoStrip(profile, Background.shared())
    qtbot.addWidget(strip)
    strip.show()
    strip.set_target(LinkTarget(visit_id=visit["id"]), editable=True)
    strip.import_files([write_jpeg(tmp_path / f"p{i}.jpg", colour=(i * 60, 80, 80)) for i in range(3)])
    qtbot.waitUntil(lambda: strip.count() == 3, timeout=5000)
    qtbot.waitUntil(lambda: not strip.list.item(0).icon().isNull(), timeout=5000)  # thumbnails arrived

    strip._clicked(strip.list.item(1))
    viewer = next(w for w in QApplication.topLevelWidgets() if isinstance(w, PhotoViewer) and w.isVisible())
    assert "校验码" in " ".join(label.text() for label in viewer.findChildren(type(strip.message)))
    delete = next(b for b in viewer.findChildren(type(strip.add_button)) if b.text() == "删除此照片")
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    assert strip.count() == 2 and strip.undo_button.isVisible()
    qtbot.mouseClick(strip.undo_button, Qt.MouseButton.LeftButton)
    assert strip.count() == 3 and not strip.undo_button.isVisible()


def test_a_finished_visit_shows_photos_read_only(
    qtbot: QtBot, profile: Profile, enterprise: dict, tmp_path: Path
) -> None:
    visit = visits.start(profile, enterprise["id"])
    strip = PhotoStrip(profile, Background.shared())
    qtbot.addWidget(strip)
    strip.set_target(LinkTarget(visit_id=visit["id"]), editable=False)
    assert strip.add_button.isHidden() and strip.paste_button.isHidden()
    strip.import_files([write_jpeg(tmp_path / "x.jpg")])
    # Had it started an import, that runs on the pool: wait for the pool and deliver its signals before looking.
    assert Background.shared().pool.waitForDone(10_000)
    QApplication.processEvents()
    assert photos.links(profile, LinkTarget(visit_id=visit["id"])) == []
    assert strip.count() == 0
