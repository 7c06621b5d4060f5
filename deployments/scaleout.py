"""``make scaleout-check``: the deployments on a real Prefect server, run by a process worker.

The path for when one machine (and Prefect's temporary server) is not enough, done for real on
this machine:

1. ``prefect server start`` on loopback, its state in the local PostgreSQL (a database of its own);
2. a ``process`` work pool and ``prefect worker start`` (the worker runs each flow run in a
   subprocess, with the ``HOERING_*`` settings of its own environment);
3. every deployment of ``deployments/plan.py`` deployed from this checkout;
4. one hearing run through the deployments: ``open_hearing`` (invitations), the 11 answers,
   ``hearing_watch`` as of a moment after the deadline (close, tally, result mails);
5. a cron schedule creating a run by itself, which the worker completes (``hearing_watch`` is
   deployed here every minute instead of every 15, so the check takes one minute, not fifteen).

Our own data goes to a second PostgreSQL database; the mails to a local SMTP server writing
``var/scaleout/mail/*.eml``. Both databases are dropped at the end (``--keep`` keeps them).
"""

from __future__ import annotations

# Imports inside functions are for start-up speed (Prefect, psycopg and the services load only when the check runs);
# none hides an import cycle.
import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
PG = "postgresql://postgres@127.0.0.1:5432"
PREFECT_DB = "hoering_scaleout_prefect"
HOERING_DB = "hoering_scaleout"
POOL = "hoering"
EVERY_MINUTE = "* * * * *"


class CheckFailed(Exception):
    pass


def say(text: str) -> None:
    print(f"[scaleout {time.strftime('%H:%M:%S')}] {text}", flush=True)


def recreate_database(name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def hoering_environment(work: Path, smtp_host: str, smtp_port: int) -> dict[str, str]:
    return {
        "HOERING_HOME": str(work), "HOERING_DATABASE_URL": f"{PG}/{HOERING_DB}",
        "HOERING_SECRET_KEY": "scaleout-check-secret", "HOERING_SMTP_HOST": smtp_host,
        "HOERING_SMTP_PORT": str(smtp_port), "HOERING_SMTP_SECURITY": "none",
    }


def deploy_all(pool: str, *, check: bool = False) -> list[str]:
    """Every planned flow, from this checkout, to the work pool, on the plan's schedules (what a
    production installation deploys). ``check``: the scale-out check's own deployments instead,
    hearing_watch every minute and tagged ``scaleout-check``, never meant for production."""
    from prefect import Flow
    from prefect.schedules import Cron

    from deployments.plan import TIMEZONE, available, schedules

    names = []
    for item, flow in available():
        found: Any = Flow.from_source(source=str(ROOT), entrypoint=item.entrypoint)
        every_minute = check and item.flow == "hearing_watch"
        plan = [Cron(EVERY_MINUTE, timezone=TIMEZONE)] if every_minute else schedules(item)
        with contextlib.redirect_stdout(None):  # deploy() prints a table per deployment
            found.deploy(name=item.name, work_pool_name=pool, schedules=plan,
                         description=item.description, tags=["hoering", "scaleout-check"] if check else ["hoering"],
                         ignore_warnings=True, print_next_steps=False)
        names.append(f"{flow.name}/{item.name}")
    return names


def wait_for(what: str, check: Callable[[], Any], *, timeout: float, every: float = 2.0) -> Any:
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        if value := check():
            return value
        time.sleep(every)
    raise CheckFailed(f"timed out after {timeout:.0f} s waiting for {what}")


def run_deployment_to_completion(name: str, parameters: dict[str, Any]) -> None:
    from prefect.deployments import run_deployment

    run: Any = run_deployment(name=name, parameters=parameters, timeout=240)
    if run.state is None or not run.state.is_completed():
        raise CheckFailed(f"{name} ended {run.state.name if run.state else 'without a state'}: "
                          f"{run.state.message if run.state else ''}")
    say(f"{name}: run {run.name} completed")


def run_hearing(sink: Any) -> None:
    """JYFE again, with its deadline ten days from now: open, answer, watch past the deadline."""
    from hoering.runtime import bootstrap
    from hoering.services.answers import record_answer
    from hoering.services.hearings import read_hearing_file
    from hoering.views.hearings import list_hearings
    from hoering.views.result import hearing_result

    local = datetime.now(ZoneInfo("Europe/Copenhagen"))
    deadline = (local + timedelta(days=10)).replace(hour=12, minute=0, second=0, microsecond=0)
    definition = read_hearing_file(ROOT / "examples" / "jyfe.yaml").definition.model_dump(mode="json")
    definition.update(title=f"{definition['title']} (skaleringstjek)", deadline=deadline.isoformat())
    run_deployment_to_completion("open_hearing/open-hearing", {"request": {"definition": definition}})
    rt = bootstrap()
    hearing_id = list_hearings(rt)[0].id
    invitations = wait_for("the invitations", lambda: len(sink.received), timeout=10)
    say(f"hearing {hearing_id} opened through the deployment; {invitations} invitations at the SMTP server")
    for name in ("Aalborg", "Brønderslev", "Frederikshavn", "Hjørring", "Jammerbugt", "Læsø",
                 "Mariagerfjord", "Morsø", "Rebild", "Thisted", "Vesthimmerland"):
        record_answer(rt, hearing_id, kommune=name, option="pulje", channel="web")
    run_deployment_to_completion("hearing_watch/hearing-watch",
                                 {"now": (deadline + timedelta(minutes=15)).isoformat()})
    result = hearing_result(rt, hearing_id)
    results = [m for m in sink.messages if str(m["Subject"]).startswith("Resultat")]
    pool = result.allocation.pool if result.allocation is not None else None
    if result.status != "closed" or pool != Decimal("120000.00") or not results:
        raise CheckFailed(f"hearing {hearing_id}: status {result.status}, {len(results)} result mails")
    say(f"hearing {hearing_id} closed by the worker: {result.summary} ({len(results)} result mails)")


def scheduled_run_completed() -> Any:
    """A hearing_watch run that the cron schedule created (not us), completed by the worker."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterDeploymentId

    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name("hearing_watch/hearing-watch")
        runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(
            deployment_id=FlowRunFilterDeploymentId(any_=[deployment.id])))
    done = [r for r in runs if r.auto_scheduled and r.state is not None and r.state.is_completed()]
    return done[0] if done else None


def check(work: Path) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from deployments.server import prefect_command, running_server, stop
    from hoering.db.migrate import upgrade
    from hoering.mail.sink import free_port, running_sink
    from hoering.runtime import bootstrap
    from hoering.services.registry import load_registry

    recreate_database(PREFECT_DB)
    recreate_database(HOERING_DB)
    with running_sink(directory=work / "mail") as (controller, sink):
        os.environ.update(hoering_environment(work, controller.hostname, controller.port))
        rt = bootstrap()
        upgrade(rt.db)
        load_registry(rt)
        port = free_port()
        server_env = {"PREFECT_SERVER_DATABASE_CONNECTION_URL": f"postgresql+asyncpg://postgres@127.0.0.1:5432/{PREFECT_DB}",
                      "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5", "PREFECT_UI_ENABLED": "false"}
        started = time.monotonic()
        with running_server(port=port, home=work / "prefect", log=work / "server.log", env=server_env) as api:
            say(f"Prefect server on {api} (PostgreSQL database {PREFECT_DB}), healthy after "
                f"{time.monotonic() - started:.1f} s")
            env = {**os.environ, "PREFECT_API_URL": api, "PREFECT_HOME": str(work / "prefect"),
                   "PREFECT_WORKER_QUERY_SECONDS": "2"}
            subprocess.run(prefect_command("work-pool", "create", POOL, "--type", "process", "--overwrite"),
                           env=env, check=True, capture_output=True)
            with temporary_settings(updates={PREFECT_API_URL: api}):
                say(f"work pool {POOL!r} (process); deployed: {', '.join(deploy_all(POOL, check=True))}")
                with (work / "worker.log").open("ab") as log:
                    worker = subprocess.Popen(prefect_command("worker", "start", "--pool", POOL, "--name",
                                                              "scaleout-worker"), cwd=ROOT, env=env,
                                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
                try:
                    run_hearing(sink)
                    say("waiting for the every-minute cron schedule to create a hearing_watch run ...")
                    run = wait_for("a scheduled run", scheduled_run_completed, timeout=180, every=3)
                    say(f"cron-scheduled run {run.name} (expected {run.expected_start_time}) completed")
                finally:
                    stop(worker)


def main(argv: list[str]) -> int:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.update({"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                       "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING"})
    work = ROOT / "var" / "scaleout"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    os.environ["PREFECT_HOME"] = str(work / "prefect")
    try:
        check(work)
    except (CheckFailed, RuntimeError, subprocess.CalledProcessError) as exc:
        say(f"FAILED: {exc}; logs under {work}")
        return 1
    finally:
        if "--keep" not in argv:
            from hoering.runtime import forget_databases

            forget_databases()
            recreate_database(PREFECT_DB, drop_only=True)
            recreate_database(HOERING_DB, drop_only=True)
    say(f"scale-out check passed; logs and mails under {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
