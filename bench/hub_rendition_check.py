"""What a request for a photo's report rendition (/v1/renditions/{sha256}) spends deciding whether the steward may
read it: before, the steward's re-check list was kept as JSON and parsed for every request (the set of its files
built from it); now the set is kept with the list (HubStore.recheck_files). Both measured in the same run, on the
same store, with the list kept (the hub did not move in between, as between a laptop's rendition requests).

Run with `python -m bench.hub_rendition_check [--photos 2000] [--repeat 3] [--engines sqlite,postgres]`: a steward
whose list holds that many colleagues' photos (a province's steward visiting many enterprises with open findings).
Prints the median ms per request of each way, over --calls requests, median of --repeat runs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.common import OUT, engine_databases, print_table
from bench.hub_body_lookups import AT, LI, WANG, _enterprise, _finding, _visit, uid


def build(store: Any, photos: int) -> tuple[int, list[str]]:
    """Li's open findings, each with a photo (its file on the hub), at photos/4 enterprises Wang has visited:
    Wang's id and the photos' hashes."""
    from steward.sync.wire import content_hash

    li = store.steward_for(store.add_steward(LI))["id"]
    wang = store.steward_for(store.add_steward(WANG))["id"]
    rows: list[list[Any]] = []

    def add(entity: str, owner: int, body: dict[str, Any], rid: str | None = None) -> None:
        rid = rid or body["id"]
        rows.append([entity, rid, owner, f"p{owner}", content_hash(body), json.dumps(body, ensure_ascii=False), AT])

    enterprises = max(1, photos // 4)
    hashes = []
    for n in range(enterprises):
        add("enterprise", li, _enterprise(n))
        add("visit", wang, _visit(photos + n, uid(1, n), WANG))
    for n in range(photos):
        enterprise, sha = uid(1, n % enterprises), f"{n:064x}"
        add("visit", li, _visit(n, enterprise, LI))
        add("finding", li, _finding(n, uid(2, n), enterprise, LI))
        add("finding_event", li, {"id": uid(4, n), "finding_id": uid(3, n), "kind": "opened", "at": AT, "by": LI})
        photo = {"sha256": sha, "original_name": f"IMG_{n}.jpg", "original_ext": "jpg", "format": "JPEG"}
        add("photo", li, {**photo, "bytes": 2_000_000, "width": 4000, "height": 3000, "taken_at": AT}, sha)
        link = {"id": uid(5, n), "sha256": sha, "finding_id": uid(3, n), "caption": "危废间标识", "created_at": AT}
        add("photo_link", li, link)
        hashes.append(sha)
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO records (entity, id, owner, profile_id, content_hash, body, received_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.executemany("INSERT INTO blobs (sha256, size, received_at) VALUES (?, ?, ?)", [[h, 1, AT] for h in hashes])
    return wang, hashes


def per_call(check: Callable[[str], bool], hashes: list[str], calls: int) -> float:
    started = time.perf_counter()
    for n in range(calls):
        assert check(hashes[n * 7919 % len(hashes)])
    return (time.perf_counter() - started) / calls


def bench_engine(engine: str, db_url: str | None, photos: int, calls: int, repeat: int) -> list[Any]:
    from steward.hub.store import HubStore, recheck_photos

    data = OUT / "hub_rendition_check" / engine
    shutil.rmtree(data, ignore_errors=True)
    store = HubStore(data, db_url=db_url)
    try:
        reader, hashes = build(store, photos)
        assert len(store.recheck_files(reader)) == photos  # the list made once, as a serving hub keeps it

        def parsed(sha: str) -> bool:  # what the request did before
            return sha in {p["sha256"] for p in recheck_photos(store, reader)}

        def kept(sha: str) -> bool:
            return sha in store.recheck_files(reader)

        before, after = [], []
        for _ in range(repeat):  # taking turns
            before.append(per_call(parsed, hashes, calls))
            after.append(per_call(kept, hashes, calls))
        b, a = statistics.median(before) * 1000, statistics.median(after) * 1000
        return [engine, photos, f"{b:.2f}", f"{a:.2f}", f"{b / a:.0f}x"]
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=2000, help="photos on the steward's re-check list")
    parser.add_argument("--calls", type=int, default=200, help="rendition requests of each run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engines", default="sqlite,postgres")
    args = parser.parse_args()
    rows = []
    with contextlib.ExitStack() as stack:
        for engine, db_url in engine_databases(stack, args.engines):
            rows.append(bench_engine(engine, db_url, args.photos, args.calls, args.repeat))
            print(rows[-1], flush=True)
    print_table(
        f"A rendition request's permission check, ms per request (median of {args.repeat} runs of {args.calls}): the "
        "re-check list parsed (before) or its files kept as a set (after)",
        ["engine", "photos on the list", "before", "after", "ratio"],
        rows,
    )


if __name__ == "__main__":
    main()
