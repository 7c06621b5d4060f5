"""The answer page's load generator, in its own process (the server is another).

    python -m bench.loadgen SPEC.json

SPEC: {"base": url, "concurrency": n, "seconds": s, "requests": [{"method", "path", "data",
"cookies", "headers"}, ...]}; the workers go round the requests for ``seconds`` (closed loop, each with a
client and connection of its own). Prints one JSON line: count, seconds, rps, p50_ms, p99_ms, statuses, cpu (its
own CPU seconds: near ``seconds`` means the generator, not the server, set the pace).
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx


async def load(spec: dict[str, Any]) -> dict[str, Any]:
    requests = spec["requests"]
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    # one client (one connection) per worker: with one pool for all the workers, a request could
    # wait 30-100 ms in the pool before it was sent (httpcore's trace: the server answered in
    # 1-2 ms), and that wait was counted as the server's latency
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [httpx.AsyncClient(base_url=spec["base"], limits=limits, timeout=60, follow_redirects=False)
               for _ in range(spec["concurrency"])]
    stop_at = time.perf_counter() + spec["seconds"]

    async def worker(offset: int) -> None:
        client, i = clients[offset], offset
        while time.perf_counter() < stop_at:
            r = requests[i % len(requests)]
            i += spec["concurrency"]
            start = time.perf_counter()
            response = await client.request(r["method"], r["path"], data=r.get("data"),
                                            headers={**r.get("headers", {}), "cookie": "; ".join(
                                                f"{k}={v}" for k, v in r.get("cookies", {}).items())})
            latencies.append(time.perf_counter() - start)
            statuses[response.status_code] += 1

    try:
        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(spec["concurrency"])))
        elapsed = time.perf_counter() - started
    finally:
        for client in clients:
            await client.aclose()
    latencies.sort()

    def pct(p: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else 0.0

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"count": len(latencies), "seconds": elapsed, "rps": len(latencies) / elapsed,
            "p50_ms": pct(0.50), "p99_ms": pct(0.99), "statuses": dict(statuses),
            "cpu": usage.ru_utime + usage.ru_stime}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(load(json.loads(Path(sys.argv[1]).read_text())))))
