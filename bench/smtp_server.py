"""An aiosmtpd server in its own process, for the crash tests and the dispatch benchmark.

    python -m bench.smtp_server PORTFILE [LOGFILE]

Listens on a free loopback port and writes the port to PORTFILE once it accepts connections.
With LOGFILE, appends one line per received message: ``recipient<TAB>Message-ID`` (flushed
at once, so a client killed at any moment leaves an exact record). Without it, only counts
(the benchmark's server: as little work per message as aiosmtpd allows). Stops on SIGTERM.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from hoering.mail.sink import free_port

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class Recorder:
    def __init__(self, log: Path | None) -> None:
        self.log = log.open("a", encoding="utf-8", buffering=1) if log else None
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        if self.log is not None:
            raw = bytes(envelope.original_content or envelope.content)
            head = raw.split(b"\r\n\r\n", 1)[0]
            found = MESSAGE_ID.search(head)
            mid = found.group(1).decode() if found else "-"
            for rcpt in envelope.rcpt_tos:
                self.log.write(f"{rcpt}\t{mid}\n")
        return "250 OK"


def main(argv: list[str]) -> None:
    portfile = Path(argv[0])
    handler = Recorder(Path(argv[1]) if len(argv) > 1 else None)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    tmp = portfile.with_suffix(".tmp")
    tmp.write_text(str(controller.port))
    tmp.rename(portfile)
    stop.wait()
    controller.stop()


@contextmanager
def smtp_server_process(workdir: Path, *, log: Path | None = None) -> Iterator[int]:
    """Start the server in a child process; yields its port; stops it afterwards."""
    portfile = workdir / f"smtp-{time.monotonic_ns()}.port"
    args = [sys.executable, "-m", "bench.smtp_server", str(portfile)] + ([str(log)] if log else [])
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen(args, cwd=root)
    try:
        deadline = time.monotonic() + 30
        while not portfile.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the SMTP server process did not start")
            time.sleep(0.02)
        yield int(portfile.read_text())
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    main(sys.argv[1:])
