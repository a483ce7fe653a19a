"""The rules of docs/architecture.md that import-linter cannot see. The import rules themselves (layers, reports,
hub, Qt only in ui) are import-linter contracts in pyproject.toml, run by `make lint`."""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from pathlib import Path

STEWARD = Path(__file__).resolve().parent.parent / "steward"

# SQL as this code base writes it (upper case, so that English prose such as "select a file from" is not SQL).
SQL = re.compile(
    r"\bSELECT\b[\s\S]{0,500}?\bFROM\b|\bINSERT\s+(?:OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b"
    r"|\b(?:CREATE|DROP|ALTER)\s+(?:VIRTUAL\s+)?(?:TABLE|INDEX|TRIGGER|VIEW)\b|\bPRAGMA\s+\w+"
    r"|\bBEGIN\s+(?:IMMEDIATE|EXCLUSIVE)\b"
)
# Where SQL belongs: the laptop's storage package and the hub's own storage: its store (every query), its schema's
# migrations, the engine layer that reads them on SQLite or PostgreSQL, and the copy from one engine to the other.
SQL_HOMES = ("storage/", "hub/store.py", "hub/schema.py", "hub/engine.py", "hub/copy.py")
# SQL still outside storage, each with why; the list only ever shrinks. Empty it, do not grow it.
SQL_NOT_YET_MOVED: dict[str, str] = {}


def _code_strings(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, text) of string literals, docstrings excepted (prose may mention SQL); an f-string as one text, each
    placeholder standing as a name."""
    nodes = list(ast.walk(tree))
    skipped = {
        id(node.body[0].value)
        for node in nodes
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in nodes:
        if isinstance(node, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.Constant) else "name" for v in node.values]
            skipped.update(id(v) for v in node.values)
            yield node.lineno, "".join(map(str, parts))
    for node in nodes:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
            yield node.lineno, node.value


@functools.cache
def _scan() -> tuple[dict[str, int], dict[str, list[int]]]:
    """Every module of steward/ parsed once for the tests below: files with SQL (file: first line) and files that
    import a module by name (file: lines)."""
    with_sql: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    for path in sorted(STEWARD.rglob("*.py")):
        relative = path.relative_to(STEWARD).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, text in _code_strings(tree):
            if SQL.search(text):
                with_sql[relative] = min(line, with_sql.get(relative, line))
        if lines := _imports_by_name(tree):
            by_name[relative] = lines
    return with_sql, by_name


def _files_with_sql() -> dict[str, int]:
    return _scan()[0]


def test_sql_only_in_storage_and_the_hub_store() -> None:
    outside = {
        f: line for f, line in _files_with_sql().items() if not f.startswith(SQL_HOMES) and f not in SQL_NOT_YET_MOVED
    }
    assert outside == {}, "SQL outside storage (file: first line); move it into a steward/storage module"


def test_the_sql_allow_list_holds_only_files_that_still_have_sql() -> None:
    moved = set(SQL_NOT_YET_MOVED) - set(_files_with_sql())
    assert not moved, f"No SQL left in {sorted(moved)}: remove them from SQL_NOT_YET_MOVED"


def test_the_sql_check_sees_sql_the_way_it_is_written_here() -> None:
    # The check itself must not be blind: multi-line queries, f-strings, conflict clauses; prose is not SQL.
    for code in (
        'q = """SELECT id,\n  name\nFROM enterprises"""',
        'q = f"UPDATE {table} SET x = 1"',
        'q = "INSERT OR IGNORE INTO tags VALUES (?)"',
        'q = "PRAGMA foreign_keys = ON"',
    ):
        assert any(SQL.search(text) for _, text in _code_strings(ast.parse(code))), code
    prose = (
        'def f():\n    """SELECT * FROM in a docstring is prose."""\n    return "Please select a photo from the folder"'
    )
    assert not any(SQL.search(text) for _, text in _code_strings(ast.parse(prose)))


def _imports_by_name(tree: ast.AST) -> list[int]:
    """Lines that import a module named by a string at run time (importlib.import_module, __import__)."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
            or (isinstance(node.func, ast.Name) and node.func.id in ("import_module", "__import__"))
        )
    ]


def test_every_module_is_imported_by_a_statement_the_frozen_app_builder_can_read() -> None:
    # PyInstaller bundles what import statements name; a module imported by a string was missing from the frozen
    # app (the notice failed with "No module named steward.reports.notice" in release-check, not in this suite).
    assert _scan()[1] == {}


def test_the_frozen_import_check_sees_an_import_by_name() -> None:
    assert _imports_by_name(ast.parse("from importlib import import_module\nimport_module('x')\n")) == [2]
    assert _imports_by_name(ast.parse("import importlib\nimportlib.import_module('x')\n__import__('y')\n")) == [2, 3]
