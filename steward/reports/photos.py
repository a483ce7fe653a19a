"""Numbered photos in a grid: the stored report rendition or marked copy (its JPEG bytes embedded as they are), and
under it, never over it, the number and caption, when and where it was taken and by whom, and the first 12 characters
of the original's SHA-256."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from steward.domain.documents import Photo
from steward.reports.fonts import FONT, TextGuard, draw_fitted, readable_image
from steward.reports.wording import ZH, words

LINE = 9  # points between caption lines


def caption_height(photo: Photo) -> float:
    return LINE * (2 + len(photo.stamp)) + 3


class PhotoCell(Flowable):
    def __init__(self, photo: Photo, width: float, height: float, guard: TextGuard, language: str = ZH) -> None:
        super().__init__()
        self.photo, self.width, self.height, self.guard = photo, width, height, guard
        self.w = words(language)

    def wrap(self, *_args: Any) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        photo = self.photo
        below = caption_height(photo)
        box_h = self.height - below
        if photo.path and Path(photo.path).exists() and not readable_image(photo.path):
            self.guard.note(f"照片 {photo.number} 的文件已损坏。", f"Photo {photo.number}'s file is damaged.")
            self._notice_box(below, box_h, "照片文件损坏 Photo damaged")
        elif photo.path and Path(photo.path).exists():
            w, h = self.width, self.width / photo.aspect
            if h > box_h:
                h, w = box_h, box_h * photo.aspect
            x, y = (self.width - w) / 2, below + (box_h - h) / 2
            c.drawImage(photo.path, x, y, width=w, height=h)
        else:
            self._notice_box(below, box_h, "照片缺失 Photo missing")
        lines = [(self.w["photo"].format(number=photo.number, caption=photo.caption).rstrip(), 8, colors.black)]
        lines += [(line, 7, colors.HexColor("#333333")) for line in photo.stamp]
        # A marked copy (circles, arrows, blur) is not what the camera took: it says so, and names the original.
        evidence = (
            self.w["photo_marked"].format(sha=photo.sha256[:12])
            if photo.marked_sha256
            else f"SHA-256 {photo.sha256[:12]}"
        )
        lines.append((evidence, 7, colors.HexColor("#555555")))
        y = below - LINE
        for text, size, colour in lines:
            c.setFillColor(colour)
            draw_fitted(c, self.guard, 2, y, text, size, self.width - 4)
            y -= LINE

    def _notice_box(self, below: float, box_h: float, title: str) -> None:
        c = self.canv
        c.saveState()
        c.setStrokeColor(colors.HexColor("#b3261e"))
        c.setDash(4, 3)
        c.rect(2, below + 2, self.width - 4, box_h - 4)
        c.setFillColor(colors.HexColor("#b3261e"))
        c.setFont(FONT, 12)
        c.drawCentredString(self.width / 2, below + box_h / 2 + 4, title)
        c.setFont(FONT, 8)
        c.drawCentredString(self.width / 2, below + box_h / 2 - 10, "请运行“steward check”核查照片文件")
        c.restoreState()


def photo_grid(
    photos: Sequence[Photo],
    guard: TextGuard,
    width: float,
    columns: int = 2,
    cell_height: float = 78 * mm,
    language: str = ZH,
) -> Table:
    cell_width = width / columns
    cells = [PhotoCell(p, cell_width - 4, cell_height, guard, language) for p in photos]
    rows: list[list[PhotoCell | str]] = [list(cells[i : i + columns]) for i in range(0, len(cells), columns)]
    if rows and len(rows[-1]) < columns:
        rows[-1] = rows[-1] + [""] * (columns - len(rows[-1]))
    table = Table(rows, colWidths=[cell_width] * columns)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table
