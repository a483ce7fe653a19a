"""A row of photo thumbnails for one item, finding or re-check: add by dialog, drop or paste; delete with undo."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QIcon, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from steward.services import photo_markup, photos
from steward.services.photos import ImportReport, LinkTarget
from steward.storage import records
from steward.storage.photo_store import PHOTO_SUFFIXES
from steward.storage.profile import Profile
from steward.ui import language
from steward.ui.background import Background
from steward.ui.widgets.photo_viewer import PhotoViewer

THUMB = 96
_LINK_ROLE = Qt.ItemDataRole.UserRole


def _load_thumbs(profile: Profile, rows: list[records.LinkedPhoto]) -> list[tuple[str, QImage | None]]:
    """Runs on the pool: QImage (unlike QPixmap) may be made off the GUI thread. A photo with markup shows its
    marked copy, as the documents print it."""
    loaded = []
    for row in rows:
        path = photo_markup.thumb_path(profile, row["sha256"])
        image = QImage(str(path)) if path else None
        loaded.append((row["id"], image if image and not image.isNull() else None))
    return loaded


class PhotoStrip(QWidget):
    changed = Signal()

    def __init__(self, profile: Profile, background: Background, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.background = background
        self.target: LinkTarget | None = None
        self.editable = False
        self._rows: list[records.LinkedPhoto] = []
        self._removed: list[records.PhotoLink] = []
        self._generation = 0
        self.setAcceptDrops(True)

        self.list = QListWidget()
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setFlow(QListView.Flow.LeftToRight)
        self.list.setWrapping(False)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setFixedHeight(THUMB + 30)
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        # A tap opens the photo large; Ctrl/Shift-click selects several for deleting.
        self.list.itemClicked.connect(self._clicked)
        self.list.itemActivated.connect(self._open)

        self.add_button = QPushButton(self.tr("添加照片"))
        self.add_button.clicked.connect(self.choose_files)
        self.paste_button = QPushButton(self.tr("粘贴"))
        self.paste_button.setToolTip(self.tr("粘贴剪贴板中的图片或文件 (Ctrl+V)"))
        self.paste_button.clicked.connect(self.paste)
        self.delete_button = QPushButton(self.tr("删除所选"))
        self.delete_button.clicked.connect(self.delete_selected)
        self.undo_button = QPushButton(self.tr("撤销删除"))
        self.undo_button.clicked.connect(self.undo_delete)
        self.undo_button.hide()
        self.progress = QProgressBar()
        self.progress.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("photoMessage")
        self.message.setStyleSheet("color: #b3261e;")
        self.message.hide()

        buttons = QHBoxLayout()
        for widget in (self.add_button, self.paste_button, self.delete_button, self.undo_button):
            buttons.addWidget(widget)
        buttons.addWidget(self.progress, 1)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

        QShortcut(QKeySequence.StandardKey.Paste, self.list, self.paste)
        QShortcut(QKeySequence.StandardKey.Delete, self.list, self.delete_selected)

    # -- what the strip shows -------------------------------------------------------------------------------------
    def set_target(self, target: LinkTarget | None, editable: bool) -> None:
        self.target = target
        self.editable = editable and target is not None
        self._removed.clear()
        self.undo_button.hide()
        self.message.hide()
        for button in (self.add_button, self.paste_button, self.delete_button):
            button.setVisible(self.editable)
        self.refresh()

    def refresh(self) -> None:
        self._generation += 1
        generation = self._generation
        self._rows = photos.links(self.profile, self.target) if self.target else []
        self.list.clear()
        for number, row in enumerate(self._rows, start=1):
            item = QListWidgetItem(f"{number}")
            item.setData(_LINK_ROLE, row["id"])
            item.setToolTip(f"{row['original_name']}\n{(row['taken_at'] or '').replace('T', ' ')}")
            item.setSizeHint(QSize(THUMB + 12, THUMB + 28))
            self.list.addItem(item)
        if self._rows:
            rows = list(self._rows)
            self.background.run(
                lambda _progress: _load_thumbs(self.profile, rows),
                on_done=lambda loaded: self._show_thumbs(generation, loaded),
                owner=self.list,
            )

    def _show_thumbs(self, generation: int, loaded: list[tuple[str, QImage | None]]) -> None:
        if generation != self._generation:
            return  # the strip moved on to another item while these loaded
        by_id = dict(loaded)
        for index in range(self.list.count()):
            item = self.list.item(index)
            image = by_id.get(item.data(_LINK_ROLE))
            if image is not None:
                item.setIcon(QIcon(QPixmap.fromImage(image)))
            else:
                item.setText(self.tr("照片缺失"))

    def count(self) -> int:
        return len(self._rows)

    # -- adding -------------------------------------------------------------------------------------------------------
    def choose_files(self) -> None:
        patterns = " ".join(f"*{s}" for s in sorted(PHOTO_SUFFIXES))
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("选择照片"), "", self.tr("照片") + f" ({patterns})")
        if files:
            self.import_files([Path(f) for f in files])

    def import_files(self, paths: list[Path], cleanup: list[Path] | None = None) -> None:
        if not (self.editable and self.target and paths):
            return
        target = self.target
        self.progress.setRange(0, len(paths))
        self.progress.setValue(0)
        self.progress.show()
        self.message.hide()

        def work(progress: Any) -> ImportReport:
            return photos.import_photos(
                self.profile, paths, target, progress=lambda done, total, _r: progress(done, total)
            )

        def done(report: ImportReport) -> None:
            for path in cleanup or []:
                with contextlib.suppress(OSError):
                    path.unlink()
            self.progress.hide()
            if report.rejected:
                self.message.setText("\n".join(language.said(r.error) for r in report.rejected if r.error))
                self.message.show()
            self.refresh()
            self.changed.emit()

        def failed(error: Exception) -> None:
            self.progress.hide()
            self.message.setText(language.said(error))
            self.message.show()

        self.background.run(work, done, failed, lambda done_, total, _d: self.progress.setValue(done_), owner=self.list)

    def paste(self) -> None:
        if not self.editable:
            return
        mime = QGuiApplication.clipboard().mimeData()
        if mime.hasUrls():
            self.import_files([Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()])
        elif mime.hasImage():
            image = QImage(mime.imageData())
            handle = tempfile.NamedTemporaryFile(suffix=".png", delete=False, dir=self.profile.folder)  # noqa: SIM115
            handle.close()
            image.save(handle.name, "PNG")  # type: ignore[call-overload]  # PySide6 6.12's type hints say bytes; it takes only str
            self.import_files([Path(handle.name)], cleanup=[Path(handle.name)])
        else:
            self.message.setText(self.tr("剪贴板中没有图片。"))
            self.message.show()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.editable and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        self.import_files(paths)
        event.acceptProposedAction()

    # -- removing -----------------------------------------------------------------------------------------------------
    def delete_selected(self) -> None:
        self.delete_links([item.data(_LINK_ROLE) for item in self.list.selectedItems()])

    def delete_links(self, ids: list[str]) -> None:
        if not (self.editable and ids):
            return
        self._removed = [photos.remove_link(self.profile, link_id) for link_id in ids]
        self.undo_button.setText(self.tr("撤销删除({n}张)").format(n=len(self._removed)))
        self.undo_button.show()
        self.refresh()
        self.changed.emit()

    def undo_delete(self) -> None:
        for row in self._removed:
            photos.restore_link(self.profile, row)
        self._removed = []
        self.undo_button.hide()
        self.refresh()
        self.changed.emit()

    def _clicked(self, item: QListWidgetItem) -> None:
        if QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier:
            self._open(item)

    def _open(self, item: QListWidgetItem) -> None:
        row = next((r for r in self._rows if r["id"] == item.data(_LINK_ROLE)), None)
        if row:
            viewer = PhotoViewer(self.profile, row, self, can_delete=self.editable)
            viewer.delete_requested.connect(lambda link_id: self.delete_links([link_id]))
            viewer.marked.connect(lambda _sha: self.refresh())  # the thumbnail shows the new markup
            viewer.open()
