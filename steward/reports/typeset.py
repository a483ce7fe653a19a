"""Chinese line breaking for reportlab paragraphs.

reportlab's CJK wrapping breaks anywhere and knows only a few Japanese rules: "，" "》" "）" started lines, "“" ended
them, and "GB 18597-2023" was split. Here a line may break between any two characters except:
- before a character that may not start a line (closing punctuation, 标点禁则 of GB/T 15834 and W3C clreq);
- after a character that may not end a line (opening punctuation);
- inside a run of Latin letters and digits (a word, a number, a code), inside a standard number ("GB 18597-2023",
  "HJ 1259—2022") or a date ("2026-11-02", "2026年11月2日").
A run too long for a whole line is broken where it must be (a line is never left overfull)."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate
from typing import Any

from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import ParaLines, cjkU, makeCJKParaLine
from reportlab.rl_config import _FUZZ

CANNOT_START = set("，。、；：？！）】》」』〕〉”’…—～·,.;:?!)]}%‰℃°·•‧﹏ー々〻")
CANNOT_END = set("（【《「『〔〈“‘([{$￥¥#")
_KEEP = re.compile(
    r"(?:GB|HJ|GB/T|HJ/T|GBZ|AQ|DB\d*(?:/T)?|CJJ|JB|TSG)\s*\d+(?:\.\d+)*\s*[-—–]\s*\d{4}"  # standard numbers
    r"|\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"  # 2026年11月2日
    r"|\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?(?:\s+\d{1,2}:\d{2})?"  # 2026-11-02 10:30
    r"|[A-Za-z0-9][A-Za-z0-9.\-_/+%:@]*[A-Za-z0-9%]"  # words, numbers, codes
)


def break_allowed(text: str) -> list[bool]:
    """allowed[k]: a line may end before text[k] (k >= 1)."""
    allowed = [True] * (len(text) + 1)
    allowed[0] = False
    for match in _KEEP.finditer(text):
        for k in range(match.start() + 1, match.end()):
            allowed[k] = False
    for k in range(1, len(text)):
        if text[k] in CANNOT_START or text[k - 1] in CANNOT_END:
            allowed[k] = False
    return allowed


def kinsoku_split(frags: list[Any], max_widths: list[float], calc_bounds: bool) -> ParaLines:
    units: list[cjkU] = []
    for f in frags:
        text = f.text.decode("utf8") if isinstance(f.text, bytes) else f.text
        if text:
            units.extend(cjkU(t, f, "utf8") for t in text)
        else:
            units.append(cjkU(text, f, "utf8"))  # an image or a line break
    allowed = break_allowed("".join(u or "\ufffc" for u in units))
    lines: list[Any] = []  # reportlab's line objects (makeCJKParaLine)
    start = 0
    n = len(units)
    while start < n:
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        used = 0.0
        i = start
        forced = False
        while i < n:
            w = units[i].width
            if hasattr(w, "normalizedValue"):
                w._normalizer = max_width
                w = w.normalizedValue(max_width)
            if used + w > max_width + _FUZZ and i > start:
                break
            used += w
            i += 1
            if hasattr(units[i - 1].frag, "lineBreak"):
                forced = True
                break
        end = i
        if end < n and not forced:
            back = end
            while back > start + 1 and not allowed[back]:
                back -= 1
            if allowed[back] and back > start:
                end = back
            elif units[end] in CANNOT_START:
                end += 1  # nothing to break before: let the punctuation hang in the margin rather than start a line
        line_units = units[start:end]
        width = sum(u.width for u in line_units if not hasattr(u.width, "normalizedValue"))
        while line_units and line_units[-1] == " ":  # spaces at a line's end are not drawn
            width -= line_units[-1].width
            line_units = line_units[:-1]
        lines.append(makeCJKParaLine(line_units, max_width, width, max_width - width, forced or end >= n, calc_bounds))
        start = end
        while start < n and units[start] == " " and not forced:
            start += 1
    return ParaLines(kind=1, lines=lines)


def split_plain(text: str, font_name: str, size: float, max_widths: list[float]) -> list[tuple[float, str]]:
    """The same rules for the common case, one run of text in one font, on strings (no object per character):
    most table cells. Returns (space left, line) pairs."""
    return list(_split_plain(text, font_name, size, tuple(max_widths)))


@lru_cache(maxsize=16384)
def _split_plain(
    text: str, font_name: str, size: float, max_widths: tuple[float, ...]
) -> tuple[tuple[float, str], ...]:
    """A table measures each cell, then measures it again to split it across pages and to draw it: the same text
    at the same width is broken once."""
    if not text:
        return ()
    total = stringWidth(text, font_name, size)
    if total <= max_widths[0] + _FUZZ:
        return ((max_widths[0] - total, text),)
    face = getFont(font_name).face
    widths, default = face.charWidths, face.defaultWidth
    scale = size * 0.001
    ends = list(accumulate((widths.get(ord(c), default) * scale for c in text), initial=0.0))
    n = len(text)
    allowed = break_allowed(text)
    lines: list[tuple[float, str]] = []
    start = 0
    while start < n:
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        end = max(start + 1, bisect_right(ends, ends[start] + max_width + _FUZZ) - 1)
        if end < n:
            back = end
            while back > start + 1 and not allowed[back]:
                back -= 1
            if allowed[back] and back > start:
                end = back
            elif text[end] in CANNOT_START:
                end += 1
        line = text[start:end].rstrip(" ")
        lines.append((max_width - (ends[start + len(line)] - ends[start]), line))
        start = end
        while start < n and text[start] == " ":
            start += 1
    return tuple(lines)


class CJKParagraph(Paragraph):
    """A Paragraph (wordWrap="CJK") whose lines break by the Chinese rules above."""

    def breakLinesCJK(self, maxWidths: Any) -> Any:
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        self.height = 0
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return self.blPara
        # A table wraps each cell to measure it and again to draw it, at the same width: broken once.
        key = tuple(maxWidths)
        if getattr(self, "_broken_at", None) == key and hasattr(self, "blPara"):
            return self.blPara
        self._broken_at = key
        style = self.style
        if not self.frags:
            return ParaLines(
                kind=0,
                fontSize=style.fontSize,
                fontName=style.fontName,
                textColor=style.textColor,
                lines=[],
                ascent=style.fontSize,
                descent=-0.2 * style.fontSize,
            )
        frag = self.frags[0]
        simple = len(self.frags) == 1 and not hasattr(frag, "cbDefn") and not style.endDots
        if simple and hasattr(frag, "text") and not self.bulletText:
            lines = split_plain(frag.text, frag.fontName, frag.fontSize, list(maxWidths))
            return frag.clone(
                kind=0,
                lines=[(space, [line]) for space, line in lines],
                ascent=frag.fontSize,
                descent=-0.2 * frag.fontSize,
            )
        auto = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        return kinsoku_split(self.frags, list(maxWidths), auto not in ("", "off"))
