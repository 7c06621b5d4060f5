"""Backup → restore: every table equal, documents equal by SHA-256, answer links still working;
restore refuses a database that is not empty and a backup whose checksums do not match."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select

from hoering.db.base import Base
from hoering.errors import HoeringError
from hoering.runtime import Runtime, bootstrap
from hoering.services.answers import GivenFile, record_answer
from hoering.services.backup import backup, restore
from hoering.services.hearings import open_hearing
from hoering.services.outbox import send_outbox
from hoering.settings import load_settings
from hoering.web.app import create_app
from tests.documents import files
from tests.governance.das2021 import Replay
from tests.support import (
    BOTH_CONTACTS,
    JYFE_OPENED,
    Clock,
    jyfe,
    make_runtime,
    postgres_available,
    postgres_database,
    with_bilag,
)

LINK = re.compile(r"/svar/([A-Za-z0-9_-]{43})")


def fill(rt: Runtime, clock: Clock, sink, folder: Path) -> tuple[int, list[str]]:
    """Meetings and items of DAS 2021, then the JYFE hearing with a bilag, three answers (one with
    a høringssvar document) and its mails."""
    Replay(rt, clock).plan_and_raise()
    clock.set(JYFE_OPENED)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kommissorium.pdf").write_bytes(files.pdf("Kommissorium"))
    hid = open_hearing(rt, with_bilag(jyfe(contacts=BOTH_CONTACTS,
                                bilag=[{"title": "Kommissorium", "file": str(folder / "kommissorium.pdf")}])))
    for kommune in ("Aalborg", "Hjørring", "Læsø"):
        record_answer(rt, hid, kommune=kommune, option="pulje", comment=f"svar fra {kommune}")
    record_answer(rt, hid, kommune="Aalborg", option="pulje", files=[GivenFile("aalborg.docx", files.docx_file())])
    send_outbox(rt)
    tokens = [m for msg in sink.messages if (m := LINK.search(msg.get_body(preferencelist=("plain",)).get_content()))]
    return hid, [m.group(1) for m in tokens]


def dump(rt: Runtime) -> dict[str, list[tuple]]:
    names = set(inspect(rt.db.engine).get_table_names())
    tables = {}
    with rt.db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in names:
                order = list(table.primary_key.columns) or list(table.columns)
                tables[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
    return tables


def restored_runtime(tmp_path: Path, url: str, clock: Clock) -> Runtime:
    """No HOERING_SECRET_KEY: the restored key file must carry the links."""
    return bootstrap(load_settings(home=tmp_path / "restored-home", database_url=url), clock=clock)


def check_round_trip(source: Runtime, target: Runtime, folder: Path, tokens: list[str]) -> None:
    before = dump(source)
    assert before["meeting"] and before["item"] and before["answer"] and before["outbox"]
    backup(source, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == entry["sha256"]
    restore(target, folder)
    after = dump(target)
    assert set(after) == set(before)
    for name in before:
        assert after[name] == before[name], f"table {name} differs after the restore"
    documents = Base.metadata.tables["document"]
    with source.db.engine.connect() as conn:
        kept = {sha: hashlib.sha256(content).hexdigest()
                for sha, content in conn.execute(select(documents.c.sha256, documents.c.content))}
    with target.db.engine.connect() as conn:
        restored = {sha: hashlib.sha256(content).hexdigest()
                    for sha, content in conn.execute(select(documents.c.sha256, documents.c.content))}
    assert len(kept) >= 2, "the bilag and the answer's document are in the store"
    assert restored == kept and all(sha == digest for sha, digest in restored.items())
    assert target.secret == source.secret
    with TestClient(create_app(target)) as client:
        for token in tokens[:3]:
            page = client.get(f"/svar/{token}")
            assert page.status_code == 200 and "<form" in page.text, token


@pytest.mark.postgres
def test_postgres_to_fresh_postgres(tmp_path, smtp):
    if reason := postgres_available():
        pytest.skip(reason)
    controller, sink = smtp
    clock = Clock()
    with postgres_database() as source_url, postgres_database() as target_url:
        source = make_runtime(tmp_path / "src", source_url, clock, smtp_host="127.0.0.1", smtp_port=controller.port)
        _, tokens = fill(source, clock, sink, tmp_path / "files")
        assert len(tokens) >= 11
        target = restored_runtime(tmp_path, target_url, clock)
        check_round_trip(source, target, tmp_path / "backup", tokens)
        with pytest.raises(HoeringError, match="not empty"):
            restore(target, tmp_path / "backup")


@pytest.mark.postgres
def test_sqlite_to_fresh_postgres(tmp_path, smtp, sqlite_url):
    if reason := postgres_available():
        pytest.skip(reason)
    controller, sink = smtp
    clock = Clock()
    source = make_runtime(tmp_path / "src", sqlite_url, clock, smtp_host="127.0.0.1", smtp_port=controller.port)
    _, tokens = fill(source, clock, sink, tmp_path / "files")
    with postgres_database() as target_url:
        target = restored_runtime(tmp_path, target_url, clock)
        check_round_trip(source, target, tmp_path / "backup", tokens)
        # the sequences continue after the copied ids
        record_answer(target, 1, kommune="Thisted", option="pulje")


def test_sqlite_to_fresh_sqlite_and_refusals(tmp_path, smtp, sqlite_url):
    controller, sink = smtp
    clock = Clock()
    source = make_runtime(tmp_path / "src", sqlite_url, clock, smtp_host="127.0.0.1", smtp_port=controller.port)
    _, tokens = fill(source, clock, sink, tmp_path / "files")
    target = restored_runtime(tmp_path, f"sqlite:///{tmp_path / 'restored.db'}", clock)
    check_round_trip(source, target, tmp_path / "backup", tokens)
    with pytest.raises(HoeringError, match="not empty: back up into a new folder"):
        backup(source, tmp_path / "backup")
    damaged = tmp_path / "damaged"
    backup(source, damaged)
    (damaged / "secret.key").write_text("something else")
    fresh = restored_runtime(tmp_path / "x", f"sqlite:///{tmp_path / 'other.db'}", clock)
    with pytest.raises(HoeringError, match=r"secret\.key does not match its checksum"):
        restore(fresh, damaged)
    other_key = bootstrap(load_settings(home=tmp_path / "y", database_url=f"sqlite:///{tmp_path / 'y.db'}",
                                        secret_key="another-key"), clock=clock)
    with pytest.raises(HoeringError, match="HOERING_SECRET_KEY differs"):
        restore(other_key, tmp_path / "backup")
