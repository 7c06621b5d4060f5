"""start-up: wall time of ``hoering --help``, ``hoering hearing status ID`` and one flow run, each
in a fresh process, against the bare interpreter and the 0.3 s goal; plus the heaviest imports.

Beside them, the floors no code of ours can go below, measured the same way: importing only the
libraries a reading command cannot do without (the pinned SQLAlchemy's ORM, Typer, pydantic's
settings, rich), and importing only Prefect (pinned, 3.8.8), which a flow run in a fresh process
(as Prefect's runner starts one: a spawned subprocess) pays before any work of ours; and Prefect
imported, then ``hoering due`` run in the same process: the least a ``hearing_watch`` run can
cost, with no flow and no Prefect API."""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from bench.common import ROOT, Result, hoering_env

GOAL = 0.3  # seconds above the floor
OPENED = datetime(2014, 4, 29, 8, 0, tzinfo=UTC)
QUIET = "2014-05-01T10:00"  # the JYFE hearing is open; no reminder is due yet
LIBRARIES = "import sqlalchemy.orm, typer, pydantic, pydantic_settings, rich.console"
# what a flow run's process must do at the least: load Prefect, and do hoering due's work
PREFECT_THEN_DUE = ("import sys, prefect; from hoering.cli.main import main; "
                    f"sys.argv = ['hoering', '--at', '{QUIET}', 'due']; main()")
FLOW = ("import asyncio; from datetime import datetime; from flows.hearings import hearing_watch; "
        f"print(asyncio.run(hearing_watch(now=datetime.fromisoformat('{QUIET}+02:00'))))")


def wall(args: list[str], env: dict[str, str], *, repeat: int, expect: str = "") -> float:
    """Median wall time of ``repeat`` runs of ``args``, each of which must succeed (and print
    ``expect``)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode or expect not in done.stdout + done.stderr:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def engine_runs(env: dict[str, str], *, repeat: int) -> float:
    """Median wall time of ``repeat`` runs of the deployment ``hearing_watch/bench``, each run by
    ``python -m prefect.engine`` in a fresh process, as a process worker runs a scheduled run (the
    runs are created first, by ``bench.engine_runs``: not part of the time)."""
    made = subprocess.run([sys.executable, "-m", "bench.engine_runs", str(repeat), f"{QUIET}+02:00"], env=env,
                          cwd=ROOT, capture_output=True, text=True)
    if made.returncode:
        raise RuntimeError(f"creating the flow runs failed:\n{made.stderr[-2000:]}")
    return statistics.median(wall([sys.executable, "-m", "prefect.engine", run_id], env, repeat=1, expect="Completed")
                             for run_id in made.stdout.split())


def heaviest_imports(env: dict[str, str], top: int = 6) -> list[tuple[str, float]]:
    """Cumulative import time (ms) per top-level package for ``hoering --help``."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "hoering.cli.main", "--help"], env=env,
                         cwd=ROOT, capture_output=True, text=True).stderr
    per_package: dict[str, float] = defaultdict(float)
    for line in out.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
        if m:
            per_package[m.group(4).split(".")[0]] += int(m.group(1)) / 1000  # self time, summed
    return sorted(per_package.items(), key=lambda kv: -kv[1])[:top]


def prepare(home: Path) -> str:
    from hoering.db.migrate import upgrade
    from hoering.db.outbox import OutboxMessage, OutboxUnsent
    from hoering.runtime import bootstrap, forget_databases
    from hoering.services.hearings import open_hearing, read_hearing_file
    from hoering.services.registry import load_registry
    from hoering.settings import load_settings

    url = f"sqlite:///{home / 'hoering.db'}"
    rt = bootstrap(load_settings(database_url=url, home=home, secret_key="bench-secret-key"), clock=lambda: OPENED)
    upgrade(rt.db)
    load_registry(rt)
    open_hearing(rt, read_hearing_file(ROOT / "examples" / "jyfe.yaml"))
    with rt.db.transaction() as s:  # the invitations went out long ago: nothing to send
        s.query(OutboxMessage).update({"status": "sent"})
        s.query(OutboxUnsent).delete()  # as marking a row sent does
    forget_databases()
    return url


def run() -> Result:
    result = Result("startup", "start-up: wall time of one command in a fresh process (median)")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        url = prepare(home)
        env = hoering_env(home, url, PREFECT_HOME=str(home / "prefect"), HOERING_SMTP_PORT="1")
        hoering = [sys.executable, "-m", "hoering.cli.main"]
        bare = wall([sys.executable, "-c", "pass"], env, repeat=7)
        result.add("python -c pass (the floor)", bare, "s")
        libraries = wall([sys.executable, "-c", LIBRARIES], env, repeat=7)
        result.add("the floor of a reading command: its libraries imported, nothing else", libraries, "s",
                   "goal", GOAL, note=LIBRARIES.removeprefix("import "))
        result.add("hoering --help", wall([*hoering, "--help"], env, repeat=7), "s", "goal", GOAL)
        result.add("hoering hearing status 1", wall([*hoering, "--at", QUIET, "hearing", "status", "1"], env,
                                                    repeat=7), "s", "goal", GOAL)
        due = wall([*hoering, "--at", QUIET, "due"], env, repeat=7)
        result.add("hoering due (nothing due, no Prefect)", due, "s", "goal", GOAL)
        prefect = wall([sys.executable, "-c", "import prefect"], env, repeat=5)
        result.add("import prefect, nothing else", prefect, "s", "hoering due, same work", due)
        prefect_and_due = wall([sys.executable, "-c", PREFECT_THEN_DUE], env, repeat=5)
        result.add("the floor of a flow run: import prefect, then hoering due in the same process", prefect_and_due,
                   "s", "hoering due, same work", due, note="no flow, no Prefect API")
        try:
            flow = wall([sys.executable, "-c", FLOW], env, repeat=2)
        except RuntimeError as exc:
            result.notes.append(f"the flow run failed: {str(exc).strip().splitlines()[-1]}")
        else:
            result.add("one flow run: hearing_watch, nothing due (ephemeral Prefect API)", flow, "s",
                       "hoering due, same work", due)
        # the production path: the flow against a Prefect server that is already running
        from deployments.server import running_server

        from hoering.mail.sink import free_port

        try:
            with running_server(port=free_port(), home=home / "prefect-server", log=home / "prefect-server.log",
                                env={"PREFECT_SERVER_ANALYTICS_ENABLED": "false"}) as api:
                served = wall([sys.executable, "-c", FLOW], {**env, "PREFECT_API_URL": api}, repeat=3)
                deployed = engine_runs({**env, "PREFECT_API_URL": api}, repeat=3)
        except RuntimeError as exc:
            result.notes.append(f"the flow run on a running Prefect server failed: {str(exc).strip().splitlines()[-1]}")
        else:
            result.add("one flow run: hearing_watch, nothing due (running Prefect server)", served, "s",
                       "hoering due, same work", due)
            result.add("one flow run: hearing_watch, nothing due (a deployment's run, as a process worker runs it)",
                       deployed, "s", "hoering due, same work", due,
                       note="python -m prefect.engine FLOW_RUN_ID, the run made beforehand as a schedule makes it")
        heavy = heaviest_imports(env)
    result.notes.append("heaviest imports of `hoering --help` (self time summed per package): "
                        + ", ".join(f"{name} {ms:.0f} ms" for name, ms in heavy))
    result.notes.append("ratio = limit / figure (above 1: within the goal).")
    return result
