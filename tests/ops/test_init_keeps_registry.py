"""A registry loaded from the installation's own file survives a plain ``hoering init`` (as
upgrades and /healthz tell operators to run it): the shipped registry only seeds an empty
database, so nobody is deactivated and no answer link is revoked."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from hoering.db.models import AuditEntry, Person
from hoering.registry import DEFAULT_REGISTRY
from hoering.services.registry import load_registry
from tests.safety.test_contacts import live_tokens
from tests.support import cli_runner, make_runtime
from tests.web.conftest import open_example

SHIPPED = "socialdirektoer@aalborg.kommune.example"
NEW = "ny.direktoer@aalborg.kommune.example"


def own_registry(folder: Path) -> Path:
    """The shipped registry with Aalborg's director replaced, as an installation keeps its own."""
    path = folder / "registry.yaml"
    path.write_text(DEFAULT_REGISTRY.read_text(encoding="utf-8").replace(SHIPPED, NEW), encoding="utf-8")
    return path


def test_init_without_a_file_keeps_the_installations_registry(tmp_path, sqlite_url, clock):
    rt = make_runtime(tmp_path, sqlite_url, clock)  # the shipped registry seeds the empty database
    load_registry(rt, own_registry(tmp_path))
    hid = open_example(rt)
    assert live_tokens(rt, NEW, hid)
    summary = load_registry(rt)  # `hoering init` without --registry
    assert summary.kept and summary.changed == 0 and summary.kommuner == 11
    with rt.db.read() as s:
        active = dict(s.execute(select(Person.email, Person.active).where(Person.email.in_([SHIPPED, NEW]))).all())
        deactivated = s.scalars(select(AuditEntry).where(AuditEntry.action == "registry.person_deactivated")).all()
    assert active == {SHIPPED: False, NEW: True}
    assert live_tokens(rt, NEW, hid)
    assert len(deactivated) == 1  # the shipped director, when the own file was loaded; nobody since
    load_registry(rt, DEFAULT_REGISTRY)  # naming the shipped file loads it
    with rt.db.read() as s:
        assert s.scalar(select(Person.active).where(Person.email == SHIPPED)) is True


def test_the_cli_says_the_registry_was_kept(tmp_path):
    run = cli_runner(tmp_path)
    assert run("init").returncode == 0
    assert run("init", "--registry", str(own_registry(tmp_path))).returncode == 0
    again = run("init")
    assert again.returncode == 0, again.stderr
    assert "Registret i databasen er beholdt" in " ".join(again.stdout.split())
