"""Migrations are append-only: each shipped one is pinned here by name and a fingerprint of its code."""

from __future__ import annotations

import ast
import hashlib
import inspect
import textwrap
from collections.abc import Callable
from typing import Any

from steward.storage import migrations

# Every shipped migration in order: (name, fingerprint). Adding a migration: append the line the failing test
# prints. Never change a line: a shipped migration is never edited, a new one fixes what it got wrong.
SHIPPED = [
    ("0001_initial_schema", "a539e307af2cc851"),
    ("0002_findings_deadline_indexes", "6f0a0179d541aebb"),
    ("0003_enterprise_pinyin", "2e9ad4d901b2e5e9"),
    ("0004_open_findings_by_enterprise", "5b6686752fd30d45"),
    ("0005_notice_counters", "aa91fa2dbdcf130a"),
    ("0006_documents", "c1918470ff2fd97b"),
    ("0007_document_snapshots", "454795e105707796"),
    ("0008_visit_origin", "93d4256f9f3f8d41"),
    ("0009_template_item_problem", "d258c66267a1029b"),
    ("0010_visit_draft_event_notes", "280c2e5cc8b07408"),
    ("0012_enterprise_events", "24773bd03f38cf48"),
    ("0013_sync_refusals", "eceb1c5d37e109bb"),
    ("0014_photo_markup", "8cce608f0d969a01"),
    ("0015_event_new_deadline", "b756b0f4e1c85a94"),
    ("0016_finding_description_confirmed", "d2bc420039f99506"),
    ("0017_dashboard_period_indexes", "da3ba126758eea66"),
    ("0018_event_tombstones", "55cb2796680e4d3e"),
    ("0019_event_origin", "8cda6a39e6178e9c"),
    ("0020_rating_indexes", "f3cc0bc5f0d51cdf"),
    ("0021_records_enterprise_merges", "8700616b8c113e4e"),
    ("0022_speed11_rating_marks", "dbcceafc385234ea"),
    ("0023_dash11_period_counts", "ee9258459c88cc9c"),
]


def _fingerprint(fn: Callable[..., Any]) -> str:
    """Hash of the migration's code and of the module-level strings and helpers it uses (0001 runs _SCHEMA_0001
    through _split). The syntax tree, not the text: the formatter and comments do not count, code does."""
    parts = [ast.dump(ast.parse(textwrap.dedent(inspect.getsource(fn))))]
    for name in sorted(set(fn.__code__.co_names)):
        value = vars(migrations).get(name)
        if isinstance(value, str):
            parts.append(value)
        elif inspect.isfunction(value) and value.__module__ == migrations.__name__:
            parts.append(ast.dump(ast.parse(textwrap.dedent(inspect.getsource(value)))))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def test_shipped_migrations_are_never_edited_and_new_ones_are_appended() -> None:
    actual = [(name, _fingerprint(fn)) for name, fn in migrations._STEPS]
    assert [n for n, _ in actual[: len(SHIPPED)]] == [n for n, _ in SHIPPED], (
        "A shipped migration was renamed, removed or reordered; they are append-only."
    )
    edited = [name for (name, pinned), (_, now) in zip(SHIPPED, actual, strict=False) if pinned != now]
    assert not edited, (
        f"Shipped migrations were edited: {edited}. Never edit one: undo the edit and append a new migration."
    )
    new = actual[len(SHIPPED) :]
    assert not new, "New migrations: append to SHIPPED in tests/test_migrations.py:\n" + "\n".join(
        f'    ("{name}", "{fingerprint}"),' for name, fingerprint in new
    )
