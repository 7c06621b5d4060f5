"""The Prefect server as prefect-server.service starts it (its Environment= lines, the settings
template, its ExecStart) on another port than 4200: the UI's page and the API both answer, the UI
names the API where it really is, and its files are written under the state folder (the package
is read-only under ProtectSystem=strict)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from deployments.server import stop, wait_healthy

from hoering.mail.sink import free_port
from tests.ops.test_deployment_files import DEPLOY


def unit_environment(state: Path, port: int) -> tuple[dict[str, str], list[str]]:
    unit = (DEPLOY / "systemd" / "prefect-server.service").read_text()
    env = dict(line.split("=", 1) for line in re.findall(r"^Environment=(.+)$", unit, re.M))
    assert re.search(r"^EnvironmentFile=/etc/hoering/prefect.env$", unit, re.M)
    for line in (DEPLOY / "prefect.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, value = line.split("=", 1)
            env[name] = value
    env.pop("PREFECT_SERVER_DATABASE_CONNECTION_URL")  # Prefect's SQLite under PREFECT_HOME here
    writable = re.search(r"^ReadWritePaths=(.+)$", unit, re.M).group(1).split()
    assert any(env["PREFECT_UI_STATIC_DIRECTORY"].startswith(w + "/") for w in writable)
    env = {k: v.replace("/var/lib/hoering", str(state)).replace(":4200", f":{port}") for k, v in env.items()}
    command = shlex.split(re.search(r"^ExecStart=(.+)$", unit, re.M).group(1))
    assert command[0] == "/opt/hoering/.venv/bin/prefect" and command[command.index("--port") + 1] == "4200"
    command[command.index("--port") + 1] = str(port)
    return env, [sys.executable, "-m", "prefect", *command[1:]]


@pytest.mark.slow
def test_the_units_server_serves_ui_and_api_on_another_port(tmp_path: Path) -> None:
    port = free_port()
    assert port != 4200
    env, command = unit_environment(tmp_path / "state", port)
    (tmp_path / "state" / "prefect").mkdir(parents=True)
    log = tmp_path / "server.log"
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    with log.open("wb") as out:
        server = subprocess.Popen(command, env={**base_env, **env}, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True, cwd=tmp_path)
    try:
        api = f"http://127.0.0.1:{port}/api"
        try:
            wait_healthy(api, server, timeout=120, log=log)
        except RuntimeError:
            pytest.fail(log.read_text()[-3000:])
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert page.status_code == 200 and "<html" in page.text.lower()
        assert httpx.get(f"{api}/health", timeout=10).status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/ui-settings", timeout=10).json()["api_url"] == api
        assert list(Path(env["PREFECT_UI_STATIC_DIRECTORY"]).rglob("index.html")), "the UI's files are elsewhere"
    finally:
        stop(server)
