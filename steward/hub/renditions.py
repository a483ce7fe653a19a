"""Report renditions of photos the hub holds as originals, made as the laptop makes its own (upright, at most
1600 px on the long side, JPEG quality 85: steward/storage/photo_processing.py), for colleagues re-checking a
finding who may not read the original. Kept on disk by the original's SHA-256 once made."""

from __future__ import annotations

import io
import os
import secrets
from pathlib import Path

from PIL import Image, ImageOps

RENDITION_LONG_SIDE = 1600  # the laptop's report rendition
MAX_PIXELS = 120_000_000  # a decompression bomb is not opened


def rendition_path(folder: Path, sha256: str) -> Path:
    return folder / sha256[:2] / f"{sha256}.jpg"


def make_rendition(original: Path, target: Path) -> Path:
    """The rendition of `original` at `target`, made now unless it is there (written whole, then renamed)."""
    if target.exists():
        return target
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with Image.open(original) as opened:
        opened.draft("RGB", (RENDITION_LONG_SIDE, RENDITION_LONG_SIDE))
        img = ImageOps.exif_transpose(opened)
        img = img.convert("RGB")
        img.thumbnail((RENDITION_LONG_SIDE, RENDITION_LONG_SIDE), Image.Resampling.BICUBIC)
        out = io.BytesIO()
        img.save(out, format="JPEG", quality=85, optimize=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    with open(staged, "wb") as fh:
        fh.write(out.getvalue())
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(staged, target)
    return target
