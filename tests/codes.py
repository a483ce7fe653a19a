"""Valid unified social credit codes for test enterprises. Its own module, light to import: child processes of tests
(tests/crash_worker.py) use it without importing pytest through conftest."""

from __future__ import annotations

from steward.domain.credit_code import check_character


def make_code(seed: int) -> str:
    body = f"91331024MA{seed:07d}"
    return body + check_character(body)
