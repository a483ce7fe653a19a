"""`steward demo` (53 enterprises x 52 weeks, as shipped): with its evidence photos (one per finding, a close view
of major ones, an after-photo per rectified finding) against the same demo without photos, in the same run, each
into a fresh profile. The demo without photos is the work the demo did before it drew photos (it had 12).
Target: a few seconds."""

from __future__ import annotations

import shutil
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, print_table
from steward.services import demo
from steward.storage.profile import Profile

RUNS = 5


def made_in_s(folder: Path, photos: bool) -> tuple[float, dict[str, int]]:
    with Profile(folder) as profile:
        started = time.perf_counter()
        counts = demo.make_demo(profile, demo.DemoSize(photos=photos), today=date(2026, 11, 25))
        seconds = time.perf_counter() - started
    return seconds, counts


def main() -> None:
    # Profiles are deleted only at the end: deleting thousands of files just before a run slows the run's own file
    # creation (the file system is still releasing the blocks), which would be measured as the demo's.
    work = OUT / "demo-bench"
    shutil.rmtree(work, ignore_errors=True)
    samples: dict[bool, list[float]] = {True: [], False: []}
    counts: dict[bool, dict[str, int]] = {}
    for run in range(RUNS):
        for photos in (False, True):  # alternated, so that both meet the same machine load
            seconds, counts[photos] = made_in_s(work / f"{run}-{photos}", photos)
            samples[photos].append(seconds)
    rows = [
        [
            label,
            counts[photos]["findings"],
            counts[photos]["photos"],
            f"{statistics.median(samples[photos]):.2f}",
            " ".join(f"{s:.2f}" for s in samples[photos]),
        ]
        for label, photos in (("without photos (baseline)", False), ("with evidence photos", True))
    ]
    shutil.rmtree(work, ignore_errors=True)
    print_table(
        f"steward demo, 53 x 52 weeks, median of {RUNS} (s)", ["demo", "findings", "photos", "median", "runs"], rows
    )


if __name__ == "__main__":
    main()
