"""Text search that also finds one- and two-character Chinese queries.

Trigram FTS5 answers queries of three characters or more from its index; it cannot match shorter ones, so those
terms fall back to LIKE over the same columns. Several words must all match.
"""

from __future__ import annotations

from collections.abc import Sequence


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


MIN_INDEXED_LENGTH = 3  # the trigram tokenizer cannot match anything shorter


def uses_index(term: str) -> bool:
    return len(term) >= MIN_INDEXED_LENGTH


def text_condition(alias: str, fts_table: str, columns: Sequence[str], query: str) -> tuple[str, list[str]]:
    """A WHERE fragment (and its parameters) matching rows of `alias` whose columns contain every term."""
    clauses: list[str] = []
    params: list[str] = []
    for term in query.split():
        if uses_index(term):
            clauses.append(f"{alias}.rowid IN (SELECT rowid FROM {fts_table} WHERE {fts_table} MATCH ?)")
            params.append('"' + term.replace('"', '""') + '"')
        else:
            likes = " OR ".join(f"{alias}.{c} LIKE ? ESCAPE '\\'" for c in columns)
            clauses.append(f"({likes})")
            params.extend([_like_pattern(term)] * len(columns))
    return (" AND ".join(clauses) or "1"), params
