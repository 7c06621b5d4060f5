"""``hoering backup DIR`` and ``hoering restore DIR``: everything needed to bring the engine back.

A backup folder holds the database, the secret key (without it every answer link already sent
stops working), the files of the home's document folder when there is one (documents themselves
are rows of the database, so the dump holds them), and ``manifest.json`` with the SHA-256 and
size of every file, the schema revision and every table's row count.

Consistent while the service writes: the dump and the counts in the manifest describe one moment.
PostgreSQL: a REPEATABLE READ transaction exports its snapshot (``pg_export_snapshot()``),
``pg_dump --snapshot`` dumps exactly that snapshot and the counts and revision are read in the
same transaction. SQLite: the online backup API makes a consistent copy, and the counts and
revision are read from the copy. (Counting after the dump, as once done, counted answers recorded
in between, and every backup taken under load failed to restore.)

Restore refuses, before it writes anything: a damaged backup (checksums), a schema newer than
this release knows (the code could not run on it, and ``hoering init`` cannot migrate it back),
another ``HOERING_SECRET_KEY``, and a database that has any table. It is then all or nothing:
PostgreSQL → PostgreSQL runs ``pg_restore``'s script and a check of every table's count in one
``psql --single-transaction``; SQLite → SQLite restores into a scratch file, checks it, and
renames it into place; SQLite → PostgreSQL (the move from the embedded database to production)
migrates, copies every row, sets the id sequences and checks the counts in one transaction. A
restore that fails leaves the target as it found it, ready for a retry. A backup keeps what it
held: after restoring, everyone in the register of erasures (``erasures.txt``: pseudonyms, kept
in HOERING_HOME and copied into each backup) whom the restored database holds is erased again.

``hoering backup DIR --keep N`` makes ``DIR/hoering-<UTC time>`` and deletes the oldest such
folders beyond the newest N (the systemd timer in deployments/systemd runs it nightly).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, func, inspect, select, text
from sqlalchemy.engine import make_url

from hoering.danish import utcnow
from hoering.db.migrate import upgrade, upgrade_in
from hoering.db.models import Base  # every table registered, so every table is copied
from hoering.db.schema_version import code_heads, code_revisions
from hoering.db.session import Database
from hoering.errors import HoeringError
from hoering.runtime import Runtime
from hoering.services.privacy import reapply_erasures
from hoering.services.privacy_outside import ERASURES, merge_erasures

log = logging.getLogger(__name__)
MANIFEST = "manifest.json"
SQLITE_FILE = "hoering.sqlite3"
PG_FILE = "hoering.pgdump"
SECRET_FILE = "secret.key"
FILES_DIR = "documents"  # a document folder under the home, when one exists
ROTATED = re.compile(r"hoering-\d{8}T\d{6}Z")  # the folders ``--keep`` makes and may delete


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
    with db.engine.connect() as conn:
        return _counts(conn)


def _counts(conn: Connection) -> dict[str, int]:
    names = set(inspect(conn).get_table_names())
    return {t.name: conn.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables if t.name in names}


def backup(rt: Runtime, folder: Path) -> BackupSummary:
    if folder.exists() and any(folder.iterdir()):
        raise HoeringError(f"{folder} is not empty: back up into a new folder")
    folder.mkdir(parents=True, exist_ok=True)
    db = rt.db
    if db.is_postgres:
        engine, dump = "postgresql", folder / PG_FILE
        current, counts = _dump_postgres(db, dump)
    else:
        engine, dump = "sqlite", folder / SQLITE_FILE
        source_path = make_url(db.url).database
        if not source_path or not Path(source_path).exists():
            raise HoeringError(f"no SQLite database at {source_path}")
        _sqlite_copy(Path(source_path), dump)  # SQLite's online backup: a consistent copy while others write
        current, counts = _sqlite_state(dump)
    secret = folder / SECRET_FILE
    secret.touch(mode=0o600)
    secret.write_bytes(rt.secret)
    home_files = rt.settings.home / FILES_DIR
    if home_files.is_dir():
        shutil.copytree(home_files, folder / FILES_DIR)
    if (rt.settings.home / ERASURES).is_file():  # who was erased (pseudonyms): a restore erases them again
        shutil.copyfile(rt.settings.home / ERASURES, folder / ERASURES)
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


def rotate(rt: Runtime, parent: Path, *, keep: int) -> tuple[BackupSummary, list[Path]]:
    """A backup into ``parent/hoering-<UTC time>``, then the oldest such folders beyond ``keep``
    deleted (and unfinished ones older than those kept); returns the backup and what was deleted."""
    if keep < 1:
        raise HoeringError("--keep must be at least 1")
    summary = backup(rt, parent / f"hoering-{rt.now().astimezone(UTC):%Y%m%dT%H%M%SZ}")
    made = sorted(p for p in parent.iterdir() if p.is_dir() and ROTATED.fullmatch(p.name))
    kept = [p for p in made if (p / MANIFEST).is_file()][-keep:]
    deleted = [p for p in made if p not in kept and p.name < kept[0].name]
    for folder in deleted:
        shutil.rmtree(folder)
    return summary, deleted


def _dump_postgres(db: Database, dump: Path) -> tuple[set[str], dict[str, int]]:
    """pg_dump of the snapshot this transaction exports, and the counts and revision it sees."""
    url, env = libpq_url(db)
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
        snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
              f"--file={dump}", f"--dbname={url}"], env, "pg_dump")
        counts = _counts(conn)
        current = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars()) \
            if "alembic_version" in inspect(conn).get_table_names() else set()
    return current, counts


def _sqlite_copy(source_path: Path, target_path: Path) -> None:
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _sqlite_state(path: Path) -> tuple[set[str], dict[str, int]]:
    """The revision and every table's count of a SQLite file (read-only)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)  # no -shm beside a copy
    try:
        names = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        counts = {t.name: conn.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0]
                  for t in Base.metadata.sorted_tables if t.name in names}
        current = {v for (v,) in conn.execute("SELECT version_num FROM alembic_version")} \
            if "alembic_version" in names else set()
    finally:
        conn.close()
    return current, counts


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
    """Restore ``folder`` into ``rt``'s database, which must be empty; returns the table counts.
    Refuses before writing anything, and leaves the target as it found it when it fails."""
    manifest = read_manifest(folder)
    unknown = set(manifest.get("revision", [])) - code_revisions()
    if unknown:
        raise HoeringError(f"the backup's schema (revision {', '.join(sorted(unknown))}) is newer than this release "
                           f"knows (its newest is {', '.join(sorted(code_heads()))}): restore it with the release "
                           "that made it, or a newer one. Nothing was written.")
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
    expected: dict[str, int] = manifest["tables"]
    if manifest["engine"] == "postgresql":
        if not db.is_postgres:
            raise HoeringError("a PostgreSQL backup restores only into PostgreSQL")
        _restore_postgres(dump, db, expected)
    elif db.is_postgres:
        _copy_sqlite_into(dump, db, expected)
    else:
        _restore_sqlite(dump, db, expected)
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
    merge_erasures(rt.settings.home, folder / ERASURES)
    again = reapply_erasures(rt)
    if again:
        log.info("restore: %d person(s) erased before the backup's copy was made are erased again", len(again))
    return counts


def _differs(counts: dict[str, int], expected: dict[str, int]) -> str:
    wrong = {name: (counts.get(name), n) for name, n in expected.items() if counts.get(name) != n}
    return ", ".join(f"{name}: {got} rows, the backup {n}" for name, (got, n) in sorted(wrong.items()))


def _restore_postgres(dump: Path, db: Database, expected: dict[str, int]) -> None:
    """pg_restore's script, then a check of every table's count, in one transaction of psql."""
    for tool in ("pg_restore", "psql"):
        if shutil.which(tool) is None:
            raise HoeringError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    url, env = libpq_url(db)
    check = ["RESET search_path;", "DO $check$ DECLARE n bigint; BEGIN"]
    for name, count in sorted(expected.items()):
        check.append(f'  SELECT count(*) INTO n FROM "{name}"; IF n <> {int(count)} THEN RAISE EXCEPTION '
                     f"'restored table {name} has % rows, the backup {int(count)}', n; END IF;")
    check.append("END $check$;")
    with tempfile.TemporaryDirectory(prefix="hoering-restore-") as tmp:
        checks, errors = Path(tmp) / "check.sql", Path(tmp) / "pg_restore.err"
        checks.write_text("\n".join(check) + "\n")
        with errors.open("wb") as err:
            script = subprocess.Popen(["pg_restore", "--no-owner", "--no-privileges", "--file=-", str(dump)],
                                      stdout=subprocess.PIPE, stderr=err, env=env)
            assert script.stdout is not None
            loaded = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
                                     f"--dbname={url}", "-f", "-", "-f", str(checks)],
                                    stdin=script.stdout, capture_output=True, text=True, env=env)
            script.stdout.close()
            script.wait()
        if script.returncode != 0:
            last = errors.read_text(errors="replace").strip().splitlines()
            raise HoeringError(f"pg_restore failed: {last[-1] if last else f'exit {script.returncode}'}; "
                               "nothing was restored")
        if loaded.returncode != 0:
            lines = [ln for ln in loaded.stderr.strip().splitlines() if "ERROR" in ln] or \
                loaded.stderr.strip().splitlines() or [f"exit {loaded.returncode}"]
            raise HoeringError(f"restore failed: {lines[0]}; nothing was restored (the database is as it was)")


def _restore_sqlite(dump: Path, db: Database, expected: dict[str, int]) -> None:
    """Into a scratch file beside the target, checked, then renamed into place."""
    path = make_url(db.url).database
    assert path
    db.engine.dispose()
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_name(target.name + ".restoring")
    scratch.unlink(missing_ok=True)
    try:
        _sqlite_copy(dump, scratch)
        _, counts = _sqlite_state(scratch)
        if wrong := _differs(counts, expected):
            raise HoeringError(f"the backup's database does not hold what its manifest says ({wrong}); "
                               "nothing was restored")
        for suffix in ("-wal", "-shm", "-journal"):  # the empty database's, never to be replayed
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(scratch, target)
    finally:
        scratch.unlink(missing_ok=True)


def _copy_sqlite_into(dump: Path, db: Database, expected: dict[str, int]) -> None:
    """SQLite backup → an empty PostgreSQL database, in one transaction: the schema by the
    migrations (the backup is migrated to the newest revision first, in a scratch copy), every
    row, the sequences, and a check of every table's count."""
    scratch = dump.with_name(dump.name + ".restoring")
    shutil.copyfile(dump, scratch)
    source = Database(f"sqlite:///{scratch}")
    try:
        _, counts = _sqlite_state(scratch)
        if wrong := _differs(counts, expected):
            raise HoeringError(f"the backup's database does not hold what its manifest says ({wrong}); "
                               "nothing was restored")
        upgrade(source)
        with source.engine.connect() as src, db.engine.begin() as dst:
            upgrade_in(db, dst)
            for table in reversed(Base.metadata.sorted_tables):  # rows the migrations seeded (audit_head)
                if dst.scalar(select(func.count()).select_from(table)):
                    dst.execute(table.delete())
            for table in Base.metadata.sorted_tables:
                rows = [dict(r._mapping) for r in src.execute(select(table))]
                for start in range(0, len(rows), 500):
                    dst.execute(table.insert(), rows[start:start + 500])
            for table in Base.metadata.sorted_tables:
                _set_sequence(dst, table)
            if wrong := _differs(_counts(dst), _counts(src)):
                raise HoeringError(f"copied table sizes differ ({wrong}); nothing was restored")
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
