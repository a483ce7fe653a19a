"""Photo markup as data: shapes in the photo's own pixel coordinates (as seen, after EXIF rotation), never pixels.

The original photo is evidence and is never touched; a marked copy is drawn from these shapes."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from steward.domain.errors import InvalidInput

MAX_SHAPES = 200
MAX_TEXT = 200


class Tool(StrEnum):
    CIRCLE = "circle"  # an ellipse inside the box (x1, y1)-(x2, y2)
    ARROW = "arrow"  # from (x1, y1) to the head at (x2, y2)
    TEXT = "text"  # text whose top-left corner is (x1, y1)
    BLUR = "blur"  # the box (x1, y1)-(x2, y2) blurred beyond recognition (faces, number plates)


@dataclass(frozen=True)
class Shape:
    tool: Tool
    x1: float
    y1: float
    x2: float
    y2: float
    text: str = ""

    def box(self) -> tuple[float, float, float, float]:
        """Left, top, right, bottom whichever way the shape was dragged."""
        return min(self.x1, self.x2), min(self.y1, self.y2), max(self.x1, self.x2), max(self.y1, self.y2)


def _bad(zh: str, en: str) -> InvalidInput:
    return InvalidInput(f"标注无效:{zh}", f"Invalid markup: {en}")


def parse(items: list[dict[str, Any]], width: int, height: int) -> list[Shape]:
    """Shapes checked against the photo: a known tool, numbers, inside the picture (clamped), text for text. The items
    are free-form JSON (the editor's, or a stored markup): anything in them is checked here."""
    if len(items) > MAX_SHAPES:
        raise _bad(f"最多 {MAX_SHAPES} 个图形。", f"at most {MAX_SHAPES} shapes.")
    shapes = []
    for item in items:
        try:
            tool = Tool(item["tool"])
            coords = [float(item[k]) for k in ("x1", "y1", "x2", "y2")]
        except (KeyError, TypeError, ValueError) as exc:
            raise _bad("图形数据不完整。", f"a shape is incomplete ({exc}).") from exc
        x1, x2 = (min(max(v, 0.0), float(width)) for v in coords[0::2])
        y1, y2 = (min(max(v, 0.0), float(height)) for v in coords[1::2])
        text = str(item.get("text") or "").strip()
        if tool == Tool.TEXT and not text:
            raise _bad("文字标注不能为空。", "a text label is empty.")
        if len(text) > MAX_TEXT:
            raise _bad(f"文字最多 {MAX_TEXT} 字。", f"text is limited to {MAX_TEXT} characters.")
        shapes.append(Shape(tool, x1, y1, x2, y2, text if tool == Tool.TEXT else ""))
    return shapes


def to_json(shapes: list[Shape]) -> str:
    return json.dumps([asdict(s) for s in shapes], ensure_ascii=False)


def from_json(text: str, width: int, height: int) -> list[Shape]:
    return parse(json.loads(text or "[]"), width, height)
