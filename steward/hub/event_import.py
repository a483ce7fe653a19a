"""`steward hub import-events FILE`: complaints, penalties and hazardous-waste violations from a bureau's or the
insurer's list, kept on the hub as its own records (read-only for stewards) and pulled by every laptop."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from steward.hub.store import HubStore

# Reads the file's rows, each checked and with its enterprise found through the lookup given (credit code -> id).
# The reading is the laptop's own (steward.services.event_files, handed in by the command line): the hub keeps to
# its own storage and never imports laptop services.
RowReader = Callable[[Callable[[str], str | None]], Sequence[Any]]

HUB_AUTHOR = "服务器导入 hub import"
_FIELDS = ("enterprise_id", "kind", "on_date", "source", "authority", "number", "substantiated", "note")


def import_events(store: HubStore, read_rows: RowReader) -> tuple[int, int]:
    """Every row checked first (enterprise found by credit code); then all kept in one transaction, or none.
    A row imported before with other details becomes its next revision. Returns (rows read, records new or
    changed)."""
    enterprises = {body["credit_code"]: body["id"] for body in store.bodies("enterprise")}
    rows = read_rows(enterprises.get)
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    items = []
    for row in rows:
        fields = {k: v for k, v in asdict(row).items() if k in _FIELDS}
        before = store.record_body("enterprise_event", row.id)
        if before is not None and all(before.get(k) == v for k, v in fields.items()) and not before.get("deleted"):
            continue  # unchanged: laptops pull nothing
        revised = before is not None
        items.append(
            (
                row.id,
                {
                    "id": row.id,
                    **fields,
                    "created_at": before["created_at"] if before is not None else stamp,
                    "created_by": HUB_AUTHOR,
                    "revision": before.get("revision", 1) + 1 if before is not None else 1,
                    "updated_at": stamp if revised else None,
                    "updated_by": HUB_AUTHOR if revised else "",
                    "deleted": 0,
                },
            )
        )
    return len(rows), store.put_references("enterprise_event", items)
