"""A whole visit driven through the real widgets, as a steward would, then checked in the database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from steward.domain.labels import VisitKind
from steward.services import enterprises, findings, visits
from steward.services.profiles import open_profile
from steward.storage.profile import Profile
from steward.ui.main_window import MainWindow
from steward.ui.widgets.finish_dialog import FinishDialog
from steward.ui.widgets.photo_strip import PhotoStrip
from steward.ui.widgets.start_visit_dialog import StartVisitDialog
from tests.conftest import make_code
from tests.images import write_jpeg


@pytest.fixture
def site(tmp_path: Path) -> Profile:
    """An enterprise visited once before, with two findings still open."""
    profile = open_profile(tmp_path, "field")
    ent = enterprises.create(
        profile,
        name="仙居县源泉工艺品有限公司",
        credit_code=make_code(3),
        legal_representative="王伟",
        template_code="craft",
    )
    then = datetime(2026, 10, 20, 2, tzinfo=UTC)
    first = visits.start(profile, ent["id"], "first", at=then)
    items = {i["code"]: i for i in visits.items(profile, first["id"])}
    visits.create_finding(profile, first["id"], items["B6"]["id"], location="喷漆房", at=then)
    visits.create_finding(profile, first["id"], items["D4"]["id"], location="危废仓库", at=then)
    visits.finish(profile, first["id"], at=then)
    yield profile
    profile.close()


def when_modal(dialog_type: type, act: Callable[[QDialog], None]) -> None:
    """Act on the next modal dialog of this type once its exec() loop is running."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, dialog_type):
            act(dialog)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def activate(window: QWidget, qtbot: QtBot) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)


def drop_files(strip: PhotoStrip, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    )
    strip.dropEvent(event)


def sign(pad, qtbot: QtBot) -> None:
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(30, 60))
    for x in range(40, 300, 20):
        qtbot.mouseMove(pad, QPoint(x, 60 + (x % 40)))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(300, 80))


def test_a_whole_visit(qtbot: QtBot, site: Profile, tmp_path: Path) -> None:
    window = MainWindow(site)
    qtbot.addWidget(window)
    window.show()
    activate(window, qtbot)
    ent = enterprises.listing(site)[0]

    # Find the enterprise by pinyin initials and open it with Enter.
    qtbot.keyClicks(window.enterprises.search, "xjyq")
    qtbot.keyClick(window.enterprises.search, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.detail

    # Start a routine visit of twelve items.
    codes = ["A1", "A3", "B1", "B2", "B4", "B5", "B7", "B8", "B11", "D2", "D5", "H2"]

    def choose(dialog: StartVisitDialog) -> None:
        dialog.kind.setCurrentIndex(dialog.kind.findData(VisitKind.ROUTINE.value))
        for row in range(dialog.items.count()):
            entry = dialog.items.item(row)
            keep = entry.data(Qt.ItemDataRole.UserRole) in codes
            entry.setCheckState(Qt.CheckState.Checked if keep else Qt.CheckState.Unchecked)
        dialog.start_button.click()

    when_modal(StartVisitDialog, choose)
    qtbot.mouseClick(window.detail.start_button, Qt.MouseButton.LeftButton)
    activate(window, qtbot)  # a window manager gives activation back after a dialog; offscreen Qt does not
    screen = window.visit
    assert window.stack.currentWidget() is screen
    assert screen.position == "recheck"  # open findings come first

    # Re-check: one rectified with a note and an after-photo dropped on it, one not rectified.
    rows = screen.recheck_panel.rows
    assert [r.row["location"] for r in rows] == ["喷漆房", "危废仓库"]
    rows[0].note.setText("过滤棉已更换")
    qtbot.mouseClick(rows[0].outcome_buttons[next(iter(rows[0].outcome_buttons))], Qt.MouseButton.LeftButton)
    drop_files(rows[0].photos, [write_jpeg(tmp_path / "after.jpg", colour=(30, 160, 30))])
    qtbot.waitUntil(lambda: rows[0].photos.count() == 1, timeout=5000)
    qtbot.mouseClick(list(rows[1].outcome_buttons.values())[2], Qt.MouseButton.LeftButton)

    # Walk the items by keyboard: PageDown to the first; 1 and 3 answer and move on.
    qtbot.keyClick(screen, Qt.Key.Key_PageDown)
    assert screen.item_panel.item["code"] == "A1"
    qtbot.keyClick(screen, Qt.Key.Key_1)
    qtbot.keyClick(screen, Qt.Key.Key_3)
    assert screen.item_panel.item["code"] == "B1"

    # B1 not compliant, by click: the finding form opens, prefilled; the steward fills in where.
    panel = screen.item_panel
    qtbot.mouseClick(
        panel.answer_buttons[next(r for r in panel.answer_buttons if r.value == "not_compliant")],
        Qt.MouseButton.LeftButton,
    )
    assert panel.finding_frame.isVisible()
    # 问题描述 starts from the item's problem wording (its requirement only for a checklist without one).
    assert panel.finding_editor.description.toPlainText() == findings.default_description(panel.item)
    assert panel.finding_editor.confirm_box.isVisible()
    panel.finding_editor.location.insert("喷漆车间东侧")
    panel.finding_editor.location.textEdited.emit(panel.finding_editor.location.text())
    panel.note.setPlainText("生产时门开着,现场有漆雾")

    # Two photos (one dropped, one pasted) and one corrupt file, which is refused and stored nowhere.
    drop_files(panel.photos, [write_jpeg(tmp_path / "b1-door.jpg", (1600, 1200), orientation=6)])
    qtbot.waitUntil(lambda: panel.photos.count() == 1, timeout=5000)
    QGuiApplication.clipboard().setImage(QImage(str(write_jpeg(tmp_path / "b1-mist.jpg", colour=(90, 90, 90)))))
    qtbot.mouseClick(panel.photos.paste_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.photos.count() == 2, timeout=5000)
    corrupt = tmp_path / "IMG_9999.jpg"
    corrupt.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    drop_files(panel.photos, [corrupt])
    qtbot.waitUntil(lambda: panel.photos.message.isVisible(), timeout=5000)
    assert "IMG_9999.jpg" in panel.photos.message.text() and "未导入" in panel.photos.message.text()
    assert panel.photos.count() == 2

    qtbot.keyClick(screen, Qt.Key.Key_PageDown)  # leaving the item saves what was typed
    assert panel.item["code"] == "B2"
    for key in (Qt.Key.Key_1, Qt.Key.Key_1, Qt.Key.Key_1):  # B2, B4, B5
        qtbot.keyClick(screen, key)
    assert panel.item["code"] == "B7"
    qtbot.keyClick(screen, Qt.Key.Key_2)  # B7 not compliant, by key
    assert panel.finding_frame.isVisible() and panel.item["code"] == "B7"
    panel.finding_editor.severity.setCurrentIndex(panel.finding_editor.severity.findData("general"))
    qtbot.keyClick(screen, Qt.Key.Key_PageDown)
    for key in (Qt.Key.Key_1, Qt.Key.Key_1, Qt.Key.Key_1, Qt.Key.Key_3, Qt.Key.Key_1):  # B8 B11 D2 D5 H2
        qtbot.keyClick(screen, key)
    assert "12/12" in screen.progress.text()

    # Finish: the steward signs; the representative refuses, with a witness.
    warned: list[str] = []

    def finish_anyway(box: QMessageBox) -> None:
        warned.append(box.informativeText())
        when_modal(FinishDialog, sign_and_finish)
        next(b for b in box.buttons() if b.text() == "仍然完成").click()

    def no_print_now(box: QMessageBox) -> None:
        warned.append(box.text())
        box.button(QMessageBox.StandardButton.No).click()

    def sign_and_finish(dialog: FinishDialog) -> None:
        when_modal(QMessageBox, no_print_now)
        sign(dialog.steward_box.pad, qtbot)
        dialog.representative_box.refused.setChecked(True)
        dialog.representative_box.witness.setText("园区管理员 张强")
        dialog.finish_button.click()

    when_modal(QMessageBox, finish_anyway)
    qtbot.mouseClick(screen.finish_button, Qt.MouseButton.LeftButton)
    # Before locking: B7 has no 位置 and both descriptions are still the checklist's words. After: print the notice?
    assert "问题未填写位置:B7" in warned[0] and "未确认或修改:B1、B7" in warned[0]
    assert "打印整改通知书" in warned[1]

    # What the database now holds.
    visit = visits.listing(site, enterprise_id=ent["id"])[0]
    assert visit["status"] == "finished" and visit["kind"] == "routine"
    answers = {i["code"]: (i["result"], i["note"]) for i in visits.items(site, visit["id"])}
    assert len(answers) == 12 and all(result for result, _ in answers.values())
    assert answers["A3"][0] == "not_applicable" and answers["D5"][0] == "not_applicable"
    assert answers["B1"] == ("not_compliant", "生产时门开着,现场有漆雾")
    new = {f["item_code"]: f for f in visits.findings_of_visit(site, visit["id"])}
    assert set(new) == {"B1", "B7"}
    assert new["B1"]["location"] == "喷漆车间东侧" and new["B1"]["severity"] == "major"
    # 较重 -> 一般: the deadline followed the severity, from 30 days to 7.
    assert new["B7"]["severity"] == "general"
    assert new["B7"]["deadline"] == (datetime.now().astimezone().date() + timedelta(days=7)).isoformat()
    b1_photos = site.db.query("SELECT * FROM photo_links WHERE finding_id = ?", [new["B1"]["id"]])
    assert len(b1_photos) == 2
    assert site.db.scalar("SELECT count(*) FROM photos") == 3  # two for B1, one after-photo; not the corrupt one
    events = site.db.query(
        "SELECT kind, note FROM finding_events WHERE visit_id = ? AND kind LIKE 'recheck_%'", [visit["id"]]
    )
    assert sorted(e["kind"] for e in events) == ["recheck_not_rectified", "recheck_rectified"]
    assert {"kind": "recheck_rectified", "note": "过滤棉已更换"} in events
    signatures = {s["role"]: s for s in visits.store.signatures(site.db, visit["id"])}
    assert signatures["steward"]["image_sha256"] and not signatures["steward"]["refused"]
    assert signatures["representative"]["refused"] == 1 and signatures["representative"]["witness"] == "园区管理员 张强"
    assert site.photos.blob_path(signatures["steward"]["image_sha256"], "png").stat().st_size > 200

    # The finished visit is locked on screen too.
    assert not screen.finish_button.isVisible() and screen.amend_button.isVisible()
    assert not panel.answer_buttons[next(iter(panel.answer_buttons))].isEnabled()
