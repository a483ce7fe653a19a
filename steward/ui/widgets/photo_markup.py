"""The markup editor: circles, arrows, text and blur drawn over a photo with a finger, a pen or a mouse.

Shapes are kept in the photo's own pixel coordinates; saving hands them to the service, which draws the marked copy.
The photo as taken is never changed."""

from __future__ import annotations

import math
from dataclasses import asdict

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from steward.domain.errors import StewardError
from steward.domain.markup import Shape, Tool
from steward.services import photo_markup
from steward.storage import records
from steward.storage.profile import Profile
from steward.ui import language
from steward.ui.screen_fit import fit_to_screen
from steward.ui.slots import bound
from steward.ui.theme import TOUCH

INK = QColor(229, 30, 30)
# The chosen tool must be unmistakable in both themes (and to a gloved hand in sunlight): dark fill, light text.
CHOSEN_TOOL = "QPushButton#markupTool:checked { background: #0b1f4d; color: #ffffff; border: 3px solid #000000; }"
MIN_DRAG = 4  # pixels on screen: a shorter drag is a slip of the finger, not a shape


class MarkupCanvas(QWidget):
    """The photo scaled to fit, the shapes over it; a drag draws one shape of the chosen tool."""

    changed = Signal()

    def __init__(self, pixmap: QPixmap, image_size: QSize, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pixmap = pixmap
        self.image_size = image_size  # the photo's pixels, which the shapes are measured in
        self.shapes: list[Shape] = []
        self.tool = Tool.CIRCLE
        self._start: QPointF | None = None
        self._now: QPointF | None = None
        self.ask_text = self._ask_text
        self.setMinimumSize(QSize(480, 320))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)

    # Where the photo sits on screen, and the two ways between screen and photo pixels.
    def _frame(self) -> QRectF:
        size = QSize(self.image_size).scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        return QRectF(
            (self.width() - size.width()) / 2, (self.height() - size.height()) / 2, size.width(), size.height()
        )

    def _scale(self) -> float:
        return self._frame().width() / max(1, self.image_size.width())

    def to_image(self, point: QPointF) -> QPointF:
        frame, scale = self._frame(), self._scale()
        x = min(max((point.x() - frame.left()) / scale, 0.0), float(self.image_size.width()))
        y = min(max((point.y() - frame.top()) / scale, 0.0), float(self.image_size.height()))
        return QPointF(x, y)

    def to_screen(self, x: float, y: float) -> QPointF:
        frame, scale = self._frame(), self._scale()
        return QPointF(frame.left() + x * scale, frame.top() + y * scale)

    def set_shapes(self, shapes: list[Shape]) -> None:
        self.shapes = list(shapes)
        self.update()
        self.changed.emit()

    def undo(self) -> None:
        if self.shapes:
            self.shapes.pop()
            self.update()
            self.changed.emit()

    def _ask_text(self) -> str:
        text, ok = QInputDialog.getText(self, self.tr("文字标注"), self.tr("标注文字:"))
        return text.strip() if ok else ""

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._start = self._now = event.position()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._start is not None:
            self._now = event.position()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._start is None:
            return
        start, end = self._start, event.position()
        self._start = self._now = None
        a, b = self.to_image(start), self.to_image(end)
        if self.tool == Tool.TEXT:
            text = self.ask_text()
            if text:
                self.shapes.append(Shape(Tool.TEXT, a.x(), a.y(), a.x(), a.y(), text))
        elif math.hypot(end.x() - start.x(), end.y() - start.y()) >= MIN_DRAG:
            self.shapes.append(Shape(self.tool, a.x(), a.y(), b.x(), b.y()))
        self.update()
        self.changed.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#202020"))
        frame = self._frame()
        painter.drawPixmap(frame, self.pixmap, QRectF(self.pixmap.rect()))
        shapes = list(self.shapes)
        if self._start is not None and self._now is not None and self.tool != Tool.TEXT:
            a, b = self.to_image(self._start), self.to_image(self._now)
            shapes.append(Shape(self.tool, a.x(), a.y(), b.x(), b.y()))
        for shape in sorted(shapes, key=lambda s: s.tool != Tool.BLUR):  # blur under the ink, as when saved
            self._paint(painter, shape)
        painter.end()

    def _paint(self, painter: QPainter, shape: Shape) -> None:
        scale = self._scale()
        width = max(3.0, max(self.image_size.width(), self.image_size.height()) / 250 * scale)
        pen = QPen(INK, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        left, top, right, bottom = shape.box()
        box = QRectF(self.to_screen(left, top), self.to_screen(right, bottom))
        if shape.tool == Tool.BLUR:
            # A coarse mosaic of what is under the box: the saved copy is blurred harder still.
            source = QRectF(
                left / self.image_size.width() * self.pixmap.width(),
                top / self.image_size.height() * self.pixmap.height(),
                (right - left) / self.image_size.width() * self.pixmap.width(),
                (bottom - top) / self.image_size.height() * self.pixmap.height(),
            ).toRect()
            if source.width() > 1 and source.height() > 1:
                cells = self.pixmap.copy(source).scaled(max(1, source.width() // 24), max(1, source.height() // 24))
                painter.drawPixmap(box, cells, QRectF(cells.rect()))
            painter.setPen(QPen(INK, 1, Qt.PenStyle.DashLine))
            painter.drawRect(box)
        elif shape.tool == Tool.CIRCLE:
            painter.setPen(pen)
            painter.drawEllipse(box)
        elif shape.tool == Tool.ARROW:
            tail, head = self.to_screen(shape.x1, shape.y1), self.to_screen(shape.x2, shape.y2)
            painter.setPen(pen)
            painter.drawLine(tail, head)
            angle = math.atan2(head.y() - tail.y(), head.x() - tail.x())
            size = width * 5
            wings = [
                QPointF(head.x() - size * math.cos(angle - s), head.y() - size * math.sin(angle - s))
                for s in (0.45, -0.45)
            ]
            painter.setBrush(INK)
            painter.drawPolygon(QPolygonF([head, *wings]))
            painter.setBrush(Qt.BrushStyle.NoBrush)
        elif shape.tool == Tool.TEXT:
            font = QFont(painter.font())
            font.setPixelSize(max(12, round(max(self.image_size.width(), self.image_size.height()) / 28 * scale)))
            painter.setFont(font)
            at = self.to_screen(shape.x1, shape.y1)
            bounds = painter.fontMetrics().boundingRect(shape.text)
            backing = QRectF(at.x() - 3, at.y() - 3, bounds.width() + 6, bounds.height() + 6)
            painter.fillRect(backing, QColor(255, 255, 255, 200))
            painter.setPen(INK)
            painter.drawText(backing, Qt.AlignmentFlag.AlignCenter, shape.text)


class PhotoMarkupEditor(QDialog):
    """标注照片: the tools, undo, and save or cancel. Saved markup replaces the photo's marked copy."""

    saved = Signal(str)  # the photo's SHA-256

    def __init__(
        self, profile: Profile, photo: records.Photo | records.LinkedPhoto, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.profile, self.sha256 = profile, photo["sha256"]
        self.setWindowTitle(self.tr("标注照片(原图不变)"))
        pixmap = QPixmap(str(profile.photos.rendition_path(self.sha256)))
        size = QSize(photo["width"] or pixmap.width(), photo["height"] or pixmap.height())
        self.canvas = MarkupCanvas(pixmap, size, self)
        self.canvas.set_shapes(photo_markup.shapes(profile, self.sha256))
        self.canvas.changed.connect(self._refresh)

        tools = QHBoxLayout()
        self.tool_buttons = QButtonGroup(self)
        self.tool_buttons.setExclusive(True)
        labels = {
            Tool.CIRCLE: (self.tr("圈"), self.tr("拖动画圈,圈出问题所在")),
            Tool.ARROW: (self.tr("箭头"), self.tr("从起点拖到要指的地方")),
            Tool.TEXT: (self.tr("文字"), self.tr("点一下放置文字")),
            Tool.BLUR: (self.tr("模糊"), self.tr("框住人脸、车牌等,打印时模糊处理")),
        }
        self.buttons: dict[Tool, QPushButton] = {}
        for tool, (label, tip) in labels.items():
            button = self._button(label, tip)
            button.setCheckable(True)
            button.setObjectName("markupTool")
            button.setStyleSheet(CHOSEN_TOOL)
            button.clicked.connect(bound(self._choose, tool))
            self.tool_buttons.addButton(button)
            self.buttons[tool] = button
            tools.addWidget(button)
        self.buttons[Tool.CIRCLE].setChecked(True)
        tools.addSpacing(24)
        self.undo_button = self._button(self.tr("撤销"), self.tr("撤销上一个图形"))
        self.undo_button.clicked.connect(self.canvas.undo)
        tools.addWidget(self.undo_button)
        tools.addStretch(1)

        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("修订理由(巡查已完成,必须填写)"))
        self.reason.setVisible(photo_markup.needs_reason(profile, self.sha256))
        self.error = QLabel(wordWrap=True)
        self.error.setStyleSheet("color: #b3261e;")
        note = QLabel(self.tr("标注画在副本上;原图保持不变,作为证据保存,报告中打印原图校验码。"), wordWrap=True)

        actions = QHBoxLayout()
        actions.addStretch(1)
        self.cancel_button = self._button(self.tr("取消"), self.tr("放弃本次修改"))
        self.cancel_button.clicked.connect(self.reject)
        self.save_button = self._button(self.tr("保存"), self.tr("保存标注并生成标注副本"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(note)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addLayout(actions)
        fit_to_screen(self, 1200, 860)  # the photo as large as the screen allows; 保存 never cut off
        self._refresh()

    def _button(self, label: str, tip: str) -> QPushButton:
        button = QPushButton(label)
        button.setToolTip(tip)
        button.setMinimumSize(QSize(max(TOUCH, 72), TOUCH))
        return button

    def _choose(self, tool: Tool) -> None:
        self.canvas.tool = tool
        self.buttons[tool].setChecked(True)

    def _refresh(self) -> None:
        self.undo_button.setEnabled(bool(self.canvas.shapes))

    def save(self) -> None:
        try:
            photo_markup.save(
                self.profile, self.sha256, [asdict(s) for s in self.canvas.shapes], reason=self.reason.text()
            )
        except StewardError as exc:
            self.error.setText(language.said(exc))  # in the interface's language
            return
        self.saved.emit(self.sha256)
        self.accept()
