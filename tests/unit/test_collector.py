"""Issue 17: a command starts with the cyclic collector seldom and ends with it frozen; long
work (the web server, sending) goes back to Python's thresholds; a flow run's process freezes
what its imports built, and the rest at exit."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hoering import collector
from hoering.cli.main import main


@pytest.fixture
def python_defaults() -> Iterator[tuple[int, int, int]]:
    defaults = gc.get_threshold()
    yield defaults
    gc.unfreeze()
    gc.set_threshold(*defaults)


def test_a_command_starts_collecting_seldom_and_freezes_at_exit(
        monkeypatch: pytest.MonkeyPatch, python_defaults: tuple[int, int, int]) -> None:
    gc.unfreeze()
    monkeypatch.setattr(sys, "argv", ["hoering", "--help"])
    with pytest.raises(SystemExit):
        main()
    assert gc.get_threshold()[0] > 10 * python_defaults[0]
    assert gc.get_freeze_count() > 0


def test_long_work_collects_at_pythons_pace(python_defaults: tuple[int, int, int]) -> None:
    collector.for_startup()
    gc.unfreeze()
    collector.for_long_work()
    assert gc.get_threshold() == python_defaults
    assert gc.get_freeze_count() > 0  # what start-up built is out of every later collection


def test_a_flow_run_process_freezes_what_it_imported_and_what_is_left_at_exit() -> None:
    """A flow run's process (spawned per run) imports Prefect and then our flows: importing them
    freezes what the imports built, and at exit the rest, so the final collection skips the heap
    (it took 0.4-0.65 s of a 2.4 s hearing_watch run)."""
    import subprocess

    probe = (
        "import atexit, gc\n"
        # registered before the flows are imported, so it runs after their exit hook (last in, first out)
        "atexit.register(lambda: print('at exit', gc.get_freeze_count()))\n"
        "import prefect\n"
        "import flows.hearings\n"
        "imported = gc.get_freeze_count()\n"
        "print('imported', imported)\n"
        "garbage = [[i] for i in range(50_000)]\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True).stdout
    counts = dict(line.rsplit(" ", 1) for line in out.splitlines())
    assert int(counts["imported"]) > 100_000  # Prefect's objects, at least
    assert int(counts["at exit"]) >= int(counts["imported"]) + 50_000  # and what the run built after
