"""A photo at report size, with when and where it was taken and the first characters of its hash."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from steward.storage.profile import Profile


class PhotoViewer(QDialog):
    delete_requested = Signal(str)  # link id

    def __init__(
        self, profile: Profile, row: dict[str, Any], parent: QWidget | None = None, can_delete: bool = False
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(row["original_name"])
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picture = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        path = profile.photos.rendition_path(row["sha256"])
        pixmap = QPixmap(str(path)) if path.exists() else QPixmap()
        if pixmap.isNull():
            picture.setText(self.tr("照片文件缺失(可运行“检查档案”查看)"))
        else:
            picture.setPixmap(
                pixmap.scaled(1000, 620, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
            )
        facts = [self.tr("拍摄时间:{t}").format(t=(row["taken_at"] or self.tr("未知")).replace("T", " "))]
        if row.get("gps_lat") is not None:
            facts.append(self.tr("位置:{lat:.5f}, {lon:.5f}").format(lat=row["gps_lat"], lon=row["gps_lon"]))
        facts.append(self.tr("校验码:{sha}").format(sha=row["sha256"][:12]))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        if can_delete:
            delete = buttons.addButton(self.tr("删除此照片"), QDialogButtonBox.ButtonRole.DestructiveRole)
            delete.clicked.connect(lambda: (self.delete_requested.emit(row["id"]), self.accept()))
        layout = QVBoxLayout(self)
        layout.addWidget(picture, 1)
        layout.addWidget(QLabel(" · ".join(facts)))
        layout.addWidget(buttons)
