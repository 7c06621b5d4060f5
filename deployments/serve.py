"""``make serve``: serve every deployment from this process, with its schedules.

With ``PREFECT_API_URL`` set (or a Prefect profile naming a server) the deployments are served
against that server. Without one, this starts a Prefect server of its own on 127.0.0.1:4200
(SQLite under ``var/prefect``): Prefect's temporary server does not run the scheduler, so cron
schedules would never create runs there. The schedules stay active when this process stops
(``pause_on_shutdown=False``), so a restart picks them up again.
"""

from __future__ import annotations

# Imports inside functions are for start-up speed (Prefect loads after the environment is set);
# none hides an import cycle.
import os
import sys
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_HOME", str(ROOT / "var" / "prefect"))
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    from deployments.server import running_server

    with ExitStack() as stack:
        if not get_current_settings().api.url:
            port = int(os.environ.get("HOERING_PREFECT_PORT", "4200"))
            home = Path(os.environ["PREFECT_HOME"])
            api_url = stack.enter_context(running_server(port=port, home=home, log=home / "server.log"))
            stack.enter_context(temporary_settings(updates={PREFECT_API_URL: api_url}))
            print(f"Prefect server (UI) on http://127.0.0.1:{port}; its log: {home / 'server.log'}")
        serve_all()


def serve_all() -> None:
    from prefect import serve

    from deployments.plan import runner_deployments

    serve(*runner_deployments(), pause_on_shutdown=False)


if __name__ == "__main__":
    main()
