"""The production files in deployments/: the systemd units pass `systemd-analyze verify`, the
nginx example passes `nginx -t`, and the environment template lists exactly the settings."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from hoering.settings import Settings
from tests.mailtools import self_signed
from tests.support import ROOT

DEPLOY = ROOT / "deployments"
UNITS = sorted([*(DEPLOY / "systemd").glob("*.service"), *(DEPLOY / "systemd").glob("*.timer")])
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def test_env_template_lists_every_setting_with_a_meaning():
    text = (DEPLOY / "hoering.env.example").read_text()
    listed = re.findall(r"^#?(HOERING_[A-Z0-9_]+)=", text, re.M)
    expected = {f"HOERING_{name.upper()}" for name in Settings.model_fields}
    assert set(listed) == expected, (f"missing: {sorted(expected - set(listed))}; "
                                     f"unknown: {sorted(set(listed) - expected)}")
    assert len(listed) == len(set(listed)), "a setting listed twice"
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^#?HOERING_", line):
            above = next(x for x in reversed(lines[:i]) if not re.match(r"^#?HOERING_", x))
            assert above.startswith("# ") and len(above) > 10, f"{line}: no meaning above it"


def test_readme_names_every_unit_and_the_template():
    readme = (ROOT / "docs" / "operations.md").read_text()
    assert "## Production" in readme
    for unit in UNITS:
        assert unit.name in readme, f"docs/operations.md does not mention {unit.name}"
    assert "hoering.env.example" in readme and "nginx-hoering.conf" in readme


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_systemd_units_verify(unit, tmp_path):
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed (Debian: apt-get install systemd)")
    # The units name /opt/hoering (the checkout) and /var/lib/hoering; verify them with this
    # checkout in their place, since systemd-analyze checks that ExecStart exists.
    text = unit.read_text().replace("/opt/hoering", str(ROOT))
    for env in ("hoering.env", "prefect.env"):
        text = text.replace(f"/etc/hoering/{env}", str(DEPLOY / f"{env.replace('.env', '')}.env.example"))
    copy = tmp_path / unit.name
    copy.write_text(text)
    for dependency in ("prefect-server.service", unit.with_suffix(".service").name):  # a timer's service
        if dependency != unit.name:
            (tmp_path / dependency).write_text(
                (DEPLOY / "systemd" / dependency).read_text().replace("/opt/hoering", str(ROOT)))
    result = subprocess.run([tool, "verify", str(copy)], capture_output=True, text=True, timeout=60,
                            cwd=tmp_path)
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), result.stdout + result.stderr
    if unit.suffix == ".timer":
        assert (DEPLOY / "systemd" / unit.with_suffix(".service").name).exists()
        return
    exec_start = re.search(r"^ExecStart=(\S+)", text, re.M).group(1)
    assert Path(exec_start).exists(), exec_start


def test_nginx_example_validates(tmp_path):
    if NGINX is None:
        pytest.skip("nginx is not installed (make system-deps installs it from Debian's packages)")
    cert, key = self_signed(tmp_path)
    site = (DEPLOY / "proxy" / "nginx-hoering.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/hoering.socialaftale.example/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/hoering.socialaftale.example/privkey.pem", str(key))
    site = site.replace("/etc/nginx/snippets/hoering-proxy.conf", str(DEPLOY / "proxy" / "hoering-proxy.conf"))
    assert "/etc/letsencrypt" not in site and "ssl_protocols TLSv1.2 TLSv1.3" in site
    (tmp_path / "site.conf").write_text(site)
    main = tmp_path / "nginx.conf"
    main.write_text(f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
                    f"http {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n")
    result = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-e", "stderr", "-c", str(main)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "test is successful" in result.stderr, result.stderr
    broken = tmp_path / "broken.conf"
    broken.write_text(main.read_text().replace("site.conf", "broken-site.conf"))
    (tmp_path / "broken-site.conf").write_text(site.replace("proxy_pass http://hoering_web;", "proxy_pass;", 1))
    result = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-e", "stderr", "-c", str(broken)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0, "nginx -t accepts a broken file: the check proves nothing"
