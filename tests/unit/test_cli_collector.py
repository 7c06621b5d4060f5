"""Issue 17 item 4: a command starts with the cyclic collector seldom and ends with it frozen;
long work (the web server, sending) goes back to Python's thresholds."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator

import pytest

from hoering.cli import collector
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
