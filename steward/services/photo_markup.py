"""Marking up a photo: circles, arrows, text and blur drawn with Pillow on a COPY of its report rendition.

The original file is evidence: its bytes and its SHA-256 (its name in the photo store) never change. The marked copy
is a JPEG kept under blobs/ by its own hash; documents print it with the original's hash under it."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

from steward.domain import clock
from steward.domain.errors import NotFound
from steward.domain.ids import new_id
from steward.domain.labels import VisitStatus
from steward.domain.markup import Shape, Tool, from_json, parse, to_json
from steward.resources import resource
from steward.services import amendments, settings
from steward.storage import audit, records
from steward.storage import photo_markup as store
from steward.storage import photos as photos_store
from steward.storage.blob_files import atomic_write
from steward.storage.photo_processing import THUMB_LONG_SIDE
from steward.storage.profile import Profile

INK = (229, 30, 30)
TEXT_BACKING = (255, 255, 255, 200)
MARKED_QUALITY = 88


def _photo(profile: Profile, sha256: str) -> records.Photo:
    row = photos_store.get(profile.db, sha256)
    if row is None:
        raise NotFound("找不到这张照片。", f"No such photo: {sha256}")
    return row


def shapes(profile: Profile, sha256: str) -> list[Shape]:
    """The photo's markup in force (empty when it has none)."""
    row = store.current(profile.db, sha256)
    if row is None:
        return []
    photo = _photo(profile, sha256)
    return from_json(row["shapes"], photo["width"], photo["height"])


def marked_sha256(profile: Profile, sha256: str) -> str | None:
    row = store.current(profile.db, sha256)
    return row["marked_sha256"] if row else None


def marked_path(profile: Profile, marked: str | None) -> Path | None:
    """The marked copy's file, when it is there."""
    if not marked:
        return None
    path = profile.photos.blob_path(marked, "jpg")
    return path if path.exists() else None


def thumb_path(profile: Profile, sha256: str) -> Path | None:
    """What a row of thumbnails shows for the photo: with markup, the marked copy's thumbnail (kept under thumbs/ by
    the marked copy's hash, so a new markup has a new one; made again from the marked copy when it is missing),
    else the photo's own. None when the file it needs is gone: never the unmarked, unblurred picture in its place."""
    marked = marked_sha256(profile, sha256)
    if not marked:
        own = profile.photos.thumb_path(sha256)
        return own if own.exists() else None
    thumb = profile.photos.thumb_path(marked)
    if thumb.exists():
        return thumb
    source = marked_path(profile, marked)
    if source is None:
        return None
    _write_thumb(profile, marked, source.read_bytes())
    return thumb


def _write_thumb(profile: Profile, marked: str, jpeg: bytes) -> None:
    from PIL import Image

    with Image.open(io.BytesIO(jpeg)) as opened:
        img = opened.convert("RGB")
    img.thumbnail((THUMB_LONG_SIDE, THUMB_LONG_SIDE), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=80)
    atomic_write(profile.photos.thumb_path(marked), out.getvalue())


def save(profile: Profile, sha256: str, items: list[dict[str, Any]], reason: str | None = None) -> records.PhotoMarkup:
    """Keep the markup and draw its marked copy. A photo shown on a finished visit is evidence of a record: changing
    its markup is an amendment (a reason, audited on each such visit) or is refused, as every change to a finished
    visit is. An empty list removes the markup (documents print the photo as taken). `items` are the editor's shapes
    as JSON gives them: `markup.parse` checks each."""
    photo = _photo(profile, sha256)
    parsed = parse(items, photo["width"], photo["height"])
    finished = [v for v in store.visits_showing(profile.db, sha256) if v["status"] != VisitStatus.IN_PROGRESS]
    for visit in finished:
        amendments.require_change_allowed(visit, reason)
    before = store.current(profile.db, sha256)
    marked = None
    if parsed:
        jpeg = render(profile, photo, parsed)
        marked = hashlib.sha256(jpeg).hexdigest()
        profile.photos.write_blob(marked, "jpg", jpeg)  # the file first: a row never names a file not yet there
        _write_thumb(profile, marked, jpeg)  # what the photo strips show from now on
    row: records.PhotoMarkup = {
        "id": new_id(),
        "sha256": sha256,
        "shapes": to_json(parsed),
        "marked_sha256": marked,
        "created_at": clock.to_text(clock.now()),
        "by": settings.get(profile, settings.STEWARD_NAME),
    }
    with profile.db.write():
        store.add(profile.db, row)
        for visit in finished:
            audit.record(
                profile.db,
                id=new_id(),
                at=row["created_at"],
                actor=row["by"],
                entity="photo_markup",
                entity_id=row["id"],
                action="amend",
                reason=(reason or "").strip(),
                detail={
                    "visit_id": visit["id"],
                    "photo": sha256,
                    "before": before["marked_sha256"] if before else None,
                    "after": marked,
                },
            )
    return row


def render(profile: Profile, photo: records.Photo, shapes: list[Shape]) -> bytes:
    """The marked copy as JPEG bytes, drawn on the stored report rendition (already upright)."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont  # with the first markup, not with the app

    source = profile.photos.rendition_path(photo["sha256"])
    if not source.exists():
        raise NotFound(
            "照片文件缺失,无法标注(可运行“检查档案”查看)。", "The photo's file is missing; it cannot be marked up."
        )
    with Image.open(source) as opened:
        img = opened.convert("RGB")
    scale = img.width / (photo["width"] or img.width)
    long_side = max(img.size)
    stroke = max(3, round(long_side / 250))

    def box(s: Shape) -> tuple[int, int, int, int]:
        left, top, right, bottom = s.box()
        return round(left * scale), round(top * scale), round(right * scale), round(bottom * scale)

    # Blur first, so that a circle or a label drawn over a blurred face stays sharp.
    for s in (s for s in shapes if s.tool == Tool.BLUR):
        left, top, right, bottom = box(s)
        if right - left < 2 or bottom - top < 2:
            continue
        region = img.crop((left, top, right, bottom))
        # Shrinking to a few cells first destroys the detail; the blur then hides the cells' edges.
        cells = region.resize((max(1, region.width // 24), max(1, region.height // 24)), Image.Resampling.BOX)
        region = cells.resize(region.size, Image.Resampling.BILINEAR)
        region = region.filter(ImageFilter.GaussianBlur(max(6, min(region.size) / 6)))
        img.paste(region, (left, top))
    draw = ImageDraw.Draw(img, "RGBA")
    font = ImageFont.truetype(str(resource("fonts") / "wqy-microhei.ttc"), max(16, round(long_side / 28)))
    for s in shapes:
        if s.tool == Tool.CIRCLE:
            left, top, right, bottom = box(s)
            draw.ellipse((left, top, max(right, left + 1), max(bottom, top + 1)), outline=INK, width=stroke)
        elif s.tool == Tool.ARROW:
            _arrow(draw, (s.x1 * scale, s.y1 * scale), (s.x2 * scale, s.y2 * scale), stroke)
        elif s.tool == Tool.TEXT:
            x, y = round(s.x1 * scale), round(s.y1 * scale)
            frame = draw.textbbox((x, y), s.text, font=font)
            pad = stroke
            draw.rectangle((frame[0] - pad, frame[1] - pad, frame[2] + pad, frame[3] + pad), fill=TEXT_BACKING)
            draw.text((x, y), s.text, font=font, fill=INK)
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=MARKED_QUALITY)
    return out.getvalue()


def _arrow(draw: Any, tail: tuple[float, float], head: tuple[float, float], stroke: int) -> None:
    import math

    draw.line((tail, head), fill=INK, width=stroke)
    angle = math.atan2(head[1] - tail[1], head[0] - tail[0])
    size = stroke * 5
    wings = [
        (head[0] - size * math.cos(angle - side), head[1] - size * math.sin(angle - side)) for side in (0.45, -0.45)
    ]
    draw.polygon([head, *wings], fill=INK)


def needs_reason(profile: Profile, sha256: str) -> bool:
    """Whether the photo is shown on a finished visit, so that changing its markup is an amendment with a reason."""
    return any(v["status"] != VisitStatus.IN_PROGRESS for v in store.visits_showing(profile.db, sha256))
