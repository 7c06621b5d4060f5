"""Personal data (GDPR): what is held about a person, erasing it, and the retention rules.

A person is found by address or by the name the registry has for them; a value holds them when
it does so *read as its reader would read it*: mail decoded (RFC 2047 headers, quoted-printable
and base64 bodies, attachments), files unpacked (DOCX, PDF text): ``services.personal_copies``.

``privacy_report`` answers an access request: every row, in every table, that holds the
person's address or name, counted per table and column, the files among them by name, and
(``export_report``) a ZIP with those rows as JSON and the files and mails themselves.

``erase_person`` makes the address (and the person's name) appear in no column of any table:

- where the journal must keep the record (offentlighedsloven §15: the mails sent and received,
  the answers, the audit log) the address and name are replaced by a pseudonym
  (``slettet-<10 hex>@pseudonym.invalid`` / ``Slettet person <10 hex>``, derived from the secret
  key so the same person always gets the same pseudonym); the documents keep their length, so a
  PDF's offsets stay valid;
- a stored mail is rewritten decoded (headers and text parts), and a file that names the person
  (an uploaded answer file, a mail's attachment) is replaced by a tombstone naming what was there
  and why;
- elsewhere it is deleted: the person's seats in bodies, undeliverable marks, open answer links
  (revoked), and the registry row is deactivated under the pseudonym;
- outside the database (``services.privacy_outside``): their messages are deleted on the IMAP
  server; copies under HOERING_HOME (journal exports, backups) make the erasure refuse, naming
  each, before anything is changed.

Every table's text, JSON and binary columns are searched, not a list of known places, so a
table added later is covered too. The audit log's append-only triggers are lifted inside the
erasing transaction only, and the erasure is itself audited (``privacy.erased``, naming the
pseudonymised audit rows and answers by id). Its entry re-seals every row of the audit chain's
tables (``db.seals``) it rewrote, as rewritten, provided the row held what the chain vouched for
until then: ``hoering audit verify`` checks the pseudonymised rows as strictly as any other.
The stored result of a closed hearing is not recomputed: the tally does not change.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, LargeBinary, String, Table, Text, cast, func, inspect, or_, select, text, update
from sqlalchemy.orm import Session

from hoering import audit
from hoering.db.inbox import InboxMessage
from hoering.db.links import revoke_tokens
from hoering.db.models import Base  # every table registered, so every table is searched
from hoering.db.outbox import OutboxMessage
from hoering.db.registry import BodyMember, Person
from hoering.errors import HoeringError, NotFoundError
from hoering.runtime import Runtime
from hoering.services.audit_verify import resealing
from hoering.services.personal_copies import (
    TOMBSTONE_TYPE,
    Replacements,
    is_file,
    is_mail,
    mentions,
    replace_text,
    scrub_mail,
    tombstone,
)
from hoering.services.privacy_outside import ERASURES, copies_in_home, delete_from_mailbox, erasures, remember_erasure

AUDIT_TABLE = "audit_log"


@dataclass
class ErasureReport:
    pseudonym: str
    rows: Counter[str] = field(default_factory=Counter)  # "table.column" -> rows changed
    deleted: Counter[str] = field(default_factory=Counter)
    audit_ids: list[int] = field(default_factory=list)
    answer_ids: list[int] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # file names now tombstones
    mailbox_deleted: int = 0  # messages deleted on the IMAP server


def pseudonym_for(rt: Runtime, email: str) -> tuple[str, str]:
    tag = hmac.new(rt.secret, f"privacy:{email.lower()}".encode(), hashlib.sha256).hexdigest()[:10]
    return f"slettet-{tag}@pseudonym.invalid", f"Slettet person {tag}"


def _searchable(table: Table) -> list[Any]:
    return [c for c in table.columns if isinstance(c.type, (String, Text, JSON, LargeBinary))
            or isinstance(getattr(c.type, "impl", None), (String, Text, JSON, LargeBinary))]


def _is_binary(column: Any) -> bool:
    return isinstance(column.type, LargeBinary)


# A text column may hold a whole mail, where the person hides in encoded words and bodies: such
# values are read decoded; plain text is found by the database (LIKE), binary values read in full.
_ENCODED_TEXT = ("%=?%?=%", "%content-transfer-encoding:%")


def _matches(s: Session, table: Table, needles: list[str]) -> list[Any]:
    """Rows of ``table`` that may hold a needle: a text column containing it (case-insensitive)
    or holding encoded mail, or a binary column (mail and files, read in Python by the caller)."""
    conditions: list[Any] = []
    for column in _searchable(table):
        if _is_binary(column):
            conditions.append(column.is_not(None))
            continue
        lowered = func.lower(cast(column, Text))
        conditions += [lowered.like(f"%{needle.lower()}%") for needle in needles]
        conditions += [lowered.like(pattern) for pattern in _ENCODED_TEXT]
    if not conditions:
        return []
    return list(s.execute(select(table).where(or_(*conditions))).yield_per(200))


def _find_person(s: Session, who: str) -> tuple[Person | None, list[str]]:
    """The registry's person for an address or a name, and what to search for (address, name)."""
    who = who.strip()
    if not who:
        raise HoeringError("give the person's e-mail address or name")
    if "@" in who:
        person = s.scalar(select(Person).where(func.lower(Person.email) == who.lower()))
    else:
        people = list(s.scalars(select(Person).where(func.lower(Person.name) == who.lower())))
        if len(people) > 1:
            raise HoeringError(f"{len(people)} people are named {who!r} ({', '.join(p.email for p in people)}): "
                               "give the address")
        person = people[0] if people else None
    if person is None:
        return None, [who]
    needles = [person.email]
    if person.name and len(person.name) >= 6:
        needles.append(person.name)
    return person, needles


def _held(s: Session, needles: list[str]) -> Iterator[tuple[Table, Any, list[str]]]:
    """(table, row, columns holding a needle) of every row that holds the person."""
    for table in Base.metadata.sorted_tables:
        if table.name not in _tables(s):
            continue
        for row in _matches(s, table, needles):
            columns = [c.name for c in _searchable(table)
                       if row._mapping[c.name] is not None and _contains(row._mapping[c.name], needles)]
            if columns:
                yield table, row, columns


def privacy_report(rt: Runtime, who: str) -> dict[str, Any]:
    """What is held about a person (by address or registry name): the registry entry, every
    place the address or name appears (mail decoded, files read), and the files by name."""
    with rt.db.read() as s:
        person, needles = _find_person(s, who)
        places: Counter[str] = Counter()
        files: list[str] = []
        for table, row, columns in _held(s, needles):
            for column in columns:
                places[f"{table.name}.{column}"] += 1
            if table.name == "document":
                files.append(row._mapping["filename"])
        registry = None if person is None else {
            "id": person.id, "name": person.name, "email": person.email, "role": person.role,
            "kommune": person.kommune.display_name if person.kommune else None, "active": person.active,
            "bodies": [m.body.name for m in s.scalars(select(BodyMember).where(BodyMember.person_id == person.id))]}
    if registry is None and not places:
        raise NotFoundError(f"nothing is held about {who.strip()}")
    return {"person": who.strip(), "searched_for": needles, "registry": registry,
            "places": dict(sorted(places.items())), "rows": sum(places.values()), "files": sorted(files)}


def export_report(rt: Runtime, who: str, target: Path) -> dict[str, Any]:
    """An access request's answer: a ZIP with the report (``oversigt.json``), every row that holds
    the person as JSON (``rækker/TABLE.json``) and the files and mails themselves (``filer/``)."""
    summary = privacy_report(rt, who)
    tables: dict[str, list[dict[str, Any]]] = {}
    target.parent.mkdir(parents=True, exist_ok=True)
    with rt.db.read() as s, zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for table, row, _ in _held(s, summary["searched_for"]):
            values: dict[str, Any] = {}
            for column, value in row._mapping.items():
                if isinstance(value, (bytes, bytearray, memoryview)) or (isinstance(value, str) and is_mail(
                        value[:20000].encode())):
                    name = _export_name(table.name, row._mapping, column, value)
                    z.writestr(f"filer/{name}", bytes(value) if not isinstance(value, str) else value.encode())
                    values[column] = {"fil": f"filer/{name}"}
                else:
                    values[column] = value.isoformat() if isinstance(value, datetime) else value
            tables.setdefault(table.name, []).append(values)
        for name, rows in tables.items():
            z.writestr(f"rækker/{name}.json", json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        z.writestr("oversigt.json", json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    return summary


def _export_name(table: str, row: Any, column: str, value: Any) -> str:
    ident = "-".join(str(row[k]) for k in ("id", "outbox_id") if k in row) or "x"
    if table == "document":
        return f"dokument-{ident}-{re.sub(r'[^A-Za-z0-9æøåÆØÅ._-]+', '_', str(row['filename']))}"
    data = bytes(value) if not isinstance(value, str) else value.encode()
    ext = "eml" if is_mail(data[:20000]) else "bin"
    return f"{table}-{ident}-{column}.{ext}"


def erase_person(rt: Runtime, who: str, *, actor: str = "sekretariatet") -> ErasureReport:
    """Erase a person (by address, or by the registry's name for them) everywhere; refuses, having
    changed nothing, while copies under HOERING_HOME hold them (:func:`copies_in_home`)."""
    with rt.db.read() as s:
        person, needles = _find_person(s, who)
        message_ids = [m for m, raw in s.execute(select(InboxMessage.message_id, InboxMessage.raw))
                       if m and _contains(raw, needles)]
        email = person.email if person is not None else who.strip()
    if "@" not in email:
        raise HoeringError(f"nobody in the registry is named {email!r}: give the e-mail address")
    left = copies_in_home(rt, needles)
    if left:
        raise HoeringError(
            f"{email} is still in {len(left)} file(s) under {rt.settings.home} that hoering cannot edit: "
            f"{', '.join(left)}. Delete them by hand (a journal export belongs in the ESDH system; backups "
            "belong outside HOERING_HOME, where `hoering backup DIR --keep N` expires them), then erase again. "
            "Nothing was changed.")
    pseudo_mail, pseudo_name = pseudonym_for(rt, email)
    report = ErasureReport(pseudonym=pseudo_mail)
    # the server's copies first: if the mailbox cannot be reached, nothing is changed and a retry is whole
    report.mailbox_deleted = delete_from_mailbox(rt, message_ids=message_ids, addresses=[email])
    now = rt.now()
    with rt.db.transaction() as s:
        if not rt.db.is_postgres:  # SQLite: overwrite what the erasure frees, not just unlink it
            s.execute(text("PRAGMA secure_delete = ON"))
        person = s.scalar(select(Person).where(func.lower(Person.email) == email.lower()))
        replacements = [(email, pseudo_mail)]
        if person is not None:
            if person.name and len(person.name) >= 6:
                replacements.append((person.name, pseudo_name))
            report.deleted["body_member"] = _delete(s, BodyMember.__table__, BodyMember.person_id == person.id)
            if "undeliverable_contact" in _tables(s):
                table = Base.metadata.tables["undeliverable_contact"]
                report.deleted["undeliverable_contact"] = _delete(s, table, table.c.person_id == person.id)
            revoke_tokens(s, person.id, now=now)  # ORM changes: sealed into the chain at commit
            person.active = False
        s.flush()
        with _audit_writable(s):
            for table in Base.metadata.sorted_tables:
                if table.name not in _tables(s):
                    continue
                _scrub_table(s, table, replacements, report, now=now)
        if not report.rows and person is None:
            raise NotFoundError(f"nothing is held about {email}")
        audit.record(s, at=now, actor=actor, action="privacy.erased", entity="person",
                     entity_id=person.id if person is not None else None, pseudonym=pseudo_mail,
                     audit=sorted(report.audit_ids), answer=sorted(report.answer_ids),
                     tables=dict(sorted(report.rows.items())), deleted={k: v for k, v in report.deleted.items() if v},
                     files=len(report.files), mailbox=report.mailbox_deleted)
    remember_erasure(rt.settings.home, pseudo_mail)
    return report


def reapply_erasures(rt: Runtime) -> list[str]:
    """After a restore: everyone in the register (``HOERING_HOME/erasures.txt``) whom the restored
    database still holds is erased again; returns their pseudonyms. A backup keeps what it held,
    so a backup older than an erasure brings the person back until this has run."""
    register = erasures(rt.settings.home / ERASURES)
    if not register:
        return []
    with rt.db.read() as s:
        addresses = {a for query in (select(Person.email), select(OutboxMessage.to_addr),
                                     select(InboxMessage.from_addr)) for a in s.scalars(query)
                     if a and "@" in a and not a.endswith("@pseudonym.invalid")}
    due = sorted({a.lower() for a in addresses if pseudonym_for(rt, a)[0] in register})
    failed: list[str] = []
    for address in due:
        try:
            erase_person(rt, address, actor="restore")
        except HoeringError as exc:
            failed.append(f"{pseudonym_for(rt, address)[0]}: {exc}")
    if failed:
        raise HoeringError(f"restored, but {len(failed)} person(s) erased before could not be erased again: "
                           f"{'; '.join(failed)}. Erase them with `hoering privacy erase` once that is fixed.")
    return [pseudonym_for(rt, a)[0] for a in due]


def _scrub_table(s: Session, table: Table, replacements: Replacements, report: ErasureReport, *,
                 now: datetime) -> None:
    pk = list(table.primary_key.columns)
    needles = [old for old, _ in replacements]
    matched = list(_matches(s, table, needles))
    # the audit chain's rows are re-sealed as rewritten, if they held until now (never exempted)
    reseal = resealing(s, table.name, [int(row._mapping["id"]) for row in matched] if "id" in table.c else [])
    for row in matched:
        values: dict[str, Any] = {}
        for column in _searchable(table):
            value = row._mapping[column.name]
            if value is None or not _contains(value, needles):
                continue
            if _is_binary(column) and is_file(bytes(value)):
                values.update(_tombstone_values(table, row._mapping, column.name, bytes(value), replacements,
                                                pseudonym=report.pseudonym, now=now))
                report.files.append(str(row._mapping.get("filename", column.name)))
            else:
                values[column.name] = _replace(value, replacements, binary=_is_binary(column),
                                               pseudonym=report.pseudonym, now=now)
            report.rows[f"{table.name}.{column.name}"] += 1
        if not values:
            continue
        if table.name == "document" and "content" in values:
            values["sha256"] = hashlib.sha256(values["content"]).hexdigest()
        where = [c == row._mapping[c.name] for c in pk]
        s.execute(update(table).where(*where).values(**values))
        if table.name == AUDIT_TABLE:
            report.audit_ids.append(int(row._mapping["id"]))
        if table.name == "answer":
            report.answer_ids.append(int(row._mapping["id"]))
    reseal()


def _contains(value: Any, needles: list[str]) -> bool:
    return mentions(value, needles)


def _tombstone_values(table: Table, row: Any, column: str, data: bytes, replacements: Replacements, *,
                      pseudonym: str, now: datetime) -> dict[str, Any]:
    """A stored file that names the person, replaced whole by a tombstone (and, in the document
    store, described as what it now is)."""
    filename = replace_text(str(row.get("filename") or "fil"), replacements)
    stone = tombstone(filename=filename, kind=str(row.get("kind") or ""), size=len(data),
                      stored_at=row.get("stored_at"), pseudonym=pseudonym, now=now,
                      reference=f"dokument nr. {row.get('id')}" if "id" in row else "")
    values: dict[str, Any] = {column: stone}
    for name, value in (("size", len(stone)), ("kind", TOMBSTONE_TYPE.key), ("mime_type", TOMBSTONE_TYPE.mime_type)):
        if name in table.c:
            values[name] = value
    return values


def _replace(value: Any, replacements: Replacements, *, binary: bool, pseudonym: str, now: datetime) -> Any:
    if isinstance(value, str) and is_mail(value[:20000].encode()):
        return scrub_mail(value.encode(), replacements, pseudonym=pseudonym, now=now).decode("utf-8", "replace")
    if isinstance(value, (bytes, bytearray, memoryview)) or binary:
        data = bytes(value)
        if is_mail(data):
            return scrub_mail(data, replacements, pseudonym=pseudonym, now=now)
        for old, new in replacements:
            # same length, so offsets inside a file (a PDF's xref) stay right
            same = (new.encode() * (len(old.encode()) // len(new.encode()) + 1))[:len(old.encode())]
            data = re.sub(re.escape(old.encode()), same, data, flags=re.I)
        return data
    if isinstance(value, str):
        for old, new in replacements:
            value = re.sub(re.escape(old), new, value, flags=re.I)
        return value
    if isinstance(value, dict):
        return {_replace(k, replacements, binary=False, pseudonym=pseudonym, now=now):
                _replace(v, replacements, binary=False, pseudonym=pseudonym, now=now) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, replacements, binary=False, pseudonym=pseudonym, now=now) for v in value]
    return value


def _delete(s: Session, table: Any, where: Any) -> int:
    result = s.execute(table.delete().where(where))
    return int(getattr(result, "rowcount", 0) or 0)


def _tables(s: Session) -> set[str]:
    key = "hoering_privacy_tables"
    if key not in s.info:
        s.info[key] = set(inspect(s.connection()).get_table_names())
    return s.info[key]  # type: ignore[no-any-return]


class _audit_writable:
    """Lift the audit log's append-only triggers for this transaction only (they are back, in
    the same transaction, before it commits; DDL is transactional on SQLite and PostgreSQL)."""

    def __init__(self, s: Session) -> None:
        self.s = s
        self.postgres = s.get_bind().dialect.name == "postgresql"

    def __enter__(self) -> None:
        if self.postgres:
            self.s.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        else:
            self.s.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))

    def __exit__(self, *exc: object) -> None:
        if self.postgres:
            self.s.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
        else:
            self.s.execute(text("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"))
