"""Is the schema current? A version read, not an Alembic environment.

Every command start checks the migrations, so this must be cheap: the head revision comes from
the ``revision = "..."`` / ``down_revision = "..."`` lines of the files in ``migrations/versions``
(read as text, never imported), and the database's revision from one ``SELECT`` on
``alembic_version``. Loading Alembic (its script directory, Mako, the DDL implementations) costs
more than the rest of a reading command; ``hoering init`` (``db.migrate``) still uses Alembic
itself, and a test checks that both agree on the head.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from sqlalchemy import inspect, text

from hoering.db.session import Database

VERSIONS = Path(__file__).parent / "migrations" / "versions"
_ASSIGN = re.compile(r'^(revision|down_revision)\s*(?::[^=]*)?=\s*["\']([^"\']+)["\']', re.MULTILINE)


@cache
def _code_revisions() -> tuple[frozenset[str], frozenset[str]]:
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in VERSIONS.glob("*.py"):
        found = {m.group(1): m.group(2) for m in _ASSIGN.finditer(path.read_text(encoding="utf-8"))}
        if "revision" in found:
            revisions.add(found["revision"])
            if "down_revision" in found:
                revised.add(found["down_revision"])
    return frozenset(revisions), frozenset(revisions - revised)


def code_heads() -> frozenset[str]:
    """The head revision(s) of the migration files: revisions no other file revises."""
    return _code_revisions()[1]


def code_revisions() -> frozenset[str]:
    """Every revision the migration files know: a database at any other one is of a newer release."""
    return _code_revisions()[0]


def database_revisions(db: Database) -> set[str]:
    """The revisions the database is at (empty when it was never migrated)."""
    with db.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return set()
        return set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def revisions(db: Database) -> tuple[set[str], set[str]]:
    """(the revisions the database is at, the heads the code knows): equal when migrations are current."""
    return database_revisions(db), set(code_heads())
