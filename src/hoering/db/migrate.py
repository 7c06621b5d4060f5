"""Apply the Alembic migrations (``hoering init`` calls this)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from hoering.db.schema_version import revisions
from hoering.db.session import Database

__all__ = ["alembic_config", "revisions", "upgrade"]

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(db: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return config


def upgrade(db: Database) -> None:
    """Bring the schema to the newest revision; a no-op when it is there already."""
    config = alembic_config(db)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
