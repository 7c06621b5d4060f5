"""``hoering web`` and ``hoering web hash-password`` as a user runs them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from hoering.mail.sink import free_port
from hoering.passwords import hash_password, verify_password

HOERING = str(Path(sys.executable).parent / "hoering")


def test_hash_password_prints_a_hash_that_verifies(tmp_path):
    env = {**os.environ, "HOERING_HOME": str(tmp_path)}
    done = subprocess.run([HOERING, "web", "hash-password", "--stdin"], input="hemmeligt-kodeord\n",
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    stored = done.stdout.strip()
    assert stored.startswith("$argon2") and "hemmeligt" not in stored  # one scheme: argon2 (pwdlib)
    assert verify_password("hemmeligt-kodeord", stored)
    assert not verify_password("hemmeligt-kodeord!", stored)
    short = subprocess.run([HOERING, "web", "hash-password", "--stdin"], input="kort\n",
                           capture_output=True, text=True, env=env, timeout=60)
    assert short.returncode == 2 and "Traceback" not in short.stderr


def test_password_hashes_are_salted_and_malformed_ones_refuse():
    assert hash_password("x" * 10) != hash_password("x" * 10)
    for stored in (None, "", "scrypt$1$2", "bcrypt$a$b$c$d$e", "scrypt$x$8$1$AA$AA"):
        assert not verify_password("x" * 10, stored)


def test_hoering_web_serves_the_portal(tmp_path):
    port = free_port()
    env = {**os.environ, "HOERING_HOME": str(tmp_path), "HOERING_WEB_PORT": str(port)}
    subprocess.run([HOERING, "init"], env=env, check=True, capture_output=True, timeout=120)
    server = subprocess.Popen([HOERING, "web"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        status = None
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/svar/{'A' * 43}", timeout=2)
            except urllib.error.HTTPError as exc:
                status, body = exc.code, exc.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert status == 404 and "Siden findes ikke" in body
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert f"Kører på http://127.0.0.1:{port}" in output
    assert "GET /svar/… HTTP/1.1" in output and "A" * 43 not in output  # no tokens in the log
