"""Flow runs of ``hearing_watch`` made the way a schedule makes them, for ``bench.startup`` to run
the way a process worker does (``python -m prefect.engine FLOW_RUN_ID``, a fresh process per run).

    PREFECT_API_URL=... python -m bench.engine_runs N AT

Registers the deployment ``hearing_watch/bench`` (this checkout's ``flows/hearings.py:
hearing_watch``, run in this checkout's directory) and creates N runs of it with ``now`` = AT;
prints their ids, one per line.
"""

from __future__ import annotations

import asyncio
import sys

from bench.common import ROOT


async def create(n: int, at: str) -> list[str]:
    from flows.hearings import hearing_watch
    from prefect.client.orchestration import get_client

    async with get_client() as client:
        flow_id = await client.create_flow(hearing_watch)
        deployment_id = await client.create_deployment(
            flow_id=flow_id, name="bench", entrypoint="flows/hearings.py:hearing_watch",
            pull_steps=[{"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT)}}])
        runs = [await client.create_flow_run_from_deployment(deployment_id, parameters={"now": at})
                for _ in range(n)]
    return [str(run.id) for run in runs]


if __name__ == "__main__":
    print("\n".join(asyncio.run(create(int(sys.argv[1]), sys.argv[2]))))
