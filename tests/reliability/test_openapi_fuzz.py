"""Schemathesis against /api/openapi.json: generated requests to every operation, as the teo, never get a
5xx, and every response matches what the description promises."""
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import scale

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_generated_requests_never_break_the_api(api, figures):
    # Driven by hand: schemathesis' pytest plugin does not run under this pytest version.
    schema = schemathesis.openapi.from_url(api.base + "/openapi.json")
    root = api.base.removesuffix("/api")
    headers = {"Authorization": "Bearer " + api.token("teo")}
    # Logging out withdraws the account's tokens: that operation gets an account of its own.
    assert api.post("/admin/users", as_="admin", json={"username": "fuzz-leaver", "password": "Fuzz-pass-1",
                                                        "role": "teo", "org_id": "zwl"}).status_code == 201
    leaver = {"Authorization": "Bearer " + api.token("fuzz-leaver", "Fuzz-pass-1")}
    calls = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=scale(4, 40), deadline=None, suppress_health_check=list(HealthCheck),
                  database=None, derandomize=True)
        def check(case):
            calls.append(case.operation.label)
            # Domain rules refuse some schema-valid data (a plan of another year...): only these checks apply.
            response = case.call(base_url=root, headers=leaver if case.path == "/api/auth/logout" else headers)
            case.validate_response(response, checks=CHECKS)

        check()
    figures["schemathesis requests"] += len(calls)
    assert len({c for c in calls}) == len(list(schema.get_all_operations()))
