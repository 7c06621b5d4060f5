"""The bounded fuzz (``bench/fuzz.py``): at least 10 000 requests against ``hoering web`` on each
database — the API with a secretariat person's write token, every form route of the answer page,
the approval page, the login and the console (logged in), with NUL and control characters, huge
ids, long strings and wrong types — and not one response >= 500 or traceback in the server's log."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support import ROOT, postgres_available

pytestmark = pytest.mark.slow
REQUESTS = 10_000


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_ten_thousand_requests_without_a_server_error(database: str) -> None:
    if database == "postgresql" and postgres_available() is None:
        pytest.skip("no PostgreSQL on 127.0.0.1")
    flags = ["--sqlite"] if database == "sqlite" else []
    done = subprocess.run([sys.executable, "-m", "bench.fuzz", "--requests", str(REQUESTS), *flags],
                          cwd=ROOT, capture_output=True, text=True, timeout=3600)
    report = json.loads(done.stdout[done.stdout.index("{"):])
    assert report["database"] == database
    assert report["requests"] >= REQUESTS, report
    assert report["server_errors"] == 0 and report["tracebacks_in_server_log"] == 0, report["first_errors"]
    assert done.returncode == 0, done.stderr[-2000:]
    # the requests reached the code behind the checks, not only the refusals
    assert {"200", "201"} <= set(report["statuses"]), report["statuses"]
