"""Enterprises: create, update, find."""

from __future__ import annotations

from typing import Any, TypedDict, cast

from steward.domain import clock
from steward.domain.credit_code import validate as validate_credit_code
from steward.domain.errors import InvalidInput, NotFound
from steward.domain.ids import new_id
from steward.domain.pinyin import name_keys
from steward.storage import enterprises as store
from steward.storage import records, sync_records
from steward.storage.profile import Profile

_TEXT_FIELDS = tuple(c for c in store.EDITABLE if c != "archived")


def _clean(fields: dict[str, Any]) -> store.EnterpriseChanges:
    """What a person typed (keyword arguments of the CLI and the forms, any value), checked and trimmed."""
    unknown = set(fields) - set(_TEXT_FIELDS) - {"archived"}
    if unknown:
        raise InvalidInput(f"未知字段:{', '.join(sorted(unknown))}", f"Unknown fields: {', '.join(sorted(unknown))}")
    text = {k: str(v).strip() for k, v in fields.items() if k in _TEXT_FIELDS and v is not None}
    if "name" in text and not text["name"]:
        raise InvalidInput("企业名称不能为空。", "The enterprise name must not be empty.")
    if "credit_code" in text:
        text["credit_code"] = validate_credit_code(text["credit_code"])
    clean = cast(store.EnterpriseChanges, text)  # only text fields of the enterprise (_TEXT_FIELDS), checked above
    if "archived" in fields:
        clean["archived"] = 1 if fields["archived"] else 0
    return clean


def _refuse_duplicate_code(profile: Profile, code: str, own_id: str | None = None) -> None:
    existing = store.by_credit_code(profile.db, code)
    if existing and existing["id"] != own_id:
        raise InvalidInput(
            f"统一社会信用代码 {code} 已属于“{existing['name']}”。",
            f"Credit code {code} already belongs to '{existing['name']}'.",
        )


def create(profile: Profile, **fields: Any) -> records.Enterprise:
    clean = _clean(fields)
    if "name" not in clean or "credit_code" not in clean:
        raise InvalidInput("企业名称和统一社会信用代码必填。", "Name and credit code are required.")
    _refuse_duplicate_code(profile, clean["credit_code"])
    stamp = clock.to_text(clock.now())
    row: store.NewEnterprise = {
        **clean,
        "id": new_id(),
        "name": clean["name"],
        "credit_code": clean["credit_code"],
        "name_pinyin": name_keys(clean["name"]),
        "created_at": stamp,
        "updated_at": stamp,
    }
    store.insert(profile.db, row)
    return get(profile, row["id"])


def update(profile: Profile, enterprise_id: str, **fields: Any) -> records.Enterprise:
    get(profile, enterprise_id)
    clean = _clean(fields)
    if "credit_code" in clean:
        _refuse_duplicate_code(profile, clean["credit_code"], enterprise_id)
    if "name" in clean:
        clean["name_pinyin"] = name_keys(clean["name"])
    if clean:
        store.update(profile.db, enterprise_id, {**clean, "updated_at": clock.to_text(clock.now())})
    return get(profile, enterprise_id)


def fill_missing_pinyin(profile: Profile) -> int:
    """Enterprises that arrived without pinyin keys (older profiles, bulk imports) get them."""
    rows = store.without_pinyin(profile.db)
    if rows:
        store.set_pinyin(profile.db, {r["id"]: name_keys(r["name"]) for r in rows})
    return len(rows)


def get(profile: Profile, enterprise_id: str) -> records.Enterprise:
    row = store.get(profile.db, enterprise_id)
    if row is None:
        raise NotFound(f"找不到企业:{enterprise_id}", f"No such enterprise: {enterprise_id}")
    return row


def listing(
    profile: Profile, query: str = "", limit: int | None = None, offset: int = 0
) -> list[records.EnterpriseListed]:
    """Enterprises with their open/overdue counts and last visit, for lists and the CLI."""
    return store.search(profile.db, today=clock.today().isoformat(), query=query, limit=limit, offset=offset)


class MergedHere(TypedDict):
    """An enterprise of this laptop merged into the hub's: its old id, when, and its own name if the hub's differed
    (else "")."""

    old_id: str
    merged_at: str
    name: str


def merged_here(profile: Profile, enterprise_id: str) -> list[MergedHere]:
    """The enterprises this laptop held under ids of its own that were merged into this one (same credit code, the
    hub's id): old id, when (merged_at), and their own name when the hub's differed (name, else "")."""
    return [
        {
            "old_id": m["old_id"],
            "merged_at": m["merged_at"],
            "name": str(m["replaced"].get("name") or "") if isinstance(m["replaced"], dict) else "",
        }
        for m in sync_records.merges_into(profile.db, enterprise_id)
    ]
