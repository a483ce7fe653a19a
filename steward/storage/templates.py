"""Versioned checklist templates. Rows are only ever inserted: a changed checklist is a new version."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from steward.storage import records
from steward.storage.database import Database


def insert_version(db: Database, template: Mapping[str, Any], items: Sequence[Mapping[str, Any]]) -> None:
    with db.write():
        db.insert("templates", template)
        db.insert_many("template_items", items)


def latest_version(db: Database, code: str) -> records.Template | None:
    return db.query_one_as(
        records.Template, "SELECT * FROM templates WHERE code = ? ORDER BY version DESC LIMIT 1", [code]
    )


def version(db: Database, code: str, number: int) -> records.Template | None:
    return db.query_one_as(records.Template, "SELECT * FROM templates WHERE code = ? AND version = ?", [code, number])


def next_version_number(db: Database, code: str) -> int:
    return int(db.scalar("SELECT coalesce(max(version), 0) + 1 FROM templates WHERE code = ?", [code]))


def get(db: Database, template_id: str) -> records.Template | None:
    return db.query_one_as(records.Template, "SELECT * FROM templates WHERE id = ?", [template_id])


def list_all(db: Database) -> list[records.TemplateListed]:
    return db.query_as(
        records.TemplateListed,
        """SELECT t.*, (SELECT count(*) FROM template_items i WHERE i.template_id = t.id) AS item_count,
                  (SELECT count(*) FROM visits v WHERE v.template_id = t.id) AS visit_count
           FROM templates t ORDER BY t.code, t.version""",
    )


def items(db: Database, template_id: str) -> list[records.TemplateItem]:
    return db.query_as(
        records.TemplateItem, "SELECT * FROM template_items WHERE template_id = ? ORDER BY position", [template_id]
    )


def item(db: Database, item_id: str) -> records.TemplateItem | None:
    return db.query_one_as(records.TemplateItem, "SELECT * FROM template_items WHERE id = ?", [item_id])
