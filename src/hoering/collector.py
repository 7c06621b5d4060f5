"""Python's cyclic garbage collector in a ``hoering`` process: a command's, the web server's,
and a flow run's.

A command starts by importing: SQLAlchemy, pydantic, Typer and our own models build about 190 000
objects that all live until the process ends. With Python's default thresholds the collector
walks them again and again while they are being built, and once more at exit, which is a fifth
of a reading command's time (``hoering hearing status``: 0.44 s → 0.35 s on the 2-core machine).
So a command starts with a high first threshold (the collector still runs, only seldom), and at
exit what is left is frozen, so the final collection skips it. A command that goes on to run for
a long time (the web server, sending the outbox) freezes what start-up built and goes back to
Python's defaults: :func:`for_long_work`.

A flow run is a process of its own too (Prefect's runner and worker spawn one per run), and a
bigger one: Prefect, pydantic and SQLAlchemy. Its last collection took 0.4-0.65 s of a 2.4 s
``hearing_watch`` run on the 2-core machine: :func:`for_flows`.
"""

from __future__ import annotations

import atexit
import gc

_DEFAULTS = gc.get_threshold()
_STARTING = (200_000, 20, 100)


def for_startup() -> None:
    gc.set_threshold(*_STARTING)


def for_long_work() -> None:
    """Start-up is over and the process will run on: keep what start-up built out of every
    collection from now on, and collect at Python's usual pace."""
    gc.freeze()
    gc.set_threshold(*_DEFAULTS)


def at_exit() -> None:
    """The process is ending: its objects need no last collection."""
    gc.freeze()


def for_flows() -> None:
    """A process that has loaded Prefect and is loading our flows (a flow run's own, or the runner
    or worker that starts them): keep what the imports built so far out of every later
    collection, and freeze the rest when the process ends, so the final collection skips it."""
    gc.freeze()
    atexit.unregister(at_exit)  # registered once, however often this runs
    atexit.register(at_exit)
