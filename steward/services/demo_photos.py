"""Drawn site photos for the demo profile: scenes that fit a checklist item, before and after rectification.

Each photo is its own file with its own EXIF time and GPS (inside the visit it belongs to), so no picture is the
evidence for two problems. Drawing and JPEG-encoding thousands of pictures would take most of a minute; instead a
pool of pictures per scene is drawn and encoded once, and every photo is one of them with its own EXIF segment spliced
in. Within one visit a picture is never used twice: when a visit needs more of a scene than the pool holds, the pool
draws another.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational

from steward.storage.photo_processing import PreparedPhoto, sha256_hex

WIDTH, HEIGHT = 640, 480
FIRST_VARIANTS = 2  # pictures drawn per scene and state up front, so that visits do not all show the same ones

_Draw = Callable[[ImageDraw.ImageDraw, random.Random, bool], None]

# Fields to fill in the EXIF template, replaced per photo (fixed-length fields, so offsets never move).
_STAMP = b"2000:01:01 00:00:00"
_LAT_SECONDS, _LON_SECONDS = 1_111_111, 2_222_223  # numerators over 10 000, prime to it (never reduced)
LAT_DEG, LAT_MIN, LON_DEG, LON_MIN = 28, 51, 120, 44  # 仙居县 安岭乡


def _floor(d: ImageDraw.ImageDraw, rng: random.Random, wall: int, floor: tuple[int, int, int]) -> None:
    """Wall and floor of a workshop, with what makes one workshop look unlike another: windows, pipes, columns."""
    horizon = rng.randint(300, 350)
    d.rectangle((0, 0, WIDTH, horizon), fill=(wall, wall - rng.randint(0, 10), wall - rng.randint(0, 20)))
    d.rectangle((0, horizon, WIDTH, HEIGHT), fill=floor)
    step = rng.choice((80, 96, 120, 150))
    for x in range(rng.randint(0, 40), WIDTH + 60, step):  # floor tiles or concrete joints
        d.line((x, horizon, x - 60, HEIGHT), fill=(floor[0] - 20, floor[1] - 20, floor[2] - 20), width=2)
    for _ in range(rng.randint(0, 3)):  # windows high on the wall
        x = rng.randint(0, WIDTH - 90)
        d.rectangle(
            (x, 20, x + rng.randint(60, 110), 20 + rng.randint(40, 70)),
            fill=(170, 200, 225),
            outline=(90, 90, 90),
            width=3,
        )
    if rng.random() < 0.6:  # a pipe along the wall
        y = rng.randint(100, 200)
        d.rectangle(
            (0, y, WIDTH, y + rng.randint(8, 16)), fill=rng.choice(((200, 60, 40), (60, 120, 60), (120, 120, 130)))
        )
    if rng.random() < 0.5:  # a column
        x = rng.choice((rng.randint(0, 40), rng.randint(560, 620)))
        d.rectangle((x, 0, x + 30, horizon + 20), fill=(wall - 35, wall - 35, wall - 35))


def _papers(d: ImageDraw.ImageDraw, rng: random.Random, fixed: bool) -> None:
    desk = rng.choice(((130, 85, 50), (150, 110, 70), (90, 60, 40), (180, 170, 150), (200, 200, 200)))
    d.rectangle((0, 0, WIDTH, HEIGHT), fill=desk)
    if rng.random() < 0.5:  # a binder or a folder beside the papers
        d.rectangle(
            (rng.randint(0, 560), 330, WIDTH, 470), fill=rng.choice(((30, 60, 130), (140, 30, 30), (40, 40, 40)))
        )
    for i in range(rng.randint(2, 3)):
        x, y = 20 + i * 200 + rng.randint(-15, 25), 30 + rng.randint(0, 90)
        d.rectangle((x, y, x + 170, y + 240), fill=(245, 245, 240), outline=(90, 90, 90))
        lines = rng.randint(6, 12) if fixed or i else rng.randint(1, 3)  # before: a form left mostly empty
        for k in range(lines):
            d.line((x + 15, y + 30 + k * 17, x + 150 - rng.randint(0, 50), y + 30 + k * 17), fill=(60, 60, 60))
        if fixed:
            cx, cy = x + 120, y + 200
            d.ellipse((cx - 28, cy - 28, cx + 28, cy + 28), outline=(200, 30, 30), width=4)  # red seal
    d.rectangle((420, 360, 600, 380), fill=(30, 30, 30))  # pen


def _booth(d: ImageDraw.ImageDraw, rng: random.Random, fixed: bool) -> None:
    _floor(d, rng, rng.randint(170, 200), (150, 150, 140))
    x = rng.randint(20, 240)
    booth = rng.choice(((210, 210, 215), (225, 220, 200), (200, 215, 225), (215, 225, 210)))
    d.rectangle(
        (x, 80 + rng.randint(-30, 30), x + rng.randint(300, 380), 360), fill=booth, outline=(60, 60, 70), width=5
    )
    left = x + rng.randint(60, 180)
    door = (left, 160, left + 100, 360)
    if fixed:
        d.rectangle(door, fill=(180, 185, 190), outline=(40, 40, 40), width=3)
    else:
        d.rectangle(door, fill=(35, 35, 35))
        for _ in range(rng.randint(4, 7)):  # paint mist drifting out
            cx, cy = door[2] + rng.randint(0, 120), rng.randint(140, 300)
            r = rng.randint(15, 40)
            d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(185, 195, 205))
    d.rectangle((x + 250, 40, x + 290, 80), fill=(120, 120, 130))  # exhaust duct


def _duct(d: ImageDraw.ImageDraw, rng: random.Random, fixed: bool) -> None:
    _floor(d, rng, rng.randint(185, 215), (140, 140, 135))
    x = rng.randint(20, 200)
    unit = rng.choice(((70, 110, 160), (150, 150, 150), (60, 130, 100), (180, 120, 60), (200, 200, 190)))
    d.rectangle(
        (x, 150 + rng.randint(-30, 30), x + rng.randint(200, 280), 370), fill=unit, outline=(30, 30, 30), width=3
    )  # treatment unit
    d.rectangle((x + 20, 180, x + 110, 230), fill=(230, 230, 230))  # name plate
    d.rectangle((x + 260, 200, WIDTH, 240), fill=(160, 160, 165))  # duct
    d.rectangle((x + 120, 40, x + 160, 150), fill=(160, 160, 165))
    if not fixed:
        gx = x + 330 + rng.randint(0, 120)
        d.polygon([(gx, 200), (gx + 40, 200), (gx + 25, 225), (gx + 5, 240)], fill=(40, 40, 40))  # torn duct
        d.rectangle((x + 30, 260, x + 230, 350), fill=(90, 90, 90))  # clogged filter face
    else:
        d.rectangle((x + 30, 260, x + 230, 350), fill=(235, 235, 225))  # fresh filter


def _drums(d: ImageDraw.ImageDraw, rng: random.Random, fixed: bool) -> None:
    _floor(d, rng, rng.randint(160, 200), (120, 120, 115))
    if fixed:
        d.rectangle((40, 330, 600, 350), fill=(220, 180, 30))  # spill tray
        d.rectangle((260, 90, 380, 150), fill=(240, 200, 40), outline=(20, 20, 20))  # hazardous-waste label
    else:
        d.ellipse((300, 360, 470, 420), fill=(60, 50, 40))  # spill on the floor
    colours = ((30, 90, 160), (200, 60, 40), (60, 130, 60), (40, 40, 40))
    for i in range(rng.randint(3, 5)):
        x = 50 + i * 110 + rng.randint(-10, 10)
        colour = rng.choice(colours)
        d.rectangle((x, 200, x + 90, 340), fill=colour, outline=(20, 20, 20))
        lid = colour if fixed or rng.random() < 0.4 else (15, 15, 15)  # an open drum shows its dark inside
        d.ellipse((x, 185, x + 90, 215), fill=lid, outline=(20, 20, 20))


def _machines(d: ImageDraw.ImageDraw, rng: random.Random, fixed: bool) -> None:
    _floor(d, rng, rng.randint(175, 205), (150, 145, 130))
    for i in range(rng.randint(2, 3)):
        x = 40 + i * 200 + rng.randint(-20, 20)
        d.rectangle((x, 220, x + 150, 350), fill=(90, 120, 100), outline=(30, 30, 30), width=2)
        if fixed:
            d.polygon([(x + 20, 120), (x + 130, 120), (x + 110, 170), (x + 40, 170)], fill=(150, 150, 160))  # hood
            d.rectangle((x + 65, 40, x + 85, 120), fill=(150, 150, 160))
    if not fixed:
        for _ in range(160):  # dust in the air and on the floor
            px, py = rng.randint(0, WIDTH), rng.randint(100, HEIGHT)
            d.point((px, py), fill=(230, 225, 210))
            d.ellipse((px, py, px + 3, py + 3), fill=(215, 210, 195))


def _drain(d: ImageDraw.ImageDraw, rng: random.Random, fixed: bool) -> None:
    d.rectangle((0, 0, WIDTH, HEIGHT), fill=(165 + rng.randint(0, 20),) * 3)  # concrete yard
    if rng.random() < 0.6:  # the foot of a wall
        d.rectangle((0, 0, WIDTH, rng.randint(60, 140)), fill=(rng.randint(190, 230), 200, 190))
    for _ in range(rng.randint(1, 4)):  # cracks
        x, y = rng.randint(0, WIDTH), rng.randint(0, HEIGHT)
        d.line((x, y, x + rng.randint(-90, 90), y + rng.randint(20, 90)), fill=(120, 120, 120), width=2)
    x, y = rng.randint(180, 360), rng.randint(180, 260)
    if not fixed:
        colour = rng.choice(((90, 120, 170), (170, 90, 60), (110, 140, 90)))
        d.ellipse((x - 120, y - 50, x + 220, y + 140), fill=colour)  # stain running into the drain
    d.rectangle((x, y, x + 110, y + 80), fill=(50, 50, 50))
    for k in range(1, 7):
        d.line((x + k * 16, y, x + k * 16, y + 80), fill=(120, 120, 120), width=3)  # grate


def _stack(d: ImageDraw.ImageDraw, rng: random.Random, fixed: bool) -> None:
    d.rectangle((0, 0, WIDTH, 300), fill=(150 + rng.randint(0, 40), 190, 225))  # sky
    d.rectangle((0, 300, WIDTH, HEIGHT), fill=(130, 130, 125))
    left = rng.randint(0, 200)
    d.rectangle(
        (left, rng.randint(170, 230), left + rng.randint(220, 380), 300),
        fill=rng.choice(((200, 195, 185), (220, 210, 190), (180, 190, 200))),
        outline=(80, 80, 80),
    )
    x = rng.randint(300, 460)
    d.rectangle((x, 40, x + 36, 300), fill=(175, 175, 180), outline=(70, 70, 70))
    d.rectangle((x - 10, 150, x + 46, 158), fill=(60, 60, 60))  # sampling platform
    if fixed:
        d.rectangle((x + 50, 200, x + 130, 250), fill=(40, 120, 60))  # outlet sign
    else:
        for k in range(6):
            r = 18 + k * 6
            d.ellipse((x + k * 25 - r, 30 - k * 4 - r, x + k * 25 + r, 30 - k * 4 + r), fill=(120, 120, 120))


def _heap(d: ImageDraw.ImageDraw, rng: random.Random, fixed: bool) -> None:
    d.rectangle((0, 0, WIDTH, 260), fill=(190, 200, 210))
    d.rectangle((0, 260, WIDTH, HEIGHT), fill=(140, 130, 110))
    x = rng.randint(80, 240)
    colour = (40, 120, 60) if fixed else (170, 130, 80)  # covered by a tarp, or sawdust/offcuts in the open
    d.polygon([(x, 420), (x + 160, 230 + rng.randint(0, 40)), (x + 330, 420)], fill=colour)
    if fixed:
        d.rectangle((x - 30, 150, x + 360, 170), fill=(110, 110, 120))  # roof
    else:
        for _ in range(30):
            px = rng.randint(0, WIDTH)
            d.line((px, 430, px + rng.randint(10, 40), 440), fill=(190, 150, 100), width=3)


def _sign(d: ImageDraw.ImageDraw, rng: random.Random, fixed: bool) -> None:
    _floor(d, rng, rng.randint(200, 230), (140, 140, 135))
    d.rectangle((380, 150, 620, 380), fill=(70, 110, 160), outline=(30, 30, 30))  # equipment beside the wall
    if fixed:
        d.rectangle((70, 60, 330, 280), fill=(250, 250, 245), outline=(30, 90, 160), width=6)  # board
        for k in range(8):
            d.line((90, 100 + k * 20, 310 - rng.randint(0, 80), 100 + k * 20), fill=(50, 50, 50), width=2)
    else:
        d.rectangle((70, 60, 330, 280), outline=(150, 150, 150), width=2)  # marks where nothing hangs


SCENES: dict[str, _Draw] = {
    "papers": _papers,
    "booth": _booth,
    "duct": _duct,
    "drums": _drums,
    "machines": _machines,
    "drain": _drain,
    "stack": _stack,
    "heap": _heap,
    "sign": _sign,
}


STATES = ("before", "close", "after")  # the problem, a close view of it, and the rectified place


@dataclass(frozen=True)
class _Picture:
    body: bytes  # JPEG without EXIF
    head: int  # where the EXIF segment goes (after the JFIF segment)
    thumb: bytes


def _exif_template() -> bytes:
    exif = Image.Exif()
    exif[0x0132] = _STAMP.decode()
    exif[0x010F] = "Steward demo"  # Make: says honestly where the picture came from
    exif.get_ifd(0x8769)[0x9003] = _STAMP.decode()
    gps = exif.get_ifd(0x8825)
    gps[1], gps[3] = "N", "E"
    gps[2] = (IFDRational(LAT_DEG), IFDRational(LAT_MIN), IFDRational(_LAT_SECONDS, 10_000))
    gps[4] = (IFDRational(LON_DEG), IFDRational(LON_MIN), IFDRational(_LON_SECONDS, 10_000))
    data = exif.tobytes()
    return b"\xff\xe1" + (len(data) + 2).to_bytes(2, "big") + data


class PhotoPool:
    """Scenes drawn once; `photo()` makes a distinct file of one of them for a moment and a place."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pictures: dict[tuple[str, str], list[_Picture]] = {}
        for name in SCENES:
            for state in STATES:
                self.pictures[(name, state)] = [self._draw(name, state) for _ in range(FIRST_VARIANTS)]
        self._exif = _exif_template()
        self._lat_at = self._exif.index(_LAT_SECONDS.to_bytes(4, "big"))
        self._lon_at = self._exif.index(_LON_SECONDS.to_bytes(4, "big"))

    def _draw(self, scene: str, state: str) -> _Picture:
        rng = self.rng
        img = Image.new("RGB", (WIDTH, HEIGHT))
        SCENES[scene](ImageDraw.Draw(img), rng, state == "after")
        if state == "close":  # what the steward photographs next: the problem from a step away
            w, h = rng.randint(300, 420), 0
            h = w * HEIGHT // WIDTH
            x, y = rng.randint(0, WIDTH - w), rng.randint(HEIGHT // 4, HEIGHT - h)
            img = img.resize((WIDTH, HEIGHT), Image.Resampling.BILINEAR, box=(x, y, x + w, y + h))
        if rng.random() < 0.5:
            img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        out = io.BytesIO()
        img.save(out, format="JPEG", quality=82)
        body = out.getvalue()
        head = 4 + int.from_bytes(body[4:6], "big")  # SOI + the JFIF APP0 segment
        thumb = io.BytesIO()
        img.resize((256, 256 * HEIGHT // WIDTH), Image.Resampling.BOX).save(thumb, format="JPEG", quality=80)
        return _Picture(body, head, thumb.getvalue())

    def pick(self, scene: str, state: str, used: set[int]) -> int:
        """A picture of the scene not in `used` (those already in this visit), drawing a new one if need be."""
        pictures = self.pictures[(scene, state)]
        free = [i for i in range(len(pictures)) if i not in used]
        if not free:
            pictures.append(self._draw(scene, state))
            free = [len(pictures) - 1]
        chosen = self.rng.choice(free)
        used.add(chosen)
        return chosen

    def photo(
        self, scene: str, state: str, variant: int, taken: datetime, lat_s: float, lon_s: float
    ) -> tuple[PreparedPhoto, bytes]:
        """`taken` is the camera's local time; lat_s/lon_s the seconds of arc within the park's minute."""
        pic = self.pictures[(scene, state)][variant]
        exif = bytearray(self._exif.replace(_STAMP, taken.strftime("%Y:%m:%d %H:%M:%S").encode()))
        exif[self._lat_at : self._lat_at + 4] = round(lat_s * 10_000).to_bytes(4, "big")
        exif[self._lon_at : self._lon_at + 4] = round(lon_s * 10_000).to_bytes(4, "big")
        data = pic.body[: pic.head] + bytes(exif) + pic.body[pic.head :]
        prepared = PreparedPhoto(
            sha256=sha256_hex(data),
            original_name=f"IMG_{taken:%Y%m%d_%H%M%S}.jpg",  # as a phone names it
            ext="jpg",
            format="JPEG",
            size_bytes=len(data),
            width=WIDTH,
            height=HEIGHT,
            taken_at=taken.strftime("%Y-%m-%dT%H:%M:%S"),
            gps_lat=round(LAT_DEG + LAT_MIN / 60 + lat_s / 3600, 7),
            gps_lon=round(LON_DEG + LON_MIN / 60 + lon_s / 3600, 7),
            rendition_jpeg=pic.body,  # already an upright RGB JPEG well under the rendition size
            thumb_jpeg=pic.thumb,
        )
        return prepared, data
