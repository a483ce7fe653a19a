"""Numbered photos in a grid: the stored report rendition (its JPEG bytes embedded as they are), a watermark band
drawn over it as text, and under it the number, caption and the first 12 characters of its SHA-256."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from steward.domain.documents import Photo
from steward.reports.fonts import FONT, TextGuard, readable_image

CAPTION_HEIGHT = 9 * mm


class PhotoCell(Flowable):
    def __init__(self, photo: Photo, width: float, height: float, guard: TextGuard) -> None:
        super().__init__()
        self.photo, self.width, self.height, self.guard = photo, width, height, guard

    def wrap(self, *_args: Any) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        photo = self.photo
        box_h = self.height - CAPTION_HEIGHT
        if photo.path and Path(photo.path).exists() and not readable_image(photo.path):
            self.guard.note(f"照片 {photo.number} 的文件已损坏。", f"Photo {photo.number}'s file is damaged.")
            self._notice_box(box_h, "照片文件损坏 Photo damaged")
        elif photo.path and Path(photo.path).exists():
            w, h = self.width, self.width / photo.aspect
            if h > box_h:
                h, w = box_h, box_h * photo.aspect
            x, y = (self.width - w) / 2, CAPTION_HEIGHT + (box_h - h) / 2
            c.drawImage(photo.path, x, y, width=w, height=h)
            if photo.watermark:
                self._watermark(x, y, w)
        else:
            self._notice_box(box_h, "照片缺失 Photo missing")
        c.setFont(FONT, 8)
        c.setFillColor(colors.black)
        c.drawString(2, CAPTION_HEIGHT - 10, self.guard.plain(f"照片 {photo.number}  {photo.caption}")[:60])
        c.setFillColor(colors.HexColor("#555555"))
        c.drawString(2, CAPTION_HEIGHT - 20, f"SHA-256 {photo.sha256[:12]}")

    def _notice_box(self, box_h: float, title: str) -> None:
        c = self.canv
        c.saveState()
        c.setStrokeColor(colors.HexColor("#b3261e"))
        c.setDash(4, 3)
        c.rect(2, CAPTION_HEIGHT + 2, self.width - 4, box_h - 4)
        c.setFillColor(colors.HexColor("#b3261e"))
        c.setFont(FONT, 12)
        c.drawCentredString(self.width / 2, CAPTION_HEIGHT + box_h / 2 + 4, title)
        c.setFont(FONT, 8)
        c.drawCentredString(self.width / 2, CAPTION_HEIGHT + box_h / 2 - 10, "请运行“steward check”核查照片文件")
        c.restoreState()

    def _watermark(self, x: float, y: float, width: float) -> None:
        c = self.canv
        lines = [self.guard.plain(line) for line in self.photo.watermark]
        band = 4 + 9 * len(lines)
        c.saveState()
        c.setFillColor(colors.Color(0, 0, 0, alpha=0.45))
        c.rect(x, y, width, band, stroke=0, fill=1)
        c.setFillColor(colors.white)
        c.setFont(FONT, 7)
        for i, line in enumerate(reversed(lines)):
            c.drawString(x + 3, y + 3 + 9 * i, line)
        c.restoreState()


def photo_grid(photos: Sequence[Photo], guard: TextGuard, width: float, columns: int = 2,
               cell_height: float = 72 * mm) -> Table:  # fmt: skip
    cell_width = width / columns
    cells = [PhotoCell(p, cell_width - 4, cell_height, guard) for p in photos]
    rows = [cells[i : i + columns] for i in range(0, len(cells), columns)]
    if rows and len(rows[-1]) < columns:
        rows[-1] = rows[-1] + [""] * (columns - len(rows[-1]))
    table = Table(rows, colWidths=[cell_width] * columns)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), FONT),
                               ("LEFTPADDING", (0, 0), (-1, -1), 2),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))  # fmt: skip
    return table
