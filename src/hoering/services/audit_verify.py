"""``hoering audit verify``: does the audit log still hold, and does every row it vouches for?

Walks the chain (``db.audit``) in ``seq`` order and reports, in that order:

* an entry whose fields no longer give its ``entry_hash`` (edited), or whose ``actor``/``details``
  no longer give its ``content_digest`` and were not re-sealed so by a later erasure (edited);
* a ``seq`` that is missing or a ``prev_hash`` that does not follow (deleted, or inserted);
* ``audit_head`` behind or ahead of the newest entry, or with a wrong MAC (newest rows deleted);
* with an anchor (``hoering audit anchor``, kept outside the database): a log that no longer
  reaches the anchored entry, or holds another one at its ``seq`` (the end cut off and an older
  head put back: nothing inside the database can show that);
* an entry without a seal of its own (``seq``) that no seal vouches for: written past the
  application, whatever its id (entries from before the chain were sealed on upgrade);

then every row of the sealed tables (``db.seals``) against its newest seal: changed, deleted, or
present without one (forged), and every sealed document's bytes against its SHA-256.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, RowMapping, select
from sqlalchemy.orm import Session

from hoering.db.audit import GENESIS, AuditEntry, AuditHead, content_digest, entry_hash, head_mac
from hoering.db.documents import Document
from hoering.db.seals import AUDIT, COLUMNS, audit_row_digest, current_digests, mark_rows, owners
from hoering.errors import AuditError
from hoering.runtime import Runtime

# table -> id -> (digest or None for a deleted row, the id of the entry holding the newest seal, its seq)
Seals = dict[str, dict[int, tuple[str | None, int, int]]]
_NEWEST = "hoering_newest_seals"  # session.info: the chain's newest seals, read once per unit of work
_ANCHOR = re.compile(r"seq=(\d+)\s+hash=([0-9a-f]{64})")


@dataclass(frozen=True)
class Anchor:
    """The chain's head at one moment, kept by the operator outside the database."""

    seq: int
    entry_hash: str

    def line(self) -> str:
        return f"hoering audit anchor: seq={self.seq} hash={self.entry_hash}"

    @classmethod
    def read(cls, path: Path) -> Anchor:
        try:
            found = _ANCHOR.search(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise AuditError(f"ankeret {path} kan ikke læses: {exc}") from None
        if found is None:
            raise AuditError(f"{path} er ikke et anker fra `hoering audit anchor` (seq=… hash=…)")
        return cls(int(found.group(1)), found.group(2))


def anchor_of(rt: Runtime) -> Anchor:
    """The head of the chain now, once its MAC and its entry hold."""
    key = rt.audit_key()
    with rt.db.read() as s:
        head = s.get(AuditHead, 1)
        if head is None:
            raise AuditError("audit_head mangler: kør `hoering init`")
        if head.seq and not hmac.compare_digest(head.mac, head_mac(key, head.seq, head.entry_hash)):
            raise AuditError("audit_head er ændret (dens MAC passer ikke): kør `hoering audit verify`")
        newest = s.scalar(select(AuditEntry.entry_hash).where(AuditEntry.seq == head.seq)) if head.seq else GENESIS
        if newest != head.entry_hash:
            raise AuditError(f"audit_head peger på seq {head.seq}, som loggen ikke har: kør `hoering audit verify`")
        return Anchor(head.seq, head.entry_hash)


def verify_audit(rt: Runtime, *, anchor: Anchor | None = None) -> list[str]:
    """One line per problem, the first found first; empty when the chain and its rows hold."""
    key = rt.audit_key()
    seals: Seals = {}
    with rt.db.read() as s:
        problems = list(_chain(s, key, seals, anchor))
        conn = s.connection()
        problems += _unsealed_entries(conn, seals.get(AUDIT, {}))
        for table in COLUMNS:
            problems += _rows(conn, table, seals.get(table, {}))
        problems += _documents(conn)
    return problems


def rows_intact(s: Session, table: str, ids: list[int]) -> list[int]:
    """Those of ``ids`` that still hold what the chain last sealed: a process that rewrites sealed
    rows (erasure) re-seals only these, so it never vouches for a row changed before it."""
    if not ids or (table not in COLUMNS and table != AUDIT):
        return []
    if _NEWEST not in s.info:
        log = AuditEntry.__table__
        newest: Seals = {}
        for ident, seq, sealed in s.execute(select(log.c.id, log.c.seq, log.c.seals)
                                            .where(log.c.seals.is_not(None)).order_by(log.c.seq)):
            for name, digests in sealed.items():
                for row, digest in digests.items():
                    newest.setdefault(name, {})[int(row)] = (digest, ident, seq)
        s.info[_NEWEST] = newest
    sealed_now = s.info[_NEWEST].get(table, {})
    intact = []
    for ident, digest, row in current_digests(s.connection(), table, ids):
        seal = sealed_now.get(ident)
        if seal is not None:
            if seal[0] == digest:
                intact.append(ident)
        elif table == AUDIT and row["seq"] is not None \
                and row["content_digest"] == content_digest(row["actor"], row["details"]):
            intact.append(ident)
    return intact


def resealing(s: Session, table: str, ids: list[int]) -> Callable[[], None]:
    """Before rows of ``table`` are rewritten with Core statements (erasure): call the returned
    function after the rewrite, and those of the rows that held what the chain vouched for until
    now are re-sealed as rewritten when ``s`` commits (an answer file's rewrite re-seals its
    answer). Rows of tables the chain does not seal are left alone."""
    owner, owned = owners(s.connection(), table, ids) if ids else (table, [])
    intact = rows_intact(s, owner, owned)
    return lambda: mark_rows(s, owner, intact)


def _chain(s: Session, key: bytes, seals: Seals, anchor: Anchor | None) -> Iterator[str]:
    expected, last = 1, GENESIS
    anchored: str | None = None
    edited: list[tuple[AuditEntry, str, str]] = []  # content that differs from its content_digest
    rows = s.scalars(select(AuditEntry).where(AuditEntry.seq.is_not(None)).order_by(AuditEntry.seq))
    for e in rows.yield_per(1000):
        name = f"audit entry #{e.id} (seq {e.seq}, {e.action})"
        assert e.seq is not None
        if e.seq != expected:
            yield (f"audit entries seq {expected}–{e.seq - 1} are missing before {name}: deleted"
                   if e.seq > expected else f"{name} repeats seq {e.seq}: forged")
        elif e.prev_hash != last:
            yield f"{name} does not follow the entry before it: an entry was deleted or replaced"
        elif not hmac.compare_digest(e.entry_hash or "", entry_hash(key, e, seq=e.seq, prev_hash=last,
                                                                    digest=e.content_digest or "")):
            yield f"{name} was edited, or forged without the key"
        elif e.content_digest != content_digest(e.actor, e.details):
            edited.append((e, name, audit_row_digest(_audit_row(e))))
        for table, sealed in (e.seals or {}).items():
            for ident, digest in sealed.items():
                seals.setdefault(table, {})[int(ident)] = (digest, e.id, e.seq)
        if anchor is not None and e.seq == anchor.seq:
            anchored = e.entry_hash
        expected, last = e.seq + 1, e.entry_hash or ""
    for e, name, digest in edited:  # re-sealed by a later entry (an erasure) as it now reads?
        resealed = seals.get(AUDIT, {}).get(e.id)
        if resealed is None or resealed[2] <= (e.seq or 0) or resealed[0] != digest:
            yield f"{name} was edited: its actor or details changed"
    head = s.get(AuditHead, 1)
    newest = expected - 1
    if head is None:
        yield "audit_head is missing: the end of the chain cannot be checked"
    elif head.seq != newest or head.entry_hash != last:
        yield (f"the newest audit entries after seq {newest} were deleted (the log ended at seq {head.seq})"
               if head.seq > newest else f"audit_head stops at seq {head.seq}, before seq {newest}: edited")
    elif head.seq and not hmac.compare_digest(head.mac, head_mac(key, head.seq, head.entry_hash)):
        yield "audit_head was edited (its MAC does not match)"
    if anchor is not None:
        if newest < anchor.seq:
            yield (f"the log ends at seq {newest}, before the anchor's seq {anchor.seq}: "
                   "its end was cut off (and an older audit_head put back)")
        elif anchored != anchor.entry_hash:
            yield f"audit entry seq {anchor.seq} differs from the anchor: the log was rewritten"


def _audit_row(e: AuditEntry) -> dict[str, object]:
    return {"at": e.at, "actor": e.actor, "action": e.action, "hearing_id": e.hearing_id, "entity": e.entity,
            "entity_id": e.entity_id, "details": e.details}


def _unsealed_entries(conn: Connection, sealed: dict[int, tuple[str | None, int, int]]) -> Iterator[str]:
    """Entries without a ``seq``: only those from before the chain, sealed as they were on upgrade."""
    log = AuditEntry.__table__
    unsealed = list(conn.scalars(select(log.c.id).where(log.c.seq.is_(None))))
    if not unsealed:
        return
    for ident, digest, _ in current_digests(conn, AUDIT, unsealed):
        seal = sealed.get(ident)
        if seal is None:
            yield f"audit entry #{ident} carries no seal: it was written past the application (forged)"
        elif seal[0] != digest:
            yield f"audit entry #{ident} (from before the chain) was edited after it was sealed"


def _name(table: str, ident: int, row: RowMapping) -> str:
    if table == "answer":
        return f"answer {ident} (hearing {row['hearing_id']}, version {row['version']})"
    return f"{table} {ident}"


def _rows(conn: Connection, table: str, sealed: dict[int, tuple[str | None, int, int]]) -> Iterator[str]:
    left = dict(sealed)
    for ident, digest, row in current_digests(conn, table):
        expected, entry, _ = left.pop(ident, (None, 0, 0))
        if expected is None:
            yield f"{_name(table, ident, row)} has no seal in the audit log: inserted past the application (forged)"
        elif not hmac.compare_digest(expected, digest):
            yield f"{_name(table, ident, row)} was changed after it was written (sealed in audit entry #{entry})"
    for ident, (gone, entry, _) in sorted(left.items()):
        if gone is not None:
            yield f"{table} {ident} was deleted (sealed in audit entry #{entry})"


def _documents(conn: Connection) -> Iterator[str]:
    """Each document's bytes against its (sealed) SHA-256, a few documents at a time."""
    doc = Document.__table__
    ids = list(conn.scalars(select(doc.c.id).order_by(doc.c.id)))
    for start in range(0, len(ids), 20):
        for ident, sha, content in conn.execute(select(doc.c.id, doc.c.sha256, doc.c.content)
                                                .where(doc.c.id.in_(ids[start:start + 20]))):
            if hashlib.sha256(bytes(content)).hexdigest() != sha:
                yield f"document {ident}: its bytes were changed (they no longer give its SHA-256)"
