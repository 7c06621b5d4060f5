"""The deployment plan: which flows run on which cron schedule, in Copenhagen time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from deployments.plan import PLAN, TIMEZONE, Planned, available, runner_deployments
from flows.hearings import open_hearing
from prefect.server.schemas.schedules import CronSchedule


def by_name() -> dict[str, object]:
    return {d.name: d for d in runner_deployments()}


def test_hearing_deployments_and_their_schedules():
    deployments = by_name()
    crons = {name: [(s.schedule.cron, s.schedule.timezone) for s in d.schedules]
             for name, d in deployments.items()}
    assert crons["hearing-watch"] == [("*/15 * * * *", "Europe/Copenhagen")]
    assert crons["send-outbox"] == [("*/5 * * * *", "Europe/Copenhagen")]
    assert crons["open-hearing"] == [], "open_hearing is triggered, never scheduled"
    form = open_hearing.parameters.model_dump()["definitions"]["OpenHearingRequest"]["properties"]
    assert {"hearing_file", "definition", "now"} <= set(form), "the UI renders a form from the model"


def test_a_copenhagen_cron_follows_daylight_saving():
    director = next(p for p in PLAN if p.name == "director-status")
    cron = CronSchedule(cron=director.cron, timezone=TIMEZONE)
    winter = asyncio.run(cron.get_dates(n=1, start=datetime(2026, 1, 10, tzinfo=UTC)))[0]
    summer = asyncio.run(cron.get_dates(n=1, start=datetime(2026, 7, 10, tzinfo=UTC)))[0]
    assert (winter.astimezone(UTC).hour, summer.astimezone(UTC).hour) == (7, 6)
    assert winter.astimezone(ZoneInfo(TIMEZONE)).hour == summer.astimezone(ZoneInfo(TIMEZONE)).hour == 8


def test_every_planned_flow_is_deployed_and_a_missing_one_fails_loudly():
    with pytest.raises(ModuleNotFoundError):
        available((Planned("flows.not_built_yet", "later", "later", "0 * * * *", ""),))
    with pytest.raises(AttributeError, match="no flow 'later'"):
        available((Planned("flows.hearings", "later", "later", None, ""),))
    assert [item.name for item, _ in available()] == [p.name for p in PLAN]


def test_work_pool_deployments_for_production_are_not_the_checks(prefect_harness):
    """``deploy_all`` (docs/operations.md, Scale-out) deploys the plan's schedules tagged ``hoering``; only the
    scale-out check's own call deploys hearing_watch every minute, tagged ``scaleout-check``."""
    from deployments.scaleout import deploy_all
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate

    async def deployed() -> dict[str, tuple[list[str], list[str]]]:
        async with get_client() as client:
            return {d.name: ([s.schedule.cron for s in d.schedules], sorted(d.tags))
                    for d in await client.read_deployments()}

    async def pool() -> None:
        async with get_client() as client:
            await client.create_work_pool(WorkPoolCreate(name="hoering-test", type="process"), overwrite=True)

    asyncio.run(pool())
    deploy_all("hoering-test")
    production = asyncio.run(deployed())
    assert production["hearing-watch"] == (["*/15 * * * *"], ["hoering"])
    assert all(tags == ["hoering"] for _, tags in production.values())
    deploy_all("hoering-test", check=True)
    assert asyncio.run(deployed())["hearing-watch"] == (["* * * * *"], ["hoering", "scaleout-check"])
