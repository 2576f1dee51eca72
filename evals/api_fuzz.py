"""Fuzz the HTTP API of the real app (subprocess) from its own OpenAPI schema with schemathesis.

``python -m evals.api_fuzz [--examples 25]`` → evals/results/api_fuzz.json

Every operation gets ``examples`` generated requests (valid and invalid bodies, parameters,
uploads) from a logged-in expert on a database that holds a finished review; each answer is
checked: no 5xx, status code documented, content type documented, body matches the schema.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from evals.liveapp import LiveApp, create_users, distinct_reports, submit, wait_final

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "evals" / "results" / "api_fuzz.json"


def run(examples: int, tmp: Path) -> dict[str, Any]:
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    data_dir = tmp / "data"
    create_users(data_dir, {"expert1": ("expert", "pw-expert-1", "panelA")})
    statuses: Counter = Counter()
    failures: list[str] = []
    operations = 0
    t0 = time.monotonic()
    with LiveApp(data_dir, workers=1, log_path=tmp / "app.log") as app:
        c = app.client("expert1", "pw-expert-1")
        name, report = distinct_reports(1)[0]
        wait_final(c, submit(c, name, report).json()["review"]["id"], 180)
        schema = schemathesis.openapi.from_url(f"{app.url}/api/v1/openapi.json")
        headers = dict(c.headers)
        for result in schema.get_all_operations():
            op = result.ok()
            if op.path.endswith("/auth/logout"):
                continue  # would revoke the token the fuzzer uses
            operations += 1

            @given(case=op.as_strategy())
            @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            def check(case):
                response = case.call(headers=headers, timeout=60)
                statuses[response.status_code] += 1
                try:
                    case.validate_response(response, checks=[not_a_server_error, status_code_conformance,
                                                             content_type_conformance, response_schema_conformance])
                except Exception as exc:  # counted and listed; the campaign goes on
                    failures.append(f"{case.method.upper()} {case.path}: {str(exc)[:300]}")

            check()
    return {
        "date": time.strftime("%Y-%m-%d"),
        "operations": operations,
        "examples_per_operation": examples,
        "requests": sum(statuses.values()),
        "status_counts": {str(k): v for k, v in sorted(statuses.items())},
        "server_errors_5xx": sum(v for k, v in statuses.items() if k >= 500),
        "check_failures": len(failures),
        "failures": failures[:20],
        "seconds": round(time.monotonic() - t0, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="schemathesis against the live API; writes api_fuzz.json")
    ap.add_argument("--examples", type=int, default=25, help="generated requests per operation")
    ap.add_argument("--out", type=Path, default=RESULTS)
    a = ap.parse_args(argv)
    result = run(a.examples, Path(tempfile.mkdtemp(prefix="api-fuzz-")))
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{result['requests']} requests over {result['operations']} operations: 5xx {result['server_errors_5xx']}, "
          f"check failures {result['check_failures']} → {a.out}")
    return 1 if result["server_errors_5xx"] or result["check_failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
