"""Schemathesis against a real hub on 127.0.0.1: requests generated from the hub's own OpenAPI schema, with and
without a steward's token. No answer is a server error, and every answer matches the schema (status, content
type, body). Bounded: a fixed seed and a few hundred cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.hub.store import HubStore
from tests.hub_process import Hub

CASES_PER_OPERATION = 15  # x each operation (10 today), each case sent with and without a token


@pytest.fixture
def hub(tmp_path: Path):
    data = tmp_path / "hub"
    token = HubStore(data).add_steward("李明")
    server = Hub(data).start()
    yield server, token
    server.stop()


@pytest.mark.slow
def test_generated_requests_get_no_server_error_and_answers_match_the_schema(hub) -> None:
    # Imported here, not at the top: every test process imports every test module, and only the one that runs this
    # test needs schemathesis (half a second of imports).
    schemathesis = pytest.importorskip("schemathesis")
    server, token = hub
    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7
    # Each generated request is sent with a steward's token and without one. (Generating the cases is most of this
    # test's time; a derandomized run generates the same cases for either set of headers, so they are made once.)
    with_and_without_token = (
        {"Authorization": f"Bearer {token}", "X-Steward-Protocol": "1", "X-Steward-Profile": "fuzz"},
        {"X-Steward-Protocol": "1"},
    )
    for operation in operations:
        _fuzz(operation, server.url, with_and_without_token)


def _fuzz(operation, base_url: str, header_sets: tuple[dict[str, str], ...]) -> None:
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

    @settings(
        max_examples=CASES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def one(case) -> None:
        for headers in header_sets:
            case.call_and_validate(
                base_url=base_url, headers={**(case.headers or {}), **headers}, checks=checks, timeout=30
            )

    one()
