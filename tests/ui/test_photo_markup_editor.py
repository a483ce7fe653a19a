"""The markup editor: a circle drawn with the mouse and saved makes a marked copy; the original stays as it was."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from steward.domain.markup import Tool
from steward.services import photo_markup, photos, visits
from steward.services.photos import LinkTarget
from steward.storage.profile import Profile
from steward.ui.theme import TOUCH
from steward.ui.widgets.photo_markup import PhotoMarkupEditor
from steward.ui.widgets.photo_viewer import PhotoViewer
from tests.images import write_jpeg


def _photo_row(profile: Profile, enterprise: dict, tmp_path: Path) -> tuple[dict, dict]:
    visit = visits.start(profile, enterprise["id"])
    photos.import_photos(profile, [write_jpeg(tmp_path / "p.jpg", (800, 600))], LinkTarget(visit_id=visit["id"]))
    return visit, photos.links(profile, LinkTarget(visit_id=visit["id"]))[0]


def _drag(qtbot: QtBot, editor: PhotoMarkupEditor, start: QPoint, end: QPoint) -> None:
    canvas = editor.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(canvas, end)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=end)


def test_draw_a_circle_with_the_mouse_and_save(
    qtbot: QtBot, profile: Profile, enterprise: dict, tmp_path: Path
) -> None:
    _visit, row = _photo_row(profile, enterprise, tmp_path)
    original = profile.photos.original_path(row["sha256"], row["original_ext"])
    before = original.read_bytes()
    viewer = PhotoViewer(profile, row)
    qtbot.addWidget(viewer)
    viewer.show()
    editor = viewer.open_markup()
    editor.resize(1000, 700)
    qtbot.waitExposed(editor)
    assert editor.buttons[Tool.CIRCLE].isChecked()
    assert not editor.reason.isVisible()  # the visit is in progress: no amendment reason asked for
    buttons = editor.findChildren(QPushButton)
    assert len(buttons) == 7 and all(b.height() >= TOUCH and b.width() >= TOUCH for b in buttons)
    assert {b.text() for b in buttons} == {"圈", "箭头", "文字", "模糊", "撤销", "取消", "保存"}

    frame = editor.canvas._frame()
    start = editor.canvas.to_screen(200, 150).toPoint()
    end = editor.canvas.to_screen(400, 300).toPoint()
    assert frame.contains(start) and frame.contains(end)
    _drag(qtbot, editor, start, end)
    assert [s.tool for s in editor.canvas.shapes] == [Tool.CIRCLE]
    circle = editor.canvas.shapes[0]
    assert abs(circle.x1 - 200) < 3 and abs(circle.y2 - 300) < 3  # kept in the photo's pixels, not the screen's
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    assert not editor.isVisible()
    assert [s.tool for s in photo_markup.shapes(profile, row["sha256"])] == [Tool.CIRCLE]
    assert photo_markup.marked_path(profile, photo_markup.marked_sha256(profile, row["sha256"])) is not None
    assert original.read_bytes() == before
    assert "已标注" in viewer.facts.text()
    viewer.close()


def test_undo_and_cancel_keep_nothing(qtbot: QtBot, profile: Profile, enterprise: dict, tmp_path: Path) -> None:
    _visit, row = _photo_row(profile, enterprise, tmp_path)
    editor = PhotoMarkupEditor(profile, row)
    qtbot.addWidget(editor)
    editor.resize(1000, 700)
    editor.show()
    qtbot.waitExposed(editor)
    qtbot.mouseClick(editor.buttons[Tool.BLUR], Qt.MouseButton.LeftButton)
    _drag(qtbot, editor, editor.canvas.to_screen(10, 10).toPoint(), editor.canvas.to_screen(300, 200).toPoint())
    _drag(qtbot, editor, editor.canvas.to_screen(400, 10).toPoint(), editor.canvas.to_screen(600, 200).toPoint())
    assert [s.tool for s in editor.canvas.shapes] == [Tool.BLUR, Tool.BLUR]
    qtbot.mouseClick(editor.undo_button, Qt.MouseButton.LeftButton)
    assert len(editor.canvas.shapes) == 1
    qtbot.mouseClick(editor.cancel_button, Qt.MouseButton.LeftButton)
    assert photo_markup.marked_sha256(profile, row["sha256"]) is None


def test_a_finished_visit_asks_for_an_amendment_reason(
    qtbot: QtBot, profile: Profile, enterprise: dict, tmp_path: Path
) -> None:
    visit, row = _photo_row(profile, enterprise, tmp_path)
    visits.finish(profile, visit["id"])
    editor = PhotoMarkupEditor(profile, row)
    qtbot.addWidget(editor)
    editor.resize(1000, 700)
    editor.show()
    qtbot.waitExposed(editor)
    assert editor.reason.isVisible()
    _drag(qtbot, editor, editor.canvas.to_screen(100, 100).toPoint(), editor.canvas.to_screen(300, 300).toPoint())
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.isVisible() and "修订" in editor.error.text()
    assert photo_markup.marked_sha256(profile, row["sha256"]) is None
    qtbot.keyClicks(editor.reason, "mask face")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert not editor.isVisible()
    assert photo_markup.marked_sha256(profile, row["sha256"]) is not None


def test_text_and_arrow_tools(qtbot: QtBot, profile: Profile, enterprise: dict, tmp_path: Path) -> None:
    _visit, row = _photo_row(profile, enterprise, tmp_path)
    editor = PhotoMarkupEditor(profile, row)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    qtbot.mouseClick(editor.buttons[Tool.ARROW], Qt.MouseButton.LeftButton)
    _drag(qtbot, editor, editor.canvas.to_screen(600, 500).toPoint(), editor.canvas.to_screen(300, 200).toPoint())
    qtbot.mouseClick(editor.buttons[Tool.TEXT], Qt.MouseButton.LeftButton)
    editor.canvas.ask_text = lambda: "漆雾外逸"  # what the steward types into the text box (an input method's commit)
    at = editor.canvas.to_screen(100, 80).toPoint()
    qtbot.mouseClick(editor.canvas, Qt.MouseButton.LeftButton, pos=at)
    assert [(s.tool, s.text) for s in editor.canvas.shapes] == [(Tool.ARROW, ""), (Tool.TEXT, "漆雾外逸")]
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert [s.text for s in photo_markup.shapes(profile, row["sha256"])] == ["", "漆雾外逸"]
