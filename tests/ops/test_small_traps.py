"""The small traps an operator met: a password hash cut by a shell reading the env file is refused
(not "settings: valid"), and the shipped nginx site, run for real, answers 429 over its rate limit,
keeps answer links out of its error log and answers /healthz only to the monitoring hosts."""

from __future__ import annotations

import http.client
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from hoering.errors import ConfigurationError
from hoering.passwords import hash_password, verify_password
from hoering.settings import load_settings
from tests.mailtools import self_signed
from tests.ops.test_deployment_files import DEPLOY, NGINX


def shell_read(env_file: Path, name: str) -> str:
    """What a shell that sources the file (`set -a; . FILE`, as people do) sees."""
    return subprocess.run(["sh", "-c", f'set -a; . "{env_file}"; printf %s "${name}"'],
                          capture_output=True, text=True, check=True).stdout


def test_a_hash_cut_by_the_shell_is_refused(tmp_path: Path) -> None:
    hashed = hash_password("hemmeligt-kodeord")
    (tmp_path / "plain.env").write_text(f"HOERING_ADMIN_PASSWORD_HASH={hashed}\n")
    (tmp_path / "quoted.env").write_text(f"HOERING_ADMIN_PASSWORD_HASH='{hashed}'\n")
    cut = shell_read(tmp_path / "plain.env", "HOERING_ADMIN_PASSWORD_HASH")
    assert cut != hashed, "the shell expanded the $ signs"
    with pytest.raises(ConfigurationError, match="single quotes"):
        load_settings(home=tmp_path, admin_password_hash=cut)
    whole = shell_read(tmp_path / "quoted.env", "HOERING_ADMIN_PASSWORD_HASH")
    settings = load_settings(home=tmp_path, admin_password_hash=whole)
    assert verify_password("hemmeligt-kodeord", settings.admin_password_hash)
    assert "single quotes" in (DEPLOY / "hoering.env.example").read_text()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(port: int, path: str, *, source: str = "127.0.0.1") -> int:
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10, source_address=(source, 0))
    try:
        conn.request("GET", path, headers={"Host": "hoering.socialaftale.example"})
        return conn.getresponse().status
    finally:
        conn.close()


def test_the_nginx_site_as_it_runs(tmp_path: Path) -> None:
    if NGINX is None:
        pytest.skip("nginx is not installed (make system-deps installs it from Debian's packages)")
    cert, key = self_signed(tmp_path)
    port, dead = free_port(), free_port()  # nothing listens on `dead`: every proxied request is a 502
    site = (DEPLOY / "proxy" / "nginx-hoering.conf").read_text()
    for old, new in (("/etc/letsencrypt/live/hoering.socialaftale.example/fullchain.pem", str(cert)),
                     ("/etc/letsencrypt/live/hoering.socialaftale.example/privkey.pem", str(key)),
                     ("/etc/nginx/snippets/hoering-proxy.conf", str(DEPLOY / "proxy" / "hoering-proxy.conf")),
                     ("/var/log/nginx/error.log", str(tmp_path / "error.log")),
                     ("server 127.0.0.1:8000;", f"server 127.0.0.1:{dead};"),
                     ("listen 443 ssl http2;", f"listen 127.0.0.1:{port} ssl;"),
                     ("listen [::]:443 ssl http2;", ""), ("listen 80;", f"listen 127.0.0.1:{free_port()};"),
                     ("listen [::]:80;", "")):
        assert old in site, old
        site = site.replace(old, new)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log info;\ndaemon off;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n")
    server = subprocess.Popen([NGINX, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c",
                               str(tmp_path / "nginx.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        token = "HemmeligtSvarlinkToken0123456789abcdefghij"
        statuses = [get(port, f"/svar/{token}") for _ in range(30)]
        assert statuses[0] == 502 and 429 in statuses and 503 not in statuses, statuses
        assert get(port, "/andet/SynligSti0123") == 502  # the error log does record other paths
        assert get(port, "/healthz") == 502  # from the machine itself: passed on (no app here)
        assert get(port, "/healthz", source="127.0.0.2") == 403  # from anywhere else: refused
    finally:
        server.terminate()
        server.wait(timeout=10)
    log = (tmp_path / "error.log").read_text()
    assert "SynligSti0123" in log, "the error log records request lines: the next check proves something"
    assert token not in log, "an answer link is in nginx's error log"
