"""A visit report with 40 findings and 60 photos: Steward (the stored renditions' JPEG bytes embedded as they are)
against drawing the same report after re-encoding each original photo, in the same run.
Targets: at least 3x faster; at most 25 MB."""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from PIL import Image, ImageOps

from bench.common import OUT, print_table
from bench.photo_import import make_photos

FINDINGS = 40
PHOTOS = 60


def build_profile() -> tuple[object, str]:
    from steward.services import enterprises, photos, visits
    from steward.services.profiles import open_profile

    folder = OUT / "profiles" / "report-bench"
    shutil.rmtree(folder, ignore_errors=True)
    profile = open_profile(OUT, "report-bench")
    ent = enterprises.create(profile, name="仙居县源泉工艺品有限公司", credit_code="91331024MA0000001F")
    visit = visits.start(profile, ent["id"], "first")
    items = visits.items(profile, visit["id"])
    camera = make_photos(OUT / "camera", PHOTOS)
    for n in range(FINDINGS):
        item = items[n % len(items)]
        visits.answer(profile, visit["id"], item["id"], "not_compliant", f"现场记录 {n + 1}")
        finding = visits.create_finding(profile, visit["id"], item["id"], location=f"车间 {n + 1}")
        share = camera[n * PHOTOS // FINDINGS : (n + 1) * PHOTOS // FINDINGS]
        photos.import_photos(profile, share, photos.LinkTarget(visit_id=visit["id"], finding_id=finding["id"]))
    return profile, visit["id"]


def reencoded(report: object, profile: object, workdir: Path) -> object:
    """The naive way: every photo decoded from its original, turned upright, shrunk and encoded again."""
    new_photos = []
    for photo in report.photos:  # type: ignore[attr-defined]
        row = profile.db.query_one("SELECT original_ext FROM photos WHERE sha256 = ?", [photo.sha256])  # type: ignore[attr-defined]
        original = profile.photos.original_path(photo.sha256, row["original_ext"])  # type: ignore[attr-defined]
        img = ImageOps.exif_transpose(Image.open(original)).convert("RGB")
        img.thumbnail((1600, 1600), Image.Resampling.LANCZOS)
        target = workdir / f"{photo.number}.jpg"
        img.save(target, quality=85)
        new_photos.append(replace(photo, path=str(target)))
    return replace(report, photos=tuple(new_photos))  # type: ignore[type-var]


def main() -> None:
    from steward.services import documents

    profile, visit_id = build_profile()
    report = documents.build_visit_report(profile, visit_id)  # type: ignore[arg-type]
    documents.render(report)  # warm-up: font loading is not what is measured
    started = time.perf_counter()
    ours = documents.render(documents.build_visit_report(profile, visit_id))  # type: ignore[arg-type]
    ours_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as work:
        started = time.perf_counter()
        theirs = documents.render(reencoded(documents.build_visit_report(profile, visit_id), profile, Path(work)))  # type: ignore[arg-type]
        theirs_s = time.perf_counter() - started
    profile.close()  # type: ignore[attr-defined]
    print_table(
        f"Visit report with {FINDINGS} findings and {len(report.photos)} photos (originals 4000x3000)",
        ["how", "seconds", "MB"],
        [["Steward: stored renditions embedded as they are", f"{ours_s:.2f}", f"{len(ours.pdf) / 1e6:.1f}"],
         ["re-encoding each original photo", f"{theirs_s:.2f}", f"{len(theirs.pdf) / 1e6:.1f}"]],
    )  # fmt: skip
    print(f"speed-up: {theirs_s / ours_s:.1f}x (target >= 3x); size {len(ours.pdf) / 1e6:.1f} MB (target <= 25 MB)")


if __name__ == "__main__":
    main()
