"""Issue 12 item 20: Prefect's UI works when the server runs on another port than 4200: its
``/ui-settings`` names the API on the port the server really runs on (a real ``prefect server
start`` on a free loopback port)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from deployments.server import running_server

from hoering.mail.sink import free_port


@pytest.mark.slow
def test_ui_settings_name_the_real_api_url(tmp_path: Path):
    port = free_port()
    assert port != 4200
    with running_server(port=port, home=tmp_path / "prefect", log=tmp_path / "server.log") as api_url:
        settings = httpx.get(f"http://127.0.0.1:{port}/ui-settings", timeout=10).json()
        assert settings["api_url"] == api_url == f"http://127.0.0.1:{port}/api"
        assert httpx.get(f"{settings['api_url']}/health", timeout=10).status_code == 200
