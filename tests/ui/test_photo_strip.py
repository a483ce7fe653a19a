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
    assert Background.shared().wait(10_000)
    assert photos.links(profile, LinkTarget(visit_id=visit["id"])) == []
    assert strip.count() == 0


def _reddish_pixels(strip: PhotoStrip) -> int:
    """Red ink in the right half of the thumbnail (the test photo's top-left corner is red of its own)."""
    image = strip.list.item(0).icon().pixmap(256, 256).toImage()
    count = 0
    for x in range(image.width() // 2, image.width()):
        for y in range(image.height()):
            colour = image.pixelColor(x, y)
            count += colour.red() - max(colour.green(), colour.blue()) > 40
    return count


def test_the_strip_shows_the_marked_copy_at_once_after_markup_is_saved(
    qtbot: QtBot, profile: Profile, enterprise: dict, tmp_path: Path
) -> None:
    from steward.domain.markup import Shape, Tool

    visit = visits.start(profile, enterprise["id"])
    strip = PhotoStrip(profile, Background.shared())
    qtbot.addWidget(strip)
    strip.show()
    strip.set_target(LinkTarget(visit_id=visit["id"]), editable=True)
    strip.import_files([write_jpeg(tmp_path / "grey.jpg", (800, 600), colour=(128, 128, 128))])
    qtbot.waitUntil(lambda: strip.count() == 1 and not strip.list.item(0).icon().isNull(), timeout=5000)
    assert _reddish_pixels(strip) == 0

    strip._clicked(strip.list.item(0))
    viewer = next(w for w in QApplication.topLevelWidgets() if isinstance(w, PhotoViewer) and w.isVisible())
    editor = viewer.open_markup()
    editor.canvas.shapes = [Shape(Tool.CIRCLE, 100, 100, 700, 500)]  # as if drawn: the editor's own tests drag
    editor.save()
    qtbot.waitUntil(lambda: not strip.list.item(0).icon().isNull() and _reddish_pixels(strip) > 20, timeout=5000)
    viewer.close()
    # Nothing left on the pool to deliver to widgets that the test's end destroys.
    assert Background.shared().wait(10_000)
    QApplication.processEvents()
