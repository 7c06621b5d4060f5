"""schemathesis against the app's OpenAPI schema (in process, over ASGI): no 500s, and every
response matches the schema (status codes, content types, bodies).

schemathesis's pytest fixture loader (``from_fixture``) breaks on pytest 9 (it reads
``request.node._nodeid``), so the test drives each operation's Hypothesis strategy itself.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode

from hoering.services.answers import record_answer
from hoering.services.hearings import close_hearing
from hoering.web.app import create_app
from tests.web.conftest import API_TOKEN, open_example

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)


READS = {"/api/hearings", "/api/hearings/{hearing_id}", "/api/hearings/{hearing_id}/result"}
WRITES = {"/api/drafts", "/api/drafts/{draft_id}/open", "/api/drafts/{draft_id}/bilag",
          "/api/hearings/{hearing_id}/answers",
          "/api/hearings/{hearing_id}/extend", "/api/hearings/{hearing_id}/close"}


def api_operations(rt, *, reads_only: bool = True):
    hid = open_example(rt)
    record_answer(rt, hid, kommune="Hjørring", option="pulje", comment="ja")
    closed = open_example(rt, "jyfe-equal.yaml")
    record_answer(rt, closed, kommune="Læsø", option="udbetaling")
    close_hearing(rt, closed, force=True)
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", create_app(rt))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} == READS | WRITES
    # the shared read token fuzzes the reads; the writes (a person's token) have tests/console
    return [op for op in operations if op.method.upper() == "GET"] if reads_only else operations


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_with_a_token_has_no_server_errors_and_keeps_its_schema(web_rt, mode):
    statuses: set[int] = set()
    for operation in api_operations(web_rt):

        @FUZZ
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case):
            # Negative cases (broken parameters, extra query keys) only must not crash the server:
            # like any HTTP API, this one ignores unknown query parameters.
            checks = None if mode is GenerationMode.POSITIVE else [not_a_server_error]
            response = case.call_and_validate(headers={"Authorization": f"Bearer {API_TOKEN}"},
                                              checks=checks)
            statuses.add(response.status_code)

        check()
    assert not any(code >= 500 for code in statuses)
    if mode is GenerationMode.POSITIVE:
        assert {200, 404} <= statuses
    else:
        assert 422 in statuses


def test_api_without_credentials_refuses_everything(web_rt):
    for operation in api_operations(web_rt, reads_only=False):

        @FUZZ
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call(headers={"Authorization": "Bearer not-the-token"})
            assert response.status_code == 401, (case.path, response.status_code)
            case.validate_response(response, headers={"Authorization": "Bearer not-the-token"})

        check()
