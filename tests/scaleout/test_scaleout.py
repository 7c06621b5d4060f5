"""The scale-out path for real: Prefect server on PostgreSQL, a process worker, a cron schedule."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support import ROOT, postgres_available

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.timeout(420)]


def test_deployments_run_on_a_prefect_server_with_postgres_and_a_worker():
    if reason := postgres_available():
        pytest.skip(reason)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOERING_", "PREFECT_"))}
    done = subprocess.run([sys.executable, "deployments/scaleout.py"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=400)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "open_hearing/open-hearing: run" in out and "hearing_watch/hearing-watch: run" in out
    assert "closed by the worker: Tilslutning fra alle kommuner" in out
    assert "cron-scheduled run" in out and "scale-out check passed" in out
