"""Test images made on the fly: camera-like JPEGs with EXIF, and every kind of bad file."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw


def jpeg_bytes(
    size: tuple[int, int] = (640, 480),
    *,
    orientation: int | None = None,
    taken: str | None = "2026:05:01 10:22:33",
    gps: tuple[float, float] | None = None,
    colour: tuple[int, int, int] = (40, 120, 200),
    quality: int = 90,
) -> bytes:
    img = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, size[0] // 4, size[1] // 4), fill=(250, 20, 20))  # marks the top-left corner
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
    if gps:
        lat, lon = gps

        def dms(value: float) -> tuple[float, float, float]:
            d = int(value)
            m = int((value - d) * 60)
            return (float(d), float(m), round((value - d - m / 60) * 3600, 4))

        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1], gps_ifd[2] = "N", dms(lat)
        gps_ifd[3], gps_ifd[4] = "E", dms(lon)
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=quality, exif=exif)
    return out.getvalue()


def write_jpeg(path: Path, size: tuple[int, int] = (640, 480), **kwargs: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(jpeg_bytes(size, **kwargs))  # type: ignore[arg-type]
    return path
