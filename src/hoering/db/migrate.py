"""Apply the Alembic migrations (``hoering init`` calls this)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

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
    """Bring the schema to the newest revision; a no-op when it is there already."""
    with db.engine.begin() as connection:
        upgrade_in(db, connection)


def upgrade_in(db: Database, connection: Connection) -> None:
    """The same in the caller's transaction (which commits it, or rolls it all back)."""
    config = alembic_config(db)
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
