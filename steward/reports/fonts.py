"""The bundled Chinese font, registered once; text made safe for it (and for reportlab's paragraph markup)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.graphics.shapes import STATE_DEFAULTS
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from steward.resources import resource

FONT = "WQYMicroHei"


def _font_path() -> Path:
    return resource("fonts", "wqy-microhei.ttc")


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


def register() -> TTFont:
    font = TTFont(FONT, str(_font_path()), subfontIndex=0)
    pdfmetrics.registerFont(font)
    # Charts start from reportlab's graphics defaults (Helvetica, never embedded): make ours the default.
    STATE_DEFAULTS["fontName"] = FONT
    # Image streams in binary: ASCII85 (reportlab's default) makes them a quarter larger and, done in pure
    # Python, took two thirds of the time of a report with 60 photos.
    rl_config.useA85 = 0
    return font


class TextGuard:
    """Collects the characters the font cannot draw, replacing each by its visible code point (〔U+36C3〕 for 㛃): never a blank."""

    def __init__(self) -> None:
        self.glyphs = register().face.charToGlyph
        self.missing: dict[str, str] = {}
        self.notes: list[str] = []

    def plain(self, text: str) -> str:
        out = []
        for ch in str(text or ""):
            if ord(ch) in self.glyphs or ch in "\n\t ":
                out.append(ch)
            else:
                code = f"U+{ord(ch):04X}"
                self.missing[ch] = code
                out.append(f"〔{code}〕")
        return "".join(out)

    def markup(self, text: str) -> str:
        """For Paragraph: glyph-checked, XML-escaped, line breaks kept."""
        return escape(self.plain(text)).replace("\n", "<br/>")

    def note(self, zh: str, en: str) -> None:
        """A problem found while drawing (a damaged image): reported with the missing glyphs."""
        self.notes.append(f"{zh} {en}")

    def warnings(self) -> list[str]:
        return self.notes + [
            f"字体缺少字符“{ch}”（{code})，已以〔{code}〕标出，请手工核对。 "
            f"The font lacks '{ch}' ({code}); it is printed as 〔{code}〕 — check it by hand."
            for ch, code in sorted(self.missing.items())
        ]
