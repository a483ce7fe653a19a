"""What travels between laptop and hub, shared by both ends: protocol version, record envelope, hashing."""

from __future__ import annotations

import hashlib
import json
from typing import Any

PROTOCOL_VERSION = 1
HEADER_PROTOCOL = "X-Steward-Protocol"
HEADER_PROFILE = "X-Steward-Profile"
HEADER_CHUNK_SHA256 = "X-Chunk-SHA256"
CHUNK_SIZE = 1024 * 1024

# Push order: what a record refers to travels before it, so the hub's change sequence is in dependency order.
ENTITIES = (
    "enterprise",
    "enterprise_event",
    "template",
    "visit",
    "finding",
    "finding_event",
    "photo",
    "photo_link",
    "signature",
    "audit",
    "document",
)
# What a hub that does not list its entities in /v1/hello takes (the first protocol's): a laptop sends it nothing
# else, so a record of a newer kind waits on the laptop instead of being refused by an older hub.
FIRST_ENTITIES = tuple(e for e in ENTITIES if e != "enterprise_event")
# Records a steward writes only for their own visits; the rest (enterprises, templates, finding events, photos and
# their links) merge from everyone. Owned records name their visit in body["visit_id"]. Enterprise events
# (complaints, penalties, hazardous-waste violations) are their author's: each edit or delete is a new revision.
OWNED_BY_VISIT = ("visit", "finding", "signature", "audit", "document")
# A checklist's id follows its content, and every laptop ships the same built-in ones: what says when this
# installation stored it stays home, so the same checklist is the same record on every laptop and on the hub.
TEMPLATE_LOCAL_FIELDS = ("imported_at",)
# Fields added to an entity after laptops had synced it: left out of the body while empty, so a record made before
# the field existed keeps its body and hash, and a hub or laptop that does not know the field reads it as before.
# A finding event's new_deadline is the date a 部分整改 agreed for the rest (a date, not before the event's own).
OPTIONAL_WHEN_EMPTY: dict[str, tuple[str, ...]] = {"finding_event": ("new_deadline",)}


def without_empty_optional(entity: str, body: dict[str, Any]) -> dict[str, Any]:
    optional = OPTIONAL_WHEN_EMPTY.get(entity, ())
    return {k: v for k, v in body.items() if not (k in optional and v is None)}


def canonical(body: Any) -> bytes:
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_hash(body: Any) -> str:
    return hashlib.sha256(canonical(body)).hexdigest()


def record(entity: str, record_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"entity": entity, "id": record_id, "body": body, "hash": content_hash(body)}
