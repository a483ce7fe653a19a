"""A photo at report size (its marked copy when it has markup), with when and where it was taken and the first
characters of the original's hash; 标注… opens the markup editor."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from steward.services import photo_markup
from steward.storage import records
from steward.storage.profile import Profile
from steward.ui.widgets.photo_markup import PhotoMarkupEditor


class PhotoViewer(QDialog):
    delete_requested = Signal(str)  # link id
    marked = Signal(str)  # the photo's SHA-256, after its markup was saved

    def __init__(
        self, profile: Profile, row: records.LinkedPhoto, parent: QWidget | None = None, can_delete: bool = False
    ) -> None:
        super().__init__(parent)
        self.profile, self.row = profile, row
        self.setWindowTitle(row["original_name"])
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.picture = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.facts = QLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.markup_button = buttons.addButton(self.tr("标注…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.markup_button.setToolTip(self.tr("在副本上画圈、箭头、文字或模糊人脸车牌;原图不变"))
        self.markup_button.clicked.connect(self.open_markup)
        if can_delete:
            delete = buttons.addButton(self.tr("删除此照片"), QDialogButtonBox.ButtonRole.DestructiveRole)
            delete.clicked.connect(self._delete)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.facts)
        layout.addWidget(buttons)
        self._show()

    def _show(self) -> None:
        row = self.row
        marked = photo_markup.marked_sha256(self.profile, row["sha256"])
        # With markup, the marked copy (blurred faces stay blurred here too); never the rendition in its place.
        path = (
            photo_markup.marked_path(self.profile, marked)
            if marked
            else self.profile.photos.rendition_path(row["sha256"])
        )
        pixmap = QPixmap(str(path)) if path and path.exists() else QPixmap()
        if pixmap.isNull():
            self.picture.setText(self.tr("照片文件缺失(可运行“检查档案”查看)"))
        else:
            self.picture.setPixmap(
                pixmap.scaled(1000, 620, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
            )
        facts = [self.tr("拍摄时间:{t}").format(t=(row["taken_at"] or self.tr("未知")).replace("T", " "))]
        if row.get("gps_lat") is not None:
            facts.append(self.tr("位置:{lat:.5f}, {lon:.5f}").format(lat=row["gps_lat"], lon=row["gps_lon"]))
        if marked:
            facts.append(self.tr("已标注(原图不变)"))
        facts.append(self.tr("原图校验码:{sha}").format(sha=row["sha256"][:12]))
        self.facts.setText(" · ".join(facts))

    def _delete(self) -> None:
        self.delete_requested.emit(self.row["id"])
        self.accept()

    def open_markup(self) -> PhotoMarkupEditor:
        editor = PhotoMarkupEditor(self.profile, self.row, self)
        editor.saved.connect(self._after_markup)
        editor.open()
        return editor

    def _after_markup(self, sha256: str) -> None:
        self._show()
        self.marked.emit(sha256)
