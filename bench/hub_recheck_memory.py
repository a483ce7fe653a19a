"""Memory of the hub's re-check index (steward/hub/recheck.py) for a province, measured with tracemalloc: each
worker process keeps one. A province: --stewards stewards (300) at --enterprises enterprises, two findings a visit,
each finding opened, rectified and re-checked (closed) but for the last --open of them (5,000, still open), one
photo link each. Printed at a quarter, half and all of --findings (100,000) findings of history with the same open
ones: the index's MB, bytes per finding of history and KB per open finding. An index bounded by what is open stays
flat as history grows.

Run with `python -m bench.hub_recheck_memory [--findings 100000] [--open 5000]`. No hub, no I/O: the index is fed
the rows the store would read, in the store's slices.
"""

from __future__ import annotations

import argparse
import gc
import json
import tracemalloc
from collections.abc import Iterator

from bench.common import print_table
from steward.hub.recheck import RecheckIndex

AT = "2026-03-02T01:30:00.000Z"


def _id(kind: int, n: int) -> str:
    return f"01a30000-{kind:04x}-7000-8000-{n:012x}"


def province_rows(
    findings: int, stewards: int, still_open: int, enterprises: int
) -> Iterator[tuple[int, str, str, int, str]]:
    """(seq, entity, id, owner, body as JSON) in the order a hub would hold them."""
    seq = 0
    first_open = findings - still_open
    for v in range(findings // 2):
        owner = 1 + v % stewards
        visit_id, enterprise_id = _id(4, v), _id(3, v % enterprises)
        seq += 1
        yield seq, "visit", visit_id, owner, json.dumps({"id": visit_id, "enterprise_id": enterprise_id})
        for f in (2 * v, 2 * v + 1):
            finding_id = _id(6, f)
            seq += 1
            body = {"id": finding_id, "enterprise_id": enterprise_id, "visit_id": visit_id, "description": "喷漆房废气"}
            yield seq, "finding", finding_id, owner, json.dumps(body, ensure_ascii=False)
            kinds = ("opened",) if f >= first_open else ("opened", "rectification_reported", "recheck_rectified")
            for k, kind in enumerate(kinds):
                event_id = _id(7, 4 * f + k)
                seq += 1
                body = {"id": event_id, "finding_id": finding_id, "kind": kind, "at": AT, "by": f"管家{owner}"}
                yield seq, "finding_event", event_id, owner, json.dumps(body, ensure_ascii=False)
            link_id = _id(8, f)
            seq += 1
            link = {
                "id": link_id,
                "sha256": f"{f:064x}",
                "visit_id": visit_id,
                "finding_id": finding_id,
                "caption": "喷漆房废气收集口",
                "created_at": AT,
            }
            yield seq, "photo_link", link_id, owner, json.dumps(link, ensure_ascii=False)


def index_bytes(rows: Iterator[tuple[int, str, str, int, str]], batch: int = 5000) -> tuple[int, RecheckIndex]:
    """Bytes the index holds after applying every row (in the store's batches), as tracemalloc counts them."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    index = RecheckIndex()
    chunk: list[tuple[int, str, str, int, str]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == batch:
            index.apply(chunk)
            chunk = []
    index.apply(chunk)
    index.present = {link.sha256 for link in index.links.values()}
    for finding_id in index.findings:
        index.is_open(finding_id)
    del chunk
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return held, index


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--stewards", type=int, default=300)
    parser.add_argument("--enterprises", type=int, default=3000)
    parser.add_argument("--open", type=int, default=5000, help="findings still open (the last ones)")
    args = parser.parse_args()
    rows = []
    for findings in (args.findings // 4, args.findings // 2, args.findings):
        held, index = index_bytes(province_rows(findings, args.stewards, args.open, args.enterprises))
        open_now = sum(1 for f in index.findings if index.is_open(f))
        rows.append(
            [
                findings,
                open_now,
                len(index.links),
                f"{held / 2**20:.1f}",
                f"{held / findings:.0f}",
                f"{held / max(1, open_now) / 1024:.1f}",
            ]
        )
        print(rows[-1], flush=True)
        del index
        assert open_now == args.open
    print_table(
        f"Re-check index of a province ({args.stewards} stewards, {args.enterprises} enterprises, "
        f"{args.open} findings open; tracemalloc)",
        ["findings", "open", "links kept", "index MB", "bytes/finding", "KB per open finding"],
        rows,
    )


if __name__ == "__main__":
    main()
