"""Documents, timed.

1. A visit report with 40 findings and 60 photos: Steward (the stored renditions' JPEG bytes embedded as they are)
   against drawing the same report after re-encoding each original photo, in the same run.
   Targets: at least 3x faster; at most 25 MB.
2. One typical visit's report + notice (6 findings, 6 photos): the first documents of a fresh process (cold: the
   fonts are read then, imports included) and the first documents printed in the app after its start, without and
   with the start-up warm-up (steward.reports.warm: the window shown, then the fonts read and the drawing code loaded
   on the pool), next to warm ones: the same visit again (a reprint) and other visits. The app's time to its window
   shown, without and with the warm-up, says that the start is no slower. Target: warm well under 0.3 s; the first
   document after start as fast as a warm one.
3. A batch export of 16 such visits (32 PDFs): PDFs per second on every core against one core's sequential run,
   both in this run. Medians of several runs throughout."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from PIL import Image, ImageOps

from bench.common import OUT, ROOT, print_table
from bench.photo_import import make_photos

FINDINGS = 40
PHOTOS = 60
RUNS = 3  # fresh processes per figure (medians)


def build_profile() -> tuple[object, str]:
    from steward.services import enterprises, photos, settings, visits
    from steward.services.profiles import open_profile

    folder = OUT / "profiles" / "report-bench"
    shutil.rmtree(folder, ignore_errors=True)
    profile = open_profile(OUT, "report-bench")
    settings.put(profile, settings.STEWARD_NAME, "李明")
    settings.put(profile, settings.FIRM_NAME, "仙居绿源环境服务有限公司")
    settings.put(profile, settings.INSURER_NAME, "中国人民财产保险股份有限公司仙居支公司")
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


def typical_profile(visit_count: int) -> tuple[object, list[str]]:
    """A profile with `visit_count` finished visits of 6 findings and 6 photos each (the issuer set)."""
    from steward.services import enterprises, photos, settings, visits
    from steward.services.profiles import open_profile

    folder = OUT / "profiles" / "report-typical"
    shutil.rmtree(folder, ignore_errors=True)
    profile = open_profile(OUT, "report-typical")
    settings.put(profile, settings.STEWARD_NAME, "李明")
    settings.put(profile, settings.FIRM_NAME, "仙居绿源环境服务有限公司")
    settings.put(profile, settings.INSURER_NAME, "中国人民财产保险股份有限公司仙居支公司")
    camera = make_photos(OUT / "camera", 12)
    ids = []
    for v in range(visit_count):
        ent = enterprises.create(profile, name=f"仙居县源泉工艺品{v:02d}有限公司", credit_code=_code(100 + v))
        visit = visits.start(profile, ent["id"], "routine")
        items = visits.items(profile, visit["id"])
        for n in range(6):
            item = items[n * 3]
            visits.answer(profile, visit["id"], item["id"], "not_compliant", f"现场记录 {n + 1}")
            finding = visits.create_finding(profile, visit["id"], item["id"], location=f"车间 {n + 1}")
            share = [camera[(v + n) % len(camera)]]
            photos.import_photos(profile, share, photos.LinkTarget(visit_id=visit["id"], finding_id=finding["id"]))
        visits.finish(profile, visit["id"])
        ids.append(visit["id"])
    return profile, ids


def _code(seed: int) -> str:
    from steward.domain.credit_code import check_character

    body = f"91331024MA{seed:07d}"
    return body + check_character(body)


def one_visit(profile: object, visit_id: str) -> None:
    from steward.services import documents

    documents.render(documents.build_visit_report(profile, visit_id))  # type: ignore[arg-type]
    documents.render(documents.build_notice(profile, visit_id))  # type: ignore[arg-type]


def cold_child(profile_name: str, visit_id: str) -> None:
    """In a fresh process: the first visit's documents (fonts read now), then the same again (warm)."""
    from steward.services.profiles import open_profile

    profile = open_profile(OUT, profile_name)
    started, cpu = time.perf_counter(), time.process_time()
    one_visit(profile, visit_id)
    cold, cold_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    one_visit(profile, visit_id)
    warm, warm_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"cold": cold, "warm": warm, "cold_cpu": cold_cpu, "warm_cpu": warm_cpu}))


SETTLE_S = 2.0  # after the window is shown: the app's own start-up work (and the warm-up) is over by then


def app_child(profile_name: str, visit_id: str, warm_up: str) -> None:
    """The app started as run_app starts it (offscreen): the time to its window shown, then, once the start has
    settled, the first visit's documents as the first thing printed. With `warm_up` "yes", the start-up warm-up runs
    as in the app; with "no", it does not (the app before it)."""
    launched, launched_cpu = time.perf_counter(), time.process_time()
    from PySide6.QtCore import QEvent, QObject, QTimer

    from steward.reports import warm
    from steward.services.profiles import open_profile
    from steward.ui.app import create_application, warm_up_documents
    from steward.ui.main_window import MainWindow

    app = create_application()
    profile = open_profile(OUT, profile_name)
    window = MainWindow(profile)
    figures: dict[str, float] = {}

    class FirstPaint(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and "shown" not in figures:
                figures["shown"] = time.perf_counter() - launched
                figures["shown_cpu"] = time.process_time() - launched_cpu
            return False

    watcher = FirstPaint()
    window.installEventFilter(watcher)
    window.show()
    if warm_up == "yes":
        warm_up_documents(window)

    def first_document() -> None:
        shown = figures.get("shown")
        settled = shown is not None and time.perf_counter() - launched > shown + SETTLE_S
        if not settled or window.background.busy() or (warm_up == "yes" and not warm._done.is_set()):
            if time.perf_counter() - launched > 120:
                raise SystemExit("the app did not settle in 120 s")
            QTimer.singleShot(50, first_document)
            return
        started, cpu = time.perf_counter(), time.process_time()
        one_visit(profile, visit_id)
        figures["first"], figures["first_cpu"] = time.perf_counter() - started, time.process_time() - cpu
        print(json.dumps(figures), flush=True)
        window.close()
        app.quit()

    QTimer.singleShot(0, first_document)
    app.exec()


def _children(args: list[str], runs: int = RUNS) -> list[dict[str, float]]:
    """Fresh processes with the bytecode cached (an installed app has it; this shell may forbid writing it)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONPYCACHEPREFIX": str(OUT / "pycache")}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-m", "bench.report", *args]
    out = []
    for n in range(runs + 1):
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True, env=env, timeout=300)
        if n:  # the first run writes the bytecode cache
            out.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return out


def typical_and_batch() -> None:
    from steward.services import documents

    profile, ids = typical_profile(16)
    runs = _children(["cold", "report-typical", ids[0]])
    # Interleaved, so that a busy machine weighs on both alike.
    before, after = [], []
    for _ in range(RUNS):
        before += _children(["app", "report-typical", ids[0], "no"], runs=1)
        after += _children(["app", "report-typical", ids[0], "yes"], runs=1)

    def median(key: str, of: list[dict[str, float]] = runs) -> str:
        return f"{statistics.median(r[key] for r in of):.3f}"

    one_visit(profile, ids[0])
    warm, warm_cpu = [], []
    for _ in range(7):
        started, cpu = time.perf_counter(), time.process_time()
        one_visit(profile, ids[0])
        warm.append(time.perf_counter() - started)
        warm_cpu.append(time.process_time() - cpu)
    # A reprint draws what was drawn before (the same font subsets); a new visit's documents mostly do not.
    other, other_cpu = [], []
    for visit_id in ids[1:]:
        started, cpu = time.perf_counter(), time.process_time()
        one_visit(profile, visit_id)
        other.append(time.perf_counter() - started)
        other_cpu.append(time.process_time() - cpu)
    # The bench's visits share most of their text, so their font subsets are made once and recalled after; a visit
    # whose text differs makes its own, as the first document after start does.
    from steward.reports import font_files

    own, own_cpu = [], []
    for visit_id in ids[1:]:
        font_files._subset_stream.cache_clear()
        started, cpu = time.perf_counter(), time.process_time()
        one_visit(profile, visit_id)
        own.append(time.perf_counter() - started)
        own_cpu.append(time.process_time() - cpu)
    print_table(
        "One typical visit's report + notice (6 findings, 6 photos, 2 copies), median",
        ["when", "wall s", "CPU s"],
        [
            [
                f"first documents of a fresh process, imports included ({RUNS} processes)",
                median("cold"),
                median("cold_cpu"),
            ],
            [
                f"first documents printed after the app's start, no warm-up (before; {RUNS} apps)",
                median("first", before),
                median("first_cpu", before),
            ],
            [
                f"first documents printed after the app's start, warmed up at start ({RUNS} apps)",
                median("first", after),
                median("first_cpu", after),
            ],
            [f"second, same process ({RUNS} processes)", median("warm"), median("warm_cpu")],
            [
                "warm, the same visit again (7 runs)",
                f"{statistics.median(warm):.3f}",
                f"{statistics.median(warm_cpu):.3f}",
            ],
            [
                f"warm, each of {len(other)} other visits once",
                f"{statistics.median(other):.3f}",
                f"{statistics.median(other_cpu):.3f}",
            ],
            [
                f"warm, each of {len(own)} other visits once, its font subsets made (not recalled)",
                f"{statistics.median(own):.3f}",
                f"{statistics.median(own_cpu):.3f}",
            ],
        ],
    )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (CPU s is the work)")
    print_table(
        f"The app's start to its window shown (offscreen, {RUNS} apps each, interleaved), median",
        ["start", "wall s", "CPU s"],
        [
            ["without the warm-up (before)", median("shown", before), median("shown_cpu", before)],
            ["with the warm-up (it starts after the first paint)", median("shown", after), median("shown_cpu", after)],
        ],
    )
    cores = os.cpu_count() or 1
    timing: dict[int, list[float]] = {1: [], cores: []}
    pdfs = 0
    for _ in range(3):
        for workers in timing:
            with tempfile.TemporaryDirectory() as work:
                started = time.perf_counter()
                written = documents.export_visit_reports(profile, ids, Path(work), workers=workers)  # type: ignore[arg-type]
                timing[workers].append(time.perf_counter() - started)
                pdfs = len(written)
    profile.close()  # type: ignore[attr-defined]
    one, many = statistics.median(timing[1]), statistics.median(timing[cores])
    print_table(
        f"Batch export of {len(ids)} visits ({pdfs} PDFs), median of 3",
        ["how", "seconds", "PDFs/s"],
        [
            ["one core, sequential", f"{one:.2f}", f"{pdfs / one:.1f}"],
            [f"{cores} worker processes", f"{many:.2f}", f"{pdfs / many:.1f}"],
        ],
    )
    print(
        f"batch speed-up: {one / many:.2f}x on {cores} cores; load average {os.getloadavg()[0]:.1f} "
        "(cores busy with other work cannot speed it up)"
    )


def main() -> None:
    typical_and_batch()
    big_report()


def big_report() -> None:
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
        [
            ["Steward: stored renditions embedded as they are", f"{ours_s:.2f}", f"{len(ours.pdf) / 1e6:.1f}"],
            ["re-encoding each original photo", f"{theirs_s:.2f}", f"{len(theirs.pdf) / 1e6:.1f}"],
        ],
    )
    print(f"speed-up: {theirs_s / ours_s:.1f}x (target >= 3x); size {len(ours.pdf) / 1e6:.1f} MB (target <= 25 MB)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["cold"]:
        cold_child(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ["app"]:
        app_child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        main()
