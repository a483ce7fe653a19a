"""From a photo file to its stored forms: the original bytes, a report rendition and a thumbnail.

One decode serves both renditions: JPEG draft mode makes the decoder shrink by a power of two while it reads, which is
most of the saving for camera-size photos. Every way a file can be bad ends in PhotoRejected with a clear reason.
"""

from __future__ import annotations

import errno
import hashlib
import io
import struct
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import cast

from PIL import Image, ImageOps, UnidentifiedImageError

from steward.domain.errors import PhotoRejected
from steward.storage.photo_store import PHOTO_SUFFIXES  # noqa: F401 - re-exported for callers

try:  # Phones save HEIC; pillow-heif teaches Pillow to read it.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF_SUPPORTED = True
except ImportError:  # pragma: no cover - pillow-heif is a declared dependency
    HEIF_SUPPORTED = False

RENDITION_LONG_SIDE = 1600
THUMB_LONG_SIDE = 256
MAX_PIXELS = 120_000_000  # above any phone or camera in use (108 MP phones exist); below decompression bombs
MAX_FILE_BYTES = 200 * 1024 * 1024
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

_EXTENSIONS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "TIFF": "tif", "HEIF": "heic", "WEBP": "webp", "BMP": "bmp"}

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_DATETIME_ORIGINAL = 0x9003
_DATETIME = 0x0132
_ORIENTATION = 0x0112


@dataclass(frozen=True)
class PreparedPhoto:
    sha256: str
    original_name: str
    ext: str
    format: str
    size_bytes: int
    width: int
    height: int
    taken_at: str | None
    gps_lat: float | None
    gps_lon: float | None
    rendition_jpeg: bytes
    thumb_jpeg: bytes


def _reject(path: Path, zh: str, en: str) -> PhotoRejected:
    return PhotoRejected(f"照片“{path.name}”未导入:{zh}", f"Photo '{path.name}' was not imported: {en}")


def read_photo_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _reject(path, "文件超过200 MB,不像是照片。", "the file is over 200 MB; it is not a photo.")
        data = path.read_bytes()
    except PhotoRejected:
        raise
    except FileNotFoundError:
        raise _reject(path, "文件不存在。", "the file does not exist.") from None
    except PermissionError:
        raise _reject(path, "没有读取权限。", "permission denied.") from None
    except IsADirectoryError:
        raise _reject(path, "这是一个文件夹。", "it is a folder.") from None
    except OSError as exc:
        raise _reject(path, f"读取失败({exc.strerror})。", f"it could not be read ({exc.strerror}).") from None
    if not data:
        raise _reject(path, "文件是空的(0字节)。", "the file is empty (0 bytes).")
    return data


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _rational(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, ZeroDivisionError):
        return 0.0


def _gps(exif: Image.Exif) -> tuple[float | None, float | None]:
    try:
        gps = exif.get_ifd(_GPS_IFD)
    except Exception:
        return None, None
    try:
        lat_parts, lon_parts = gps.get(2), gps.get(4)
        if not lat_parts or not lon_parts:
            return None, None
        lat = sum(_rational(v) / d for v, d in zip(lat_parts, (1, 60, 3600), strict=False))
        lon = sum(_rational(v) / d for v, d in zip(lon_parts, (1, 60, 3600), strict=False))
        if str(gps.get(1, "N")).upper().startswith("S"):
            lat = -lat
        if str(gps.get(3, "E")).upper().startswith("W"):
            lon = -lon
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
            return None, None
        return round(lat, 7), round(lon, 7)
    except Exception:
        return None, None


def _taken_at(exif: Image.Exif) -> str | None:
    """Camera time as written (cameras have no time zone); ISO form 'YYYY-MM-DDTHH:MM:SS'."""
    raw = None
    try:
        raw = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL)
    except Exception:
        raw = None
    raw = raw or exif.get(_DATETIME)
    if not isinstance(raw, str):
        return None
    try:
        return datetime.strptime(raw.strip("\x00 ").strip(), "%Y:%m:%d %H:%M:%S").isoformat()
    except ValueError:
        return None


def _to_rgb(img: Image.Image) -> Image.Image:
    """Every stored rendition is 8-bit RGB JPEG, whatever the source mode."""
    if img.mode == "RGB":
        return img
    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit greyscale: scale to 8 bits instead of clipping everything above 255 to white.
        lo, hi = cast(tuple[float, float], img.getextrema())  # one band: (min, max)
        span = max(1.0, hi - lo)
        img = img.point(lambda v: (v - lo) * 255 / span, "I").convert("L")
    elif img.mode == "F":
        img = img.convert("L")
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img.convert("RGB")


def _jpeg(img: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def prepare_photo(path: Path, data: bytes | None = None, sha256: str | None = None) -> PreparedPhoto:
    """Check and decode a photo once; return its metadata and its renditions as JPEG bytes."""
    if data is None:
        data = read_photo_bytes(path)
    digest = sha256 or sha256_hex(data)
    try:
        with warnings.catch_warnings():
            # Between our limit and twice it Pillow only warns; we refuse the same way in both cases.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img: Image.Image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _reject(
            path, "图片像素过多,可能是恶意文件。", "it has too many pixels (a decompression bomb?)."
        ) from None
    except UnidentifiedImageError:
        if path.suffix.lower() in (".heic", ".heif") and not HEIF_SUPPORTED:
            raise _reject(
                path, "本机无法读取HEIC格式,请先转换为JPEG。", "HEIC cannot be read here; convert to JPEG."
            ) from None
        raise _reject(path, "不是可识别的图片文件。", "it is not an image file Steward can read.") from None
    except OSError as exc:
        raise _reject(path, f"无法读取图片({exc})。", f"the image cannot be read ({exc}).") from None
    fmt = (img.format or "").upper()
    if fmt not in _EXTENSIONS:
        raise _reject(
            path, f"不支持的图片格式 {fmt},请转换为JPEG。", f"format {fmt} is not supported; convert to JPEG."
        )
    width, height = img.size
    if width * height > MAX_PIXELS:
        raise _reject(path, "图片像素过多,可能是恶意文件。", "it has too many pixels (a decompression bomb?).")
    exif = img.getexif()
    orientation = exif.get(_ORIENTATION, 1)
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    try:
        if fmt in ("JPEG", "MPO"):
            # Ask for the target at the photo's own aspect ratio so both sides may shrink (Pillow's rule).
            raw_w, raw_h = img.size
            scale = RENDITION_LONG_SIDE / max(raw_w, raw_h)
            if scale < 1:
                img.draft("RGB", (max(1, round(raw_w * scale)), max(1, round(raw_h * scale))))
        img.load()
        img = ImageOps.exif_transpose(img)
        img = _to_rgb(img)
        if max(img.size) > RENDITION_LONG_SIDE:
            # Pillow filters are antialiased when shrinking; for what is left after draft (<2x for JPEG) bicubic
            # matches Lanczos by eye at three quarters of the cost.
            img.thumbnail((RENDITION_LONG_SIDE, RENDITION_LONG_SIDE), Image.Resampling.BICUBIC)
        rendition = _jpeg(img, 85)
        img.thumbnail((THUMB_LONG_SIDE, THUMB_LONG_SIDE), Image.Resampling.BILINEAR, reducing_gap=2.0)
        thumb = _jpeg(img, 80)
    except Image.DecompressionBombError:
        raise _reject(
            path, "图片像素过多,可能是恶意文件。", "it has too many pixels (a decompression bomb?)."
        ) from None
    except MemoryError:
        raise _reject(path, "图片过大,内存不足。", "the image is too large for memory.") from None
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise
        raise _reject(
            path, "图片文件不完整或已损坏(可能未拷贝完)。", f"the image is truncated or damaged ({exc})."
        ) from None
    except (ValueError, SyntaxError, struct.error) as exc:
        raise _reject(path, "图片文件已损坏。", f"the image is damaged ({exc}).") from None
    gps_lat, gps_lon = _gps(exif)
    return PreparedPhoto(
        sha256=digest,
        original_name=path.name,
        ext=_EXTENSIONS[fmt],
        format=fmt,
        size_bytes=len(data),
        width=width,
        height=height,
        taken_at=_taken_at(exif),
        gps_lat=gps_lat,
        gps_lon=gps_lon,
        rendition_jpeg=rendition,
        thumb_jpeg=thumb,
    )


def thumb_of(rendition: bytes) -> bytes:
    """The thumbnail of a report rendition (JPEG bytes), as `prepare_photo` makes it. ValueError for bytes that are
    no picture, or one larger than a rendition."""
    try:
        with Image.open(io.BytesIO(rendition)) as img:
            if img.format != "JPEG" or max(img.size) > RENDITION_LONG_SIDE:
                raise ValueError("not a report rendition")
            picture = _to_rgb(img)
            picture.thumbnail((THUMB_LONG_SIDE, THUMB_LONG_SIDE), Image.Resampling.BILINEAR, reducing_gap=2.0)
            return _jpeg(picture, 80)
    except (OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValueError(f"not a picture ({exc})") from None
