"""``hoering backup DIR`` and ``hoering restore DIR``: everything needed to bring the engine back.

A backup folder holds the database (SQLite: a consistent copy made with SQLite's online backup
API, safe while the engine runs; PostgreSQL: ``pg_dump --format=custom``), the secret key (without
it every answer link already sent stops working), the files of the home's document folder when
there is one (documents themselves are rows of the database, so the dump holds them), and
``manifest.json`` with the SHA-256 and size of every file. Restore checks the manifest first and
refuses a database that has any table: it never merges into or overwrites live data.

Restoring: SQLite → SQLite (backup API), PostgreSQL → PostgreSQL (``pg_restore``), and SQLite →
PostgreSQL (the move from the embedded database to production: the schema is created by the
migrations, then every table's rows are copied in dependency order and the id sequences set).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, inspect, select, text
from sqlalchemy.engine import make_url

from hoering.danish import utcnow
from hoering.db.migrate import revisions, upgrade
from hoering.db.models import Base  # every table registered, so every table is copied
from hoering.db.session import Database
from hoering.errors import HoeringError
from hoering.runtime import Runtime

MANIFEST = "manifest.json"
SQLITE_FILE = "hoering.sqlite3"
PG_FILE = "hoering.pgdump"
SECRET_FILE = "secret.key"
FILES_DIR = "documents"  # a document folder under the home, when one exists


@dataclass(frozen=True)
class BackupSummary:
    folder: Path
    engine: str
    files: int
    bytes: int
    tables: int
    documents: int


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def libpq_url(db: Database) -> tuple[str, dict[str, str]]:
    """The database as a libpq URL for pg_dump/pg_restore (password in the environment, not argv)."""
    url = make_url(db.url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    if shutil.which(command[0]) is None:
        raise HoeringError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)")
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        last = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else f"exit {result.returncode}"
        raise HoeringError(f"{what} failed: {last}")


def table_counts(db: Database) -> dict[str, int]:
    names = set(inspect(db.engine).get_table_names())
    with db.engine.connect() as conn:
        return {t.name: conn.scalar(select(func.count()).select_from(t)) or 0
                for t in Base.metadata.sorted_tables if t.name in names}


def backup(rt: Runtime, folder: Path) -> BackupSummary:
    if folder.exists() and any(folder.iterdir()):
        raise HoeringError(f"{folder} is not empty: back up into a new folder")
    folder.mkdir(parents=True, exist_ok=True)
    db = rt.db
    current, _ = revisions(db)
    if db.is_postgres:
        engine, dump = "postgresql", folder / PG_FILE
        url, env = libpq_url(db)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}", f"--dbname={url}"],
             env, "pg_dump")
    else:
        engine, dump = "sqlite", folder / SQLITE_FILE
        source_path = make_url(db.url).database
        if not source_path or not Path(source_path).exists():
            raise HoeringError(f"no SQLite database at {source_path}")
        source = sqlite3.connect(source_path)
        target = sqlite3.connect(dump)
        try:
            source.backup(target)  # SQLite's online backup: a consistent copy while others write
        finally:
            target.close()
            source.close()
    secret = folder / SECRET_FILE
    secret.touch(mode=0o600)
    secret.write_bytes(rt.secret)
    home_files = rt.settings.home / FILES_DIR
    if home_files.is_dir():
        shutil.copytree(home_files, folder / FILES_DIR)
    counts = table_counts(db)
    files: dict[str, dict[str, Any]] = {
        p.relative_to(folder).as_posix(): {"sha256": sha256_file(p), "size": p.stat().st_size}
        for p in sorted(folder.rglob("*")) if p.is_file()}
    manifest: dict[str, Any] = {
        "format": 1, "created_at": utcnow().isoformat(), "engine": engine, "database_file": dump.name,
        "revision": sorted(current), "tables": counts, "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return BackupSummary(folder, engine, len(files), sum(f["size"] for f in files.values()), len(counts),
                         counts.get("document", 0))


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.exists():
        raise HoeringError(f"{folder} is not a hoering backup (no {MANIFEST})")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text())
    except ValueError as exc:
        raise HoeringError(f"{path} is not valid JSON: {exc}") from None
    for name, entry in manifest["files"].items():
        file = folder / name
        if not file.is_file():
            raise HoeringError(f"the backup lacks {name} (listed in {MANIFEST})")
        if sha256_file(file) != entry["sha256"]:
            raise HoeringError(f"{name} does not match its checksum in {MANIFEST}: the backup is damaged")
    return manifest


def restore(rt: Runtime, folder: Path) -> dict[str, int]:
    """Restore ``folder`` into ``rt``'s database, which must be empty; returns the table counts."""
    manifest = read_manifest(folder)
    secret = (folder / SECRET_FILE).read_bytes()
    configured = rt.settings.secret_key
    if configured is not None and configured.get_secret_value().encode() != secret:
        raise HoeringError("HOERING_SECRET_KEY differs from the backed-up key: the answer links already sent "
                           f"would stop working; set it to the key in {folder / SECRET_FILE} (or unset it)")
    db = rt.db
    existing = inspect(db.engine).get_table_names()
    if existing:
        raise HoeringError(f"the database {db.engine.url.render_as_string(hide_password=True)} is not empty "
                           f"({len(existing)} tables): restore only into an empty database")
    dump = folder / manifest["database_file"]
    if manifest["engine"] == "postgresql":
        if not db.is_postgres:
            raise HoeringError("a PostgreSQL backup restores only into PostgreSQL")
        url, env = libpq_url(db)
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={url}", str(dump)],
             env, "pg_restore")
    elif db.is_postgres:
        _copy_sqlite_into(dump, db)
    else:
        _restore_sqlite(dump, db)
    db.engine.dispose()
    if configured is None:
        key = rt.settings.home / SECRET_FILE
        key.parent.mkdir(parents=True, exist_ok=True)
        if key.exists() and key.read_bytes().strip() != secret.strip():
            key.replace(key.with_suffix(".key.before-restore"))
        key.touch(mode=0o600)
        key.write_bytes(secret)
    if (folder / FILES_DIR).is_dir():
        shutil.copytree(folder / FILES_DIR, rt.settings.home / FILES_DIR, dirs_exist_ok=True)
    counts = table_counts(db)
    if counts != manifest["tables"]:
        raise HoeringError(f"restored table sizes differ from the backup's: {counts} != {manifest['tables']}")
    return counts


def _restore_sqlite(dump: Path, db: Database) -> None:
    path = make_url(db.url).database
    assert path
    db.engine.dispose()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    source, target = sqlite3.connect(dump), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _copy_sqlite_into(dump: Path, db: Database) -> None:
    """SQLite backup → an empty PostgreSQL database: the schema by the migrations (the backup is
    migrated to the newest revision first, in a scratch copy), then every row."""
    scratch = dump.with_name(dump.name + ".restoring")
    shutil.copyfile(dump, scratch)
    source = Database(f"sqlite:///{scratch}")
    try:
        upgrade(source)
        upgrade(db)
        with source.engine.connect() as src, db.engine.begin() as dst:
            for table in reversed(Base.metadata.sorted_tables):  # rows the migrations seeded (audit_head)
                if dst.scalar(select(func.count()).select_from(table)):
                    dst.execute(table.delete())
            for table in Base.metadata.sorted_tables:
                rows = [dict(r._mapping) for r in src.execute(select(table))]
                for start in range(0, len(rows), 500):
                    dst.execute(table.insert(), rows[start:start + 500])
            for table in Base.metadata.sorted_tables:
                _set_sequence(dst, table)
    finally:
        source.dispose()
        scratch.unlink(missing_ok=True)


def _set_sequence(conn: Any, table: Table) -> None:
    pk = list(table.primary_key.columns)
    if len(pk) != 1 or not pk[0].autoincrement or pk[0].type.python_type is not int:
        return
    sequence = conn.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": pk[0].name})
    if sequence:
        conn.execute(text(f"SELECT setval('{sequence}', "
                          f"COALESCE((SELECT MAX({pk[0].name}) FROM {table.name}), 0) + 1, false)"))
