"""Draws Steward's application icon (resources/icons/steward.png and .ico): a green rounded square with 管 in white.
Run once after changing the design; the outputs are committed so builds need nothing but the files."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
GREEN, DARK = (46, 125, 50, 255), (27, 94, 32, 255)


def draw(size: int = 512) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    margin, radius = size // 16, size // 5
    pen.rounded_rectangle((margin, margin, size - margin, size - margin), radius=radius, fill=GREEN)
    # A dark edge keeps the icon readable on a green or light desktop alike.
    pen.rounded_rectangle((margin, margin, size - margin, size - margin), radius=radius, outline=DARK, width=size // 32)
    font = ImageFont.truetype(str(ROOT / "resources" / "fonts" / "wqy-microhei.ttc"), int(size * 0.62), index=0)
    pen.text((size / 2, size / 2), "管", font=font, fill="white", anchor="mm")
    return image


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    image = draw()
    image.resize((256, 256), Image.Resampling.LANCZOS).save(ICONS / "steward.png", optimize=True)
    image.save(ICONS / "steward.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])


if __name__ == "__main__":
    main()
