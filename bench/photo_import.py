"""Photo import: Steward's pipeline against a naive Pillow pipeline, on 50 camera-size JPEGs.

Steward: draft-mode decode (the JPEG decoder shrinks while reading), one decode for both renditions, every core,
files written crash-safe and rows committed. Naive: open, exif_transpose, resize to 1600 and to 256, save both —
one photo after another. Each runs in its own process so that peak memory (max RSS) is its own.
Target: Steward at least 3x the naive photos per second.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

from PIL import Image, ImageOps

from bench.common import OUT, peak_rss_mb, print_table, run_child

COUNT = 50
SIZE = (4000, 3000)


def make_photos(folder: Path, count: int = COUNT) -> list[Path]:
    """Camera-like JPEGs: noisy enough to be 3-5 MB at quality 90; every fifth carries EXIF orientation 6."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = sorted(folder.glob("*.jpg"))
    if len(paths) >= count:
        return paths[:count]
    noise = Image.effect_noise(SIZE, 40)
    for i in range(count):
        path = folder / f"DSC_{i:04d}.jpg"
        gradient = Image.linear_gradient("L").resize(SIZE)
        img = Image.merge("RGB", (noise, gradient, noise.rotate(180 if i % 2 else 0)))
        img = Image.blend(img, Image.new("RGB", SIZE, (i * 5 % 255, 120, 60)), 0.4)
        exif = Image.Exif()
        if i % 5 == 0:
            exif[0x0112] = 6
        exif.get_ifd(0x8769)[0x9003] = f"2026:05:01 10:{i % 60:02d}:00"
        img.save(path, format="JPEG", quality=90, exif=exif)
    return sorted(folder.glob("*.jpg"))[:count]


def naive(photos: list[Path], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for path in photos:
        img = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
        big = img.copy()
        big.thumbnail((1600, 1600), Image.Resampling.LANCZOS)
        big.save(out / f"{path.stem}-r.jpg", quality=85)
        small = img.copy()
        small.thumbnail((256, 256), Image.Resampling.LANCZOS)
        small.save(out / f"{path.stem}-t.jpg", quality=80)


def steward(photos: list[Path], out: Path) -> None:
    from steward.services import enterprises, visits
    from steward.services import photos as photo_service
    from steward.services.profiles import open_profile

    with open_profile(out, "bench") as profile:
        ent = enterprises.create(profile, name="基准测试企业", credit_code="91331024MA0000001F")
        visit = visits.start(profile, ent["id"])
        report = photo_service.import_photos(profile, photos, photo_service.LinkTarget(visit_id=visit["id"]))
        assert report.count(photo_service.Outcome.IMPORTED) == len(photos), [r.error for r in report.rejected]


def child(variant: str, folder: Path, out: Path) -> None:
    photos = make_photos(folder)
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    (steward if variant == "steward" else naive)(photos, out)
    seconds = time.perf_counter() - started
    print(json.dumps({"variant": variant, "seconds": seconds, "photos": len(photos), "peak_mb": peak_rss_mb()}))


def main() -> None:
    folder = OUT / "camera"
    photos = make_photos(folder)
    megabytes = sum(p.stat().st_size for p in photos) / 1e6
    results = {
        v: run_child("bench.photo_import", "--child", v, str(folder), str(OUT / f"import-{v}"))
        for v in ("naive", "steward")
    }
    rows = []
    for variant, r in results.items():
        rows.append(
            [variant, r["photos"], f"{r['seconds']:.2f}", f"{r['photos'] / r['seconds']:.1f}", f"{r['peak_mb']:.0f}"]
        )
    speedup = results["naive"]["seconds"] / results["steward"]["seconds"]
    print_table(
        f"Photo import: {len(photos)} JPEGs {SIZE[0]}x{SIZE[1]} q90 ({megabytes:.0f} MB), every 5th rotated by EXIF",
        ["pipeline", "photos", "seconds", "photos/s", "peak RSS MB"],
        rows,
    )
    print(f"speed-up steward/naive: {speedup:.2f}x (target >= 3x)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=3, metavar=("VARIANT", "PHOTOS", "OUT"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
    else:
        main()
