"""One side of the dispatch benchmark, run in its own process so its memory and time are its own.

    python -m bench.dispatch_worker sender DATABASE_URL PORT CONNECTIONS HOME
    python -m bench.dispatch_worker raw MESSAGES.jsonl PORT CONNECTIONS

Prints one JSON line: sent, seconds and cpu (sending only), rss_before_kb, peak_kb (VmHWM).
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from pathlib import Path


def memory_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


async def raw_send(messages: list[tuple[str, str]], port: int, connections: int) -> int:
    import aiosmtplib

    pending = iter(messages)
    sent = 0

    async def worker() -> None:
        nonlocal sent
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False, timeout=30)
        await client.connect()
        for to, raw in pending:
            await client.sendmail("sekretariat@socialaftale.example", [to], raw)
            sent += 1
        await client.quit()

    await asyncio.gather(*(worker() for _ in range(connections)))
    return sent


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_sender(url: str, port: int, connections: int, home: str) -> dict[str, float]:
    from hoering.runtime import bootstrap
    from hoering.services.outbox import outbox_sender
    from hoering.settings import load_settings

    settings = load_settings(database_url=url, smtp_port=port, smtp_connections=connections, home=Path(home),
                             secret_key="bench-secret-key", smtp_host="127.0.0.1")
    rt = bootstrap(settings)
    rt.db.engine.connect().close()  # connect before the clock starts, as the raw side has no database
    before = memory_kb("VmRSS")
    cpu, start = cpu_seconds(), time.perf_counter()
    report = asyncio.run(outbox_sender(rt).send_due())
    seconds = time.perf_counter() - start
    return {"sent": report.sent, "failed": report.failed, "seconds": seconds, "cpu": cpu_seconds() - cpu,
            "rss_before_kb": before,
            "peak_kb": memory_kb("VmHWM")}


def run_raw(path: str, port: int, connections: int) -> dict[str, float]:
    import aiosmtplib  # noqa: F401 - imported before measuring, like the sender's imports

    messages = [tuple(json.loads(line)) for line in Path(path).read_text().splitlines()]
    before = memory_kb("VmRSS")
    cpu, start = cpu_seconds(), time.perf_counter()
    sent = asyncio.run(raw_send(messages, port, connections))  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    return {"sent": sent, "failed": 0, "seconds": seconds, "cpu": cpu_seconds() - cpu, "rss_before_kb": before,
            "peak_kb": memory_kb("VmHWM")}


def main(argv: list[str]) -> None:
    mode, *args = argv
    if mode == "sender":
        out = run_sender(args[0], int(args[1]), int(args[2]), args[3])
    else:
        out = run_raw(args[0], int(args[1]), int(args[2]))
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
