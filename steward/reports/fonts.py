"""The bundled fonts, registered once per process; text made safe for them (and for reportlab's paragraph markup).

WenQuanYi Micro Hei draws nearly everything. Rare characters of legal names (CJK Extension A/B: 㛃 䶮 𠀀 𪚥) come
from the Hanazono Mincho fonts, loaded only the first time such a character is printed (they are 50 MB)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from steward.reports.font_files import load
from steward.reports.typeset import break_allowed
from steward.resources import resource

FONT = "WQYMicroHei"
FALLBACKS = (("HanaMinA", "HanaMinA.ttf"), ("HanaMinB", "HanaMinB.ttf"))
_lock = threading.Lock()


def _fonts_dir() -> Path:
    return resource("fonts")


@cache
def readable_image(path: str | None) -> bool:
    """Whether reportlab can draw this file; a damaged one is shown as such, never allowed to stop a document."""
    if not path:
        return False
    try:
        ImageReader(path).getSize()
    except Exception:
        return False
    return True


@cache
def register() -> TTFont:
    """Load and register the main font once per process: reading its 5 MB took 0.4 s, paid by every document before.
    reportlab's settings for our documents are set here, once, too. Two threads asking at once (the start-up warm-up
    and a first document) get the one font: the loading happens once, under the lock."""
    with _lock:
        return _main_font()


@cache
def _main_font() -> TTFont:  # called under _lock only
    font = load(FONT, _fonts_dir() / "wqy-microhei.ttc")
    pdfmetrics.registerFont(font)
    # Image streams in binary: ASCII85 (reportlab's default) makes them a quarter larger and, done in pure Python, took
    # two thirds of the time of a report with 60 photos.
    rl_config.useA85 = 0
    return font


@cache
def _fallback(name: str) -> dict[int, int]:
    """The fallback font's character map, registering the font the first time it is needed."""
    with _lock:
        return _fallback_map(name)


@cache
def _fallback_map(name: str) -> dict[int, int]:  # called under _lock only
    path = _fonts_dir() / dict(FALLBACKS)[name]
    if not path.exists():
        return {}
    font = load(name, path)
    pdfmetrics.registerFont(font)
    char_map: dict[int, int] = font.face.charToGlyph
    return char_map


def font_for(ch: str) -> str | None:
    """The font that draws this character: ours, else a fallback that has it, else none."""
    code = ord(ch)
    if code in register().face.charToGlyph or ch in "\n\t ":
        return FONT
    for name, _file in FALLBACKS:
        if code in _fallback(name):
            return name
    return None


@lru_cache(maxsize=16384)
def _runs(text: str) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """The text's runs by font, and the characters no font has (with their code points). A document asks for the
    same cell text and caption many times: split once."""
    glyphs = register().face.charToGlyph
    if all(map(glyphs.__contains__, map(ord, text))):
        return (((FONT, text),) if text else ()), ()  # nearly all text: one run in our font, found at C speed
    out: list[tuple[str, str]] = []
    missing: dict[str, str] = {}
    for ch in text:
        font = FONT if ord(ch) in glyphs or ch in "\n\t " else font_for(ch)
        if font is None:
            code = f"U+{ord(ch):04X}"
            missing[ch] = code
            font, ch = FONT, f"〔{code}〕"
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + ch)
        else:
            out.append((font, ch))
    return tuple(out), tuple(missing.items())


class TextGuard:
    """Splits text into runs by the font that can draw them. A character no bundled font has is replaced by its
    visible code point (e.g. 〔U+2A6A5〕) and reported: never a blank."""

    def __init__(self) -> None:
        self.glyphs = register().face.charToGlyph
        self.missing: dict[str, str] = {}
        self.notes: list[str] = []

    def runs(self, text: str) -> list[tuple[str, str]]:
        runs, missing = _runs(str(text or ""))
        self.missing.update(missing)
        return list(runs)

    def plain(self, text: str) -> str:
        """For drawings that use one font (chart labels): characters it lacks shown as their code point (〔U+2A6A5〕)."""
        return "".join(t if font == FONT else "".join(f"〔U+{ord(c):04X}〕" for c in t) for font, t in self.runs(text))

    def markup(self, text: str) -> str:
        """For Paragraph: escaped, line breaks kept, rare characters in the fallback font."""
        parts = []
        for font, run in self.runs(text):
            safe = escape(run).replace("\n", "<br/>")
            parts.append(safe if font == FONT else f'<font name="{font}">{safe}</font>')
        return "".join(parts)

    def width(self, text: str, size: float) -> float:
        total: float = sum(stringWidth(run, font, size) for font, run in self.runs(text))
        return total

    def note(self, zh: str, en: str) -> None:
        """A problem found while drawing (a damaged image): reported with the missing glyphs."""
        self.notes.append(f"{zh} {en}")

    def warnings(self) -> list[str]:
        return self.notes + [
            f"字体缺少字符“{ch}”（{code})，已以〔{code}〕标出，请手工核对。 "
            f"The font lacks '{ch}' ({code}); it is printed as 〔{code}〕 — check it by hand."
            for ch, code in sorted(self.missing.items())
        ]


def draw_text(
    canvas: Canvas, guard: TextGuard, x: float, y: float, text: str, size: float, anchor: str = "left"
) -> None:
    """One line on the canvas, each run in the font that has its characters."""
    runs = guard.runs(text)
    total = sum(stringWidth(run, font, size) for font, run in runs)
    if anchor == "right":
        x -= total
    elif anchor == "centre":
        x -= total / 2
    for font, run in runs:
        canvas.setFont(font, size)
        canvas.drawString(x, y, run)
        x += stringWidth(run, font, size)


def fit(guard: TextGuard, text: str, size: float, width: float, smallest: float = 5.5) -> tuple[str, float]:
    """The text at the largest size down to `smallest` that fits the width; cut with "…" only if even that fails."""
    while size > smallest and guard.width(text, size) > width:
        size -= 0.5
    if guard.width(text, size) <= width:
        return text, size
    while text and guard.width(text + "…", size) > width:
        text = text[:-1]
    return text + "…", size


def fit_lines(
    guard: TextGuard, pieces: Sequence[str], size: float, width: float, smallest: float = 6.0, max_lines: int = 2
) -> tuple[list[str], float]:
    """Pieces of text (a name, a policy number, a copy label) set in the width: on one line if it stays readable
    (7.5 pt or more), else on up to `max_lines` lines at the largest size that holds them all, each piece kept whole
    where it fits and otherwise broken by the Chinese rules. Nothing is cut unless even the smallest size fails."""
    pieces = [p for p in pieces if p]
    sizes = [size - 0.5 * n for n in range(int((size - smallest) / 0.5) + 1)]
    joined = "  ".join(pieces)
    for s in (s for s in sizes if s >= 7.5):
        if guard.width(joined, s) <= width:
            return [joined], s
    for whole in (True, False):  # first with every piece whole on its line, then a long name broken
        for s in sizes:
            lines, broken = _set_lines(guard, pieces, s, width)
            if len(lines) <= max_lines and not (whole and broken):
                return lines, s
    kept = lines[:max_lines]
    kept[-1] = fit(guard, kept[-1] + "…" if len(lines) > max_lines else kept[-1], smallest, width, smallest)[0]
    return kept, smallest


def _set_lines(guard: TextGuard, pieces: Sequence[str], size: float, width: float) -> tuple[list[str], bool]:
    lines: list[str] = []
    current = ""
    broken = False
    for piece in pieces:
        joined = f"{current}  {piece}" if current else piece
        if guard.width(joined, size) <= width:
            current = joined
            continue
        if current:
            lines.append(current)
        while guard.width(piece, size) > width:
            broken = True
            allowed = break_allowed(piece)
            fits = [k for k in range(1, len(piece)) if guard.width(piece[:k], size) <= width]
            cut = max((k for k in fits if allowed[k]), default=max(fits, default=1))
            lines.append(piece[:cut].rstrip())
            piece = piece[cut:].lstrip()
        current = piece
    if current:
        lines.append(current)
    return lines, broken


def draw_lines(
    canvas: Canvas, guard: TextGuard, x: float, y: float, lines: Sequence[str], size: float, anchor: str = "left"
) -> None:
    """Lines set by fit_lines, the last on the baseline `y` and the others above it."""
    for n, line in enumerate(reversed(lines)):
        draw_text(canvas, guard, x, y + n * size * 1.15, line, size, anchor)


def draw_fitted(
    canvas: Canvas, guard: TextGuard, x: float, y: float, text: str, size: float, width: float, anchor: str = "left"
) -> None:
    shown, fitted = fit(guard, text, size, width)
    draw_text(canvas, guard, x, y, shown, fitted, anchor)
