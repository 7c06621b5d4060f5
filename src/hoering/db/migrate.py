"""Apply the Alembic migrations (``hoering init`` calls this)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, inspect

from hoering.db.schema_version import revisions
from hoering.db.session import Database

__all__ = ["alembic_config", "revisions", "upgrade", "upgrade_in"]

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(db: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return config


def upgrade(db: Database) -> None:
    """Bring the schema to the newest revision; a no-op when it is there already. A database
    that had rows before the audit chain sealed rows (``db.seals``) has them sealed once, now."""
    with db.engine.begin() as connection:
        unsealed = _before_seals(connection)
        upgrade_in(db, connection)
    if unsealed and db.audit_key is not None:  # a database opened without the key cannot seal
        _seal_existing_rows(db)


def upgrade_in(db: Database, connection: Connection) -> None:
    """The same in the caller's transaction (which commits it, or rolls it all back); rows from
    before the chain sealed rows are left for ``upgrade`` to seal."""
    config = alembic_config(db)
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _before_seals(connection: Connection) -> bool:
    found = inspect(connection)
    return found.has_table("audit_log") and "seals" not in {c["name"] for c in found.get_columns("audit_log")}


def _seal_existing_rows(db: Database) -> None:
    # imported here: only an upgrade across the revision that added seals needs them
    from datetime import UTC, datetime

    from hoering.db.audit import AuditEntry, stage
    from hoering.db.seals import mark_existing

    with db.transaction() as s:
        counts = mark_existing(s)
        stage(s, AuditEntry(at=datetime.now(UTC), actor="hoering init", action="audit.rows_sealed",
                            entity="audit", entity_id=None, hearing_id=None, details={"rows": counts}))
