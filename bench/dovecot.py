"""A real Dovecot IMAP server for tests and benchmarks, from a configuration of its own.

Everything lives in one temporary folder: base_dir and state_dir, a self-signed certificate, a
passwd-file with one user, and that user's Maildir (owned by uid 65534, since Dovecot refuses a
mail user with uid 0). It listens on 127.0.0.1 on two free ports: IMAPS (TLS from the start) and
IMAP (with STARTTLS). ``dovecot -c CONF`` daemonises; it is stopped by the pid in
``base_dir/master.pid``. Used by ``tests/inbox`` and ``bench/inbox.py``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
DOVEADM = shutil.which("doveadm") or "/usr/bin/doveadm"
MAIL_UID = 65534


@dataclass(frozen=True)
class ImapServer:
    host: str
    imaps_port: int
    imap_port: int
    user: str
    password: str
    ca_file: Path
    root: Path

    @property
    def maildir(self) -> Path:
        return self.root / "home" / self.user / "Maildir"


def dovecot_missing() -> str | None:
    """None when Dovecot can run here; otherwise why not (the tests skip with it)."""
    if not Path(DOVECOT).exists():
        return "Dovecot is not installed (apt-get install dovecot-imapd; make test does it as root)"
    if not Path(DOVEADM).exists():
        return "doveadm is missing (apt-get install dovecot-core)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = {uid}
mail_privileged_group =
default_login_user = dovenull
default_internal_user = dovecot
passdb {{
  driver = passwd-file
  args = scheme=SHA512-CRYPT {root}/users
}}
userdb {{
  driver = passwd-file
  args = {root}/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
protocol imap {{
  mail_max_userip_connections = 50
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Behandlet {{
    auto = create
  }}
}}
"""


@contextmanager
def running_dovecot(*, user: str = "sekretariat", password: str = "imap-test-pw",
                    extra_config: str = "") -> Iterator[ImapServer]:
    """Start Dovecot in a fresh folder under the system temp dir, stop it and remove the folder.

    Not under pytest's ``tmp_path``: its parents are mode 0700, and Dovecot's auth process (user
    ``dovecot``) and the mail user (65534) must be able to reach the passwd-file and the Maildir.
    """
    root = Path(tempfile.mkdtemp(prefix="hoering-dovecot-"))
    os.chmod(root, 0o755)
    for sub in ("run", "state"):
        (root / sub).mkdir(exist_ok=True)
    cert, key = _self_signed(root)
    hashed = subprocess.run([DOVEADM, "pw", "-s", "SHA512-CRYPT", "-p", password], check=True,
                            capture_output=True, text=True).stdout.strip()
    home = root / "home" / user
    (home / "Maildir").mkdir(parents=True, exist_ok=True)
    (root / "users").write_text(f"{user}:{hashed}:{MAIL_UID}:{MAIL_UID}::{home}::\n")
    _chown_tree(root / "home")
    conf = root / "dovecot.conf"
    for attempt in range(3):  # a port found free can be taken before Dovecot binds it: new ports
        imap_port, imaps_port = _free_port(), _free_port()
        conf.write_text(CONFIG.format(root=root, cert=cert, key=key, uid=MAIL_UID, imap_port=imap_port,
                                      imaps_port=imaps_port) + extra_config)
        started = subprocess.run([DOVECOT, "-c", str(conf)], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        if started.returncode == 0:
            break
        if attempt == 2:
            started.check_returncode()
    pid_file = root / "run" / "master.pid"
    try:
        _wait_for_port(imaps_port, root)
        _wait_for_port(imap_port, root)
        yield ImapServer("127.0.0.1", imaps_port, imap_port, user, password, cert, root)
    finally:
        _stop(pid_file)
        shutil.rmtree(root, ignore_errors=True)



def restart_dovecot(server: ImapServer) -> None:
    """Stop the server and start it again on the same ports and Maildir (its clients are dropped)."""
    _stop(server.root / "run" / "master.pid")
    subprocess.run([DOVECOT, "-c", str(server.root / "dovecot.conf")], check=True, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    _wait_for_port(server.imaps_port, server.root)
    _wait_for_port(server.imap_port, server.root)


def _chown_tree(path: Path) -> None:
    if os.geteuid() != 0:
        return
    for folder, dirs, files in os.walk(path):
        os.chown(folder, MAIL_UID, MAIL_UID)
        for name in dirs + files:
            os.chown(os.path.join(folder, name), MAIL_UID, MAIL_UID)


def _wait_for_port(port: int, root: Path, timeout: float = 20.0) -> None:
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    log = root / "dovecot.log"
    raise RuntimeError(f"Dovecot did not listen on {port}: {log.read_text() if log.exists() else 'no log'}")


def _stop(pid_file: Path) -> None:
    if not pid_file.exists():
        return
    pid = int(pid_file.read_text().strip())
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    give_up = time.monotonic() + 10
    while time.monotonic() < give_up:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
