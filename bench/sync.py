"""Sync at office scale: 200 visits with 2,000 photos (about 1 GB of originals) to a hub on 127.0.0.1.

- throughput: Steward's sync against curl uploading the same bytes to the same kind of hub, in the same run
  (target: at least 70% of curl's MB/s);
- a sync with nothing pending (target: under 300 ms);
- killed at half-way and resumed (target: under 2% of the bytes sent again).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.common import OUT, ROOT, print_table

VISITS = 200
PHOTOS = 2000
PHOTO_BYTES = 500_000


def make_profile(folder: Path) -> None:
    """A profile with 200 finished visits and 2,000 photo originals (incompressible, camera-sized) in its store."""
    from steward.domain import clock
    from steward.domain.ids import new_id
    from steward.services import demo
    from steward.services.profiles import open_profile
    from steward.storage import bulk
    from steward.storage.photo_processing import sha256_hex

    shutil.rmtree(folder, ignore_errors=True)
    with open_profile(folder.parent.parent, folder.name) as profile:
        demo.make_demo(
            profile, demo.DemoSize(enterprises=20, weeks=10, photos=False)
        )  # 20 x 10 = 200 visits, all finished
        visits = profile.db.query("SELECT id FROM visits ORDER BY started_at LIMIT ?", [VISITS])
        rng = random.Random(1)
        rows, links = [], []
        for n in range(PHOTOS):
            data = rng.randbytes(PHOTO_BYTES)
            sha = sha256_hex(data)
            path = profile.photos.original_path(sha, "jpg")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            stamp = clock.to_text(clock.now())
            rows.append(
                {
                    "sha256": sha,
                    "original_name": f"IMG_{n}.jpg",
                    "original_ext": "jpg",
                    "format": "JPEG",
                    "bytes": PHOTO_BYTES,
                    "width": 4000,
                    "height": 3000,
                    "taken_at": None,
                    "gps_lat": None,
                    "gps_lon": None,
                    "imported_at": stamp,
                    "original_present": 1,
                }
            )
            links.append(
                {
                    "id": new_id(),
                    "sha256": sha,
                    "visit_id": visits[n % len(visits)]["id"],
                    "item_id": None,
                    "finding_id": None,
                    "event_id": None,
                    "caption": "",
                    "created_at": stamp,
                }
            )
        bulk.insert_rows(profile.db, "photos", rows)
        bulk.insert_rows(profile.db, "photo_links", links)


def start_hub(data: Path) -> tuple[object, str, str]:
    from steward.hub.store import HubStore
    from tests.hub_process import Hub

    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    token = HubStore(data).add_steward("李明")
    return Hub(data).start(), token, data


def curl_upload(profile_dir: Path, url: str, token: str) -> float:
    """The same originals, each PUT whole with curl in one process (keep-alive), to a fresh hub."""
    files = sorted((profile_dir / "photos" / "originals").rglob("*.jpg"))
    config = OUT / "curl.cfg"
    lines = []
    for path in files:
        sha = path.stem
        lines += [
            f'url = "{url}/v1/blobs/{sha}?offset=0&total={path.stat().st_size}"',
            f'upload-file = "{path}"',
            f'header = "Authorization: Bearer {token}"',
            'header = "X-Steward-Protocol: 1"',
            'header = "X-Steward-Profile: curl"',
            'output = "/dev/null"',
            "silent",
            "next",
        ]
    config.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    started = time.perf_counter()
    subprocess.run(["curl", "-K", str(config)], check=True)
    return time.perf_counter() - started


def main() -> None:
    from steward.services.documents import archive_finished
    from steward.services.profiles import open_profile
    from steward.sync import engine
    from steward.sync.client import HubClient

    folder = OUT / "profiles" / "sync-bench"
    make_profile(folder)
    total_mb = PHOTOS * PHOTO_BYTES / 1e6

    hub, token, _ = start_hub(OUT / "hub-steward")
    try:
        with open_profile(OUT, "sync-bench") as profile:
            # The app makes each visit's PDFs when it is finished; here all 200 are made up front, timed apart.
            started = time.perf_counter()
            archived = archive_finished(profile)
            archiving = time.perf_counter() - started
            client = HubClient(hub.url, token, engine.profile_id(profile))
            started = time.perf_counter()
            report = engine.sync(profile, client)
            ours = time.perf_counter() - started
            noop = []
            for _ in range(5):
                started = time.perf_counter()
                engine.sync(profile, client)
                noop.append((time.perf_counter() - started) * 1000)
    finally:
        hub.stop()
    curl_hub, curl_token, _ = start_hub(OUT / "hub-curl")
    try:
        theirs = curl_upload(folder, curl_hub.url, curl_token)
    finally:
        curl_hub.stop()

    # Killed at half-way, then resumed.
    make_profile(folder)
    with open_profile(OUT, "sync-bench") as profile:
        archive_finished(profile)
    hub, token, _ = start_hub(OUT / "hub-resume")
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.sync_worker", str(OUT), hub.url, token, "sync-bench", "1024"],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        for line in child.stdout:
            parts = line.split()
            if parts[0] == "upload" and int(parts[1]) >= int(parts[2]) // 2:
                child.send_signal(signal.SIGKILL)
                break
        child.wait()
        with open_profile(OUT, "sync-bench") as profile:
            client = HubClient(hub.url, token, engine.profile_id(profile))
            blobs = engine.blob_outbox(profile)
            remaining = sum(b.size for b in blobs) - sum(max(0, client.offset(b.sha256)) for b in blobs)
            resumed = engine.sync(profile, client)
    finally:
        hub.stop()
    sent_again = resumed.bytes_sent - remaining
    print_table(
        f"Sync of {VISITS} visits with {PHOTOS} photos ({total_mb:.0f} MB of originals) to a hub on 127.0.0.1",
        ["what", "seconds", "MB/s"],
        [
            ["steward sync (records, then 1 MiB chunks)", f"{ours:.1f}", f"{report.bytes_sent / 1e6 / ours:.1f}"],
            ["curl, the same bytes, one PUT each", f"{theirs:.1f}", f"{total_mb / theirs:.1f}"],
        ],
    )
    print(f"steward/curl: {theirs / ours:.0%} of curl's throughput (target >= 70%)")
    print(f"sync with nothing pending: median {sorted(noop)[2]:.0f} ms (target < 300 ms)")
    print(
        f"(before the sync: {archived} visits' report and notice PDFs made in {archiving:.1f} s, as the app does "
        f"when each visit is finished)"
    )
    print(
        f"killed at half-way and resumed: {max(0, sent_again) / (PHOTOS * PHOTO_BYTES):.2%} of the bytes sent again "
        f"(target < 2%)"
    )


if __name__ == "__main__":
    main()
