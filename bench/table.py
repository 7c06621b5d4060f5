"""The performance table ("Performance, round 2"): each figure before (the issue's numbers, the
same 2-core machine) and now (the latest saved run of each benchmark, var/bench/*-latest.json),
with the ratios side by side and whether the goal is met; and, where there is one, the floor: the
same measure with none of our code in it (the pinned libraries imported alone; a read transaction
with one trivial statement). A goal beyond its floor cannot be met by changing our code.

    python -m bench table        # print it from the saved runs (``make bench`` prints it last)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.common import OUT


@dataclass(frozen=True)
class Line:
    figure: str
    before: str  # the "now" column
    ratio_before: str
    goal: str
    now: Callable[[dict[str, dict[str, Any]]], tuple[str, str, bool | None]]  # (now, ratio now, met)
    floor: Callable[[dict[str, dict[str, Any]]], str] | None = None  # what no code of ours goes below


def _floor(bench: str, figures: tuple[str, ...], fmt: str) -> Callable[[dict[str, dict[str, Any]]], str]:
    """The floor rows of a benchmark: their values, and their ratios where they have one."""
    def shown(runs: dict[str, dict[str, Any]]) -> str:
        rows = [r for r in (_row(runs, bench, f) for f in figures) if r is not None]
        if not rows:
            return ""
        values = " / ".join(fmt.format(r["value"]) for r in rows)
        ratios = [r["ratio"] for r in rows if r.get("ratio") is not None]
        return values + (" = " + " / ".join(f"{x:.2f}x" for x in ratios) if ratios else "")
    return shown


def _row(runs: dict[str, dict[str, Any]], bench: str, figure: str) -> dict[str, Any] | None:
    for r in runs.get(bench, {}).get("rows", []):
        if r["figure"].strip() == figure:
            return r
    return None


def _pair(runs: dict[str, dict[str, Any]], bench: str, figures: tuple[str, str], fmt: str, goal: float,
          *, ratio: bool = True) -> tuple[str, str, bool | None]:
    rows = [_row(runs, bench, f) for f in figures]
    if not any(rows):
        return "not measured", "", None
    values = " / ".join(fmt.format(r["value"]) if r else "-" for r in rows)
    if not ratio:
        return values, "", all(r is not None and r["value"] < goal for r in rows)
    ratios = [r["ratio"] if r and r.get("ratio") is not None else None for r in rows]
    shown = " / ".join(f"{x:.2f}x" if x is not None else "-" for x in ratios)
    return values, shown, all(x is not None and x >= goal for x in ratios)


def _web(runs: dict[str, dict[str, Any]], verb: str, goal: float, p99: float, *,
         by_wrk: bool = False) -> tuple[str, str, bool | None]:
    name = "GET /svar/{token}" if verb == "GET" else "POST /svar/{token} (records an answer)"
    rate, latency = ("wrk, 1 process: ", "wrk, 1 process: p99 latency, ") if by_wrk else ("", "p99 latency, ")
    rates = [_row(runs, "web", f"{rate}{name}, {k}") for k in ("sqlite", "postgres")]
    lats = [_row(runs, "web", f"{latency}{name}, {k}") for k in ("sqlite", "postgres")]
    if not any(rates):
        return "not measured", "", None
    now = (" / ".join(f"{r['value']:.0f}" if r else "-" for r in rates) + " req/s, p99 "
           + " / ".join(f"{r['value']:.0f}" if r else "-" for r in lats) + " ms")
    ratios = " / ".join(f"{r['ratio']:.2f}x" if r else "-" for r in rates)
    met = all(r and r["ratio"] >= goal for r in rates) and all(r and r["value"] < p99 for r in lats)
    return now, ratios, met


def _flow(runs: dict[str, dict[str, Any]]) -> tuple[str, str, bool | None]:
    rows = [r for r in runs.get("startup", {}).get("rows", []) if r["figure"].startswith("one flow run")]
    # the goal is about the production path: a deployment's run as a worker runs it, on a running
    # server; else the direct call on a running server; else the temporary one
    row = next((r for r in rows if "a deployment's run" in r["figure"]),
               next((r for r in rows if "running Prefect server" in r["figure"]), rows[0] if rows else None))
    if row is None:
        return "not measured", "", None
    return f"{row['value']:.1f} s ({row['figure'].split('(')[-1].rstrip(')')})", f"{row['ratio']:.2f}x", \
        row["ratio"] >= 1 / 3


LINES = (
    Line("dispatch 10 000 mails, SQLite / PostgreSQL", "794 / 1 008 msg/s", "0.54x / 0.69x", ">= 0.9x",
         lambda r: _pair(r, "dispatch", ("outbox sender, sqlite", "outbox sender, postgres"), "{:,.0f}", 0.9)),
    Line("GET /svar/{token}, SQLite / PostgreSQL", "125 / 103 req/s, p99 179 / 169 ms", "0.13x / 0.11x",
         ">= 0.5x, p99 < 50 ms", lambda r: _web(r, "GET", 0.5, 50)),
    # the httpx generator is itself at 100 % CPU on the GETs: wrk's figure is the app's own limit
    Line("GET /svar/{token} by wrk, SQLite / PostgreSQL", "(not in the issue's table)", "-",
         ">= 0.5x, p99 < 50 ms", lambda r: _web(r, "GET", 0.5, 50, by_wrk=True)),
    Line("POST /svar/{token}, SQLite / PostgreSQL", "42 / 34 req/s, p99 2 282 / 345 ms", "0.04x",
         ">= 0.25x, p99 < 100 ms", lambda r: _web(r, "POST", 0.25, 100)),
    Line("one hearing's result at 1 M answers", "2.2 / 8.1 ms", "0.02x / 0.06x", ">= 0.2x",
         lambda r: _pair(r, "tally", ("one hearing's result (hearing_result), sqlite",
                                      "one hearing's result (hearing_result), postgres"), "{:.2f} ms", 0.2),
         _floor("tally", ("the floor of every view: a read transaction with SELECT 1, sqlite",
                          "the floor of every view: a read transaction with SELECT 1, postgres"), "{:.2f} ms")),
    Line("`hoering hearing status 1` / `hoering due`", "0.72 / 0.75 s", "-", "< 0.3 s",
         lambda r: _pair(r, "startup", ("hoering hearing status 1", "hoering due (nothing due, no Prefect)"),
                         "{:.2f} s", 0.3, ratio=False),
         _floor("startup", ("the floor of a reading command: its libraries imported, nothing else",), "{:.2f} s")),
    Line("one `hearing_watch` run", "12 s (temporary server)", "0.06x", "<= 3x `hoering due`", _flow,
         _floor("startup", ("the floor of a flow run: import prefect, then hoering due in the same process",),
                "{:.1f} s")),
    Line("inbox: classified replies (read_inbox), SQLite / PostgreSQL", "not in the issue's table", "-",
         "(figure only)", lambda r: _pair(r, "inbox", ("read_inbox, sqlite", "read_inbox, postgres"),
                                          "{:.0f} msg/s", 0.0)),
)


def load_runs() -> dict[str, dict[str, Any]]:
    runs = {}
    for path in OUT.glob("*-latest.json"):
        data = json.loads(path.read_text())
        runs[data["benchmark"]] = data
    return runs


def print_table() -> None:
    from rich.console import Console
    from rich.table import Table

    runs = load_runs()
    table = Table(title="Performance round 2: before (the issue's figures) and now (latest runs)",
                  title_justify="left")
    for col in ("figure", "before", "ratio before", "now", "ratio now", "goal", "met", "floor (libraries alone)"):
        table.add_column(col)
    for line in LINES:
        now, ratio, met = line.now(runs)
        table.add_row(line.figure, line.before, line.ratio_before, now, ratio, line.goal,
                      "" if met is None or line.goal.startswith("(") else ("yes" if met else "no"),
                      line.floor(runs) if line.floor else "")
    console = Console(width=180)
    console.print(table)
    loads = {name: data.get("load_average", [None])[0] for name, data in sorted(runs.items())}
    console.print("  load average (1 min) when each was measured: "
                  + ", ".join(f"{k} {v:.1f}" for k, v in loads.items() if v is not None)
                  + f"; cpus {next(iter(runs.values()), {}).get('cpus', '?')}")
