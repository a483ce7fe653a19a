"""Report renditions of photos the hub holds as originals, made as the laptop makes its own (upright, at most
1600 px on the long side, JPEG quality 85: steward/storage/photo_processing.py), for colleagues re-checking a
finding who may not read the original. Kept by the blob store (BlobStore.keep_rendition) once made."""

from __future__ import annotations

import io
from typing import BinaryIO

from PIL import Image, ImageOps

RENDITION_LONG_SIDE = 1600  # the laptop's report rendition
MAX_PIXELS = 120_000_000  # a decompression bomb is not opened


def make_rendition(original: BinaryIO) -> bytes:
    """The rendition (a JPEG's bytes) of the photo read from `original`."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with Image.open(original) as opened:
        opened.draft("RGB", (RENDITION_LONG_SIDE, RENDITION_LONG_SIDE))
        img = ImageOps.exif_transpose(opened)
        img = img.convert("RGB")
        img.thumbnail((RENDITION_LONG_SIDE, RENDITION_LONG_SIDE), Image.Resampling.BICUBIC)
        out = io.BytesIO()
        img.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()
