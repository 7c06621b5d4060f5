"""Which rows the audit chain vouches for, and the digest of each (its *seal*).

The høringsnotat, a hearing's result and who may do what are built from more than the audit log:
the hearing and whom it asked, the answer links and whether they are revoked, every answer
version with its files, the secretariat's responses, the stored result, the console's accounts
and roles. Each of those rows is *sealed*: when a transaction that changed it commits, the
SHA-256 of its columns (listed here, per table) goes into that transaction's audit entry
(``audit_log.seals``, ``{table: {id: digest}}``, covered by the entry's hash; ``db.audit``).
The newest seal of a row is what ``hoering audit verify`` expects the row to hold: a row without
one was inserted past the application, a row that differs was changed, a seal without its row
means the row was deleted.

What is sealed, and how the rows get there:

* ORM changes need nothing from the caller: a flush notes every new, changed or deleted object of
  a sealed table (an ``answer_file`` notes its answer), and the commit digests those rows as the
  database then holds them.
* Core statements on a sealed table (recording an answer, erasure) name the rows they wrote with
  :func:`mark_rows`, or pass a digest they computed with :func:`stage_digest` (the answer's hot
  path, which knows every value without reading it back).

An answer's seal covers its files (position, name, document id); a document's seal covers its
``sha256``, and verify checks the stored bytes against that hash. ``audit_log`` rows themselves
are sealed only where the chain cannot cover them: an entry's pseudonymised personal fields
(``privacy erase`` re-seals them) and entries from before the chain (sealed once on upgrade).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, Table, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import InstanceState, Session

from hoering.db.base import Base
from hoering.db.documents import AnswerFile, Document, HearingBilag, HearingResponse
from hoering.db.hearings import Answer, AnswerToken, Hearing, HearingRecipient
from hoering.db.results import HearingResultRow
from hoering.db.users import ConsoleUser

AUDIT = "audit_log"

#: the sealed tables and the columns their digest covers (an explicit list: a column added later
#: must not change the digest of rows sealed before it)
COLUMNS: dict[str, tuple[str, ...]] = {
    "hearing": ("id", "title", "body_id", "kind", "status", "definition", "deadline", "deadline_version",
                "opened_at", "closed_at", "opened_by"),
    "hearing_recipient": ("id", "hearing_id", "kommune_id"),
    "hearing_bilag": ("id", "hearing_id", "number", "title", "filename", "document_id"),
    "document": ("id", "sha256", "size", "kind", "mime_type", "filename"),
    "answer_token": ("id", "recipient_id", "person_id", "nonce", "token_hash", "revoked_at"),
    "answer": ("id", "hearing_id", "recipient_id", "version", "option", "text", "comment", "channel",
               "answered_by_person_id", "answered_by", "received_at", "late"),
    "hearing_response": ("id", "hearing_id", "recipient_id", "version", "stance", "text", "responded_at",
                         "responded_by"),
    "hearing_result": ("id", "hearing_id", "version", "created_at", "created_by", "forced", "payload"),
    "console_user": ("id", "email", "name", "role", "password_hash", "api_token_hash", "active", "created_at",
                     "disabled_at", "totp_secret", "totp_enrolled_at", "oidc_subject"),
}
_CLASSES: dict[type, str] = {Hearing: "hearing", HearingRecipient: "hearing_recipient", HearingBilag: "hearing_bilag",
                             Document: "document", AnswerToken: "answer_token", Answer: "answer",
                             HearingResponse: "hearing_response", HearingResultRow: "hearing_result",
                             ConsoleUser: "console_user"}
DIRTY = "hoering_seal_dirty"  # session.info: {table: {ids}} to digest at commit
DIGESTS = "hoering_seal_digests"  # session.info: {table: {id: digest}} computed by the caller

Files = list[tuple[int, str, int]]  # an answer's files: (position, filename, document id)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        value = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    return value


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def row_digest(table: str, row: Mapping[str, Any] | RowMapping, files: Files | None = None) -> str:
    """The seal of one row of ``table`` (``files``: an answer's, by position)."""
    values = [_plain(row[name]) for name in COLUMNS[table]]
    if table == "answer":
        values.append([list(f) for f in sorted(files or [])])
    return _digest([table, values])


def audit_row_digest(row: Mapping[str, Any] | RowMapping) -> str:
    """The seal of an audit entry's own row (its personal fields re-sealed after erasure, or an
    entry from before the chain)."""
    return _digest([AUDIT, [_plain(row["at"]), row["actor"], row["action"], row["hearing_id"], row["entity"],
                            row["entity_id"], row["details"]]])


def mark_rows(s: Session, table: str, ids: Iterable[int]) -> None:
    """Seal these rows of ``table`` (written with Core statements) when ``s`` commits."""
    if table in COLUMNS or table == AUDIT:
        s.info.setdefault(DIRTY, defaultdict(set))[table].update(ids)


def mark_existing(s: Session) -> dict[str, int]:
    """Seal every row of the sealed tables, and the audit entries from before the chain: once,
    when a database written before rows were sealed is upgraded (``db.migrate``)."""
    conn = s.connection()
    counts = {}
    for table in COLUMNS:
        ids = list(conn.scalars(select(Base.metadata.tables[table].c.id)))
        mark_rows(s, table, ids)
        counts[table] = len(ids)
    log = Base.metadata.tables[AUDIT]
    ids = list(conn.scalars(select(log.c.id).where(log.c.seq.is_(None))))
    mark_rows(s, AUDIT, ids)
    counts[AUDIT] = len(ids)
    return counts


def owners(conn: Connection, table: str, ids: list[int]) -> tuple[str, list[int]]:
    """The sealed rows that cover these rows of ``table``: themselves, or an answer file's answer."""
    if table == "answer_file":
        f = AnswerFile.__table__.c
        return "answer", sorted(set(conn.scalars(select(f.answer_id).where(f.id.in_(ids)))))
    return table, ids


def stage_digest(s: Session, table: str, ident: int, digest: str) -> None:
    """Seal a row whose digest the caller computed (``row_digest``) when ``s`` commits."""
    s.info.setdefault(DIGESTS, {}).setdefault(table, {})[str(ident)] = digest


def note_flushed(s: Session) -> None:
    """After a flush: note the sealed rows it wrote (``session.new``/``dirty``/``deleted`` still
    hold what was flushed, and the attributes their history). A changed row is noted only when
    a sealed column changed (a sign-in's replay counter on ``console_user`` is not sealed)."""
    for obj in (*s.new, *s.dirty, *s.deleted):
        table = _CLASSES.get(type(obj))
        if table is None and isinstance(obj, AnswerFile):
            table, ident = "answer", obj.answer_id
        elif table is None:
            continue
        else:
            ident = obj.id
            if obj in s.dirty and not _sealed_column_changed(obj, table):
                continue
        if ident is not None:
            s.info.setdefault(DIRTY, defaultdict(set))[table].add(ident)


def _sealed_column_changed(obj: object, table: str) -> bool:
    state: InstanceState[Any] = sa_inspect(obj, raiseerr=True)
    attrs = state.attrs
    return any(name in attrs and attrs[name].history.has_changes() for name in COLUMNS[table])


def pending(s: Session) -> bool:
    return bool(s.info.get(DIRTY) or s.info.get(DIGESTS))


def take(s: Session, conn: Connection) -> dict[str, dict[str, str | None]]:
    """The seals of this transaction (``None``: the row was deleted), computed from the rows as
    the transaction leaves them."""
    seals: dict[str, dict[str, str | None]] = {}
    for table, ids in s.info.pop(DIRTY, {}).items():
        found = {ident: digest for ident, digest, _ in current_digests(conn, table, sorted(ids))}
        seals[table] = {str(i): found.get(i) for i in sorted(ids)}
    for table, digests in s.info.pop(DIGESTS, {}).items():
        seals.setdefault(table, {}).update(digests)
    return seals


def current_digests(conn: Connection, table: str,
                    ids: list[int] | None = None) -> Iterator[tuple[int, str, RowMapping]]:
    """(id, digest, row) of the rows of ``table`` (those in ``ids``, or all), as they are now."""
    t: Table = Base.metadata.tables[table]
    chunks = [ids[i:i + 500] for i in range(0, len(ids), 500)] if ids is not None else [None]
    for chunk in chunks:
        where = [] if chunk is None else [t.c.id.in_(chunk)]
        if table == AUDIT:
            for row in conn.execute(select(t).where(*where)).mappings():
                yield row["id"], audit_row_digest(row), row
            continue
        files: dict[int, Files] = defaultdict(list)
        if table == "answer":
            f = AnswerFile.__table__.c
            fq = select(f.answer_id, f.position, f.filename, f.document_id)
            for r in conn.execute(fq.where(f.answer_id.in_(chunk)) if chunk is not None else fq):
                files[r.answer_id].append((r.position, r.filename, r.document_id))
        for row in conn.execute(select(*(t.c[name] for name in COLUMNS[table])).where(*where)).mappings():
            yield row["id"], row_digest(table, row, files.get(row["id"]) if table == "answer" else None), row
