"""Backups an operator can lean on: one taken while answers are being recorded restores; a restore
that fails leaves the target as it found it (and a retry then works); a backup of a newer schema
is refused before anything is written; ``--keep N`` rotates."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import inspect

from hoering.errors import HoeringError
from hoering.runtime import Runtime, bootstrap
from hoering.services.answers import record_answer
from hoering.services.audit_verify import verify_audit
from hoering.services.backup import backup, read_manifest, restore, rotate, table_counts
from hoering.services.hearings import open_hearing
from hoering.settings import load_settings
from tests.support import Clock, jyfe, make_runtime, postgres_available, postgres_database

KOMMUNER = ("Aalborg", "Hjørring", "Læsø", "Thisted", "Rebild")


@contextmanager
def target_url(kind: str, tmp_path: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'target.db'}"
        return
    if reason := postgres_available():
        pytest.skip(reason)
    with postgres_database() as url:
        yield url


def fresh(tmp_path: Path, url: str) -> Runtime:
    return bootstrap(load_settings(home=tmp_path / "target-home", database_url=url), clock=Clock())


def tables(rt: Runtime) -> list[str]:
    rt.db.engine.dispose()
    return inspect(rt.db.engine).get_table_names()


@contextmanager
def answering(rt: Runtime, hearing_id: int) -> Iterator[list[int]]:
    """Answers recorded one after another in another thread for as long as the block runs."""
    stop, done = threading.Event(), [0]

    def run() -> None:
        while not stop.is_set():
            record_answer(rt, hearing_id, kommune=KOMMUNER[done[0] % len(KOMMUNER)], option="pulje",
                          comment=f"svar {done[0]}")
            done[0] += 1

    thread = threading.Thread(target=run)
    thread.start()
    try:
        yield done
    finally:
        stop.set()
        thread.join()


def test_backup_while_answers_are_recorded(tmp_path: Path, database_url: str) -> None:
    kind = "postgres" if database_url.startswith("postgresql") else "sqlite"
    source = make_runtime(tmp_path / "src", database_url, Clock())
    hid = open_hearing(source, jyfe())
    with answering(source, hid) as done:
        while done[0] < 5:
            threading.Event().wait(0.05)
        backup(source, tmp_path / "backup")
        recorded = done[0]
    assert done[0] > recorded, "answers were recorded while the backup ran"
    manifest = read_manifest(tmp_path / "backup")
    with target_url(kind, tmp_path) as url:
        target = fresh(tmp_path, url)
        counts = restore(target, tmp_path / "backup")
        assert counts == manifest["tables"] and counts["answer"] >= 5
        assert verify_audit(target) == []


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_failed_restore_leaves_the_target_as_it_was(tmp_path: Path, kind: str) -> None:
    with target_url(kind, tmp_path / "source") as source_url:
        source = make_runtime(tmp_path / "src", source_url, Clock())
        hid = open_hearing(source, jyfe())
        record_answer(source, hid, kommune="Læsø", option="pulje")
        backup(source, tmp_path / "good")
        shutil.copytree(tmp_path / "good", tmp_path / "bad")
        manifest = json.loads((tmp_path / "bad" / "manifest.json").read_text())
        manifest["tables"]["answer"] += 1  # the dump no longer holds what the manifest promises
        (tmp_path / "bad" / "manifest.json").write_text(json.dumps(manifest))
        with target_url(kind, tmp_path) as url:
            target = fresh(tmp_path, url)
            with pytest.raises(HoeringError, match="answer"):
                restore(target, tmp_path / "bad")
            assert tables(target) == [], "the failed restore left tables behind"
            counts = restore(target, tmp_path / "good")  # and a retry works
            assert counts == table_counts(source.db)


def test_a_newer_schema_is_refused_before_anything_is_written(tmp_path: Path, sqlite_url: str) -> None:
    source = make_runtime(tmp_path / "src", sqlite_url, Clock())
    backup(source, tmp_path / "backup")
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    manifest["revision"] = ["0099_from_the_future"]
    (tmp_path / "backup" / "manifest.json").write_text(json.dumps(manifest))
    target = fresh(tmp_path, f"sqlite:///{tmp_path / 'target.db'}")
    with pytest.raises(HoeringError, match="newer than this release knows"):
        restore(target, tmp_path / "backup")
    assert tables(target) == []
    assert not (tmp_path / "target-home" / "secret.key").exists()


def test_keep_rotates(tmp_path: Path, sqlite_url: str) -> None:
    clock = Clock()
    rt = make_runtime(tmp_path / "src", sqlite_url, clock)
    parent = tmp_path / "backups"
    (parent / "hoering-20000101T000000Z").mkdir(parents=True)  # a backup that never finished
    (parent / "mine").mkdir()  # not made by --keep: never touched
    made = []
    for _ in range(4):
        summary, _ = rotate(rt, parent, keep=2)
        made.append(summary.folder.name)
        clock.advance(days=1)
    assert sorted(p.name for p in parent.iterdir()) == sorted([*made[-2:], "mine"])
    with pytest.raises(HoeringError):
        rotate(rt, parent, keep=0)
