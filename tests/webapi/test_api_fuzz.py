"""Property-based fuzzing of the HTTP API with schemathesis (from the served OpenAPI schema):
whatever the inputs, the API answers with a documented error, never a server error (5xx)."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error


def test_no_server_errors_on_any_operation(api):
    schema = schemathesis.openapi.from_url(f"{api['url']}/api/v1/openapi.json")
    headers = {"Authorization": f"Bearer {api['tokens']['bureau']}"}
    tested: list[str] = []
    statuses: list[int] = []
    for result in schema.get_all_operations():
        op = result.ok()
        if op.path.endswith("/auth/logout"):
            continue  # revokes the very token the fuzzer uses (tested in test_api.py)

        @given(case=op.as_strategy())
        @settings(max_examples=10, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            response = case.call(headers=headers)
            statuses.append(response.status_code)
            case.validate_response(response, checks=[not_a_server_error])

        check()
        tested.append(f"{op.method.upper()} {op.path}")
    assert len(tested) >= 20, tested
    # authenticated requests really reached the handlers (not only 401s), and nothing was a 5xx
    assert sum(200 <= s < 300 for s in statuses) >= 20, sorted(set(statuses))
    assert not [s for s in statuses if s >= 500]


def test_responses_conform_to_the_schema(api):
    """Every answer matches its documented status codes, content type and response schema."""
    from schemathesis.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.openapi.from_url(f"{api['url']}/api/v1/openapi.json")
    headers = {"Authorization": f"Bearer {api['tokens']['expert']}"}
    failures: list[str] = []
    cases = 0
    for result in schema.get_all_operations():
        op = result.ok()
        if op.path.endswith("/auth/logout"):
            continue

        @given(case=op.as_strategy())
        @settings(max_examples=8, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            nonlocal cases
            cases += 1
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=[not_a_server_error, status_code_conformance,
                                                         content_type_conformance, response_schema_conformance])
            except Exception as exc:  # collect all operations' violations, then report them together
                failures.append(f"{case.method.upper()} {case.path}: {str(exc)[:300]}")

        check()
    print(f"schemathesis: {cases} generated requests")
    assert cases >= 100
    assert failures == [], "\n".join(failures[:10])
